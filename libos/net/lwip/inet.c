/* AF_INET sockets over lwIP's raw API (docs/net.md "AF_INET"): TCP
 * streams, UDP datagrams and ICMP echo datagram sockets (Linux's
 * unprivileged ping sockets).
 *
 * Model. A socket's struct inet_sock owns one lwIP pcb. Every use of the
 * pcb happens under the core lock (LOCK_TCPIP_CORE), and lwIP's callbacks
 * (recv, sent, err, accept, connected, udp/raw recv) run with it held, in
 * the tcpip or a NIC's receive thread. They move what arrived into the
 * socket's queues under the socket's spinlock and wake its wait queue;
 * socket calls sleep on that queue with the spinlock as the condition
 * lock, never holding the core lock. Lock order: core lock, then one
 * inet_sock.lock (a leaf apart from the wait queue's own lock).
 *
 * Lifetime: the inet_sock lives until the socket's release, which detaches
 * it from its pcb (callbacks and arg cleared) under the core lock before
 * freeing it, so no callback can see it afterwards. lwIP's err callback
 * means the pcb is already gone: it is forgotten there. A connection a
 * listener received but nobody accepted yet is an inet_sock without a
 * socket, queued on the listener (at most backlog + 1); the listener's
 * release aborts them. */
#include <stddef.h>
#include <string.h>
#include <abi/errno.h>
#include <abi/ioctl.h>
#include <abi/poll.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <net/socket.h>
#include <plat/timer.h>
#include <sched/wait.h>
#include "lwip/inet_chksum.h"
#include "lwip/ip4.h"
#include "lwip/netif.h"
#include "lwip/prot/icmp.h"
#include "lwip/prot/ip4.h"
#include "lwip/raw.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "lwip/udp.h"
#include "port.h"

#ifndef POLLRDHUP
#define POLLRDHUP 0x2000
#endif

#define INET_DGRAM_MAX   65507u     /* largest UDP payload over IPv4 */
#define INET_DGRAM_COUNT 512u       /* datagrams queued per socket */

enum inet_kind { INET_TCP, INET_UDP, INET_ICMP };

enum inet_state {
    INET_NEW,                   /* not connected (TCP: maybe bound) */
    INET_LISTEN,
    INET_CONNECTING,
    INET_CONNECTED,             /* UDP/ICMP: a default destination */
    INET_CLOSED,                /* TCP: the pcb is gone (reset, timeout, closed) */
};

/* A datagram (UDP payload, or ICMP message without the IP header). */
struct inet_pkt {
    struct inet_pkt *next;
    struct pbuf *p;             /* owned */
    ip_addr_t addr;
    u16_t port;
};

struct inet_sock {
    enum inet_kind kind;
    /* Under the core lock: */
    union {
        struct tcp_pcb *tcp;
        struct udp_pcb *udp;
        struct raw_pcb *raw;
    } pcb;                      /* NULL once lwIP freed it (err callback) */
    bool is_bound;
    bool is_nodelay;
    u16_t icmp_id;              /* ICMP: our echo identifier (host order) */
    struct sockaddr_in peer;    /* TCP: the peer once connected (getpeername after a reset) */
    struct sockaddr_in local;   /* TCP: our name once connected */

    /* Protects everything below; taken under the core lock by callbacks,
     * alone by socket calls; the condition lock of wq. */
    struct spinlock lock;
    struct waitq wq;            /* readers, writers, accepters, connectors, pollers */
    struct socket *sock;        /* NULL while queued on a listener */
    int pending_error;          /* an error before the socket existed */
    enum inet_state state;
    bool is_rx_eof;             /* TCP: FIN received, or the connection is gone */
    bool is_shut_rd, is_shut_wr;
    uint64_t sent_gen;          /* TCP: bumped when send room may have grown */
    /* TCP receive queue: pbufs linked through next (each len bytes;
     * tot_len unused), rx_off bytes of the first already read. Bounded by
     * TCP's window (tcp_recved only as the process reads). */
    struct pbuf *rx_head, *rx_tail;
    size_t rx_off, rx_bytes;
    /* Listener: connections not accepted yet. */
    struct inet_sock *acq_head, *acq_tail, *acq_next;
    unsigned acq_count, acq_cap;
    /* Datagrams: bounded by SO_RCVBUF bytes and INET_DGRAM_COUNT. */
    struct inet_pkt *dq_head, *dq_tail;
    size_t dq_bytes;
    unsigned dq_count;
};

static struct inet_sock *is_of(struct socket *sock)
{
    return sock->priv;
}

/* An asynchronous error. */
static void inet_error_locked(struct inet_sock *is, int err)
{
    spin_assert_held(&is->lock);
    if (is->sock)
        sock_set_error(is->sock, err);
    else
        is->pending_error = err;
}

static int inet_errno(err_t err)
{
    switch (err) {
    case ERR_OK: return 0;
    case ERR_MEM: case ERR_BUF: return -ENOBUFS;
    case ERR_TIMEOUT: return -ETIMEDOUT;
    case ERR_RTE: return -ENETUNREACH;
    case ERR_INPROGRESS: return -EINPROGRESS;
    case ERR_VAL: case ERR_ARG: return -EINVAL;
    case ERR_WOULDBLOCK: return -EAGAIN;
    case ERR_USE: return -EADDRINUSE;
    case ERR_ALREADY: return -EALREADY;
    case ERR_ISCONN: return -EISCONN;
    case ERR_CONN: return -ENOTCONN;
    case ERR_IF: return -ENETDOWN;
    case ERR_ABRT: return -ECONNABORTED;
    case ERR_RST: return -ECONNRESET;
    case ERR_CLSD: return -ENOTCONN;
    default: return -EIO;
    }
}

static void sin_from(struct sockaddr_in *sin, const ip_addr_t *ip, u16_t port)
{
    memset(sin, 0, sizeof(*sin));
    sin->sin_family = AF_INET;
    sin->sin_port = lwip_htons(port);
    sin->sin_addr.s_addr = ip ? ip4_addr_get_u32(ip_2_ip4(ip)) : 0;
}

/* Checks a caller's AF_INET address. */
static int sin_parse(const struct sockaddr *addr, socklen_t len, ip_addr_t *ip, u16_t *port)
{
    if (len < (socklen_t)sizeof(struct sockaddr_in))
        return -EINVAL;
    const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
    if (sin->sin_family != AF_INET)
        return -EAFNOSUPPORT;
    ip_addr_set_ip4_u32_val(*ip, sin->sin_addr.s_addr);
    *port = lwip_ntohs(sin->sin_port);
    return 0;
}

