/* The glue between a netdev (drivers/netdev.h) and an lwIP netif: frames
 * out through the driver's transmit, frames in from the driver's receive
 * thread into pbufs and tcpip_input (which, with core-locking input, runs
 * the stack right there under the core lock), link changes into
 * netif_set_link_up/down. lwIP never sees virtio.
 *
 * Checksum offload (docs/net.md): on a NIC that completes checksums
 * (NETDEV_F_TX_CSUM) lwIP leaves TCP and UDP checksums at 0 on this netif
 * and linkoutput asks the driver to fill them in; on a NIC that vouches for
 * received checksums (NETDEV_F_RX_CSUM) the TCP/UDP check is skipped for
 * the frames it flags, one frame at a time, under the core lock. */
#include <string.h>
#include <abi/errno.h>
#include <kern/util.h>
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"
#include "port.h"

#define ETHIF_PIECES_MAX 16

#define ETH_HLEN 14
#define ETH_TYPE_IPV4 0x0800
#define IPV4_PROTO_TCP 6
#define IPV4_PROTO_UDP 17
#define TCP_CSUM_OFFSET 16
#define UDP_CSUM_OFFSET 6
#define ETHIF_HDRS_MAX (ETH_HLEN + 60 + 20)   /* Ethernet, IPv4 with options, TCP */

static uint16_t be16_at(const uint8_t *b)
{
    return (uint16_t)(b[0] << 8 | b[1]);
}

/* The headers of an unfragmented IPv4 TCP or UDP frame: fills *proto and
 * *l4_start (transport header's offset in the frame) and returns true;
 * false for anything else or anything malformed. hdrs holds the frame's
 * first have bytes, len is its length. */
static bool ipv4_l4_of(const uint8_t *hdrs, size_t have, size_t len, uint8_t *proto,
                       size_t *l4_start)
{
    if (have < ETH_HLEN + 20 || be16_at(hdrs + 12) != ETH_TYPE_IPV4)
        return false;
    const uint8_t *ip = hdrs + ETH_HLEN;
    size_t ihl = (size_t)(ip[0] & 0xf) * 4;
    size_t ip_len = be16_at(ip + 2);
    if ((ip[0] >> 4) != 4 || ihl < 20 || ihl > ip_len || ETH_HLEN + ip_len > len ||
        (be16_at(ip + 6) & 0x3fff) != 0)    /* MF or a fragment offset */
        return false;
    if (ip[9] != IPV4_PROTO_TCP && ip[9] != IPV4_PROTO_UDP)
        return false;
    size_t l4_min = ip[9] == IPV4_PROTO_TCP ? 20 : 8;
    if (ip_len - ihl < l4_min)
        return false;
    *proto = ip[9];
    *l4_start = ETH_HLEN + ihl;
    return true;
}

/* The offload request for an outgoing frame whose TCP or UDP checksum lwIP
 * left at 0 (this netif does not generate them): the pseudo-header's sum
 * as the seed. False when there is none to ask for. */
static bool ethif_tx_csum(struct pbuf *p, struct netdev_csum *csum)
{
    uint8_t hdrs[ETHIF_HDRS_MAX];
    size_t have = pbuf_copy_partial(p, hdrs, sizeof(hdrs), 0);
    uint8_t proto;
    size_t l4;
    if (!ipv4_l4_of(hdrs, have, p->tot_len, &proto, &l4))
        return false;
    size_t offset = proto == IPV4_PROTO_TCP ? TCP_CSUM_OFFSET : UDP_CSUM_OFFSET;
    if (l4 + offset + 2 > have || hdrs[l4 + offset] != 0 || hdrs[l4 + offset + 1] != 0)
        return false;
    const uint8_t *ip = hdrs + ETH_HLEN;
    uint32_t sum = (uint32_t)be16_at(ip + 12) + be16_at(ip + 14) + be16_at(ip + 16) +
                   be16_at(ip + 18) + proto + (be16_at(ip + 2) - (l4 - ETH_HLEN));
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    const uint8_t seed[2] = { (uint8_t)(sum >> 8), (uint8_t)sum };
    memcpy(&csum->seed, seed, 2);       /* as it sits in the frame */
    csum->start = (uint16_t)l4;
    csum->offset = (uint16_t)offset;
    return true;
}

/* Some net_iface's is_tx_unflushed is set. Core lock. */
static bool is_any_tx_unflushed;

void ethif_flush(void)
{
    if (!is_any_tx_unflushed)
        return;
    is_any_tx_unflushed = false;
    for (unsigned i = 0; i < NETDEV_MAX; i++) {
        struct net_iface *iface = &net_ifaces[i];
        if (!iface->is_tx_unflushed)
            continue;
        iface->is_tx_unflushed = false;
        iface->dev->ops->flush(iface->dev);
    }
}

/* Core lock held (lwIP calls it from whichever thread sends); the driver
 * is told at the end of the burst (ethif_flush), not at every frame. */
