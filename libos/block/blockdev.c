/* The block-device registry and the checks and synchronous wrapper every
 * caller goes through. Drivers only implement submit (and flush). */
#include <string.h>
#include <abi/errno.h>
#include <block/blockdev.h>
#include <kern/spinlock.h>
#include <sched/sync.h>

/* Protects registry; a leaf lock. */
static struct spinlock registry_lock = SPINLOCK_INIT;
static struct list registry = LIST_INIT(registry);

static struct blockdev *find_locked(const char *name)
{
    spin_assert_held(&registry_lock);
    struct list *pos;
    list_for_each(pos, &registry) {
        struct blockdev *dev = list_entry(pos, struct blockdev, link);
        if (strcmp(dev->name, name) == 0)
            return dev;
    }
    return NULL;
}

int blockdev_register(struct blockdev *dev)
{
    if (!dev || !dev->ops || !dev->ops->submit || dev->name[0] == '\0' ||
        dev->sector_size != BLOCKDEV_SECTOR_SIZE)
        return -EINVAL;
    int rc = 0;
    spin_lock(&registry_lock);
    if (find_locked(dev->name))
        rc = -EEXIST;
    else
        list_push_back(&registry, &dev->link);
    spin_unlock(&registry_lock);
    return rc;
}

void blockdev_unregister(struct blockdev *dev)
{
    spin_lock(&registry_lock);
    list_remove(&dev->link);
    spin_unlock(&registry_lock);
}

struct blockdev *blockdev_find(const char *name)
{
    if (!name)
        return NULL;
    spin_lock(&registry_lock);
    struct blockdev *dev = find_locked(name);
    spin_unlock(&registry_lock);
    return dev;
}

int blockdev_submit(struct blockdev *dev, struct blockdev_request *req)
{
    if (req->count == 0 || req->sector >= dev->sector_count ||
        req->count > dev->sector_count - req->sector)
        return -EINVAL;
    if (req->is_write && dev->is_read_only)
        return -EROFS;
    return dev->ops->submit(dev, req);
}

struct sync_wait {
    struct semaphore done;
    int status;
};

static void sync_done(struct blockdev_request *req, int status)
{
    struct sync_wait *w = req->private_data;
    w->status = status;
    sem_post(&w->done);
}

int blockdev_rw(struct blockdev *dev, bool is_write, uint64_t sector, uint32_t count, void *buf)
{
    struct sync_wait w;
    sem_init(&w.done, 0);
    w.status = 0;
    struct blockdev_request req = {
        .is_write = is_write, .sector = sector, .count = count, .buf = buf,
        .done = sync_done, .private_data = &w,
    };
    list_init(&req.link);
    int rc = blockdev_submit(dev, &req);
    if (rc < 0)
        return rc;
    sem_wait(&w.done, 0);
    return w.status;
}

int blockdev_flush(struct blockdev *dev)
{
    return dev->ops->flush ? dev->ops->flush(dev) : 0;
}
