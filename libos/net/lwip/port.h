/* Private to the lwIP port (libos/net/lwip): memory accounting, the
 * interfaces' glue and configuration. */
#ifndef NET_LWIP_PORT_H
#define NET_LWIP_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <drivers/netdev.h>

/* lwIP's heap cap: an eighth of RAM, between these bounds. */
#define LWIP_PORT_MEM_MIN (2u << 20)
#define LWIP_PORT_MEM_MAX (64u << 20)

void lwip_port_mem_init(void);
void lwip_port_mem_stats(size_t *used, size_t *peak, size_t *cap);

#include "lwip/netif.h"

/* How an interface got (or gets) its address. */
enum net_config_mode {
    NET_CONFIG_NONE,
    NET_CONFIG_DHCP,
    NET_CONFIG_STATIC,
};

struct ethif_batch;

/* One NIC as lwIP sees it (ethif.c). The stack's core lock protects
 * netif, mode and batch after netstack_init. */
struct net_iface {
    struct netif netif;
    struct netdev *dev;
    enum net_config_mode mode;
    ip4_addr_t logged_addr;             /* the last address the log announced */
    bool is_tx_unflushed;               /* frames given to dev (or batch) not flushed yet */
    struct ethif_batch *batch;          /* TSO: the segments held back, or NULL */
};

extern struct net_iface net_ifaces[NETDEV_MAX];
extern unsigned net_iface_count;        /* set once by netstack_init */

/* Adds dev to lwIP as net_ifaces[index] (down, no address); connects its
 * receive hook. Core lock held. Returns 0 or -ENOMEM. */
int ethif_add(struct net_iface *iface, struct netdev *dev);
/* Flushes what the interfaces transmitted under the core lock (netdev
 * flush): called as the core lock is released (sys_arch.c), the end of
 * every burst lwIP sends. Core lock held. */
void ethif_flush(void);

/* The /proc/net files (procnet.c). */
void procnet_register(void);
/* AF_INET sockets (inet.c): registers the family once lwIP runs. */
int inet_family_init(void);
/* Starts lwIP (once) if it does not run yet: netcfg.c. May sleep. */
int netstack_start(void);
bool netstack_is_started(void);
/* Threads lwIP has created (sys_thread_new): 1, the tcpip thread, once
 * the stack runs. */
unsigned lwip_port_thread_count(void);

#endif
