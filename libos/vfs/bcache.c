/* The block cache (include/vfs/bcache.h). One global pool of fixed-size
 * buffers, a hash table for lookup and an LRU list of unreferenced ones.
 * bcache_lock (a mutex: disk I/O happens under it) protects the table, the
 * list, every buffer's refcount and is_dirty; it sits inside the
 * filesystems' locks in the lock order. Buffer contents are protected by
 * the filesystem that owns the device. */
#include <string.h>
#include <abi/errno.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <sched/sync.h>
#include <vfs/bcache.h>

#define HASH_BUCKETS 256u
#define SYNC_IN_FLIGHT 32u
#define PENDING_ERRORS 8u

static struct mutex bcache_lock;
static bool is_initialised;
static struct spinlock init_lock = SPINLOCK_INIT;
static struct list hash_table[HASH_BUCKETS];
static struct list lru = LIST_INIT(lru);     /* unreferenced, oldest first */
static unsigned buffer_count, buffer_limit = BCACHE_DEFAULT_BUFFERS;
static uint64_t stat_hits, stat_misses, stat_evictions, stat_writebacks;

/* A write-back that failed while evicting: reported by the next sync of
 * that device. */
static struct {
    struct blockdev *dev;
    int error;
} pending_errors[PENDING_ERRORS];

static void bcache_init_once(void)
{
    spin_lock(&init_lock);
    if (!is_initialised) {
        mutex_init(&bcache_lock);
        for (unsigned i = 0; i < HASH_BUCKETS; i++)
            list_init(&hash_table[i]);
        is_initialised = true;
    }
    spin_unlock(&init_lock);
}

static void lock_cache(void)
{
    if (!__atomic_load_n(&is_initialised, __ATOMIC_ACQUIRE))
        bcache_init_once();
    mutex_lock(&bcache_lock);
}

static unsigned bucket_of(struct blockdev *dev, uint64_t blockno)
{
    uint64_t h = blockno * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)dev;
    return (unsigned)(h >> 56) % HASH_BUCKETS;
}

static struct bcache_buf *find(struct blockdev *dev, uint32_t block_size, uint64_t blockno)
{
    struct list *pos;
    list_for_each(pos, &hash_table[bucket_of(dev, blockno)]) {
        struct bcache_buf *b = list_entry(pos, struct bcache_buf, hash_link);
        if (b->dev == dev && b->blockno == blockno && b->block_size == block_size)
            return b;
    }
    return NULL;
}

static void note_error(struct blockdev *dev, int error)
{
    for (unsigned i = 0; i < PENDING_ERRORS; i++) {
        if (pending_errors[i].dev == dev || !pending_errors[i].dev) {
            pending_errors[i].dev = dev;
            if (!pending_errors[i].error)
                pending_errors[i].error = error;
            return;
        }
    }
}

static int take_error(struct blockdev *dev)
{
    for (unsigned i = 0; i < PENDING_ERRORS; i++) {
        if (pending_errors[i].dev == dev) {
            int error = pending_errors[i].error;
            pending_errors[i].dev = NULL;
            pending_errors[i].error = 0;
            return error;
        }
    }
    return 0;
}

static int check_range(struct blockdev *dev, uint32_t block_size, uint64_t blockno)
{
    if (block_size < BLOCKDEV_SECTOR_SIZE || block_size > BCACHE_BUF_BYTES ||
        block_size % BLOCKDEV_SECTOR_SIZE)
        return -EINVAL;
    uint64_t per_block = block_size / BLOCKDEV_SECTOR_SIZE;
    if (blockno >= dev->sector_count / per_block)
        return -EINVAL;
    return 0;
}

static int write_buf(struct bcache_buf *b)
{
    uint32_t per_block = b->block_size / BLOCKDEV_SECTOR_SIZE;
    int rc = blockdev_rw(b->dev, true, b->blockno * per_block, per_block, b->data);
    stat_writebacks++;
    if (rc == 0)
        b->is_dirty = false;
    return rc;
}

