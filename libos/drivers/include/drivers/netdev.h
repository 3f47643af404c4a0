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

struct netdev;

/* Counters in /proc/net/dev's terms. Updated by the driver only, with
 * relaxed atomics (readers take a snapshot; an odd count is harmless). */
struct netdev_stats {
    uint64_t rx_bytes, rx_packets, rx_errors, rx_dropped;
    uint64_t tx_bytes, tx_packets, tx_errors, tx_dropped;
};

struct netdev_ops {
    /* Queues one Ethernet frame, given as count pieces (the stack's buffer
     * chain), total bytes at most NETDEV_FRAME_MAX; the driver copies it,
     * so the pieces may be reused on return. May sleep briefly for a free
     * transmit slot. Returns 0, -EINVAL (bad size) or -EAGAIN (no room: dropped). */
    int (*transmit)(struct netdev *dev, const void *const *pieces, const size_t *lengths,
                    unsigned count);
};

/* The receive hook: frame is valid only during the call. */
typedef void (*netdev_rx_fn)(struct netdev *dev, const void *frame, size_t len, void *arg);
/* Called from the receive thread when the link goes up or down. */
typedef void (*netdev_link_fn)(struct netdev *dev, bool is_up, void *arg);

struct netdev {
    char name[NETDEV_NAME_SIZE];        /* "eth0": set by netdev_register */
    uint8_t mac[NETDEV_MAC_LEN];
    unsigned mtu;                       /* IP bytes per frame: 1500 */
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
