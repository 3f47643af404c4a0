/* Split virtqueues: ring memory, the free-descriptor list, adding chains,
 * kicking the device and popping used chains. Everything here runs under
 * vq->lock with interrupts off; the device is the other party, so every
 * index it gives back is checked before use. */
#include <string.h>
#include <abi/errno.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <mm/page.h>
#include <plat/mmu.h>
#include <drivers/virtio.h>
#include "virtio_internal.h"

/* Orders the driver's ring writes against the device (which may be
 * another host thread) and against the notify register write. */
static inline void virtio_mb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#define VIRTQ_MAX_SEGMENTS 32

/* The split ring's layout in one allocation (virtio 1.x 2.7; the legacy
 * interface fixes it so): the descriptor table, the available ring
 * (flags, idx, ring[size], used_event), then, on a page boundary, the used
 * ring (flags, idx, ring[size], avail_event). */
_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc layout");
_Static_assert(sizeof(struct virtq_avail) == 4, "virtq_avail header layout");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtq_used_elem layout");
_Static_assert(sizeof(struct virtq_used) == 4, "virtq_used header layout");
#define VIRTQ_DESC_BYTES(size) (sizeof(struct virtq_desc) * (size_t)(size))
#define VIRTQ_AVAIL_BYTES(size) \
    (sizeof(struct virtq_avail) + sizeof(uint16_t) * (size_t)(size) + sizeof(uint16_t))
#define VIRTQ_USED_BYTES(size) \
    (sizeof(struct virtq_used) + sizeof(struct virtq_used_elem) * (size_t)(size) + \
     sizeof(uint16_t))
#define VIRTQ_AVAIL_OFFSET(size) VIRTQ_DESC_BYTES(size)
#define VIRTQ_USED_OFFSET(size) \
    ALIGN_UP(VIRTQ_AVAIL_OFFSET(size) + VIRTQ_AVAIL_BYTES(size), PAGE_SIZE)

struct virtq *virtq_create(struct virtio_device *dev, unsigned index, unsigned size)
{
    size_t total = VIRTQ_USED_OFFSET(size) + VIRTQ_USED_BYTES(size);
    unsigned order = 0;
    while ((PAGE_SIZE << order) < total)
        order++;
    struct virtq *vq = kzalloc(sizeof(*vq));
    if (!vq)
        return NULL;
    vq->cookies = kzalloc(size * sizeof(void *));
    uint64_t pa = pages_alloc(order, PAGES_ZERO);
    if (!vq->cookies || !pa) {
        if (pa)
            pages_free(pa, order);
        kfree(vq->cookies);
        kfree(vq);
        return NULL;
    }
    char *base = phys_to_virt(pa);
    vq->dev = dev;
    vq->index = index;
    vq->size = (uint16_t)size;
    vq->ring_order = order;
    vq->desc = (struct virtq_desc *)base;
    vq->avail = (struct virtq_avail *)(base + VIRTQ_AVAIL_OFFSET(size));
    vq->used = (struct virtq_used *)(base + VIRTQ_USED_OFFSET(size));
    vq->desc_pa = pa;
    vq->avail_pa = pa + VIRTQ_AVAIL_OFFSET(size);
    vq->used_pa = pa + VIRTQ_USED_OFFSET(size);
    vq->lock = (struct spinlock)SPINLOCK_INIT;
    for (unsigned i = 0; i < size; i++)
        vq->desc[i].next = (uint16_t)(i + 1 < size ? i + 1 : 0);
    vq->free_head = 0;
    vq->free_count = (uint16_t)size;
    return vq;
}

void virtq_destroy(struct virtq *vq)
{
    pages_free(vq->desc_pa, vq->ring_order);
    kfree(vq->cookies);
    kfree(vq);
}

unsigned long virtq_lock(struct virtq *vq)
{
    return spin_lock_irqsave(&vq->lock);
}

void virtq_unlock(struct virtq *vq, unsigned long flags)
{
    spin_unlock_irqrestore(&vq->lock, flags);
}

struct segment {
    uint64_t pa;
    uint32_t len;
    bool is_device_writable;
};

/* Splits buf into physically contiguous runs; returns how many, or -EINVAL
 * for an unmapped address or too many runs. */
