/* A RAM-backed block device: requests complete at once, in the submitting
 * thread. An injected error range makes chosen sectors fail with -EIO, so
 * tests can check that I/O errors travel up as EIO without a crash. */
#include <string.h>
#include <abi/errno.h>
#include <block/blockdev.h>
#include <kern/spinlock.h>
#include <mm/kmalloc.h>

struct ramdisk {
    struct blockdev dev;
    uint8_t *mem;
    struct spinlock lock;           /* protects the fail_* fields; a leaf */
    uint64_t fail_first, fail_count;
    unsigned fail_ops;
};

static struct ramdisk *ramdisk_of(struct blockdev *dev)
{
    return (struct ramdisk *)dev->driver_data;
}

static int ramdisk_submit(struct blockdev *dev, struct blockdev_request *req)
{
    struct ramdisk *rd = ramdisk_of(dev);
    spin_lock(&rd->lock);
    bool fails = (rd->fail_ops & (req->is_write ? RAMDISK_FAIL_WRITE : RAMDISK_FAIL_READ)) &&
                 req->sector < rd->fail_first + rd->fail_count &&
                 rd->fail_first < req->sector + req->count;
    spin_unlock(&rd->lock);
    if (fails) {
        req->done(req, -EIO);
        return 0;
    }
    uint8_t *at = rd->mem + req->sector * BLOCKDEV_SECTOR_SIZE;
    size_t bytes = (size_t)req->count * BLOCKDEV_SECTOR_SIZE;
    if (req->is_write)
        memcpy(at, req->buf, bytes);
    else
        memcpy(req->buf, at, bytes);
    req->done(req, 0);
    return 0;
}

static const struct blockdev_ops ramdisk_ops = {
    .submit = ramdisk_submit,
};

struct blockdev *ramdisk_create(const char *name, void *mem, uint64_t size_bytes,
                                bool is_read_only)
{
    if (!name || strlen(name) > BLOCKDEV_NAME_MAX || !mem || size_bytes == 0 ||
        size_bytes % BLOCKDEV_SECTOR_SIZE)
        return NULL;
    struct ramdisk *rd = kzalloc(sizeof(*rd));
    if (!rd)
        return NULL;
    memcpy(rd->dev.name, name, strlen(name) + 1);     /* length checked above */
    rd->dev.sector_size = BLOCKDEV_SECTOR_SIZE;
    rd->dev.sector_count = size_bytes / BLOCKDEV_SECTOR_SIZE;
    rd->dev.is_read_only = is_read_only;
    rd->dev.ops = &ramdisk_ops;
    rd->dev.driver_data = rd;
    list_init(&rd->dev.link);
    rd->mem = mem;
    rd->lock = (struct spinlock)SPINLOCK_INIT;
    return &rd->dev;
}

void ramdisk_destroy(struct blockdev *dev)
{
    if (dev)
        kfree(ramdisk_of(dev));
}

void ramdisk_inject_error(struct blockdev *dev, uint64_t first, uint64_t count, unsigned ops)
{
    struct ramdisk *rd = ramdisk_of(dev);
    spin_lock(&rd->lock);
    rd->fail_first = first;
    rd->fail_count = ops ? count : 0;
    rd->fail_ops = count ? ops : 0;
    spin_unlock(&rd->lock);
}
