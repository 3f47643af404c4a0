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
 * the frames it flags, one frame at a time, under the core lock.
 *
 * Segmentation offload (NETDEV_F_TX_TSO): lwIP builds no segment larger
 * than the MSS, so linkoutput batches a burst's consecutive segments of
 * one TCP connection (same headers but for the sequence number, lengths,
 * IP id and PSH; every one but the last a full MSS) and gives them to the
 * driver as one big frame at the end of the burst (ethif_flush) or when
 * the run breaks; the device splits it again. The peer sees the same
 * segments, but the guest pays one transmit and the peer sends one ACK
 * per batch instead of per two segments. The batch holds references to
 * lwIP's pbufs (lwIP does not retransmit a segment whose pbuf is still
 * referenced) and never outlives the core lock's hold. */
#include <string.h>
#include <abi/errno.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include "lwip/etharp.h"
#include "lwip/inet_chksum.h"
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
#define ETHIF_HDRS_MAX (ETH_HLEN + 60 + 60)   /* Ethernet, IPv4, TCP, with options */
#define TCP_FLAGS_OFFSET 13
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_ACK 0x10

/* A TSO batch: at most this many segments (what fits NETDEV_TX_GSO_MAX)
 * and pieces. */
#define ETHIF_BATCH_SEGS 44
#define ETHIF_BATCH_PIECES (2 * ETHIF_BATCH_SEGS + 1)

struct ethif_batch {
    uint8_t hdrs[ETHIF_HDRS_MAX];       /* the first segment's headers */
    size_t hdr_len;                     /* Ethernet + IP + TCP */
    size_t l4;                          /* where TCP starts */
    unsigned segs;                      /* 0: no batch */
    size_t payload;                     /* TCP payload bytes */
    uint32_t next_seq;                  /* the sequence number that continues it */
    uint16_t mss;                       /* the first segment's payload */
    bool is_closed;                     /* the last segment was short */
    uint8_t psh;                        /* PSH of any segment */
    struct pbuf *held[ETHIF_BATCH_SEGS];
    unsigned count;                     /* pieces; pieces[0] is hdrs */
    const void *pieces[ETHIF_BATCH_PIECES];
    size_t lengths[ETHIF_BATCH_PIECES];
};

