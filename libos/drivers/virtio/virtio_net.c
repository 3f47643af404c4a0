/* virtio-net: an Ethernet NIC (drivers/netdev.h) over two virtqueues,
 * receive (0) and transmit (1). Receive buffers are fixed 2 KiB slots kept
 * on the ring; the interrupt handler only wakes this NIC's receive thread,
 * which hands each frame (one slot, or with GUEST_TSO4 up to 33 merged
 * ones) to the stack's hook and puts the slots back. Transmit copies the
 * frame into a free 2 KiB slot, or a 64 KiB one for a frame the device is
 * to segment (HOST_TSO4; a semaphore counts each kind) and kicks the
 * device only at the stack's flush (the end of its burst) or every 16
 * frames; sent slots are reclaimed by later transmits, or by the interrupt
 * handler while a sender waits for one. Transport-blind: only the
 * virtio core is used. Negotiated when offered: MAC, STATUS, MRG_RXBUF,
 * checksum offload both ways (CSUM, GUEST_CSUM), TCP segmentation of
 * big frames (HOST_TSO4) and, with MRG_RXBUF, coalesced TCP receives
 * (GUEST_TSO4); see docs/net.md. */
#include <string.h>
#include <abi/errno.h>
#include <kern/printk.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <mm/page.h>
#include <plat/timer.h>
#include <sched/sync.h>
#include <sched/thread.h>
#include <drivers/netdev.h>
#include <drivers/virtio.h>

#define VIRTIO_NET_F_CSUM 0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_GUEST_TSO4 7
#define VIRTIO_NET_F_HOST_TSO4 11
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16

#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
#define VIRTIO_NET_HDR_GSO_TCPV4 1

#define VIRTIO_NET_S_LINK_UP 1

#define VNET_CONFIG_MAC 0
#define VNET_CONFIG_STATUS 6

#define VNET_RX_QUEUE 0
#define VNET_TX_QUEUE 1

#define VNET_SLOT_SIZE 2048             /* two per page: a slot never crosses one */
#define VNET_RX_SLOTS_MAX 128
#define VNET_TX_SLOTS_MAX 64
#define VNET_TSO_SLOTS 4                /* 64 KiB slots for HOST_TSO4 frames */
#define VNET_TSO_SLOT_SIZE (64u << 10)
#define VNET_TX_WAIT_NS 100000000ULL    /* then the frame is dropped */
#define VNET_TX_KICK_BATCH 16           /* frames queued before a kick without flush */

/* The header before every frame (virtio 1.x 5.1.6). Legacy devices without
 * MRG_RXBUF use the first 10 bytes only. */
struct vnet_hdr {
    uint8_t flags;
    uint8_t gso_type;
    uint16_t hdr_len;
    uint16_t gso_size;
    uint16_t csum_start;
    uint16_t csum_offset;
    uint16_t num_buffers;
};

/* Transmit slots of one size, each in one physically contiguous block:
 * a frame is one descriptor. */
struct vnet_tx_pool {
    char *slots;
    size_t slot_size;
    unsigned count, order;
    bool *is_busy;                      /* txq->lock protects it */
    struct semaphore free;              /* counts slots not busy */
};

struct vnet {
    struct netdev ndev;
    struct virtio_device *vdev;
    struct virtq *rxq, *txq;
    size_t hdr_len;
    char *rx_slots;                     /* rx_count slots: owned by the device or rx thread */
    unsigned rx_count, rx_order;
    unsigned rx_skip;                   /* rx thread: continuation buffers to drop */
    size_t rx_max;                      /* largest frame taken: NETDEV_(RX_)FRAME_MAX */
    struct vnet_tx_pool tx_small, tx_tso;   /* tx_tso: with HOST_TSO4 only */
    int tx_waiters;                     /* txq->lock: senders sleeping for a slot */
    unsigned tx_unkicked;               /* txq->lock too: queued since the last kick */
    struct semaphore rx_wake;           /* posted by the interrupt handler */
    volatile bool is_config_dirty;      /* set by the interrupt handler */
};

static unsigned vnet_count;             /* for logs; probing is single-threaded */

