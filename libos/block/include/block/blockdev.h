/* Block devices: what a disk driver (virtio-blk, the RAM disk) provides and
 * what the block cache and filesystems use. A device moves runs of 512-byte
 * sectors; requests may complete asynchronously (the driver calls done,
 * possibly from an interrupt handler), so a driver can keep several in
 * flight. Errors are negative errno: -EIO for a device error, -EROFS for a
 * write to a read-only device, -EINVAL for a run outside the device. */
#ifndef BLOCK_BLOCKDEV_H
#define BLOCK_BLOCKDEV_H

#include <stdbool.h>
#include <stdint.h>
#include <kern/list.h>

#define BLOCKDEV_SECTOR_SIZE 512u
#define BLOCKDEV_NAME_MAX 15

struct blockdev;

/* One transfer of count sectors starting at sector, into or out of buf
 * (kernel memory, direct-mapped, any alignment the driver accepts: the
 * block cache gives 512-byte aligned buffers). The submitter owns the
 * request until done is called. */
struct blockdev_request {
    bool is_write;
    uint64_t sector;
    uint32_t count;                 /* sectors, >= 1 */
    void *buf;
    /* Called exactly once with 0 or -errno, from any context (thread or
     * interrupt handler): it may only move data and wake threads. */
    void (*done)(struct blockdev_request *req, int status);
    void *private_data;             /* the submitter's */
    struct list link;               /* the driver's while in flight */
};

struct blockdev_ops {
    /* Queues req. Returns 0 when accepted (done will be called, possibly
     * before submit returns) or -errno when refused (done is not called).
     * May sleep (waiting for room in the queue); never called from an
     * interrupt handler. The block layer has checked the range and the
     * read-only flag. */
    int (*submit)(struct blockdev *dev, struct blockdev_request *req);
    /* Makes every completed write durable. Synchronous; may sleep. NULL
     * when the device has no volatile cache. */
    int (*flush)(struct blockdev *dev);
};

struct blockdev {
    char name[BLOCKDEV_NAME_MAX + 1];   /* "vda", "ram0" */
    uint32_t sector_size;               /* BLOCKDEV_SECTOR_SIZE */
    uint64_t sector_count;
    bool is_read_only;
    const struct blockdev_ops *ops;
    void *driver_data;
    struct list link;                   /* on the registry (blockdev.c's lock) */
};

/* The registry. register: -EEXIST for a taken name, -EINVAL for a bad
 * device. find: NULL when absent. Devices are never freed while
 * registered. */
int blockdev_register(struct blockdev *dev);
void blockdev_unregister(struct blockdev *dev);
struct blockdev *blockdev_find(const char *name);

/* Checks and submits req (asynchronous). */
int blockdev_submit(struct blockdev *dev, struct blockdev_request *req);
/* Synchronous transfer: submits and sleeps until done. */
int blockdev_rw(struct blockdev *dev, bool is_write, uint64_t sector, uint32_t count,
                void *buf);
int blockdev_flush(struct blockdev *dev);

/* A RAM disk over mem (bytes a multiple of 512; the caller keeps mem alive)
 * for tests. Not registered: call blockdev_register.
 * ramdisk_destroy frees the device, not mem. */
struct blockdev *ramdisk_create(const char *name, void *mem, uint64_t size_bytes,
                                bool is_read_only);
void ramdisk_destroy(struct blockdev *dev);
/* Error injection: sectors [first, first + count) fail with -EIO on the
 * operations chosen (RAMDISK_FAIL_READ | RAMDISK_FAIL_WRITE); count 0 or
 * ops 0 clears it. One range per disk. */
#define RAMDISK_FAIL_READ 0x1u
#define RAMDISK_FAIL_WRITE 0x2u
void ramdisk_inject_error(struct blockdev *dev, uint64_t first, uint64_t count, unsigned ops);

#endif
