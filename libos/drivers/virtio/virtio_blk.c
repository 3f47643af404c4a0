/* virtio-blk: a block device (libos/block) over one virtqueue. Each request
 * is a chain header / data / status; up to a quarter of the queue's
 * descriptors are in flight at once (a semaphore counts free request
 * slots). Completion comes from the interrupt handler, which calls the
 * submitter's done. Transport-blind: only the virtio core is used. */
#include <string.h>
#include <abi/errno.h>
#include <kern/printk.h>
#include <mm/kmalloc.h>
#include <sched/sync.h>
#include <block/blockdev.h>
#include <drivers/virtio.h>

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4

#define VIRTIO_BLK_S_OK 0

#define VBLK_CONFIG_CAPACITY 0
#define VBLK_QUEUE_SIZE_MAX 128

struct vblk_header {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};

/* One request in flight; the header and status byte are what the device
 * reads and writes. */
struct vblk_slot {
    struct vblk_header header;
    uint8_t status;
    bool is_in_use;
    struct blockdev_request *req;
};

struct vblk {
    struct blockdev bdev;
    struct virtio_device *vdev;
    struct virtq *vq;                   /* vq->lock protects slots */
    struct vblk_slot *slots;
    unsigned slot_count;
    struct semaphore free_slots;        /* counts slots not in use */
};

static unsigned vblk_count;             /* for names; probing is single-threaded */

static int vblk_queue(struct vblk *vb, struct blockdev_request *req, uint32_t type)
{
    sem_wait(&vb->free_slots, 0);
    unsigned long flags = virtq_lock(vb->vq);
    struct vblk_slot *slot = NULL;
    for (unsigned i = 0; i < vb->slot_count && !slot; i++)
        if (!vb->slots[i].is_in_use)
            slot = &vb->slots[i];
    if (!slot) {                        /* cannot happen: the semaphore counts */
        virtq_unlock(vb->vq, flags);
        sem_post(&vb->free_slots);
        return -EIO;
    }
    slot->header = (struct vblk_header){ .type = type, .sector = req->sector };
    slot->status = 0xff;
    slot->req = req;
    struct virtq_buf bufs[3];
    unsigned n = 0, out;
    bufs[n++] = (struct virtq_buf){ &slot->header, sizeof(slot->header), false };
    if (type == VIRTIO_BLK_T_FLUSH) {
        out = 1;
    } else {
        bufs[n++] = (struct virtq_buf){ req->buf, req->count * BLOCKDEV_SECTOR_SIZE,
                                        type == VIRTIO_BLK_T_IN };
        out = type == VIRTIO_BLK_T_OUT ? 2 : 1;
    }
    bufs[n++] = (struct virtq_buf){ &slot->status, 1, true };
    int rc = virtq_add(vb->vq, bufs, out, n - out, slot);
    if (rc == 0) {
        slot->is_in_use = true;
        virtq_kick(vb->vq);
    }
    virtq_unlock(vb->vq, flags);
    if (rc < 0) {
        sem_post(&vb->free_slots);
        return rc == -ENOSPC ? -EIO : rc;
    }
    return 0;
}

/* Interrupt context: hands each completed request back to its submitter. */
static void vblk_complete(struct virtq *vq)
{
    struct vblk *vb = vq->driver_data;
    for (;;) {
        unsigned long flags = virtq_lock(vq);
        struct vblk_slot *slot = virtq_pop(vq, NULL);
        struct blockdev_request *req = NULL;
        int status = 0;
        if (slot) {
            req = slot->req;
            status = slot->status == VIRTIO_BLK_S_OK ? 0 : -EIO;
            slot->req = NULL;
            slot->is_in_use = false;
        }
        virtq_unlock(vq, flags);
        if (!slot)
            return;
        sem_post(&vb->free_slots);
        if (req)
            req->done(req, status);
    }
}

static int vblk_submit(struct blockdev *dev, struct blockdev_request *req)
{
    struct vblk *vb = dev->driver_data;
    return vblk_queue(vb, req, req->is_write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN);
}

struct vblk_wait {
    struct semaphore done;
    int status;
};

static void vblk_sync_done(struct blockdev_request *req, int status)
{
    struct vblk_wait *w = req->private_data;
    w->status = status;
    sem_post(&w->done);
}

static int vblk_flush(struct blockdev *dev)
{
    struct vblk *vb = dev->driver_data;
    struct vblk_wait w;
    sem_init(&w.done, 0);
    w.status = -EIO;
    struct blockdev_request req = {
        .is_write = true, .sector = 0, .count = 1, .buf = NULL,
        .done = vblk_sync_done, .private_data = &w,
    };
    int rc = vblk_queue(vb, &req, VIRTIO_BLK_T_FLUSH);
    if (rc < 0)
        return rc;
    sem_wait(&w.done, 0);
    return w.status;
}

static const struct blockdev_ops vblk_ops = {
    .submit = vblk_submit,
    .flush = vblk_flush,
};
static const struct blockdev_ops vblk_ops_no_flush = {
    .submit = vblk_submit,
};

static int vblk_probe(struct virtio_device *vdev)
{
    int rc = virtio_negotiate(vdev, 1ull << VIRTIO_BLK_F_RO | 1ull << VIRTIO_BLK_F_FLUSH);
    if (rc < 0)
        return rc;
    struct vblk *vb = kzalloc(sizeof(*vb));
    if (!vb)
        return -ENOMEM;
    rc = virtio_queue_setup(vdev, 0, VBLK_QUEUE_SIZE_MAX, vblk_complete, &vb->vq);
    if (rc < 0)
        goto fail_queue;
    vb->vq->driver_data = vb;
    /* Header, data and status: three descriptors per request, and some
     * room for data that crosses a physical discontinuity. */
    vb->slot_count = vb->vq->size / 4 ? vb->vq->size / 4 : 1;
    vb->slots = kzalloc(vb->slot_count * sizeof(*vb->slots));
    if (!vb->slots) {
        rc = -ENOMEM;
        goto fail_queue;
    }
    sem_init(&vb->free_slots, vb->slot_count);
    vb->vdev = vdev;
    vdev->driver_data = vb;

    struct blockdev *b = &vb->bdev;
    memcpy(b->name, "vd", 2);
    b->name[2] = (char)('a' + vblk_count % 26);
    b->sector_size = BLOCKDEV_SECTOR_SIZE;
    b->sector_count = virtio_config_read(vdev, VBLK_CONFIG_CAPACITY, 8);
    b->is_read_only = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);
    b->ops = virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH) ? &vblk_ops : &vblk_ops_no_flush;
    b->driver_data = vb;
    virtio_device_ready(vdev);
    rc = blockdev_register(b);
    if (rc < 0)
        goto fail_queue;                /* the device is marked FAILED: its queue stays */
    vblk_count++;
    printk("virtio-blk: %s on %s, %lu sectors%s%s, queue %u\n", b->name, vdev->name,
           (unsigned long)b->sector_count, b->is_read_only ? ", read-only" : "",
           b->ops->flush ? ", flush" : "", vb->vq->size);
    return 0;

fail_queue:
    /* A queue handed to the device is not freed: it may still write there. */
    kfree(vb->slots);
    if (!vb->vq)
        kfree(vb);
    return rc;
}

static struct virtio_driver vblk_driver = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .probe = vblk_probe,
};

void virtio_blk_register(void);
void virtio_blk_register(void)
{
    virtio_register_driver(&vblk_driver);
}
