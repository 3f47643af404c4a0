/* The block cache: fixed-size buffers (BCACHE_BUF_BYTES) holding one
 * filesystem block each, keyed by (device, block size, block number), with
 * reference counts. Write-back: a modified buffer is marked dirty and goes
 * to the disk on bcache_sync, or when it is evicted to make room. Memory is
 * bounded by a number of buffers (bcache_set_limit); unreferenced buffers
 * are recycled least recently used first. See docs/decisions.md. */
#ifndef VFS_BCACHE_H
#define VFS_BCACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <block/blockdev.h>
#include <kern/list.h>

#define BCACHE_BUF_BYTES 4096u          /* the largest block size supported */
#define BCACHE_DEFAULT_BUFFERS 1024u    /* 4 MiB */

struct bcache_buf {
    uint8_t *data;              /* block_size bytes; the owner's lock protects them */
    uint64_t blockno;
    uint32_t block_size;
    struct blockdev *dev;
    /* Below: bcache.c's lock. */
    unsigned refcount;
    bool is_dirty;
    struct list hash_link;
    struct list lru_link;       /* on the LRU list while unreferenced */
};

/* A held buffer with the block's contents (read from the disk on a miss).
 * -EIO when the device fails, -EINVAL for a block outside the device. */
int bcache_read(struct blockdev *dev, uint32_t block_size, uint64_t blockno,
                struct bcache_buf **out);
/* A held buffer for a block the caller overwrites whole (a newly allocated
 * one): no read, contents zeroed, marked dirty. */
int bcache_get_zeroed(struct blockdev *dev, uint32_t block_size, uint64_t blockno,
                      struct bcache_buf **out);
void bcache_mark_dirty(struct bcache_buf *buf);
void bcache_release(struct bcache_buf *buf);
/* Writes every dirty buffer of dev (several requests in flight), then
 * flushes the device. Returns 0 or the first error, including a write
 * error met earlier while evicting a buffer of dev. */
int bcache_sync(struct blockdev *dev);
/* Drops every buffer of dev (after bcache_sync, at unmount). Buffers still
 * referenced stay. */
void bcache_invalidate(struct blockdev *dev);
/* The most buffers kept (at least 16). Shrinks lazily. */
void bcache_set_limit(unsigned buffers);

struct bcache_stats {
    unsigned buffers, limit, dirty;
    uint64_t hits, misses, evictions, writebacks;
};
void bcache_get_stats(struct bcache_stats *st);

#endif