static bool vnet_link_is_up(struct vnet *vn)
{
    if (!virtio_has_feature(vn->vdev, VIRTIO_NET_F_STATUS))
        return true;
    return virtio_config_read(vn->vdev, VNET_CONFIG_STATUS, 2) & VIRTIO_NET_S_LINK_UP;
}

/* Interrupt context: wake the receive thread. */
static void vnet_rx_interrupt(struct virtq *vq)
{
    struct vnet *vn = vq->driver_data;
    sem_post(&vn->rx_wake);
}

static void vnet_config_interrupt(struct virtio_device *vdev)
{
    struct vnet *vn = vdev->driver_data;
    vn->is_config_dirty = true;
    sem_post(&vn->rx_wake);
}

static bool vnet_tx_pool_has(const struct vnet_tx_pool *pool, const char *slot)
{
    return pool->slots && slot >= pool->slots &&
           slot < pool->slots + (size_t)pool->count * pool->slot_size;
}

/* Slots the device has sent become free. Any context. */
static void vnet_tx_reclaim(struct vnet *vn)
{
    struct virtq *vq = vn->txq;
    for (;;) {
        unsigned long flags = virtq_lock(vq);
        char *slot = virtq_pop(vq, NULL);
        struct vnet_tx_pool *pool = NULL;
        if (slot) {
            pool = vnet_tx_pool_has(&vn->tx_tso, slot) ? &vn->tx_tso : &vn->tx_small;
            pool->is_busy[(size_t)(slot - pool->slots) / pool->slot_size] = false;
        }
        virtq_unlock(vq, flags);
        if (!slot)
            return;
        sem_post(&pool->free);
    }
}

/* Interrupt context: only while a sender waits for a slot (otherwise the
 * transmit queue's interrupts are off and senders reclaim). */
static void vnet_tx_interrupt(struct virtq *vq)
{
    vnet_tx_reclaim(vq->driver_data);
}

/* txq->lock held. */
static void vnet_tx_kick_locked(struct vnet *vn)
{
    if (vn->tx_unkicked == 0)
        return;
    vn->tx_unkicked = 0;
    virtq_kick(vn->txq);
}

/* A sender starts (+1) or stops (-1) waiting: interrupts while any does;
 * a sender about to wait first kicks what it queued. */
static void vnet_tx_waiters_add(struct vnet *vn, int delta)
{
    unsigned long flags = virtq_lock(vn->txq);
    if (delta > 0)
        vnet_tx_kick_locked(vn);
    vn->tx_waiters += delta;
    virtq_set_interrupts(vn->txq, vn->tx_waiters > 0);
    virtq_unlock(vn->txq, flags);
}

static int vnet_rx_give(struct vnet *vn, char *slot)
{
    struct virtq_buf buf = { slot, VNET_SLOT_SIZE, true };
    return virtq_add(vn->rxq, &buf, 0, 1, slot);
}

static void vnet_rx_give_all(struct vnet *vn, char *const *slots, unsigned count)
{
    unsigned long flags = virtq_lock(vn->rxq);
    /* Cannot fail: the slots' own descriptors just came back. */
    for (unsigned i = 0; i < count; i++)
        vnet_rx_give(vn, slots[i]);
    virtq_unlock(vn->rxq, flags);
}

static char *vnet_rx_pop(struct vnet *vn, uint32_t *len)
{
    unsigned long flags = virtq_lock(vn->rxq);
    char *slot = virtq_pop(vn->rxq, len);
    virtq_unlock(vn->rxq, flags);
    return slot;
}

/* One used receive slot of len bytes (header included), the first of a
 * frame; takes the frame's other slots (MRG_RXBUF) off the ring too, and
 * gives them all back. */