/* Is ip one of ours (or the wildcard)? Core lock held. */
static bool addr_is_local(const ip_addr_t *ip)
{
    if (ip_addr_isany(ip))
        return true;
    struct netif *netif;
    NETIF_FOREACH(netif) {
        if (ip4_addr_cmp(ip_2_ip4(ip), netif_ip4_addr(netif)))
            return true;
    }
    return false;
}

/* Frees a list of pbufs linked through next, one by one. Core lock held. */
static void pbuf_list_free(struct pbuf *p)
{
    while (p) {
        struct pbuf *next = p->next;
        p->next = NULL;
        pbuf_free(p);
        p = next;
    }
}

static void pkt_list_free(struct inet_pkt *pkt)
{
    while (pkt) {
        struct inet_pkt *next = pkt->next;
        pbuf_free(pkt->p);
        kfree(pkt);
        pkt = next;
    }
}

static size_t iov_total(const struct sock_msg *msg)
{
    size_t total = 0;
    for (size_t i = 0; i < msg->iovcnt; i++)
        total += msg->iov[i].iov_len;
    return total;
}

/* Copies n bytes from src to the iovecs, starting skip bytes in. */
static void iov_put(const struct iovec *iov, size_t iovcnt, size_t skip, const void *src, size_t n)
{
    const char *s = src;
    for (size_t i = 0; i < iovcnt && n; i++) {
        size_t len = iov[i].iov_len;
        if (skip >= len) {
            skip -= len;
            continue;
        }
        size_t k = MIN(len - skip, n);
        memcpy((char *)iov[i].iov_base + skip, s, k);
        s += k;
        n -= k;
        skip = 0;
    }
}

/* ---------------------------------------------------------------- TCP callbacks */

static err_t tcp_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)pcb;
    (void)err;
    struct inet_sock *is = arg;
    spin_lock(&is->lock);
    if (!p) {
        is->is_rx_eof = true;
    } else {
        if (is->rx_tail)
            is->rx_tail->next = p;
        else
            is->rx_head = p;
        is->rx_bytes += p->tot_len;
        struct pbuf *q = p;
        while (q->next)
            q = q->next;
        is->rx_tail = q;
    }
    waitq_wake_all(&is->wq);
    spin_unlock(&is->lock);
    return ERR_OK;
}

/* lwIP's heap, shared by every connection: a sender that finds it full
 * with nothing of its own queued (so no ACK of its own will free any)
 * waits for any socket to give some back (an ACK, a read, a close), as
 * Linux's senders wait for memory, instead of failing with ENOBUFS. The
 * freers bump mem_gen and look for waiters; a waiter counts itself and
 * then looks at mem_gen: with both sequentially consistent, one of them
 * sees the other. Memory that only a read would free (unread data of a
 * socket nobody reads) frees no other way: a waiter looks again every
 * MEM_RETRY_NS. */
#define MEM_RETRY_NS 100000000ULL
static struct spinlock mem_lock = SPINLOCK_INIT;
static struct waitq mem_wq = WAITQ_INIT(mem_wq);
static uint64_t mem_gen;
static unsigned mem_waiters;

static void mem_freed(void)
{
    __atomic_fetch_add(&mem_gen, 1, __ATOMIC_SEQ_CST);
    if (!__atomic_load_n(&mem_waiters, __ATOMIC_SEQ_CST))
        return;
    unsigned long flags = spin_lock_irqsave(&mem_lock);
    waitq_wake_all(&mem_wq);
    spin_unlock_irqrestore(&mem_lock, flags);
}

/* Waits until mem_gen moves from gen, MEM_RETRY_NS passes or deadline
 * (0: none) comes: 0, or -EAGAIN at the deadline, -EINTR on a signal. */
static int mem_wait(uint64_t gen, uint64_t deadline)
{
    uint64_t retry = plat_time_ns() + MEM_RETRY_NS;
    bool is_retry_first = !deadline || retry < deadline;
    unsigned long flags = spin_lock_irqsave(&mem_lock);
    __atomic_fetch_add(&mem_waiters, 1, __ATOMIC_SEQ_CST);
    int rc = 0;
    while (__atomic_load_n(&mem_gen, __ATOMIC_SEQ_CST) == gen && rc == 0)
        rc = sock_wait(&mem_wq, &mem_lock, is_retry_first ? retry : deadline);
    __atomic_fetch_sub(&mem_waiters, 1, __ATOMIC_SEQ_CST);
    spin_unlock_irqrestore(&mem_lock, flags);
    return rc == -EAGAIN && is_retry_first ? 0 : rc;
}

static err_t tcp_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)len;
    struct inet_sock *is = arg;
    mem_freed();                /* the acknowledged segments' pbufs */
    /* A blocked writer is woken once a quarter of the send buffer is free
     * (or all is acknowledged), not at every ACK of two segments: under
     * TCG each wake-up and sleep costs as much as the segments' copying. */
    bool is_drained = !pcb->unsent && !pcb->unacked;
    if (!is_drained && (tcp_sndbuf(pcb) < TCP_SND_BUF / 4 ||
                        tcp_sndqueuelen(pcb) > TCP_SND_QUEUELEN * 3 / 4))
        return ERR_OK;
    spin_lock(&is->lock);
    is->sent_gen++;
    waitq_wake_all(&is->wq);
    spin_unlock(&is->lock);
    return ERR_OK;
}

/* The pcb is already freed. */
static void tcp_err_cb(void *arg, err_t err)
{
    struct inet_sock *is = arg;
    is->pcb.tcp = NULL;
    spin_lock(&is->lock);
    int e = 0;
    if (is->state == INET_CONNECTING)
        e = err == ERR_RST ? -ECONNREFUSED : -ETIMEDOUT;
    else if (err == ERR_RST)
        e = -ECONNRESET;
    else if (err == ERR_ABRT)
        e = -ETIMEDOUT;         /* retransmission or keep-alive timeout */
    /* ERR_CLSD: both sides closed normally. A failed connect leaves the
     * socket unconnected (it may connect again). */
    is->state = is->state == INET_CONNECTING ? INET_NEW : INET_CLOSED;
    is->is_rx_eof = true;
    if (e)
        inet_error_locked(is, e);
    is->sent_gen++;
    waitq_wake_all(&is->wq);
    spin_unlock(&is->lock);
    mem_freed();                /* the pcb and its segments */
}

static err_t tcp_connected_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)err;
    struct inet_sock *is = arg;
    sin_from(&is->local, &pcb->local_ip, pcb->local_port);
    spin_lock(&is->lock);
    if (is->state == INET_CONNECTING)
        is->state = INET_CONNECTED;
    waitq_wake_all(&is->wq);
    spin_unlock(&is->lock);
    return ERR_OK;
}

