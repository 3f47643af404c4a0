/* ifconfig [IFACE]: shows the interfaces as busybox's ifconfig does, from
 * /proc/net/if (one line each: "eth0 mac M mtu N up|down inet A/P|- gw G
 * dhcp|static|none") and the counters of /proc/net/dev (Linux's format).
 * Showing only: the kernel command line's ip= configures. The host build
 * (tests/host/net) reads the files from $TANDEM_PROC_NET instead. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#define IF_LINE_MAX 512

struct counters {
    unsigned long long rx_bytes, rx_packets, rx_errors, rx_dropped;
    unsigned long long tx_bytes, tx_packets, tx_errors, tx_dropped;
};

static const char *proc_net_path(const char *name)
{
    static char path[256];
    const char *dir = "/proc/net";
#ifdef TANDEM_HOST_TEST
    if (getenv("TANDEM_PROC_NET"))
        dir = getenv("TANDEM_PROC_NET");
#endif
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static void find_counters(const char *name, struct counters *out)
{
    memset(out, 0, sizeof *out);
    FILE *file = fopen(proc_net_path("dev"), "r");
    if (!file)
        return;
    char line[IF_LINE_MAX];
    while (fgets(line, sizeof line, file)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        char *iface = line + strspn(line, " ");
        if (strcmp(iface, name) != 0)
            continue;
        unsigned long long v[16] = {0};
        if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
                   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9],
                   &v[10], &v[11]) == 12)
            *out = (struct counters){ v[0], v[1], v[2], v[3], v[8], v[9], v[10], v[11] };
        break;
    }
    fclose(file);
}

/* "1.5 MiB" as busybox prints byte counts. */
static void human(unsigned long long bytes, char *out, size_t size)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    unsigned long long scaled = bytes * 10;
    while (scaled >= 10240 && unit < 4) {
        scaled /= 1024;
        unit++;
    }
    snprintf(out, size, "%llu.%llu %s", scaled / 10, scaled % 10, units[unit]);
}

static void show(char *line)
{
    char *words[16];
    int count = 0;
    for (char *w = strtok(line, " \t\n"); w && count < 16; w = strtok(NULL, " \t\n"))
        words[count++] = w;
    if (count == 0)
        return;
    const char *name = words[0], *mac = NULL, *mtu = "1500", *inet = NULL;
    int is_up = 0;
    for (int i = 1; i < count; i++) {
        if (strcmp(words[i], "up") == 0)
            is_up = 1;
        else if (i + 1 < count && strcmp(words[i], "mac") == 0)
            mac = words[++i];
        else if (i + 1 < count && strcmp(words[i], "mtu") == 0)
            mtu = words[++i];
        else if (i + 1 < count && strcmp(words[i], "inet") == 0)
            inet = words[++i];
        else if (i + 1 < count && strcmp(words[i], "gw") == 0)
            i++;
    }
    int is_loopback = strcmp(name, "lo") == 0;
    if (is_loopback)
        printf("%-10sLink encap:Local Loopback\n", name);
    else
        printf("%-10sLink encap:Ethernet  HWaddr %s\n", name, mac ? mac : "00:00:00:00:00:00");
    if (inet && strcmp(inet, "-") != 0) {
        char address[INET_ADDRSTRLEN] = "";
        int prefix = 32;
        const char *slash = strchr(inet, '/');
        size_t len = slash ? (size_t)(slash - inet) : strlen(inet);
        if (slash)
            prefix = atoi(slash + 1);
        if (len < sizeof address)
            memcpy(address, inet, len), address[len] = '\0';
        struct in_addr a, mask, broadcast;
        if (inet_pton(AF_INET, address, &a) == 1 && prefix >= 0 && prefix <= 32) {
            uint32_t mask_bits = prefix ? 0xffffffffu << (32 - prefix) : 0;
            mask.s_addr = htonl(mask_bits);
            broadcast.s_addr = a.s_addr | htonl(~mask_bits);
            char mask_text[INET_ADDRSTRLEN], broadcast_text[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &mask, mask_text, sizeof mask_text);
            inet_ntop(AF_INET, &broadcast, broadcast_text, sizeof broadcast_text);
            if (is_loopback)
                printf("          inet addr:%s  Mask:%s\n", address, mask_text);
            else
                printf("          inet addr:%s  Bcast:%s  Mask:%s\n", address, broadcast_text,
                       mask_text);
        }
    }
    printf("          %s%s%s  MTU:%s  Metric:1\n", is_up ? "UP " : "",
           is_loopback ? "LOOPBACK " : "BROADCAST ", is_up ? "RUNNING MULTICAST" : "MULTICAST",
           mtu);
    struct counters c;
    find_counters(name, &c);
    char rx[32], tx[32];
    human(c.rx_bytes, rx, sizeof rx);
    human(c.tx_bytes, tx, sizeof tx);
    printf("          RX packets:%llu errors:%llu dropped:%llu overruns:0 frame:0\n",
           c.rx_packets, c.rx_errors, c.rx_dropped);
    printf("          TX packets:%llu errors:%llu dropped:%llu overruns:0 carrier:0\n",
           c.tx_packets, c.tx_errors, c.tx_dropped);
    printf("          collisions:0 txqueuelen:1000\n");
    printf("          RX bytes:%llu (%s)  TX bytes:%llu (%s)\n\n", c.rx_bytes, rx, c.tx_bytes, tx);
}

int main(int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "usage: ifconfig [IFACE] (configuration is the kernel's ip=)\n");
        return 2;
    }
    FILE *file = fopen(proc_net_path("if"), "r");
    if (!file) {
        perror("ifconfig: /proc/net/if");
        return 1;
    }
    char line[IF_LINE_MAX];
    int shown = 0;
    while (fgets(line, sizeof line, file)) {
        size_t name_len = strcspn(line, " \t\n");
        if (name_len == 0)
            continue;
        if (argc == 2 && (strlen(argv[1]) != name_len || strncmp(line, argv[1], name_len) != 0))
            continue;
        show(line);
        shown++;
    }
    fclose(file);
    if (argc == 2 && shown == 0) {
        fprintf(stderr, "ifconfig: %s: error fetching interface information: Device not found\n",
                argv[1]);
        return 1;
    }
    return 0;
}