static int segments_of(const struct virtq_buf *buf, struct segment *out, int room)
{
    uintptr_t va = (uintptr_t)buf->addr;
    uint32_t left = buf->len;
    int n = 0;
    while (left > 0) {
        uint64_t pa = arch_virt_to_phys((void *)va);
        if (pa == ~0ULL)
            return -EINVAL;
        uint32_t run = (uint32_t)MIN((uint64_t)left, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        if (n > 0 && out[n - 1].pa + out[n - 1].len == pa &&
            out[n - 1].is_device_writable == buf->is_device_writable) {
            out[n - 1].len += run;
        } else {
            if (n == room)
                return -EINVAL;
            out[n++] = (struct segment){ pa, run, buf->is_device_writable };
        }
        va += run;
        left -= run;
    }
    return n;
}

int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned out_count,
              unsigned in_count, void *cookie)
{
    struct segment segs[VIRTQ_MAX_SEGMENTS];
    int count = 0;
    if (!cookie || out_count + in_count == 0)
        return -EINVAL;
    for (unsigned i = 0; i < out_count + in_count; i++) {
        struct virtq_buf b = bufs[i];
        b.is_device_writable = i >= out_count;
        if (b.len == 0)
            return -EINVAL;
        int n = segments_of(&b, segs + count, VIRTQ_MAX_SEGMENTS - count);
        if (n < 0)
            return n;
        count += n;
    }
    if (count > vq->free_count)
        return -ENOSPC;

    uint16_t head = vq->free_head, idx = head, last = head;
    for (int i = 0; i < count; i++) {
        struct virtq_desc *d = &vq->desc[idx];
        d->addr = segs[i].pa;
        d->len = segs[i].len;
        d->flags = (uint16_t)((segs[i].is_device_writable ? VIRTQ_DESC_F_WRITE : 0) |
                              (i + 1 < count ? VIRTQ_DESC_F_NEXT : 0));
        last = idx;
        idx = d->next;
    }
    vq->free_head = vq->desc[last].next;
    vq->free_count = (uint16_t)(vq->free_count - count);
    vq->cookies[head] = cookie;

    uint16_t avail_idx = vq->avail->idx;
    vq->avail->ring[avail_idx & (vq->size - 1)] = head;
    virtio_mb();                        /* the entry before the index */
    __atomic_store_n(&vq->avail->idx, (uint16_t)(avail_idx + 1), __ATOMIC_RELAXED);
    return 0;
}

void virtq_kick(struct virtq *vq)
{
    virtio_mb();                        /* the index before the doorbell */
    if (!(__atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED) & VIRTQ_USED_F_NO_NOTIFY))
        vq->dev->ops->queue_notify(vq->dev, vq);
}

void virtq_set_interrupts(struct virtq *vq, bool is_on)
{
    uint16_t flags = vq->avail->flags;
    flags = is_on ? (uint16_t)(flags & ~VIRTQ_AVAIL_F_NO_INTERRUPT)
                  : (uint16_t)(flags | VIRTQ_AVAIL_F_NO_INTERRUPT);
    __atomic_store_n(&vq->avail->flags, flags, __ATOMIC_RELAXED);
    virtio_mb();                        /* the flag before the caller looks at used */
}

/* Returns the chain starting at head to the free list; false when the
 * chain is malformed (a device or driver bug: the descriptors leak). */
static bool free_chain(struct virtq *vq, uint16_t head)
{
    uint16_t idx = head;
    unsigned n = 1;
    while (vq->desc[idx].flags & VIRTQ_DESC_F_NEXT) {
        idx = vq->desc[idx].next;
        if (idx >= vq->size || ++n > vq->size)
            return false;
    }
    vq->desc[idx].next = vq->free_head;
    vq->free_head = head;
    vq->free_count = (uint16_t)(vq->free_count + n);
    return true;
}

void *virtq_pop(struct virtq *vq, uint32_t *len)
{
    for (;;) {
        uint16_t used_idx = __atomic_load_n(&vq->used->idx, __ATOMIC_RELAXED);
        if (used_idx == vq->last_used)
            return NULL;
        virtio_mb();                    /* the index before the entry */
        struct virtq_used_elem e = vq->used->ring[vq->last_used & (vq->size - 1)];
        vq->last_used++;
        /* A device returning an id it was never given is ignored. */
        if (e.id >= vq->size || !vq->cookies[e.id])
            continue;
        void *cookie = vq->cookies[e.id];
        vq->cookies[e.id] = NULL;
        if (!free_chain(vq, (uint16_t)e.id))
            continue;
        if (len)
            *len = e.len;
        return cookie;
    }
}