static void tcp_attach(struct inet_sock *is, struct tcp_pcb *pcb)
{
    is->pcb.tcp = pcb;
    tcp_arg(pcb, is);
    tcp_recv(pcb, tcp_recv_cb);
    tcp_sent(pcb, tcp_sent_cb);
    tcp_err(pcb, tcp_err_cb);
}

static void tcp_detach(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
}

static struct inet_sock *inet_sock_new(enum inet_kind kind)
{
    struct inet_sock *is = kzalloc(sizeof(*is));
    if (!is)
        return NULL;
    is->kind = kind;
    is->lock = (struct spinlock)SPINLOCK_INIT;
    waitq_init(&is->wq);
    return is;
}

/* Frees what a socket holds; its pcb is detached already. Core lock held. */
static void inet_sock_free(struct inet_sock *is)
{
    pbuf_list_free(is->rx_head);
    pkt_list_free(is->dq_head);
    waitq_destroy(&is->wq);
    kfree(is);
}

static err_t tcp_accept_cb(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    struct inet_sock *listener = arg;
    if (err != ERR_OK || !newpcb || !listener)
        return ERR_VAL;
    struct inet_sock *child = inet_sock_new(INET_TCP);
    if (!child)
        return ERR_MEM;         /* lwIP aborts the connection */
    child->state = INET_CONNECTED;
    child->is_bound = true;
    sin_from(&child->peer, &newpcb->remote_ip, newpcb->remote_port);
    sin_from(&child->local, &newpcb->local_ip, newpcb->local_port);
    spin_lock(&listener->lock);
    if (listener->acq_count >= listener->acq_cap) {
        spin_unlock(&listener->lock);
        waitq_destroy(&child->wq);
        kfree(child);
        return ERR_MEM;         /* full: refused (reset) */
    }
    if (listener->acq_tail)
        listener->acq_tail->acq_next = child;
    else
        listener->acq_head = child;
    listener->acq_tail = child;
    listener->acq_count++;
    tcp_attach(child, newpcb);
    if (listener->is_nodelay)
        tcp_nagle_disable(newpcb);
    waitq_wake_all(&listener->wq);
    spin_unlock(&listener->lock);
    return ERR_OK;
}

/* ---------------------------------------------------------------- datagram callbacks */

/* Queues a datagram (p owned by the queue on success). Core lock held. */
static bool dgram_queue(struct inet_sock *is, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    struct inet_pkt *pkt = kmalloc(sizeof(*pkt));
    if (!pkt)
        return false;
    pkt->next = NULL;
    pkt->p = p;
    ip_addr_copy(pkt->addr, *addr);
    pkt->port = port;
    spin_lock(&is->lock);
    size_t limit = is->sock ? __atomic_load_n(&is->sock->rcvbuf, __ATOMIC_RELAXED) : SOCK_BUF_DEFAULT;
    if (is->is_shut_rd || is->dq_count >= INET_DGRAM_COUNT ||
        (is->dq_count && is->dq_bytes + p->tot_len > limit)) {
        spin_unlock(&is->lock);
        kfree(pkt);
        return false;
    }
    if (is->dq_tail)
        is->dq_tail->next = pkt;
    else
        is->dq_head = pkt;
    is->dq_tail = pkt;
    is->dq_count++;
    is->dq_bytes += p->tot_len;
    waitq_wake_all(&is->wq);
    spin_unlock(&is->lock);
    return true;
}

static void udp_recv_cb(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                        u16_t port)
{
    (void)pcb;
    if (!dgram_queue(arg, p, addr, port))
        pbuf_free(p);           /* over the bound: dropped, as Linux */
}

/* Takes the echo replies carrying our identifier, without the IP header. */
static u8_t raw_recv_cb(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
    (void)pcb;
    struct inet_sock *is = arg;
    u8_t vhl;
    if (pbuf_copy_partial(p, &vhl, 1, 0) != 1)
        return 0;
    u16_t hlen = (u16_t)((vhl & 0x0f) * 4);
    u8_t head[8];
    if (hlen < IP_HLEN || pbuf_copy_partial(p, head, sizeof(head), hlen) != sizeof(head))
        return 0;
    u16_t id = (u16_t)(head[4] << 8 | head[5]);
    if (head[0] != ICMP_ER || id != is->icmp_id)
        return 0;
    if (pbuf_remove_header(p, hlen) != 0)
        return 0;
    if (!dgram_queue(is, p, addr, 0))
        pbuf_free(p);
    return 1;
}

/* ---------------------------------------------------------------- create, options */

static u16_t next_icmp_id = 0x4000;     /* under the core lock */

static void apply_options(struct inet_sock *is, struct socket *sock)
{
    if (is->kind == INET_TCP && is->pcb.tcp) {
        if (sock_opt_is_set(sock, SO_REUSEADDR))
            ip_set_option(is->pcb.tcp, SOF_REUSEADDR);
        else
            ip_reset_option(is->pcb.tcp, SOF_REUSEADDR);
        if (sock_opt_is_set(sock, SO_KEEPALIVE))
            ip_set_option(is->pcb.tcp, SOF_KEEPALIVE);
        else
            ip_reset_option(is->pcb.tcp, SOF_KEEPALIVE);
        if (is->state != INET_LISTEN) {
            if (is->is_nodelay)
                tcp_nagle_disable(is->pcb.tcp);
            else
                tcp_nagle_enable(is->pcb.tcp);
        }
    } else if (is->kind == INET_UDP && is->pcb.udp) {
        if (sock_opt_is_set(sock, SO_REUSEADDR))
            ip_set_option(is->pcb.udp, SOF_REUSEADDR);
        else
            ip_reset_option(is->pcb.udp, SOF_REUSEADDR);
        if (sock_opt_is_set(sock, SO_BROADCAST))
            ip_set_option(is->pcb.udp, SOF_BROADCAST);
        else
            ip_reset_option(is->pcb.udp, SOF_BROADCAST);
    }
}

/* A fresh TCP pcb for is (create, or after a failed connect). Core lock. */
static int tcp_fresh_pcb(struct inet_sock *is, struct socket *sock)
{
    struct tcp_pcb *pcb = tcp_new();
    if (!pcb)
        return -ENOBUFS;
    tcp_attach(is, pcb);
    apply_options(is, sock);
    return 0;
}