static void free_buf(struct bcache_buf *b)
{
    list_remove(&b->hash_link);
    list_remove(&b->lru_link);
    kfree(b->data);
    kfree(b);
    buffer_count--;
}

/* Frees unreferenced buffers, oldest first, until there are fewer than
 * limit. A dirty one is written back first; a failed write-back loses the
 * block (the error goes to the next sync of its device). Lock held. */
static void shrink_to(unsigned limit)
{
    while (buffer_count >= limit && !list_empty(&lru)) {
        struct bcache_buf *b = list_entry(lru.next, struct bcache_buf, lru_link);
        if (b->is_dirty) {
            int rc = write_buf(b);
            if (rc < 0)
                note_error(b->dev, rc);
        }
        stat_evictions++;
        free_buf(b);
    }
}

/* A held buffer for (dev, block), valid or not (*is_new). Lock held. */
static int get_buf(struct blockdev *dev, uint32_t block_size, uint64_t blockno,
                   struct bcache_buf **out, bool *is_new)
{
    struct bcache_buf *b = find(dev, block_size, blockno);
    if (b) {
        if (b->refcount++ == 0)
            list_remove(&b->lru_link);
        stat_hits++;
        *is_new = false;
        *out = b;
        return 0;
    }
    stat_misses++;
    shrink_to(buffer_limit);    /* over the limit only while all are held */
    b = kzalloc(sizeof(*b));
    if (!b)
        return -ENOMEM;
    b->data = kmalloc(BCACHE_BUF_BYTES);
    if (!b->data) {
        kfree(b);
        return -ENOMEM;
    }
    b->dev = dev;
    b->blockno = blockno;
    b->block_size = block_size;
    b->refcount = 1;
    list_init(&b->lru_link);
    list_push_front(&hash_table[bucket_of(dev, blockno)], &b->hash_link);
    buffer_count++;
    *is_new = true;
    *out = b;
    return 0;
}

/* Drops a reference (lock held). */
static void put_buf(struct bcache_buf *b)
{
    if (--b->refcount == 0)
        list_push_back(&lru, &b->lru_link);
}

int bcache_read(struct blockdev *dev, uint32_t block_size, uint64_t blockno,
                struct bcache_buf **out)
{
    int rc = check_range(dev, block_size, blockno);
    if (rc < 0)
        return rc;
    lock_cache();
    bool is_new;
    struct bcache_buf *b;
    rc = get_buf(dev, block_size, blockno, &b, &is_new);
    if (rc == 0 && is_new) {
        uint32_t per_block = block_size / BLOCKDEV_SECTOR_SIZE;
        rc = blockdev_rw(dev, false, blockno * per_block, per_block, b->data);
        if (rc < 0) {
            b->refcount = 0;
            free_buf(b);
        }
    }
    mutex_unlock(&bcache_lock);
    if (rc == 0)
        *out = b;
    return rc;
}

int bcache_get_zeroed(struct blockdev *dev, uint32_t block_size, uint64_t blockno,
                      struct bcache_buf **out)
{
    int rc = check_range(dev, block_size, blockno);
    if (rc < 0)
        return rc;
    lock_cache();
    bool is_new;
    struct bcache_buf *b;
    rc = get_buf(dev, block_size, blockno, &b, &is_new);
    if (rc == 0) {
        memset(b->data, 0, block_size);
        b->is_dirty = true;
        *out = b;
    }
    mutex_unlock(&bcache_lock);
    return rc;
}

void bcache_mark_dirty(struct bcache_buf *buf)
{
    lock_cache();
    buf->is_dirty = true;
    mutex_unlock(&bcache_lock);
}

void bcache_release(struct bcache_buf *buf)
{
    if (!buf)
        return;
    lock_cache();
    put_buf(buf);
    mutex_unlock(&bcache_lock);
}

struct sync_batch {
    struct semaphore done;
    int error;
};

struct sync_slot {
    struct blockdev_request req;
    struct bcache_buf *buf;
    int status;
};

