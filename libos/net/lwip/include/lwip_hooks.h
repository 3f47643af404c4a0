/* lwIP hooks of the port (LWIP_HOOK_FILENAME in lwipopts.h): included by
 * lwIP's own sources, so only forward declarations here. */
#ifndef TANDEM_LWIP_HOOKS_H
#define TANDEM_LWIP_HOOKS_H

#include "lwip/err.h"

struct tcp_pcb;
struct tcp_hdr;
struct pbuf;

/* Called for every TCP segment before its pcb sees it; a SYN at a listener
 * whose backlog is full of half-open connections evicts the oldest of them
 * (tcp_syn.c). Returns ERR_OK: the segment goes on as usual. */
err_t tcp_syn_hook(struct tcp_pcb *pcb, const struct tcp_hdr *hdr);

#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) \
    tcp_syn_hook((pcb), (hdr))

#endif