static int inet_create(struct socket *sock, int protocol)
{
    int started = netstack_start();
    if (started < 0)
        return started;
    enum inet_kind kind;
    if (sock->type == SOCK_STREAM) {
        if (protocol && protocol != IPPROTO_TCP)
            return -EPROTONOSUPPORT;
        kind = INET_TCP;
    } else if (sock->type == SOCK_DGRAM) {
        if (protocol == 0 || protocol == IPPROTO_UDP)
            kind = INET_UDP;
        else if (protocol == IPPROTO_ICMP)
            kind = INET_ICMP;
        else
            return -EPROTONOSUPPORT;
    } else {
        return -ESOCKTNOSUPPORT;
    }
    struct inet_sock *is = inet_sock_new(kind);
    if (!is)
        return -ENOMEM;
    is->sock = sock;
    int rc = 0;
    LOCK_TCPIP_CORE();
    if (kind == INET_TCP) {
        rc = tcp_fresh_pcb(is, sock);
    } else if (kind == INET_UDP) {
        is->pcb.udp = udp_new();
        if (is->pcb.udp)
            udp_recv(is->pcb.udp, udp_recv_cb, is);
        else
            rc = -ENOBUFS;
    } else {
        is->pcb.raw = raw_new(IP_PROTO_ICMP);
        if (is->pcb.raw) {
            raw_recv(is->pcb.raw, raw_recv_cb, is);
            is->icmp_id = next_icmp_id++;
            if (!next_icmp_id)
                next_icmp_id = 1;
        } else {
            rc = -ENOBUFS;
        }
    }
    UNLOCK_TCPIP_CORE();
    if (rc < 0) {
        waitq_destroy(&is->wq);
        kfree(is);
        return rc;
    }
    sock->priv = is;
    return 0;
}

static void inet_release(struct socket *sock)
{
    struct inet_sock *is = is_of(sock);
    struct linger linger;
    spin_lock(&sock->opt_lock);
    linger = sock->linger;
    spin_unlock(&sock->opt_lock);
    LOCK_TCPIP_CORE();
    if (is->kind == INET_TCP) {
        struct tcp_pcb *pcb = is->pcb.tcp;
        if (pcb && is->state == INET_LISTEN) {
            tcp_arg(pcb, NULL);
            tcp_close(pcb);     /* a listener closes at once */
        } else if (pcb) {
            tcp_detach(pcb);
            /* unread data: lwIP's tcp_close resets, as Linux */
            if ((linger.l_onoff && linger.l_linger == 0) || tcp_close(pcb) != ERR_OK)
                tcp_abort(pcb);
        }
        is->pcb.tcp = NULL;
        struct inet_sock *child = is->acq_head;
        while (child) {
            struct inet_sock *next = child->acq_next;
            if (child->pcb.tcp) {
                tcp_detach(child->pcb.tcp);
                tcp_abort(child->pcb.tcp);
            }
            inet_sock_free(child);
            child = next;
        }
    } else if (is->kind == INET_UDP && is->pcb.udp) {
        udp_recv(is->pcb.udp, NULL, NULL);
        udp_remove(is->pcb.udp);
    } else if (is->kind == INET_ICMP && is->pcb.raw) {
        raw_recv(is->pcb.raw, NULL, NULL);
        raw_remove(is->pcb.raw);
    }
    inet_sock_free(is);
    UNLOCK_TCPIP_CORE();
    mem_freed();
}

/* ---------------------------------------------------------------- bind, listen, accept, connect */

static int inet_bind(struct socket *sock, const struct sockaddr *addr, socklen_t len,
                     struct vfs_ctx *ctx)
{
    (void)ctx;
    struct inet_sock *is = is_of(sock);
    ip_addr_t ip;
    u16_t port;
    int rc = sin_parse(addr, len, &ip, &port);
    if (rc < 0)
        return rc;
    LOCK_TCPIP_CORE();
    if (is->is_bound || (is->kind == INET_TCP && is->state != INET_NEW)) {
        rc = -EINVAL;
    } else if (!addr_is_local(&ip)) {
        rc = -EADDRNOTAVAIL;
    } else if (is->kind == INET_TCP) {
        if (!is->pcb.tcp)
            rc = tcp_fresh_pcb(is, sock);
        if (rc == 0) {
            apply_options(is, sock);
            rc = inet_errno(tcp_bind(is->pcb.tcp, &ip, port));
        }
    } else if (is->kind == INET_UDP) {
        apply_options(is, sock);
        rc = inet_errno(udp_bind(is->pcb.udp, &ip, port));
    } else {
        rc = inet_errno(raw_bind(is->pcb.raw, &ip));
        if (rc == 0 && port)
            is->icmp_id = port;
    }
    if (rc == 0)
        is->is_bound = true;
    UNLOCK_TCPIP_CORE();
    return rc;
}

static int inet_listen(struct socket *sock, int backlog)
{
    struct inet_sock *is = is_of(sock);
    if (is->kind != INET_TCP)
        return -EOPNOTSUPP;
    if (backlog < 0)
        backlog = 0;
    if (backlog > SOMAXCONN)
        backlog = SOMAXCONN;
    int rc = 0;
    LOCK_TCPIP_CORE();
    if (is->state == INET_LISTEN) {
        spin_lock(&is->lock);
        is->acq_cap = (unsigned)backlog + 1;
        spin_unlock(&is->lock);
    } else if (is->state != INET_NEW || !is->pcb.tcp) {
        rc = -EINVAL;
    } else {
        if (!is->is_bound) {
            rc = inet_errno(tcp_bind(is->pcb.tcp, IP_ADDR_ANY, 0));
            if (rc == 0)
                is->is_bound = true;
        }
        if (rc == 0) {
            err_t err = ERR_OK;
            tcp_detach(is->pcb.tcp);
            struct tcp_pcb *lpcb = tcp_listen_with_backlog_and_err(is->pcb.tcp,
                                                                   (u8_t)(backlog + 1), &err);
            if (!lpcb) {
                tcp_attach(is, is->pcb.tcp);    /* the pcb is unchanged */
                rc = err == ERR_USE ? -EADDRINUSE : inet_errno(err);
            } else {
                is->pcb.tcp = lpcb;
                tcp_arg(lpcb, is);
                tcp_accept(lpcb, tcp_accept_cb);
                spin_lock(&is->lock);
                is->state = INET_LISTEN;
                is->acq_cap = (unsigned)backlog + 1;
                spin_unlock(&is->lock);
            }
        }
    }
    UNLOCK_TCPIP_CORE();
    return rc;
}

static int inet_accept(struct socket *sock, struct socket *newsock, bool is_nonblocking,
                       struct sockaddr *addr, socklen_t *addrlen)
{
    struct inet_sock *is = is_of(sock);
    if (is->kind != INET_TCP)
        return -EOPNOTSUPP;
    uint64_t deadline = sock_deadline(sock, false);
    int rc = 0;
    struct inet_sock *child = NULL;
    spin_lock(&is->lock);
    for (;;) {
        if (is->state != INET_LISTEN) {
            rc = -EINVAL;
            break;
        }
        if (is->acq_head) {
            child = is->acq_head;
            is->acq_head = child->acq_next;
            if (!is->acq_head)
                is->acq_tail = NULL;
            is->acq_count--;
            child->acq_next = NULL;
            break;
        }
        if (is_nonblocking) {
            rc = -EAGAIN;
            break;
        }
        rc = sock_wait(&is->wq, &is->lock, deadline);
        if (rc < 0)
            break;
    }
    spin_unlock(&is->lock);
    if (!child)
        return rc;
    spin_lock(&child->lock);
    child->sock = newsock;
    if (child->pending_error)
        sock_set_error(newsock, child->pending_error);
    spin_unlock(&child->lock);
    newsock->priv = child;
    if (addr)
        sock_copy_addr(addr, addrlen, &child->peer, sizeof(child->peer));
    return 0;
}

