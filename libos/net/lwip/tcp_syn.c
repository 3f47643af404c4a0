/* SYN flood: lwIP has no SYN cookies and counts half-open (SYN_RCVD)
 * connections against the listener's backlog, so a flood of spoofed SYNs
 * fills the backlog and every real client is refused until the spoofed
 * connections time out (TCP_SYN_RCVD_TIMEOUT, 20 s). As FreeBSD's syncache
 * does when a bucket is full, a new SYN at a full listener evicts the oldest
 * half-open connection of that listener instead: a real client gets in at
 * once, and a real client that is itself half-open when evicted retransmits
 * its SYN. Connections that completed the handshake and wait in accept()
 * are never evicted. Runs in the tcpip thread, from tcp_input(), after the
 * listener is chosen and before tcp_listen_input() sees the segment; the
 * eviction touches only tcp_active_pcbs, which tcp_input() is done with. */
#include <kern/printk.h>
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/prot/tcp.h"
#include "lwip_hooks.h"

/* as Linux's "Possible SYN flooding" line: once per port and minute */
#define FLOOD_LOG_TICKS (60 * 1000 / TCP_SLOW_INTERVAL)

static u16_t logged_port;
static u32_t logged_at;

static struct tcp_pcb *oldest_half_open(const struct tcp_pcb_listen *lpcb)
{
    struct tcp_pcb *oldest = NULL;
    for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb != NULL; pcb = pcb->next) {
        if (pcb->state != SYN_RCVD || pcb->listener != lpcb)
            continue;
        /* tmr is the tcp_ticks of the last activity: the largest age is
         * the oldest, also across a wrap of the tick counter */
        if (oldest == NULL || (u32_t)(tcp_ticks - pcb->tmr) > (u32_t)(tcp_ticks - oldest->tmr))
            oldest = pcb;
    }
    return oldest;
}

err_t tcp_syn_hook(struct tcp_pcb *pcb, const struct tcp_hdr *hdr)
{
    if (pcb->state != LISTEN)
        return ERR_OK;
    u16_t flags = TCPH_FLAGS(hdr);
    if ((flags & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN)
        return ERR_OK;
    struct tcp_pcb_listen *lpcb = (struct tcp_pcb_listen *)pcb;
    if (lpcb->accepts_pending < lpcb->backlog)
        return ERR_OK;
    struct tcp_pcb *victim = oldest_half_open(lpcb);
    if (victim != NULL) {
        /* no RST: the peer of a flood is spoofed; a real one retransmits */
        tcp_abandon(victim, 0);
        if (lpcb->local_port != logged_port || tcp_ticks - logged_at > FLOOD_LOG_TICKS) {
            logged_port = lpcb->local_port;
            logged_at = tcp_ticks;
            printk("net: possible SYN flood on port %u: evicting the oldest half-open "
                   "connections\n", lpcb->local_port);
        }
    }
    return ERR_OK;
}