static void vnet_receive(struct vnet *vn, char *slot, uint32_t len)
{
    struct netdev *nd = &vn->ndev;
    char *slots[NETDEV_RX_FRAGS_MAX];
    struct netdev_frag frags[NETDEV_RX_FRAGS_MAX];
    unsigned count = 1;
    slots[0] = slot;
    if (vn->rx_skip > 0) {              /* the rest of a frame we dropped */
        vn->rx_skip--;
        goto give_back;
    }
    if (len > VNET_SLOT_SIZE || len < vn->hdr_len) {
        netdev_count_add(&nd->stats.rx_errors, 1);
        goto give_back;
    }
    const struct vnet_hdr *hdr = (const struct vnet_hdr *)slot;
    unsigned buffers = 1;
    if (virtio_has_feature(vn->vdev, VIRTIO_NET_F_MRG_RXBUF))
        buffers = hdr->num_buffers;
    if (buffers == 0 || buffers > NETDEV_RX_FRAGS_MAX) {
        if (buffers > 1)                /* a frame larger than we take */
            vn->rx_skip = MIN(buffers - 1, vn->rx_count);
        netdev_count_add(&nd->stats.rx_errors, 1);
        goto give_back;
    }
    frags[0] = (struct netdev_frag){ slot + vn->hdr_len, len - vn->hdr_len };
    size_t frame_len = frags[0].len;
    bool is_bad = false;
    while (count < buffers) {
        uint32_t more_len = 0;
        char *more = vnet_rx_pop(vn, &more_len);
        if (!more) {                    /* the device has not used the rest: a bug */
            vn->rx_skip = MIN(buffers - count, vn->rx_count);
            netdev_count_add(&nd->stats.rx_errors, 1);
            goto give_back;
        }
        slots[count] = more;
        if (more_len > VNET_SLOT_SIZE)
            is_bad = true;
        frags[count++] = (struct netdev_frag){ more, MIN(more_len, VNET_SLOT_SIZE) };
        frame_len += more_len;
    }
    /* Only a coalesced TCP frame may exceed the MTU. */
    if (frame_len > NETDEV_FRAME_MAX && hdr->gso_type != VIRTIO_NET_HDR_GSO_TCPV4)
        is_bad = true;
    if (is_bad || frame_len < 14 || frame_len > vn->rx_max) {
        netdev_count_add(&nd->stats.rx_errors, 1);
        goto give_back;
    }
    netdev_rx_fn rx = __atomic_load_n(&nd->rx, __ATOMIC_ACQUIRE);
    if (!rx) {
        netdev_count_add(&nd->stats.rx_dropped, 1);
        goto give_back;
    }
    unsigned rx_flags = 0;
    /* NEEDS_CSUM: the checksum is partial, as the sender's stack left it
     * for its own NIC; the spec lets the driver take it as verified. */
    if (virtio_has_feature(vn->vdev, VIRTIO_NET_F_GUEST_CSUM) &&
        (hdr->flags & (VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID)))
        rx_flags |= NETDEV_RX_CSUM_OK;
    netdev_count_add(&nd->stats.rx_packets, 1);
    netdev_count_add(&nd->stats.rx_bytes, frame_len);
    rx(nd, frags, count, frame_len, rx_flags, nd->stack_arg);
give_back:
    vnet_rx_give_all(vn, slots, count);
}

/* The receive thread: frames to the stack, slots back to the device, link
 * changes to the stack. Sleeps on rx_wake, posted by the interrupt. */
static int vnet_rx_thread(void *arg)
{
    struct vnet *vn = arg;
    struct netdev *nd = &vn->ndev;
    for (;;) {
        sem_wait(&vn->rx_wake, 0);
        if (__atomic_exchange_n(&vn->is_config_dirty, false, __ATOMIC_ACQ_REL)) {
            bool is_up = vnet_link_is_up(vn);
            if (is_up != nd->is_link_up) {
                nd->is_link_up = is_up;
                printk("net: %s link %s\n", nd->name, is_up ? "up" : "down");
                if (nd->link_changed)
                    nd->link_changed(nd, is_up, nd->stack_arg);
            }
        }
        bool is_refilled = false;
        for (;;) {
            uint32_t len = 0;
            char *slot = vnet_rx_pop(vn, &len);
            if (!slot)
                break;
            vnet_receive(vn, slot, len);
            is_refilled = true;
        }
        if (is_refilled) {
            unsigned long flags = virtq_lock(vn->rxq);
            virtq_kick(vn->rxq);
            virtq_unlock(vn->rxq, flags);
        }
    }
    return 0;
}