static int inet_connect(struct socket *sock, const struct sockaddr *addr, socklen_t len,
                        bool is_nonblocking, struct vfs_ctx *ctx)
{
    (void)ctx;
    struct inet_sock *is = is_of(sock);
    ip_addr_t ip;
    u16_t port;
    int rc;
    if (is->kind != INET_TCP) {
        if (len >= (socklen_t)sizeof(sa_family_t) && addr->sa_family == AF_UNSPEC) {
            LOCK_TCPIP_CORE();
            if (is->kind == INET_UDP)
                udp_disconnect(is->pcb.udp);
            else
                raw_disconnect(is->pcb.raw);
            spin_lock(&is->lock);
            is->state = INET_NEW;
            spin_unlock(&is->lock);
            UNLOCK_TCPIP_CORE();
            return 0;
        }
        rc = sin_parse(addr, len, &ip, &port);
        if (rc < 0)
            return rc;
        LOCK_TCPIP_CORE();
        if (is->kind == INET_UDP)
            rc = inet_errno(udp_connect(is->pcb.udp, &ip, port));
        else
            rc = inet_errno(raw_connect(is->pcb.raw, &ip));
        if (rc == 0) {
            is->is_bound = true;
            spin_lock(&is->lock);
            is->state = INET_CONNECTED;
            spin_unlock(&is->lock);
        }
        UNLOCK_TCPIP_CORE();
        return rc;
    }
    rc = sin_parse(addr, len, &ip, &port);
    if (rc < 0)
        return rc;
    if (ip_addr_isany(&ip))
        ip_addr_set_loopback(false, &ip);      /* Linux: 0.0.0.0 is this host */
    LOCK_TCPIP_CORE();
    spin_lock(&is->lock);
    enum inet_state state = is->state;
    spin_unlock(&is->lock);
    if (state == INET_CONNECTING)
        rc = -EALREADY;
    else if (state == INET_CONNECTED)
        rc = -EISCONN;
    else if (state == INET_LISTEN)
        rc = -EISCONN;
    else if (state == INET_CLOSED)
        rc = -EISCONN;          /* was connected (then reset or closed) */
    else if (!is->pcb.tcp)
        rc = tcp_fresh_pcb(is, sock);
    if (rc == 0) {
        apply_options(is, sock);
        sin_from(&is->peer, &ip, port);
        spin_lock(&is->lock);
        is->state = INET_CONNECTING;
        is->is_rx_eof = is->is_shut_rd = is->is_shut_wr = false;
        spin_unlock(&is->lock);
        err_t err = tcp_connect(is->pcb.tcp, &ip, port, tcp_connected_cb);
        if (err != ERR_OK) {
            spin_lock(&is->lock);
            is->state = INET_NEW;
            spin_unlock(&is->lock);
            rc = inet_errno(err);
        } else {
            is->is_bound = true;
        }
    }
    UNLOCK_TCPIP_CORE();
    if (rc < 0)
        return rc;
    if (is_nonblocking)
        return -EINPROGRESS;
    uint64_t deadline = sock_deadline(sock, true);
    spin_lock(&is->lock);
    while (is->state == INET_CONNECTING) {
        rc = sock_wait(&is->wq, &is->lock, deadline);
        if (rc < 0)
            break;
    }
    bool is_connected = is->state == INET_CONNECTED;
    spin_unlock(&is->lock);
    if (rc == -EAGAIN)
        return -EINPROGRESS;    /* SO_SNDTIMEO: the attempt goes on */
    if (rc < 0)
        return rc;
    if (is_connected)
        return 0;
    rc = sock_take_error(sock);
    return rc ? rc : -ECONNREFUSED;
}

/* ---------------------------------------------------------------- TCP data */

static long tcp_send(struct socket *sock, struct inet_sock *is, struct sock_msg *msg, int flags)
{
    size_t total = iov_total(msg);
    size_t done = 0;
    long rc = 0;
    uint64_t deadline = sock_deadline(sock, true);
    size_t iov_i = 0, iov_off = 0;
    while (done < total || total == 0) {
        LOCK_TCPIP_CORE();
        struct tcp_pcb *pcb = is->pcb.tcp;
        spin_lock(&is->lock);
        enum inet_state state = is->state;
        bool is_shut = is->is_shut_wr;
        uint64_t gen = is->sent_gen;
        spin_unlock(&is->lock);
        uint64_t heap_gen = __atomic_load_n(&mem_gen, __ATOMIC_SEQ_CST);
        if (state != INET_CONNECTED || !pcb || is_shut) {
            UNLOCK_TCPIP_CORE();
            if (state == INET_CONNECTING) {
                if (flags & MSG_DONTWAIT) {
                    rc = -EAGAIN;
                    break;
                }
                spin_lock(&is->lock);
                while (is->state == INET_CONNECTING && rc == 0)
                    rc = sock_wait(&is->wq, &is->lock, deadline);
                spin_unlock(&is->lock);
                if (rc < 0)
                    break;
                continue;
            }
            if (state == INET_NEW || state == INET_LISTEN) {
                rc = -ENOTCONN;
            } else {
                int err = sock_take_error(sock);
                rc = err ? err : -EPIPE;
            }
            break;
        }
        if (total == 0) {
            UNLOCK_TCPIP_CORE();
            break;
        }
        size_t room = tcp_sndbuf(pcb);
        size_t moved = 0;
        err_t err = ERR_OK;
        while (room && done + moved < total && tcp_sndqueuelen(pcb) < TCP_SND_QUEUELEN) {
            const struct iovec *v = &msg->iov[iov_i];
            if (iov_off == v->iov_len) {
                iov_i++;
                iov_off = 0;
                continue;
            }
            size_t n = MIN(MIN(room, v->iov_len - iov_off), (size_t)0xffff);
            bool is_more = done + moved + n < total;
            err = tcp_write(pcb, (const char *)v->iov_base + iov_off, (u16_t)n,
                            TCP_WRITE_FLAG_COPY | (is_more ? TCP_WRITE_FLAG_MORE : 0));
            if (err != ERR_OK)
                break;
            moved += n;
            iov_off += n;
            room -= n;
        }
        if (moved)
            tcp_output(pcb);
        bool is_idle = tcp_sndqueuelen(pcb) == 0;
        UNLOCK_TCPIP_CORE();
        done += moved;
        if (moved)
            continue;
        if (err != ERR_OK && err != ERR_MEM) {
            rc = inet_errno(err);
            break;
        }
        if (flags & MSG_DONTWAIT) {
            rc = -EAGAIN;
            break;
        }
        if (err == ERR_MEM && is_idle) {
            /* lwIP's heap is full and no ACK of ours will free any */
            rc = mem_wait(heap_gen, deadline);
            if (rc < 0)
                break;
            continue;
        }
        spin_lock(&is->lock);
        while (is->sent_gen == gen && !is->is_shut_wr && is->state == INET_CONNECTED && rc == 0)
            rc = sock_wait(&is->wq, &is->lock, deadline);
        spin_unlock(&is->lock);
        if (rc < 0)
            break;
    }
    return done ? (long)done : rc;
}