static void sync_done(struct blockdev_request *req, int status)
{
    struct sync_slot *slot = container_of(req, struct sync_slot, req);
    struct sync_batch *batch = req->private_data;
    slot->status = status;
    sem_post(&batch->done);
}

int bcache_sync(struct blockdev *dev)
{
    struct sync_slot *slots = kzalloc(SYNC_IN_FLIGHT * sizeof(*slots));
    if (!slots)
        return -ENOMEM;
    lock_cache();
    int rc = take_error(dev);
    struct sync_batch batch;
    for (;;) {
        /* Gather up to SYNC_IN_FLIGHT dirty buffers, held, and submit them
         * all before waiting for any. */
        unsigned n = 0;
        for (unsigned i = 0; i < HASH_BUCKETS && n < SYNC_IN_FLIGHT; i++) {
            struct list *pos;
            list_for_each(pos, &hash_table[i]) {
                struct bcache_buf *b = list_entry(pos, struct bcache_buf, hash_link);
                if (b->dev != dev || !b->is_dirty)
                    continue;
                slots[n++].buf = b;
                if (b->refcount++ == 0)
                    list_remove(&b->lru_link);
                b->is_dirty = false;    /* re-set by a failed write */
                if (n == SYNC_IN_FLIGHT)
                    break;
            }
        }
        if (n == 0)
            break;
        sem_init(&batch.done, 0);
        unsigned submitted = 0;
        for (unsigned i = 0; i < n; i++) {
            struct sync_slot *s = &slots[i];
            uint32_t per_block = s->buf->block_size / BLOCKDEV_SECTOR_SIZE;
            s->req = (struct blockdev_request){
                .is_write = true, .sector = s->buf->blockno * per_block, .count = per_block,
                .buf = s->buf->data, .done = sync_done, .private_data = &batch,
            };
            list_init(&s->req.link);
            s->status = 0;
            int submit_rc = blockdev_submit(dev, &s->req);    /* done may run first */
            if (submit_rc == 0)
                submitted++;
            else
                s->status = submit_rc;
            stat_writebacks++;
        }
        for (unsigned i = 0; i < submitted; i++)
            sem_wait(&batch.done, 0);
        bool has_failed = false;
        for (unsigned i = 0; i < n; i++) {
            if (slots[i].status < 0) {
                slots[i].buf->is_dirty = true;
                if (rc == 0)
                    rc = slots[i].status;
                has_failed = true;
            }
            put_buf(slots[i].buf);
        }
        if (has_failed)
            break;              /* the rest stays dirty for a later sync */
    }
    mutex_unlock(&bcache_lock);
    kfree(slots);
    int flush_rc = blockdev_flush(dev);
    return rc ? rc : flush_rc;
}

void bcache_invalidate(struct blockdev *dev)
{
    lock_cache();
    for (unsigned i = 0; i < HASH_BUCKETS; i++) {
        struct list *pos = hash_table[i].next;
        while (pos != &hash_table[i]) {
            struct bcache_buf *b = list_entry(pos, struct bcache_buf, hash_link);
            pos = pos->next;
            if (b->dev == dev && b->refcount == 0)
                free_buf(b);
        }
    }
    take_error(dev);
    mutex_unlock(&bcache_lock);
}

void bcache_set_limit(unsigned buffers)
{
    lock_cache();
    buffer_limit = MAX(buffers, 16u);
    mutex_unlock(&bcache_lock);
}

void bcache_get_stats(struct bcache_stats *st)
{
    lock_cache();
    st->buffers = buffer_count;
    st->limit = buffer_limit;
    st->dirty = 0;
    for (unsigned i = 0; i < HASH_BUCKETS; i++) {
        struct list *pos;
        list_for_each(pos, &hash_table[i])
            if (list_entry(pos, struct bcache_buf, hash_link)->is_dirty)
                st->dirty++;
    }
    st->hits = stat_hits;
    st->misses = stat_misses;
    st->evictions = stat_evictions;
    st->writebacks = stat_writebacks;
    mutex_unlock(&bcache_lock);
}