/* A free slot of pool, marked busy; NULL when none came free within
 * VNET_TX_WAIT_NS. */
static char *vnet_tx_slot_take(struct vnet *vn, struct vnet_tx_pool *pool)
{
    /* Sent slots are reclaimed here, without an interrupt per frame;
     * only a sender that finds none free turns interrupts on to sleep. */
    vnet_tx_reclaim(vn);
    if (sem_wait(&pool->free, plat_time_ns()) < 0) {
        vnet_tx_waiters_add(vn, 1);
        vnet_tx_reclaim(vn);            /* what was sent before they were on */
        int waited = sem_wait(&pool->free, plat_time_ns() + VNET_TX_WAIT_NS);
        vnet_tx_waiters_add(vn, -1);
        if (waited < 0)
            return NULL;
    }
    unsigned long flags = virtq_lock(vn->txq);
    unsigned index = 0;
    while (index < pool->count && pool->is_busy[index])
        index++;
    if (index == pool->count) {         /* cannot happen: the semaphore counts */
        virtq_unlock(vn->txq, flags);
        sem_post(&pool->free);
        return NULL;
    }
    pool->is_busy[index] = true;
    virtq_unlock(vn->txq, flags);
    return pool->slots + (size_t)index * pool->slot_size;
}

static int vnet_transmit(struct netdev *nd, const void *const *pieces, const size_t *lengths,
                         unsigned count, const struct netdev_offload *off)
{
    struct vnet *vn = nd->driver_data;
    size_t total = 0;
    for (unsigned i = 0; i < count; i++)
        total += lengths[i];
    bool has_csum = off && virtio_has_feature(vn->vdev, VIRTIO_NET_F_CSUM) &&
                    (size_t)off->csum_start + off->csum_offset + 2 <= total;
    bool is_gso = off && off->gso_mss != 0;
    struct vnet_tx_pool *pool = &vn->tx_small;
    size_t max = NETDEV_FRAME_MAX;
    if (is_gso) {
        pool = &vn->tx_tso;
        max = NETDEV_TX_GSO_MAX;
        if (!pool->slots || !has_csum || off->gso_hdr_len <= off->csum_start ||
            off->gso_hdr_len >= total)
            max = 0;
    }
    if (total > max || total == 0) {
        netdev_count_add(&nd->stats.tx_errors, 1);
        return -EINVAL;
    }
    char *slot = vnet_tx_slot_take(vn, pool);
    if (!slot) {
        netdev_count_add(&nd->stats.tx_dropped, 1);
        return -EAGAIN;
    }
    memset(slot, 0, vn->hdr_len);
    size_t at = vn->hdr_len;
    for (unsigned i = 0; i < count; i++) {
        memcpy(slot + at, pieces[i], lengths[i]);
        at += lengths[i];
    }
    struct vnet_hdr *hdr = (struct vnet_hdr *)slot;
    if (has_csum) {
        hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        hdr->csum_start = off->csum_start;
        hdr->csum_offset = off->csum_offset;
        memcpy(slot + vn->hdr_len + off->csum_start + off->csum_offset, &off->csum_seed, 2);
    }
    if (is_gso) {
        hdr->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
        hdr->hdr_len = off->gso_hdr_len;
        hdr->gso_size = off->gso_mss;
    }
    struct virtq_buf buf = { slot, (uint32_t)at, false };
    unsigned long flags = virtq_lock(vn->txq);
    int rc = virtq_add(vn->txq, &buf, 1, 0, slot);
    if (rc < 0) {
        pool->is_busy[(size_t)(slot - pool->slots) / pool->slot_size] = false;
    } else if (++vn->tx_unkicked >= VNET_TX_KICK_BATCH) {
        vnet_tx_kick_locked(vn);
    }
    virtq_unlock(vn->txq, flags);
    if (rc < 0) {
        sem_post(&pool->free);
        netdev_count_add(&nd->stats.tx_errors, 1);
        return -EAGAIN;
    }
    netdev_count_add(&nd->stats.tx_packets, 1);
    netdev_count_add(&nd->stats.tx_bytes, total);
    return 0;
}