/* Gives consumed receive pbufs back and reopens the window. */
static void tcp_consumed(struct inet_sock *is, struct pbuf *freed, size_t n)
{
    if (!freed && !n)
        return;
    LOCK_TCPIP_CORE();
    pbuf_list_free(freed);
    mem_freed();
    if (is->pcb.tcp) {          /* never a listener's: it has no data */
        while (n) {
            u16_t k = (u16_t)MIN(n, (size_t)0xffff);
            tcp_recved(is->pcb.tcp, k);
            n -= k;
        }
    }
    UNLOCK_TCPIP_CORE();
}

static long tcp_recv_msg(struct socket *sock, struct inet_sock *is, struct sock_msg *msg,
                         int flags)
{
    size_t want = iov_total(msg);
    size_t copied = 0;
    long rc = 0;
    bool is_peek = flags & MSG_PEEK;
    uint64_t deadline = sock_deadline(sock, false);
    spin_lock(&is->lock);
    if (is->state == INET_NEW || is->state == INET_LISTEN || is->state == INET_CONNECTING) {
        spin_unlock(&is->lock);
        return -ENOTCONN;
    }
    for (;;) {
        struct pbuf *freed = NULL, **freed_tail = &freed;
        size_t consumed = 0;
        if (is->rx_bytes && copied < want) {
            size_t off = is->rx_off;
            struct pbuf *p = is->rx_head;
            size_t left = MIN(want - copied, is->rx_bytes);
            while (left && p) {
                size_t k = MIN((size_t)p->len - off, left);
                iov_put(msg->iov, msg->iovcnt, copied, (const char *)p->payload + off, k);
                copied += k;
                left -= k;
                off += k;
                if (!is_peek)
                    consumed += k;
                if (off == p->len) {
                    struct pbuf *next = p->next;
                    if (!is_peek) {
                        is->rx_head = next;
                        p->next = NULL;
                        *freed_tail = p;
                        freed_tail = &p->next;
                    }
                    p = next;
                    off = 0;
                }
            }
            if (!is_peek) {
                is->rx_off = off;
                is->rx_bytes -= consumed;
                if (!is->rx_head)
                    is->rx_tail = NULL;
            }
        }
        bool is_done = copied == want || (copied && (is_peek || !(flags & MSG_WAITALL)));
        if (!is_done && !is->rx_bytes) {
            if (is->is_rx_eof || is->is_shut_rd) {
                if (!copied)
                    rc = sock_take_error(sock);
                is_done = true;
            } else if (flags & MSG_DONTWAIT) {
                rc = -EAGAIN;
                is_done = true;
            }
        }
        if (is_done || freed || consumed) {
            spin_unlock(&is->lock);
            tcp_consumed(is, freed, consumed);
            if (is_done)
                break;
            spin_lock(&is->lock);
            continue;
        }
        rc = sock_wait(&is->wq, &is->lock, deadline);
        if (rc < 0) {
            spin_unlock(&is->lock);
            break;
        }
    }
    return copied ? (long)copied : rc;
}

/* ---------------------------------------------------------------- datagrams */

static long dgram_send(struct socket *sock, struct inet_sock *is, struct sock_msg *msg, int flags)
{
    (void)flags;
    ip_addr_t ip;
    u16_t port = 0;
    int rc;
    if (msg->addr) {
        rc = sin_parse(msg->addr, msg->addrlen, &ip, &port);
        if (rc < 0)
            return rc;
        if (is->kind == INET_UDP && port == 0)
            return -EINVAL;
    }
    size_t total = iov_total(msg);
    if (total > INET_DGRAM_MAX)
        return -EMSGSIZE;
    if (is->kind == INET_ICMP && total < 8)
        return -EINVAL;
    spin_lock(&is->lock);
    bool is_shut = is->is_shut_wr;
    bool is_connected = is->state == INET_CONNECTED;
    spin_unlock(&is->lock);
    if (is_shut)
        return -EPIPE;
    if (!msg->addr && !is_connected)
        return -EDESTADDRREQ;
    if (msg->addr && ip4_addr_get_u32(ip_2_ip4(&ip)) == IPADDR_BROADCAST &&
        !sock_opt_is_set(sock, SO_BROADCAST))
        return -EACCES;
    LOCK_TCPIP_CORE();
    struct pbuf *p = pbuf_alloc(is->kind == INET_UDP ? PBUF_TRANSPORT : PBUF_IP, (u16_t)total,
                                PBUF_RAM);
    if (!p) {
        UNLOCK_TCPIP_CORE();
        return -ENOBUFS;
    }
    size_t off = 0;
    for (size_t i = 0; i < msg->iovcnt; i++) {
        memcpy((char *)p->payload + off, msg->iov[i].iov_base, msg->iov[i].iov_len);
        off += msg->iov[i].iov_len;
    }
    err_t err;
    if (is->kind == INET_UDP) {
        err = msg->addr ? udp_sendto(is->pcb.udp, p, &ip, port) : udp_send(is->pcb.udp, p);
    } else {
        u8_t *icmp = p->payload;
        if (icmp[0] != ICMP_ECHO || icmp[1] != 0) {
            err = ERR_VAL;
        } else {
            icmp[4] = (u8_t)(is->icmp_id >> 8);
            icmp[5] = (u8_t)is->icmp_id;
            icmp[2] = icmp[3] = 0;
            u16_t sum = inet_chksum(icmp, (u16_t)total);
            memcpy(icmp + 2, &sum, 2);
            err = msg->addr ? raw_sendto(is->pcb.raw, p, &ip) : raw_send(is->pcb.raw, p);
        }
    }
    pbuf_free(p);
    if (err == ERR_OK)
        is->is_bound = true;
    UNLOCK_TCPIP_CORE();
    return err == ERR_OK ? (long)total : inet_errno(err);
}

