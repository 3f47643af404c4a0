/* The network stack's front door (libos/net/lwip): lwIP in the kernel over
 * every registered netdev. netstack_init runs once at boot
 * (SUBSYS_STAGE_NETSTACK, kern/subsys.h), after the drivers, the VFS and
 * the socket layer. The socket layer reaches lwIP through its raw API
 * under the core lock (LOCK_TCPIP_CORE / UNLOCK_TCPIP_CORE from
 * lwip/tcpip.h); see docs/net.md. */
#ifndef NET_NETSTACK_H
#define NET_NETSTACK_H

/* Starts lwIP (its tcpip thread), adds eth0, eth1, ... and configures
 * them from the command line's ip= words (DHCP by default), publishes
 * /proc/net. Does not wait for DHCP. Returns 0 or -errno. */
int netstack_init(void);

#endif