/* The device learns of the queued frames: one kick per burst (each costs
 * an exit to the device model under TCG). */
static void vnet_flush(struct netdev *nd)
{
    struct vnet *vn = nd->driver_data;
    unsigned long flags = virtq_lock(vn->txq);
    vnet_tx_kick_locked(vn);
    virtq_unlock(vn->txq, flags);
}

static const struct netdev_ops vnet_ops = {
    .transmit = vnet_transmit,
    .flush = vnet_flush,
};

static unsigned order_for(size_t bytes)
{
    unsigned order = 0;
    while ((PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

/* count slots of slot_size in one block. Returns 0 or -ENOMEM. */
static int vnet_tx_pool_init(struct vnet_tx_pool *pool, unsigned count, size_t slot_size)
{
    pool->count = count;
    pool->slot_size = slot_size;
    pool->order = order_for((size_t)count * slot_size);
    pool->slots = pages_alloc_virt(pool->order, 0);
    pool->is_busy = kzalloc(count * sizeof(bool));
    if (!pool->slots || !pool->is_busy)
        return -ENOMEM;
    sem_init(&pool->free, count);
    return 0;
}

static int vnet_probe(struct virtio_device *vdev)
{
    /* Features that need others (virtio 1.x 5.1.3.1) only with them;
     * GUEST_TSO4 only with MRG_RXBUF too (we have no 64 KiB buffers). */
    uint64_t offered = vdev->ops->get_features(vdev);
    uint64_t wanted = 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS |
                      1ull << VIRTIO_NET_F_MRG_RXBUF | 1ull << VIRTIO_NET_F_CSUM |
                      1ull << VIRTIO_NET_F_GUEST_CSUM;
    uint64_t tso_needs = 1ull << VIRTIO_NET_F_GUEST_CSUM | 1ull << VIRTIO_NET_F_MRG_RXBUF;
    if ((offered & tso_needs) == tso_needs)
        wanted |= 1ull << VIRTIO_NET_F_GUEST_TSO4;
    if (offered & 1ull << VIRTIO_NET_F_CSUM)
        wanted |= 1ull << VIRTIO_NET_F_HOST_TSO4;
    int rc = virtio_negotiate(vdev, wanted);
    if (rc < 0)
        return rc;
    struct vnet *vn = kzalloc(sizeof(*vn));
    if (!vn)
        return -ENOMEM;
    vn->vdev = vdev;
    vdev->driver_data = vn;
    vn->hdr_len = vdev->is_legacy && !virtio_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF)
                      ? 10 : sizeof(struct vnet_hdr);
    sem_init(&vn->rx_wake, 0);
    rc = virtio_queue_setup(vdev, VNET_RX_QUEUE, VNET_RX_SLOTS_MAX, vnet_rx_interrupt, &vn->rxq);
    if (rc < 0)
        goto fail;
    vn->rxq->driver_data = vn;
    rc = virtio_queue_setup(vdev, VNET_TX_QUEUE, VNET_TX_SLOTS_MAX, vnet_tx_interrupt, &vn->txq);
    if (rc < 0)
        goto fail;
    vn->txq->driver_data = vn;
    vnet_tx_waiters_add(vn, 0);         /* interrupts off until a sender waits */

    /* Once a queue is handed to the device, failures leak what it may
     * still write to (as virtio-blk does). */
    rc = -ENOMEM;
    vn->rx_count = vn->rxq->size;
    vn->rx_order = order_for((size_t)vn->rx_count * VNET_SLOT_SIZE);
    vn->rx_slots = pages_alloc_virt(vn->rx_order, 0);
    if (!vn->rx_slots)
        goto fail;
    /* A TSO frame takes one descriptor, as a small one does: the small
     * slots leave the queue room for the big ones. */
    bool has_tso = virtio_has_feature(vdev, VIRTIO_NET_F_HOST_TSO4) &&
                   vn->txq->size > 2 * VNET_TSO_SLOTS;
    unsigned small = vn->txq->size - (has_tso ? VNET_TSO_SLOTS : 0);
    if (vnet_tx_pool_init(&vn->tx_small, small, VNET_SLOT_SIZE) < 0)
        goto fail;
    if (has_tso && vnet_tx_pool_init(&vn->tx_tso, VNET_TSO_SLOTS, VNET_TSO_SLOT_SIZE) < 0)
        goto fail;

    struct netdev *nd = &vn->ndev;
    if (virtio_has_feature(vdev, VIRTIO_NET_F_MAC)) {
        for (unsigned i = 0; i < NETDEV_MAC_LEN; i++)
            nd->mac[i] = (uint8_t)virtio_config_read(vdev, VNET_CONFIG_MAC + i, 1);
    } else {                            /* locally administered, unicast */
        const uint8_t mac[NETDEV_MAC_LEN] = { 0x02, 0x54, 0x00, 0x00, 0x00,
                                              (uint8_t)(vnet_count + 1) };
        memcpy(nd->mac, mac, sizeof(mac));
    }
    nd->mtu = 1500;
    if (virtio_has_feature(vdev, VIRTIO_NET_F_CSUM))
        nd->features |= NETDEV_F_TX_CSUM;
    if (virtio_has_feature(vdev, VIRTIO_NET_F_GUEST_CSUM))
        nd->features |= NETDEV_F_RX_CSUM;
    vn->rx_max = NETDEV_FRAME_MAX;
    if (has_tso)
        nd->features |= NETDEV_F_TX_TSO;
    if (virtio_has_feature(vdev, VIRTIO_NET_F_GUEST_TSO4)) {
        nd->features |= NETDEV_F_RX_BIG;
        vn->rx_max = NETDEV_RX_FRAME_MAX;
    }
    nd->ops = &vnet_ops;
    nd->driver_data = vn;
    rc = netdev_register(nd);
    if (rc < 0)
        goto fail;

    unsigned long flags = virtq_lock(vn->rxq);
    for (unsigned i = 0; i < vn->rx_count; i++)
        vnet_rx_give(vn, vn->rx_slots + (size_t)i * VNET_SLOT_SIZE);
    virtq_unlock(vn->rxq, flags);
    vdev->config_changed = vnet_config_interrupt;
    virtio_device_ready(vdev);
    nd->is_link_up = vnet_link_is_up(vn);
    flags = virtq_lock(vn->rxq);
    virtq_kick(vn->rxq);
    virtq_unlock(vn->rxq, flags);

    char name[16];
    snprintf(name, sizeof(name), "%s-rx", nd->name);
    struct thread *t = thread_create(name, vnet_rx_thread, vn);
    if (!t) {
        printk("virtio-net: %s: no receive thread\n", nd->name);
        return 0;                       /* registered, but deaf */
    }
    thread_detach(t);
    vnet_count++;
    printk("virtio-net: %s on %s, mac %02x:%02x:%02x:%02x:%02x:%02x, link %s, queues %u/%u%s%s%s%s%s\n",
           nd->name, vdev->name, nd->mac[0], nd->mac[1], nd->mac[2], nd->mac[3], nd->mac[4],
           nd->mac[5], nd->is_link_up ? "up" : "down", vn->rx_count, vn->txq->size,
           virtio_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF) ? ", mrg_rxbuf" : "",
           virtio_has_feature(vdev, VIRTIO_NET_F_CSUM) ? ", csum" : "",
           virtio_has_feature(vdev, VIRTIO_NET_F_GUEST_CSUM) ? ", guest_csum" : "",
           virtio_has_feature(vdev, VIRTIO_NET_F_GUEST_TSO4) ? ", guest_tso4" : "",
           has_tso ? ", host_tso4" : "");
    return 0;

fail:
    if (vn->rxq)                        /* the device may hold it: keep vn */
        return rc;
    kfree(vn);
    return rc;
}

static struct virtio_driver vnet_driver = {
    .name = "virtio-net",
    .device_id = VIRTIO_ID_NET,
    .probe = vnet_probe,
};

void virtio_net_register(void);
void virtio_net_register(void)
{
    virtio_register_driver(&vnet_driver);
}