static long dgram_recv(struct socket *sock, struct inet_sock *is, struct sock_msg *msg, int flags)
{
    size_t want = iov_total(msg);
    uint64_t deadline = sock_deadline(sock, false);
    struct inet_pkt *pkt = NULL;
    long rc = 0;
    spin_lock(&is->lock);
    for (;;) {
        if (is->dq_head) {
            struct inet_pkt *head = is->dq_head;
            size_t len = head->p->tot_len;
            size_t off = 0;
            for (size_t i = 0; i < msg->iovcnt && off < len; i++) {
                size_t k = MIN(msg->iov[i].iov_len, len - off);
                if (k)          /* an empty iovec's base may be NULL */
                    pbuf_copy_partial(head->p, msg->iov[i].iov_base, (u16_t)k, (u16_t)off);
                off += k;
            }
            if (len > want)
                msg->out_flags |= MSG_TRUNC;
            rc = (flags & MSG_TRUNC) ? (long)len : (long)MIN(len, want);
            if (msg->addr) {
                struct sockaddr_in sin;
                sin_from(&sin, &head->addr, head->port);
                sock_copy_addr(msg->addr, &msg->addrlen, &sin, sizeof(sin));
            }
            if (!(flags & MSG_PEEK)) {
                is->dq_head = head->next;
                if (!is->dq_head)
                    is->dq_tail = NULL;
                is->dq_count--;
                is->dq_bytes -= len;
                pkt = head;
            }
            break;
        }
        rc = sock_take_error(sock);
        if (rc < 0)
            break;
        if (is->is_shut_rd)
            break;
        if (flags & MSG_DONTWAIT) {
            rc = -EAGAIN;
            break;
        }
        rc = sock_wait(&is->wq, &is->lock, deadline);
        if (rc < 0)
            break;
    }
    spin_unlock(&is->lock);
    if (pkt) {
        LOCK_TCPIP_CORE();
        pbuf_free(pkt->p);
        UNLOCK_TCPIP_CORE();
        kfree(pkt);
    }
    return rc;
}

static long inet_sendmsg(struct socket *sock, struct sock_msg *msg, int flags)
{
    struct inet_sock *is = is_of(sock);
    if (is->kind == INET_TCP)
        return tcp_send(sock, is, msg, flags);
    return dgram_send(sock, is, msg, flags);
}

static long inet_recvmsg(struct socket *sock, struct sock_msg *msg, int flags)
{
    struct inet_sock *is = is_of(sock);
    if (flags & MSG_OOB)
        return -EINVAL;
    if (is->kind == INET_TCP) {
        msg->addrlen = 0;
        return tcp_recv_msg(sock, is, msg, flags);
    }
    return dgram_recv(sock, is, msg, flags);
}

static int inet_shutdown(struct socket *sock, int how)
{
    struct inet_sock *is = is_of(sock);
    int rc = 0;
    LOCK_TCPIP_CORE();
    spin_lock(&is->lock);
    enum inet_state state = is->state;
    bool was_shut_wr = is->is_shut_wr;
    if (state == INET_LISTEN && is->kind == INET_TCP) {
        rc = -ENOTCONN;         /* Linux closes the listener; we refuse */
    } else if (state != INET_CONNECTED && state != INET_CLOSED) {
        rc = -ENOTCONN;
    } else {
        if (how != SHUT_WR)
            is->is_shut_rd = true;
        if (how != SHUT_RD)
            is->is_shut_wr = true;
        waitq_wake_all(&is->wq);
    }
    spin_unlock(&is->lock);
    if (rc == 0 && is->kind == INET_TCP && how != SHUT_RD && !was_shut_wr && is->pcb.tcp) {
        err_t err = tcp_shutdown(is->pcb.tcp, 0, 1);
        if (err != ERR_OK)
            rc = inet_errno(err);
    }
    UNLOCK_TCPIP_CORE();
    return rc;
}

/* ---------------------------------------------------------------- names, options, poll */

static int inet_getname(struct socket *sock, struct sockaddr *addr, socklen_t *len, bool is_peer)
{
    struct inet_sock *is = is_of(sock);
    struct sockaddr_in sin;
    int rc = 0;
    LOCK_TCPIP_CORE();
    spin_lock(&is->lock);
    enum inet_state state = is->state;
    spin_unlock(&is->lock);
    if (is->kind == INET_TCP) {
        struct tcp_pcb *pcb = is->pcb.tcp;
        if (is_peer) {
            if (state != INET_CONNECTED && state != INET_CLOSED)
                rc = -ENOTCONN;
            else
                sin = is->peer;
        } else if (pcb) {
            sin_from(&sin, &pcb->local_ip, pcb->local_port);
        } else {
            sin = is->local;
        }
    } else if (is->kind == INET_UDP) {
        struct udp_pcb *pcb = is->pcb.udp;
        if (is_peer) {
            if (!(pcb->flags & UDP_FLAGS_CONNECTED))
                rc = -ENOTCONN;
            else
                sin_from(&sin, &pcb->remote_ip, pcb->remote_port);
        } else {
            sin_from(&sin, &pcb->local_ip, pcb->local_port);
        }
    } else {
        struct raw_pcb *pcb = is->pcb.raw;
        if (is_peer) {
            if (state != INET_CONNECTED)
                rc = -ENOTCONN;
            else
                sin_from(&sin, &pcb->remote_ip, 0);
        } else {
            sin_from(&sin, &pcb->local_ip, is->icmp_id);
        }
    }
    UNLOCK_TCPIP_CORE();
    if (rc == 0)
        sock_copy_addr(addr, len, &sin, sizeof(sin));
    return rc;
}

static int opt_int(const void *val, socklen_t len, int *out)
{
    if (len < (socklen_t)sizeof(int))
        return -EINVAL;
    memcpy(out, val, sizeof(int));
    return 0;
}

