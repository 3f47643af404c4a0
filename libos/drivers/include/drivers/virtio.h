/* The virtio core (virtio 1.x): what a device driver sees. A driver (blk,
 * net, ...) registers for a device ID, negotiates features, sets up split
 * virtqueues and exchanges buffers through virtq_add/virtq_kick/virtq_pop;
 * it never knows which transport (virtio-mmio or virtio-pci) carries the
 * device. Transports fill in struct virtio_transport_ops and call
 * virtio_device_add. */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kern/list.h>
#include <kern/spinlock.h>

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED 128u

/* Device-independent feature bits. */
#define VIRTIO_F_VERSION_1 32

#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2

/* ---- split virtqueues (virtio 1.x, 2.7) ---- */

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u

struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};

#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u    /* driver: a hint, the device may still */

struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};

#define VIRTQ_USED_F_NO_NOTIFY 1u        /* device: a hint, kicks are not needed */

struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[];
};

struct virtio_device;
struct virtq;

typedef void (*virtq_callback_fn)(struct virtq *vq);

/* One queue. The rings live in one physically contiguous block laid out as
 * the legacy interface wants (descriptors, available ring, then the used
 * ring on the next page), which also satisfies virtio 1.x. */
struct virtq {
    struct virtio_device *dev;
    unsigned index;
    uint16_t size;                      /* descriptors, a power of two */
    struct virtq_desc *desc;
    struct virtq_avail *avail;
    struct virtq_used *used;
    uint64_t desc_pa, avail_pa, used_pa;
    unsigned ring_order;                /* pages_alloc order of the block */
    /* Protects the rings, the free list and cookies; taken with interrupts
     * off (the interrupt handler pops). Drivers take it around virtq_add /
     * virtq_pop through virtq_lock/virtq_unlock. Innermost but for waitq
     * locks (completions wake threads under it). */
    struct spinlock lock;
    uint16_t free_head;                 /* chain of free descriptors */
    uint16_t free_count;
    uint16_t last_used;                 /* next used entry to look at */
    void **cookies;                     /* per head descriptor */
    virtq_callback_fn callback;         /* interrupt context */
    void *driver_data;
    void *transport_data;               /* the transport's (notify address) */
};

/* One buffer of a chain: out (device reads) or in (device writes). */
struct virtq_buf {
    void *addr;                         /* kernel memory (direct map, image) */
    uint32_t len;
    bool is_device_writable;
};

/* ---- the transport interface ---- */

struct virtio_transport_ops {
    uint8_t (*get_status)(struct virtio_device *dev);
    void (*set_status)(struct virtio_device *dev, uint8_t status); /* 0 resets */
    uint64_t (*get_features)(struct virtio_device *dev);
    void (*set_features)(struct virtio_device *dev, uint64_t features);
    /* Device-specific configuration: width 1, 2, 4 or 8 at offset. */
    uint64_t (*config_read)(struct virtio_device *dev, unsigned offset, unsigned width);
    void (*config_write)(struct virtio_device *dev, unsigned offset, unsigned width,
                         uint64_t value);
    /* Largest size the device allows for queue index (0: no such queue). */
    unsigned (*queue_max_size)(struct virtio_device *dev, unsigned index);
    /* Tells the device where vq's rings are and enables it. */
    int (*queue_enable)(struct virtio_device *dev, struct virtq *vq);
    void (*queue_notify)(struct virtio_device *dev, struct virtq *vq);
    /* Reads and acknowledges the interrupt status (bit 0: a used buffer,
     * bit 1: configuration change). Interrupt context. */
    uint32_t (*interrupt_ack)(struct virtio_device *dev);
    /* Attaches the core's handler to the device's interrupt. */
    int (*irq_attach)(struct virtio_device *dev, void (*fn)(void *arg), void *arg);
};

#define VIRTIO_MAX_QUEUES 4

struct virtio_device {
    char name[24];                      /* "virtio-mmio@0xa003e00", "pci 00:03.0" */
    uint32_t device_id;
    uint32_t vendor_id;
    bool is_legacy;                     /* virtio-mmio version 1: no VERSION_1 */
    uint64_t features;                  /* negotiated */
    const struct virtio_transport_ops *ops;
    void *transport_data;
    struct virtq *queues[VIRTIO_MAX_QUEUES];
    unsigned queue_count;
    void *driver_data;
    /* Set by a driver that wants to hear of configuration changes (link
     * status): called from the interrupt handler. */
    void (*config_changed)(struct virtio_device *dev);
    struct list link;                   /* on the core's device list */
};

struct virtio_driver {
    const char *name;
    uint32_t device_id;
    /* Binds: negotiates, sets up queues, registers what it provides.
     * Returns 0 or -errno (the core then resets the device). */
    int (*probe)(struct virtio_device *dev);
    struct list link;
};

/* Core API for drivers. */
void virtio_register_driver(struct virtio_driver *driver);
/* Negotiates: offers the device's features ANDed with wanted (plus
 * VERSION_1, required unless the device is legacy) and sets FEATURES_OK.
 * Returns 0 (dev->features holds the result) or -ENODEV. */
int virtio_negotiate(struct virtio_device *dev, uint64_t wanted);
static inline bool virtio_has_feature(const struct virtio_device *dev, unsigned bit)
{
    return (dev->features >> bit) & 1;
}
uint64_t virtio_config_read(struct virtio_device *dev, unsigned offset, unsigned width);
/* Allocates and enables queue index with at most max_size descriptors;
 * callback runs from the interrupt handler when buffers were used. */
int virtio_queue_setup(struct virtio_device *dev, unsigned index, unsigned max_size,
                       virtq_callback_fn callback, struct virtq **out);
/* Sets DRIVER_OK (after queue set-up). */
void virtio_device_ready(struct virtio_device *dev);

/* Queue operations; call with vq->lock held (virtq_lock). virtq_add
 * queues a chain of out_count device-readable then in_count
 * device-writable buffers with cookie (non-NULL) and returns 0, or
 * -ENOSPC when descriptors are short, -EINVAL for an address the device
 * cannot reach. A buffer crossing a physical discontinuity takes several
 * descriptors. virtq_pop returns the next used chain's cookie (and the
 * bytes written into *len) or NULL. */
unsigned long virtq_lock(struct virtq *vq);
void virtq_unlock(struct virtq *vq, unsigned long flags);
int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned out_count,
              unsigned in_count, void *cookie);
void virtq_kick(struct virtq *vq);
void *virtq_pop(struct virtq *vq, uint32_t *len);
/* Asks the device for interrupts on used buffers or not (a hint: with
 * them off it may still interrupt, and a driver polls virtq_pop). Under
 * vq->lock. */
void virtq_set_interrupts(struct virtq *vq, bool is_on);

/* Transport API. */
int virtio_device_add(struct virtio_device *dev);
/* Every device found so far, for tests and the boot log. */
unsigned virtio_device_count(void);

#endif
