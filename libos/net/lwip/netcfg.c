/* Start-up and configuration of the interfaces: lwIP's tcpip thread, one
 * netif per netdev, and the kernel command line's ip= words:
 *   ip=dhcp | ip=off | ip=ADDR/PREFIX[,GATEWAY[,DNS]]
 * each optionally prefixed by an interface ("ip=eth1:10.0.3.2/24"); an
 * unprefixed word is eth0's. Interfaces without a word use DHCP, which
 * completes in the background; the log announces each address:
 *   net: eth0 10.0.2.15/24 gw 10.0.2.2 (dhcp) */
#include <string.h>
#include <abi/errno.h>
#include <kern/printk.h>
#include <kern/subsys.h>
#include <plat/boot.h>
#include <sched/sync.h>
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/ip4_addr.h"
#include "lwip/tcpip.h"
#include "net/netstack.h"
#include "port.h"

#define IP_WORD_MAX 96

struct net_iface net_ifaces[NETDEV_MAX];
unsigned net_iface_count;

struct iface_config {
    enum net_config_mode mode;
    bool is_given;
    ip4_addr_t addr, mask, gw, dns;
};

static unsigned prefix_of(const ip4_addr_t *mask)
{
    uint32_t m = lwip_ntohl(ip4_addr_get_u32(mask));
    unsigned n = 0;
    while (n < 32 && (m & (0x80000000u >> n)))
        n++;
    return n;
}

/* Status callback (core lock held): announce a new address. */
static void iface_status_changed(struct netif *netif)
{
    struct net_iface *iface = netif->state;
    const ip4_addr_t *addr = netif_ip4_addr(netif);
    if (ip4_addr_isany(addr) || ip4_addr_cmp(addr, &iface->logged_addr))
        return;
    iface->logged_addr = *addr;
    char a[16], g[16];
    ip4addr_ntoa_r(addr, a, sizeof(a));
    ip4addr_ntoa_r(netif_ip4_gw(netif), g, sizeof(g));
    printk("net: %s %s/%u gw %s (%s)\n", iface->dev->name, a, prefix_of(netif_ip4_netmask(netif)),
           ip4_addr_isany(netif_ip4_gw(netif)) ? "-" : g,
           iface->mode == NET_CONFIG_DHCP ? "dhcp" : "static");
}

/* Parses "dhcp", "off"/"none" or "ADDR/PREFIX[,GATEWAY[,DNS]]". */
static int parse_config(char *text, struct iface_config *cfg)
{
    *cfg = (struct iface_config){ .is_given = true };
    if (strcmp(text, "dhcp") == 0) {
        cfg->mode = NET_CONFIG_DHCP;
        return 0;
    }
    if (strcmp(text, "off") == 0 || strcmp(text, "none") == 0) {
        cfg->mode = NET_CONFIG_NONE;
        return 0;
    }
    char *fields[3] = { text, NULL, NULL };
    for (unsigned i = 1; i < 3; i++) {
        char *comma = fields[i - 1] ? strchr(fields[i - 1], ',') : NULL;
        if (comma) {
            *comma = '\0';
            fields[i] = comma + 1;
        }
    }
    char *slash = strchr(fields[0], '/');
    if (!slash)
        return -EINVAL;
    *slash = '\0';
    char *end;
    long prefix = strtol(slash + 1, &end, 10);
    if (*end || end == slash + 1 || prefix < 1 || prefix > 32)
        return -EINVAL;
    if (!ip4addr_aton(fields[0], &cfg->addr))
        return -EINVAL;
    ip4_addr_set_u32(&cfg->mask, lwip_htonl(0xffffffffu << (32 - prefix)));
    if (fields[1] && fields[1][0] && !ip4addr_aton(fields[1], &cfg->gw))
        return -EINVAL;
    if (fields[2] && fields[2][0] && !ip4addr_aton(fields[2], &cfg->dns))
        return -EINVAL;
    cfg->mode = NET_CONFIG_STATIC;
    return 0;
}

