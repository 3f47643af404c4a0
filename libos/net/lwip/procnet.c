/* /proc/net: dev (Linux's counters format), if (one line per interface:
 * MAC, MTU, state, address, gateway, how configured) and resolv.conf (the
 * DNS servers from DHCP or ip=). Rendered under the core lock. */
#include <abi/errno.h>
#include <kern/printk.h>
#include <vfs/procfs.h>
#include "lwip/dns.h"
#include "lwip/tcpip.h"
#include "port.h"

static long render_dev(char *buf, size_t size)
{
    struct procfs_text t = { buf, size, 0 };
    procfs_printf(&t, "Inter-|   Receive                                                |"
                      "  Transmit\n");
    procfs_printf(&t, " face |bytes    packets errs drop fifo frame compressed multicast|"
                      "bytes    packets errs drop fifo colls carrier compressed\n");
    for (unsigned i = 0; i < netdev_count(); i++) {
        struct netdev *dev = netdev_get(i);
        struct netdev_stats st;
        st.rx_bytes = __atomic_load_n(&dev->stats.rx_bytes, __ATOMIC_RELAXED);
        st.rx_packets = __atomic_load_n(&dev->stats.rx_packets, __ATOMIC_RELAXED);
        st.rx_errors = __atomic_load_n(&dev->stats.rx_errors, __ATOMIC_RELAXED);
        st.rx_dropped = __atomic_load_n(&dev->stats.rx_dropped, __ATOMIC_RELAXED);
        st.tx_bytes = __atomic_load_n(&dev->stats.tx_bytes, __ATOMIC_RELAXED);
        st.tx_packets = __atomic_load_n(&dev->stats.tx_packets, __ATOMIC_RELAXED);
        st.tx_errors = __atomic_load_n(&dev->stats.tx_errors, __ATOMIC_RELAXED);
        st.tx_dropped = __atomic_load_n(&dev->stats.tx_dropped, __ATOMIC_RELAXED);
        procfs_printf(&t, "%6s:%8llu %7llu %4llu %4llu    0     0          0         0 "
                          "%8llu %7llu %4llu %4llu    0     0       0          0\n",
                      dev->name, (unsigned long long)st.rx_bytes,
                      (unsigned long long)st.rx_packets, (unsigned long long)st.rx_errors,
                      (unsigned long long)st.rx_dropped, (unsigned long long)st.tx_bytes,
                      (unsigned long long)st.tx_packets, (unsigned long long)st.tx_errors,
                      (unsigned long long)st.tx_dropped);
    }
    return (long)t.len;
}

static unsigned prefix_of(const ip4_addr_t *mask)
{
    uint32_t m = lwip_ntohl(ip4_addr_get_u32(mask));
    unsigned n = 0;
    while (n < 32 && (m & (0x80000000u >> n)))
        n++;
    return n;
}

static long render_if(char *buf, size_t size)
{
    static const char *const modes[] = { "none", "dhcp", "static" };
    struct procfs_text t = { buf, size, 0 };
    LOCK_TCPIP_CORE();
    for (unsigned i = 0; i < net_iface_count; i++) {
        struct net_iface *iface = &net_ifaces[i];
        struct netif *netif = &iface->netif;
        const uint8_t *m = iface->dev->mac;
        bool is_up = netif_is_up(netif) && netif_is_link_up(netif);
        procfs_printf(&t, "%s mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u %s inet ",
                      iface->dev->name, m[0], m[1], m[2], m[3], m[4], m[5], netif->mtu,
                      is_up ? "up" : "down");
        const ip4_addr_t *addr = netif_ip4_addr(netif);
        if (ip4_addr_isany(addr)) {
            procfs_printf(&t, "-");
        } else {
            char a[16], g[16];
            ip4addr_ntoa_r(addr, a, sizeof(a));
            procfs_printf(&t, "%s/%u gw ", a, prefix_of(netif_ip4_netmask(netif)));
            if (ip4_addr_isany(netif_ip4_gw(netif)))
                procfs_printf(&t, "-");
            else
                procfs_printf(&t, "%s", ip4addr_ntoa_r(netif_ip4_gw(netif), g, sizeof(g)));
        }
        procfs_printf(&t, " %s\n", modes[iface->mode]);
    }
    UNLOCK_TCPIP_CORE();
    return (long)t.len;
}

static long render_resolv(char *buf, size_t size)
{
    struct procfs_text t = { buf, size, 0 };
    LOCK_TCPIP_CORE();
    for (u8_t i = 0; i < DNS_MAX_SERVERS; i++) {
        const ip_addr_t *server = dns_getserver(i);
        if (ip_addr_isany(server))
            continue;
        char a[16];
        procfs_printf(&t, "nameserver %s\n", ip4addr_ntoa_r(ip_2_ip4(server), a, sizeof(a)));
    }
    UNLOCK_TCPIP_CORE();
    return (long)t.len;
}

static const struct procfs_dir_file net_files[] = {
    { "dev", render_dev },
    { "if", render_if },
    { "resolv.conf", render_resolv },
};

void procnet_register(void)
{
    int rc = procfs_register_dir("net", net_files, sizeof(net_files) / sizeof(net_files[0]));
    if (rc < 0)
        printk("net: /proc/net not published (%d)\n", rc);
}
