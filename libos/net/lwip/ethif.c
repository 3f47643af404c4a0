/* The glue between a netdev (drivers/netdev.h) and an lwIP netif: frames
 * out through the driver's transmit, frames in from the driver's receive
 * thread into pbufs and tcpip_input (which, with core-locking input, runs
 * the stack right there under the core lock), link changes into
 * netif_set_link_up/down. lwIP never sees virtio. */
#include <string.h>
#include <abi/errno.h>
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"
#include "port.h"

#define ETHIF_PIECES_MAX 16

/* Core lock held (lwIP calls it from whichever thread sends). */
static err_t ethif_linkoutput(struct netif *netif, struct pbuf *p)
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
            err_t rc = ethif_linkoutput(netif, flat);
            pbuf_free(flat);
            return rc;
        }
        pieces[count] = q->payload;
        lengths[count] = q->len;
        count++;
    }
    return dev->ops->transmit(dev, pieces, lengths, count) == 0 ? ERR_OK : ERR_IF;
}

/* The driver's receive thread, one frame at a time. */
static void ethif_receive(struct netdev *dev, const void *frame, size_t len, void *arg)
{
    struct net_iface *iface = arg;
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (!p) {
        netdev_count_add(&dev->stats.rx_dropped, 1);
        return;
    }
    pbuf_take(p, frame, (u16_t)len);
    if (iface->netif.input(p, &iface->netif) != ERR_OK) {
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