static uint16_t be16_at(const uint8_t *b)
{
    return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t be32_at(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void be16_put(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
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

/* The pseudo-header's sum of the IPv4 packet whose headers are in hdrs,
 * transport at l4, as it sits in the frame (network order). */
static uint16_t pseudo_header_seed(const uint8_t *hdrs, size_t l4)
{
    const uint8_t *ip = hdrs + ETH_HLEN;
    uint32_t sum = (uint32_t)be16_at(ip + 12) + be16_at(ip + 14) + be16_at(ip + 16) +
                   be16_at(ip + 18) + ip[9] + (be16_at(ip + 2) - (l4 - ETH_HLEN));
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    const uint8_t bytes[2] = { (uint8_t)(sum >> 8), (uint8_t)sum };
    uint16_t seed;
    memcpy(&seed, bytes, 2);
    return seed;
}

/* The frame's first bytes (hdrs, *have of them) and, for an outgoing
 * frame whose TCP or UDP checksum lwIP left at 0 (this netif does not
 * generate them), the offload request with the pseudo-header's sum as
 * the seed; *proto and *l4 as ipv4_l4_of. False when there is no
 * checksum to ask for. */
static bool ethif_tx_csum(struct pbuf *p, uint8_t *hdrs, size_t *have, uint8_t *proto,
                          size_t *l4, struct netdev_offload *off)
{
    *have = pbuf_copy_partial(p, hdrs, ETHIF_HDRS_MAX, 0);
    if (!ipv4_l4_of(hdrs, *have, p->tot_len, proto, l4))
        return false;
    size_t offset = *proto == IPV4_PROTO_TCP ? TCP_CSUM_OFFSET : UDP_CSUM_OFFSET;
    if (*l4 + offset + 2 > *have || hdrs[*l4 + offset] != 0 || hdrs[*l4 + offset + 1] != 0)
        return false;
    *off = (struct netdev_offload){
        .csum_start = (uint16_t)*l4,
        .csum_offset = (uint16_t)offset,
        .csum_seed = pseudo_header_seed(hdrs, *l4),
    };
    return true;
}

/* ---- TSO batches ---- */

/* The TCP header's length when the frame (its headers in hdrs, have of
 * them, len bytes in all) is a segment a batch may take: IPv4 without
 * options, ACK with at most PSH besides, some payload. 0 otherwise. */
static size_t batchable_tcp_hdr_len(const uint8_t *hdrs, size_t have, size_t len, size_t l4)
{
    if (l4 != ETH_HLEN + 20 || l4 + 20 > have)
        return 0;
    const uint8_t *tcp = hdrs + l4;
    size_t thl = (size_t)(tcp[12] >> 4) * 4;
    uint8_t flags = tcp[TCP_FLAGS_OFFSET];
    if (thl < 20 || l4 + thl > have || l4 + thl >= len ||
        (flags & (uint8_t)~TCP_FLAG_PSH) != TCP_FLAG_ACK)
        return 0;
    return thl;
}

/* Does the segment (headers hdrs, payload bytes) continue b's run? */
static bool batch_continues(const struct ethif_batch *b, const uint8_t *hdrs, size_t hdr_len,
                            size_t payload)
{
    if (b->is_closed || hdr_len != b->hdr_len || payload > b->mss ||
        b->segs == ETHIF_BATCH_SEGS || b->hdr_len + b->payload + payload > NETDEV_TX_GSO_MAX)
        return false;
    const uint8_t *ip = hdrs + ETH_HLEN, *bip = b->hdrs + ETH_HLEN;
    const uint8_t *tcp = hdrs + b->l4, *btcp = b->hdrs + b->l4;
    return memcmp(hdrs, b->hdrs, ETH_HLEN) == 0 &&
           memcmp(ip, bip, 2) == 0 &&                       /* version, IHL, TOS */
           memcmp(ip + 6, bip + 6, 4) == 0 &&               /* flags, TTL, protocol */
           memcmp(ip + 12, bip + 12, 8) == 0 &&             /* addresses */
           memcmp(tcp, btcp, 4) == 0 &&                     /* ports */
           be32_at(tcp + 4) == b->next_seq &&
           memcmp(tcp + 8, btcp + 8, 5) == 0 &&             /* ack, data offset */
           (tcp[TCP_FLAGS_OFFSET] & ~TCP_FLAG_PSH) == (btcp[TCP_FLAGS_OFFSET] & ~TCP_FLAG_PSH) &&
           memcmp(tcp + 14, btcp + 14, 2) == 0 &&           /* window */
           memcmp(tcp + 18, btcp + 18, hdr_len - b->l4 - 18) == 0;  /* urgent, options */
}

/* Adds p's payload (after hdr_len bytes) to b's pieces and holds p.
 * False when the pieces do not fit (b unchanged). */
static bool batch_add_pieces(struct ethif_batch *b, struct pbuf *p, size_t hdr_len)
{
    unsigned count = b->count;
    size_t skip = hdr_len;
    for (struct pbuf *q = p; q; q = q->next) {
        if (q->len <= skip) {
            skip -= q->len;
            continue;
        }
        if (count == ETHIF_BATCH_PIECES)
            return false;
        b->pieces[count] = (const uint8_t *)q->payload + skip;
        b->lengths[count] = q->len - skip;
        count++;
        skip = 0;
    }
    b->count = count;
    pbuf_ref(p);
    b->held[b->segs++] = p;
    return true;
}

static void batch_release(struct ethif_batch *b)
{
    for (unsigned i = 0; i < b->segs; i++)
        pbuf_free(b->held[i]);
    b->segs = 0;
    b->count = 0;
}

static err_t ethif_send(struct netif *netif, struct pbuf *p, const struct netdev_offload *off);

/* Sends b's run: one segment as it came, more as one TSO frame. */
static void batch_send(struct netif *netif, struct ethif_batch *b)
{
    if (b->segs == 0)
        return;
    if (b->segs == 1) {
        struct netdev_offload off = {
            .csum_start = (uint16_t)b->l4,
            .csum_offset = TCP_CSUM_OFFSET,
            .csum_seed = pseudo_header_seed(b->hdrs, b->l4),
        };
        ethif_send(netif, b->held[0], &off);
        batch_release(b);
        return;
    }
    uint8_t *ip = b->hdrs + ETH_HLEN;
    size_t ip_len = b->hdr_len - ETH_HLEN + b->payload;
    be16_put(ip + 2, (uint16_t)ip_len);
    memset(ip + 10, 0, 2);
    uint16_t ip_sum = inet_chksum(ip, (u16_t)(b->l4 - ETH_HLEN));
    memcpy(ip + 10, &ip_sum, 2);
    b->hdrs[b->l4 + TCP_FLAGS_OFFSET] |= b->psh;
    struct netdev_offload off = {
        .csum_start = (uint16_t)b->l4,
        .csum_offset = TCP_CSUM_OFFSET,
        .csum_seed = pseudo_header_seed(b->hdrs, b->l4),
        .gso_mss = b->mss,
        .gso_hdr_len = (uint16_t)b->hdr_len,
    };
    b->pieces[0] = b->hdrs;
    b->lengths[0] = b->hdr_len;
    struct netdev *dev = ((struct net_iface *)netif->state)->dev;
    /* A failure (no slot free in time) loses the segments as a full
     * queue would; TCP sends them again. */
    dev->ops->transmit(dev, b->pieces, b->lengths, b->count, &off);
    batch_release(b);
}

/* Starts a batch with the segment p (headers hdrs, TCP header thl). */
static void batch_start(struct ethif_batch *b, struct pbuf *p, const uint8_t *hdrs, size_t l4,
                        size_t thl)
{
    b->hdr_len = l4 + thl;
    b->l4 = l4;
    memcpy(b->hdrs, hdrs, b->hdr_len);
    b->payload = p->tot_len - b->hdr_len;
    b->mss = (uint16_t)b->payload;
    b->next_seq = be32_at(hdrs + l4 + 4) + (uint32_t)b->payload;
    b->is_closed = false;
    b->psh = hdrs[l4 + TCP_FLAGS_OFFSET] & TCP_FLAG_PSH;
    b->count = 1;
    batch_add_pieces(b, p, b->hdr_len);  /* fits: the batch is empty */
}

/* Takes the segment p into iface's batch if it continues it (true); the
 * batch is sent first when it cannot, and p starts a new one. False when
 * p is not a batchable segment (the batch is sent; so must p be). */
static bool batch_take(struct net_iface *iface, struct pbuf *p, const uint8_t *hdrs,
                       size_t have, size_t l4)
{
    struct ethif_batch *b = iface->batch;
    size_t thl = batchable_tcp_hdr_len(hdrs, have, p->tot_len, l4);
    if (thl == 0) {
        batch_send(&iface->netif, b);
        return false;
    }
    size_t payload = p->tot_len - (l4 + thl);
    bool is_held = false;
    for (unsigned i = 0; i < b->segs; i++)
        is_held |= b->held[i] == p;
    if (b->segs > 0 && !is_held && batch_continues(b, hdrs, l4 + thl, payload) &&
        batch_add_pieces(b, p, l4 + thl)) {
        b->payload += payload;
        b->next_seq += (uint32_t)payload;
        b->is_closed = payload < b->mss;
        b->psh |= hdrs[l4 + TCP_FLAGS_OFFSET] & TCP_FLAG_PSH;
        return true;
    }
    batch_send(&iface->netif, b);
    batch_start(b, p, hdrs, l4, thl);
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
        if (iface->batch)
            batch_send(&iface->netif, iface->batch);
        if (iface->dev->ops->flush)
            iface->dev->ops->flush(iface->dev);
    }
}

static void mark_unflushed(struct net_iface *iface)
{
    iface->is_tx_unflushed = true;
    is_any_tx_unflushed = true;
}

/* Core lock held (lwIP calls it from whichever thread sends); the driver
 * is told at the end of the burst (ethif_flush), not at every frame. */
static err_t ethif_linkoutput(struct netif *netif, struct pbuf *p)
{
    struct net_iface *iface = netif->state;
    struct netdev *dev = iface->dev;
    uint8_t hdrs[ETHIF_HDRS_MAX];
    size_t have, l4;
    uint8_t proto;
    struct netdev_offload off;
    bool has_csum = (dev->features & NETDEV_F_TX_CSUM) &&
                    ethif_tx_csum(p, hdrs, &have, &proto, &l4, &off);
    if (iface->batch) {
        if (has_csum && proto == IPV4_PROTO_TCP && batch_take(iface, p, hdrs, have, l4)) {
            mark_unflushed(iface);
            return ERR_OK;
        }
        batch_send(netif, iface->batch);        /* the run ends: keep the order */
    }
    return ethif_send(netif, p, has_csum ? &off : NULL);
}

/* One frame to the driver. */
static err_t ethif_send(struct netif *netif, struct pbuf *p, const struct netdev_offload *off)
{
    struct net_iface *iface = netif->state;
    struct netdev *dev = iface->dev;
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
            err_t rc = ethif_send(netif, flat, off);
            pbuf_free(flat);
            return rc;
        }
        pieces[count] = q->payload;
        lengths[count] = q->len;
        count++;
    }
    if (dev->ops->transmit(dev, pieces, lengths, count, off) < 0)
        return ERR_IF;
    if (dev->ops->flush)
        mark_unflushed(iface);
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
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, len > NETDEV_FRAME_MAX ? PBUF_RAM : PBUF_POOL);
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
    if ((dev->features & (NETDEV_F_TX_TSO | NETDEV_F_TX_CSUM)) ==
        (NETDEV_F_TX_TSO | NETDEV_F_TX_CSUM)) {
        iface->batch = kzalloc(sizeof(*iface->batch));  /* without: frame by frame */
    }
    if (!netif_add(&iface->netif, NULL, NULL, NULL, iface, ethif_init, tcpip_input))
        return -ENOMEM;
    if (dev->is_link_up)
        netif_set_link_up(&iface->netif);
    netdev_attach(dev, ethif_receive, ethif_link_changed, iface);
    return 0;
}