static err_t ethif_linkoutput(struct netif *netif, struct pbuf *p)
{
    struct net_iface *iface = netif->state;
    struct netdev *dev = iface->dev;
    struct netdev_csum csum;
    const struct netdev_csum *want_csum = NULL;
    if ((dev->features & NETDEV_F_TX_CSUM) && ethif_tx_csum(p, &csum))
        want_csum = &csum;
    const void *pieces[ETHIF_PIECES_MAX];
    size_t lengths[ETHIF_PIECES_MAX];
    unsigned count = 0;
    for (struct pbuf *q = p; q; q = q->next) {
        if (q->len == 0)
            continue;
        if (count == ETHIF_PIECES_MAX) {
            /* A long chain: flatten it (rare; TCP's chains are short). */
            struct pbuf *flat = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
            if (!flat)
                return ERR_MEM;
            err_t rc = ethif_linkoutput(netif, flat);
            pbuf_free(flat);
            return rc;
        }
        pieces[count] = q->payload;
        lengths[count] = q->len;
        count++;
    }
    if (dev->ops->transmit(dev, pieces, lengths, count, want_csum) < 0)
        return ERR_IF;
    if (dev->ops->flush) {
        iface->is_tx_unflushed = true;
        is_any_tx_unflushed = true;
    }
    return ERR_OK;
}

/* The driver's receive thread, one frame at a time. */
static void ethif_receive(struct netdev *dev, const struct netdev_frag *frags, unsigned count,
                          size_t len, unsigned flags, void *arg)
{
    struct net_iface *iface = arg;
    struct netif *netif = &iface->netif;
    if (len > 0xffff) {                 /* a pbuf's limit */
        netdev_count_add(&dev->stats.rx_dropped, 1);
        return;
    }
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (!p) {
        netdev_count_add(&dev->stats.rx_dropped, 1);
        return;
    }
    size_t at = 0;
    for (unsigned i = 0; i < count && at < len; i++) {
        size_t n = MIN(frags[i].len, len - at);
        pbuf_take_at(p, frags[i].data, (u16_t)n, (u16_t)at);
        at += n;
    }
    uint8_t proto;
    size_t l4;
    bool is_csum_ok = (flags & NETDEV_RX_CSUM_OK) &&
                      ipv4_l4_of(frags[0].data, frags[0].len, len, &proto, &l4);
    /* As tcpip_input does with core-locking input, with the TCP/UDP check
     * on for this frame unless the device vouched for it. At rest the
     * check is off on a NIC that completes our checksums: what lwIP sends
     * to this interface's own address loops back (netif_poll) with them
     * unfinished, as Linux's loopback does. */
    LOCK_TCPIP_CORE();
    u16_t resting = netif->chksum_flags;
    u16_t checks = NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP;
    NETIF_SET_CHECKSUM_CTRL(netif, is_csum_ok ? (u16_t)(resting & ~checks)
                                              : (u16_t)(resting | checks));
    err_t rc = ethernet_input(p, netif);
    NETIF_SET_CHECKSUM_CTRL(netif, resting);
    UNLOCK_TCPIP_CORE();
    if (rc != ERR_OK) {
        pbuf_free(p);
        netdev_count_add(&dev->stats.rx_dropped, 1);
    }
}

static void ethif_link_changed(struct netdev *dev, bool is_up, void *arg)
{
    (void)dev;
    struct net_iface *iface = arg;
    LOCK_TCPIP_CORE();
    if (is_up)
        netif_set_link_up(&iface->netif);
    else
        netif_set_link_down(&iface->netif);
    UNLOCK_TCPIP_CORE();
}

static err_t ethif_init(struct netif *netif)
{
    struct net_iface *iface = netif->state;
    struct netdev *dev = iface->dev;
    netif->name[0] = 'e';
    netif->name[1] = 't';
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, dev->mac, ETH_HWADDR_LEN);
    netif->mtu = (u16_t)dev->mtu;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    u16_t checksums = NETIF_CHECKSUM_ENABLE_ALL;
    if (dev->features & NETDEV_F_TX_CSUM)   /* ethif_receive turns the checks on */
        checksums &= (u16_t)~(NETIF_CHECKSUM_GEN_TCP | NETIF_CHECKSUM_GEN_UDP |
                              NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP);
    NETIF_SET_CHECKSUM_CTRL(netif, checksums);
    netif->output = etharp_output;
    netif->linkoutput = ethif_linkoutput;
    return ERR_OK;
}

int ethif_add(struct net_iface *iface, struct netdev *dev)
{
    iface->dev = dev;
    if (!netif_add(&iface->netif, NULL, NULL, NULL, iface, ethif_init, tcpip_input))
        return -ENOMEM;
    if (dev->is_link_up)
        netif_set_link_up(&iface->netif);
    netdev_attach(dev, ethif_receive, ethif_link_changed, iface);
    return 0;
}