/* Reads every ip= word of the command line into configs (by interface). */
static void read_command_line(struct iface_config *configs)
{
    const char *p = plat_cmdline();
    while (*p) {
        while (*p == ' ')
            p++;
        const char *start = p;
        while (*p && *p != ' ')
            p++;
        size_t len = (size_t)(p - start);
        if (len <= 3 || memcmp(start, "ip=", 3) != 0)
            continue;
        char word[IP_WORD_MAX];
        if (len - 3 >= sizeof(word)) {
            printk("net: ip= word too long, ignored\n");
            continue;
        }
        memcpy(word, start + 3, len - 3);
        word[len - 3] = '\0';
        char *value = word;
        unsigned index = 0;
        if (memcmp(word, "eth", 3) == 0 && strchr(word, ':')) {
            char *end;
            unsigned long n = strtoul(word + 3, &end, 10);
            if (*end != ':' || end == word + 3 || n >= NETDEV_MAX) {
                printk("net: ip=%s: no such interface, ignored\n", word);
                continue;
            }
            index = (unsigned)n;
            value = end + 1;
        }
        char shown[IP_WORD_MAX];
        memcpy(shown, word, sizeof(shown));
        struct iface_config parsed;
        if (parse_config(value, &parsed) == 0) {
            configs[index] = parsed;
        } else {
            printk("net: ip=%s not understood (dhcp, off, or ADDR/PREFIX[,GATEWAY[,DNS]]), "
                   "ignored\n", shown);
        }
    }
}

static void configure(struct net_iface *iface, const struct iface_config *cfg, unsigned *dns_count)
{
    struct netif *netif = &iface->netif;
    iface->mode = cfg->is_given ? cfg->mode : NET_CONFIG_DHCP;
    netif_set_status_callback(netif, iface_status_changed);
    switch (iface->mode) {
    case NET_CONFIG_NONE:
        printk("net: %s not configured (ip=off)\n", iface->dev->name);
        return;
    case NET_CONFIG_STATIC:
        netif_set_addr(netif, &cfg->addr, &cfg->mask, &cfg->gw);
        if (!ip4_addr_isany(&cfg->dns) && *dns_count < DNS_MAX_SERVERS) {
            ip_addr_t dns;
            ip_addr_copy_from_ip4(dns, cfg->dns);
            dns_setserver((u8_t)(*dns_count)++, &dns);
        }
        netif_set_up(netif);
        return;
    case NET_CONFIG_DHCP:
        netif_set_up(netif);
        if (dhcp_start(netif) != ERR_OK)
            printk("net: %s: DHCP failed to start\n", iface->dev->name);
        return;
    }
}

/* The command line's ip= words, read at boot. */
static struct iface_config configs[NETDEV_MAX];

/* The stack runs (its tcpip thread and timers) from the first NIC at boot
 * or the first AF_INET socket: an image with neither (the ktest image, a
 * test image until a test opens one) keeps a quiet kernel, which the
 * page-counting tests need. start_lock serialises the first start. */
static struct mutex start_lock;
static bool is_started;

bool netstack_is_started(void)
{
    return __atomic_load_n(&is_started, __ATOMIC_ACQUIRE);
}

int netstack_start(void)
{
    if (__atomic_load_n(&is_started, __ATOMIC_ACQUIRE))
        return 0;
    mutex_lock(&start_lock);
    if (is_started) {
        mutex_unlock(&start_lock);
        return 0;
    }
    tcpip_init(NULL, NULL);
    unsigned dns_count = 0;
    struct netif *default_netif = NULL;
    LOCK_TCPIP_CORE();
    for (unsigned i = 0; i < netdev_count(); i++) {
        struct net_iface *iface = &net_ifaces[i];
        int rc = ethif_add(iface, netdev_get(i));
        if (rc < 0) {
            printk("net: %s not added (%d)\n", netdev_get(i)->name, rc);
            break;
        }
        net_iface_count = i + 1;
        configure(iface, &configs[i], &dns_count);
        /* The default route: the first interface with a gateway to come
         * (DHCP's or a static one). */
        bool has_gateway = iface->mode == NET_CONFIG_DHCP ||
                           (iface->mode == NET_CONFIG_STATIC && !ip4_addr_isany(&configs[i].gw));
        if (!default_netif && has_gateway)
            default_netif = &iface->netif;
    }
    if (default_netif)
        netif_set_default(default_netif);
    UNLOCK_TCPIP_CORE();
    __atomic_store_n(&is_started, true, __ATOMIC_RELEASE);
    mutex_unlock(&start_lock);
    return 0;
}

int netstack_init(void)
{
    lwip_port_mem_init();
    mutex_init(&start_lock);
    read_command_line(configs);
    if (netdev_count() > 0)
        netstack_start();
    for (unsigned i = netdev_count(); i < NETDEV_MAX; i++)
        if (configs[i].is_given)
            printk("net: ip= for eth%u, which does not exist\n", i);
    procnet_register();
    /* AF_INET only now: before this, socket(AF_INET) gave EAFNOSUPPORT */
    return inet_family_init();
}
SUBSYS_REGISTER(netstack, SUBSYS_STAGE_NETSTACK, netstack_init, NULL);
