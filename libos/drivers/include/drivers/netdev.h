/* Network devices, independent of the driver: what the network stack's
 * glue (libos/net/lwip) sees of a NIC. A driver fills in a struct netdev
 * and registers it; registration names it eth0, eth1, ... in discovery
 * order. Received frames go to the receive hook, called from the driver's
 * receive thread (never from an interrupt handler), one frame at a time. */
#ifndef DRIVERS_NETDEV_H
#define DRIVERS_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETDEV_MAX 8
#define NETDEV_NAME_SIZE 8
#define NETDEV_MAC_LEN 6
#define NETDEV_FRAME_MAX 1514           /* Ethernet header + 1500, no FCS */
/* A received frame may be larger than the MTU when the device coalesces
 * TCP segments (NETDEV_F_RX_BIG): at most this, an IPv4 packet's limit. */
#define NETDEV_RX_FRAME_MAX (14 + 65535)
#define NETDEV_RX_FRAGS_MAX 40          /* pieces of one received frame, at most */
/* A frame a NETDEV_F_TX_TSO device splits into MSS-sized TCP segments:
 * at most this (headers included). */
#define NETDEV_TX_GSO_MAX 65000

/* dev->features, set by the driver before netdev_register. */
#define NETDEV_F_TX_CSUM 1u             /* transmit can complete a checksum (netdev_offload) */
#define NETDEV_F_RX_CSUM 2u             /* receive may flag NETDEV_RX_CSUM_OK */
#define NETDEV_F_RX_BIG 4u              /* frames up to NETDEV_RX_FRAME_MAX arrive */
#define NETDEV_F_TX_TSO 8u              /* transmit splits big IPv4 TCP frames (gso_mss) */

/* Receive flags: the device vouches for (or has left unfinished, as the
 * sender's own stack would) the TCP/UDP checksum of this IPv4 frame; the
 * stack need not check it. Other checksums (IPv4 header, ICMP) are not
 * covered. */
#define NETDEV_RX_CSUM_OK 1u

struct netdev;

/* Counters in /proc/net/dev's terms. Updated by the driver only, with
 * relaxed atomics (readers take a snapshot; an odd count is harmless). */
struct netdev_stats {
    uint64_t rx_bytes, rx_packets, rx_errors, rx_dropped;
    uint64_t tx_bytes, tx_packets, tx_errors, tx_dropped;
};

/* What a transmitted frame asks of the device. Checksum completion (a
 * NETDEV_F_TX_CSUM device): the ones' complement sum from byte csum_start
 * of the frame to its end, folded and complemented, goes into the 16 bits
 * at csum_start + csum_offset; csum_seed is what those bits hold before
 * (the pseudo-header's sum, as it sits in the frame: network order),
 * whatever the pieces hold there. Segmentation (a NETDEV_F_TX_TSO device,
 * gso_mss not 0, with the checksum asked too): the frame is one IPv4 TCP
 * packet of up to NETDEV_TX_GSO_MAX bytes whose first gso_hdr_len bytes
 * are its Ethernet, IP and TCP headers; the device sends it as segments
 * of gso_mss payload bytes each (the last may be shorter), as TSO does:
 * the IP total length and the pseudo-header in the seed are the big
 * packet's, the device fixes up lengths, IP ids, sequence numbers,
 * checksums, and PSH/FIN on the last segment only. */
struct netdev_offload {
    uint16_t csum_start, csum_offset, csum_seed;
    uint16_t gso_mss, gso_hdr_len;
};

/* A piece of a received frame. */
struct netdev_frag {
    const void *data;
    size_t len;
};

struct netdev_ops {
    /* Queues one Ethernet frame, given as count pieces (the stack's buffer
     * chain), total bytes at most NETDEV_FRAME_MAX (NETDEV_TX_GSO_MAX with
     * gso_mss); the driver copies it, so the pieces may be reused on
     * return. off is NULL, or (on a device with the features) what the
     * device is to complete: a checksum, and a segmentation.
     * May sleep briefly for a free transmit slot. Returns 0, -EINVAL (bad
     * size) or -EAGAIN (no room: dropped). The driver may hold back the
     * device's notification until flush (or until a batch is full), so
     * the stack calls flush after its last transmit of a burst. */
    int (*transmit)(struct netdev *dev, const void *const *pieces, const size_t *lengths,
                    unsigned count, const struct netdev_offload *off);
    /* Optional: tells the device about the frames transmit has queued.
     * Does not sleep. */
    void (*flush)(struct netdev *dev);
};

/* The receive hook: one frame of len bytes (at least 14) in count pieces
 * (1 to NETDEV_RX_FRAGS_MAX), valid only during the call; flags
 * NETDEV_RX_*. */
typedef void (*netdev_rx_fn)(struct netdev *dev, const struct netdev_frag *frags,
                             unsigned count, size_t len, unsigned flags, void *arg);
/* Called from the receive thread when the link goes up or down. */
typedef void (*netdev_link_fn)(struct netdev *dev, bool is_up, void *arg);

struct netdev {
    char name[NETDEV_NAME_SIZE];        /* "eth0": set by netdev_register */
    uint8_t mac[NETDEV_MAC_LEN];
    unsigned mtu;                       /* IP bytes per frame: 1500 */
    unsigned features;                  /* NETDEV_F_* */
    volatile bool is_link_up;
    const struct netdev_ops *ops;
    struct netdev_stats stats;
    /* Set once by the stack (netdev_attach) before frames flow; read by the
     * receive thread. Frames that arrive before are dropped. */
    netdev_rx_fn rx;
    netdev_link_fn link_changed;
    void *stack_arg;
    void *driver_data;
};

/* Names dev eth<N> and makes it visible. Returns 0 or -ENOSPC. */
int netdev_register(struct netdev *dev);
unsigned netdev_count(void);
/* The index-th device registered (NULL past the end). */
struct netdev *netdev_get(unsigned index);
/* Connects the stack: rx and link_changed with arg. */
void netdev_attach(struct netdev *dev, netdev_rx_fn rx, netdev_link_fn link_changed, void *arg);

/* For drivers: counting with relaxed atomics. */
static inline void netdev_count_add(uint64_t *counter, uint64_t value)
{
    __atomic_fetch_add(counter, value, __ATOMIC_RELAXED);
}

#endif