static int inet_setsockopt(struct socket *sock, int level, int name, const void *val,
                           socklen_t len)
{
    struct inet_sock *is = is_of(sock);
    int v = 0, rc = 0;
    if (level == SOL_SOCKET) {
        if (name != SO_REUSEADDR && name != SO_KEEPALIVE && name != SO_BROADCAST)
            return -ENOPROTOOPT;
        LOCK_TCPIP_CORE();
        if (is->pcb.tcp)
            apply_options(is, sock);
        UNLOCK_TCPIP_CORE();
        return 0;
    }
    if (level == IPPROTO_TCP) {
        if (is->kind != INET_TCP)
            return -ENOPROTOOPT;
        rc = opt_int(val, len, &v);
        if (rc < 0)
            return rc;
        LOCK_TCPIP_CORE();
        struct tcp_pcb *pcb = is->state == INET_LISTEN ? NULL : is->pcb.tcp;
        switch (name) {
        case TCP_NODELAY:
            is->is_nodelay = v != 0;
            if (pcb)
                apply_options(is, sock);
            break;
        case TCP_KEEPIDLE:
        case TCP_KEEPINTVL:
        case TCP_KEEPCNT:
            if (v < 1 || v > 32767) {
                rc = -EINVAL;
            } else if (pcb) {
                if (name == TCP_KEEPIDLE)
                    pcb->keep_idle = (u32_t)v * 1000;
                else if (name == TCP_KEEPINTVL)
                    pcb->keep_intvl = (u32_t)v * 1000;
                else
                    pcb->keep_cnt = (u32_t)v;
            }
            break;
        default:
            rc = -ENOPROTOOPT;
        }
        UNLOCK_TCPIP_CORE();
        return rc;
    }
    if (level == IPPROTO_IP) {
        rc = opt_int(val, len, &v);
        if (rc < 0)
            return rc;
        if (name != IP_TTL && name != IP_TOS)
            return -ENOPROTOOPT;
        if (name == IP_TTL && (v < 1 || v > 255))
            return -EINVAL;
        LOCK_TCPIP_CORE();
        struct ip_pcb *ip = (struct ip_pcb *)is->pcb.tcp;
        if (ip) {
            if (name == IP_TTL)
                ip->ttl = (u8_t)v;
            else
                ip->tos = (u8_t)v;
        }
        UNLOCK_TCPIP_CORE();
        return 0;
    }
    return -ENOPROTOOPT;
}

static int inet_getsockopt(struct socket *sock, int level, int name, void *val, socklen_t *len)
{
    struct inet_sock *is = is_of(sock);
    int v;
    if (*len < (socklen_t)sizeof(int))
        return -EINVAL;
    if (level == IPPROTO_TCP && is->kind == INET_TCP) {
        LOCK_TCPIP_CORE();
        struct tcp_pcb *pcb = is->state == INET_LISTEN ? NULL : is->pcb.tcp;
        switch (name) {
        case TCP_NODELAY: v = is->is_nodelay; break;
        case TCP_MAXSEG: v = pcb ? tcp_mss(pcb) : TCP_MSS; break;
        case TCP_KEEPIDLE: v = pcb ? (int)(pcb->keep_idle / 1000) : (int)(TCP_KEEPIDLE_DEFAULT / 1000); break;
        case TCP_KEEPINTVL: v = pcb ? (int)(pcb->keep_intvl / 1000) : (int)(TCP_KEEPINTVL_DEFAULT / 1000); break;
        case TCP_KEEPCNT: v = pcb ? (int)pcb->keep_cnt : (int)TCP_KEEPCNT_DEFAULT; break;
        default: v = -1;
        }
        UNLOCK_TCPIP_CORE();
        if (v < 0)
            return -ENOPROTOOPT;
    } else if (level == IPPROTO_IP && (name == IP_TTL || name == IP_TOS)) {
        LOCK_TCPIP_CORE();
        struct ip_pcb *ip = (struct ip_pcb *)is->pcb.tcp;
        v = ip ? (name == IP_TTL ? ip->ttl : ip->tos) : (name == IP_TTL ? IP_DEFAULT_TTL : 0);
        UNLOCK_TCPIP_CORE();
    } else {
        return -ENOPROTOOPT;
    }
    memcpy(val, &v, sizeof(int));
    *len = sizeof(int);
    return 0;
}

static unsigned inet_poll(struct socket *sock, struct poll_waiter *pw)
{
    (void)sock;
    struct inet_sock *is = is_of(sock);
    unsigned mask = 0;
    /* Register first: a wake-up after the checks below is not lost. */
    if (pw)
        poll_waiter_add(pw, &is->wq);
    if (is->kind != INET_TCP) {
        spin_lock(&is->lock);
        if (is->dq_head || is->is_shut_rd)
            mask |= POLLIN | POLLRDNORM;
        if (!is->is_shut_wr)
            mask |= POLLOUT | POLLWRNORM;
        if (is->is_shut_rd && is->is_shut_wr)
            mask |= POLLHUP;
        spin_unlock(&is->lock);
        return mask;
    }
    LOCK_TCPIP_CORE();
    bool has_room = is->pcb.tcp && is->state == INET_CONNECTED &&
                    tcp_sndbuf(is->pcb.tcp) > 0 &&
                    tcp_sndqueuelen(is->pcb.tcp) < TCP_SND_QUEUELEN;
    spin_lock(&is->lock);
    switch (is->state) {
    case INET_NEW:
        mask = POLLOUT | POLLWRNORM | POLLHUP;
        break;
    case INET_LISTEN:
        if (is->acq_head)
            mask = POLLIN | POLLRDNORM;
        break;
    case INET_CONNECTING:
        break;
    case INET_CONNECTED:
    case INET_CLOSED:
        if (is->rx_bytes || is->is_rx_eof || is->is_shut_rd)
            mask |= POLLIN | POLLRDNORM;
        if (is->is_rx_eof || is->is_shut_rd)
            mask |= POLLRDHUP;
        if (has_room || is->is_shut_wr || is->state == INET_CLOSED)
            mask |= POLLOUT | POLLWRNORM;
        if (is->state == INET_CLOSED || (is->is_shut_wr && is->is_rx_eof))
            mask |= POLLHUP;
        break;
    }
    spin_unlock(&is->lock);
    UNLOCK_TCPIP_CORE();
    return mask;
}

static long inet_ioctl(struct socket *sock, unsigned long request, unsigned long arg)
{
    struct inet_sock *is = is_of(sock);
    if (request != FIONREAD)
        return -ENOTTY;
    spin_lock(&is->lock);
    size_t n = is->kind == INET_TCP ? is->rx_bytes : (is->dq_head ? is->dq_head->p->tot_len : 0);
    spin_unlock(&is->lock);
    *(int *)arg = (int)MIN(n, (size_t)0x7fffffff);
    return 0;
}

static const struct sock_family_ops inet_ops = {
    .create = inet_create,
    .bind = inet_bind,
    .listen = inet_listen,
    .accept = inet_accept,
    .connect = inet_connect,
    .sendmsg = inet_sendmsg,
    .recvmsg = inet_recvmsg,
    .shutdown = inet_shutdown,
    .getsockopt = inet_getsockopt,
    .setsockopt = inet_setsockopt,
    .getname = inet_getname,
    .poll = inet_poll,
    .ioctl = inet_ioctl,
    .release = inet_release,
};

int inet_family_init(void)
{
    return sock_family_register(AF_INET, &inet_ops);
}
