/* lwIP's configuration for Tandem's kernel: IPv4 with ARP, ICMP, DHCP, UDP,
 * TCP and DNS over Ethernet NICs; no lwIP sockets or netconn (the kernel's
 * own socket layer uses the raw API under the core lock, docs/net.md).
 * Memory comes from the kernel heap on demand, within a cap set at boot
 * from the machine's RAM (sys_arch.c), instead of static pools. */
#ifndef LWIP_LWIPOPTS_H
#define LWIP_LWIPOPTS_H

/* ---- threads and locking ---- */
#define NO_SYS 0
#define SYS_LIGHTWEIGHT_PROT 1
#define LWIP_TCPIP_CORE_LOCKING 1
#define LWIP_TCPIP_CORE_LOCKING_INPUT 1 /* the NIC's receive thread runs input */
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0
#define TCPIP_THREAD_NAME "tcpip"
#define TCPIP_THREAD_STACKSIZE 0        /* ours: the kernel's stack size */
#define TCPIP_THREAD_PRIO 0
#define TCPIP_MBOX_SIZE 128
#define DEFAULT_THREAD_STACKSIZE 0
#define DEFAULT_RAW_RECVMBOX_SIZE 16
#define DEFAULT_UDP_RECVMBOX_SIZE 16
#define DEFAULT_TCP_RECVMBOX_SIZE 16
#define DEFAULT_ACCEPTMBOX_SIZE 16
#define LWIP_TIMEVAL_PRIVATE 0
#define LWIP_ERRNO_STDINCLUDE 0
#define LWIP_PROVIDE_ERRNO 0

/* ---- memory: the kernel heap, capped (sys_arch.c) ---- */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8
#define mem_clib_malloc lwip_port_malloc
#define mem_clib_free lwip_port_free
#define mem_clib_calloc lwip_port_calloc
#include <stddef.h>
void *lwip_port_malloc(size_t size);
void lwip_port_free(void *ptr);
void *lwip_port_calloc(size_t count, size_t size);
/* Counts still bound what is made (with MEMP_MEM_MALLOC lwIP does not
 * enforce these, but they size the few arrays it keeps). */
#define PBUF_POOL_SIZE 256
#define MEMP_NUM_PBUF 256
#define MEMP_NUM_TCP_PCB 256
#define MEMP_NUM_TCP_PCB_LISTEN 32
#define MEMP_NUM_UDP_PCB 64
#define MEMP_NUM_RAW_PCB 16
#define MEMP_NUM_TCP_SEG 2048
#define MEMP_NUM_SYS_TIMEOUT 32
#define MEMP_NUM_TCPIP_MSG_INPKT 256

/* ---- protocols ---- */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define ETHARP_TABLE_SIZE 32
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#define ARP_QUEUEING 1
#define IP_FORWARD 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define LWIP_ICMP 1
#define LWIP_RAW 1
#define LWIP_DHCP 1
#define DHCP_DOES_ARP_CHECK 0           /* bind at once: boot does not wait */
#define LWIP_DHCP_GET_NTP_SRV 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 2
#define LWIP_DHCP_MAX_DNS_SERVERS DNS_MAX_SERVERS
#define DNS_TABLE_SIZE 8
#define SO_REUSE 1
#define LWIP_TCP_KEEPALIVE 1
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 128
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_NETIF_LOOPBACK 1           /* 127.0.0.1 for the socket layer */
#define LWIP_HAVE_LOOPIF 1
#define LWIP_SINGLE_NETIF 0
#define LWIP_CHECKSUM_ON_COPY 0
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1  /* offload per NIC (ethif.c) */

/* ---- TCP windows ---- */
#define TCP_MSS 1460
/* 251 KiB each way, with window scaling (RFC 7323; a peer without it gets
 * 64 KiB): a 64 KiB window let one coalesced frame or one TSO batch be in
 * flight at a time. lwIP's heap cap (an eighth of RAM) still bounds what
 * all connections hold together. */
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 2
#define TCP_WND (176 * TCP_MSS)
#define TCP_SND_BUF (176 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_SNDLOWAT (16 * TCP_MSS)     /* lwIP keeps it in 16 bits */
#define TCP_OVERSIZE TCP_MSS

/* ---- hooks (tcp_syn.c) ---- */
#define LWIP_HOOK_FILENAME "lwip_hooks.h"

/* ---- statistics and debugging ---- */
/* Every raw-API call checks that its caller holds the core lock
 * (sys_arch.c; left out with -Db_ndebug=true). */
#ifndef NDEBUG
void sys_check_core_locking(void);
#define LWIP_ASSERT_CORE_LOCKED() sys_check_core_locking()
#endif

#define LWIP_STATS 0
#define LWIP_DEBUG 0

#endif
