/* The resolver: /etc/hosts wins, then DNS A queries over UDP to the
 * nameservers of /etc/resolv.conf (in the guest a link to
 * /proc/net/resolv.conf). Each server is asked in turn, `attempts` rounds,
 * waiting `timeout` seconds in poll for an answer with our id and question;
 * answers that are not ours are dropped and the wait goes on. The host
 * build (tests/host, TANDEM_HOST_TEST) may point both files elsewhere
 * with TANDEM_RESOLV_CONF and TANDEM_HOSTS. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns.h"
#include "resolv.h"

#define RESOLV_MAX_SERVERS      3
#define RESOLV_DEFAULT_TIMEOUT_S 3
#define RESOLV_DEFAULT_ATTEMPTS 2
#define RESOLV_LINE_MAX         512

struct resolv_conf {
    int server_count;
    struct in_addr servers[RESOLV_MAX_SERVERS];
    int timeout_s;
    int attempts;
};

static const char *config_path(const char *env_name, const char *default_path)
{
#ifdef TANDEM_HOST_TEST
    const char *path = getenv(env_name);
    if (path)
        return path;
#else
    (void)env_name;
#endif
    return default_path;
}

/* Splits line into at most max whitespace-separated words, cutting at '#'. */
static int split_words(char *line, char **words, int max)
{
    int count = 0;
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    for (char *p = line; *p && count < max;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            *p++ = '\0';
        if (!*p)
            break;
        words[count++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            p++;
    }
    return count;
}

static void read_resolv_conf(struct resolv_conf *conf)
{
    conf->server_count = 0;
    conf->timeout_s = RESOLV_DEFAULT_TIMEOUT_S;
    conf->attempts = RESOLV_DEFAULT_ATTEMPTS;
    FILE *file = fopen(config_path("TANDEM_RESOLV_CONF", "/etc/resolv.conf"), "r");
    if (!file)
        return;
    char line[RESOLV_LINE_MAX], *words[8];
    while (fgets(line, sizeof line, file)) {
        int count = split_words(line, words, 8);
        if (count >= 2 && strcmp(words[0], "nameserver") == 0 &&
            conf->server_count < RESOLV_MAX_SERVERS) {
            if (inet_pton(AF_INET, words[1], &conf->servers[conf->server_count]) == 1)
                conf->server_count++;
        } else if (count >= 2 && strcmp(words[0], "options") == 0) {
            for (int i = 1; i < count; i++) {
                int value;
                if (sscanf(words[i], "timeout:%d", &value) == 1 && value >= 1 && value <= 30)
                    conf->timeout_s = value;
                else if (sscanf(words[i], "attempts:%d", &value) == 1 && value >= 1 &&
                         value <= 5)
                    conf->attempts = value;
            }
        }
    }
    fclose(file);
}

static int parse_address(const char *text, int family, struct resolv_addr *out)
{
    if ((family == AF_UNSPEC || family == AF_INET) && inet_pton(AF_INET, text, out->bytes) == 1) {
        out->family = AF_INET;
        return 0;
    }
    if ((family == AF_UNSPEC || family == AF_INET6) &&
        inet_pton(AF_INET6, text, out->bytes) == 1) {
        out->family = AF_INET6;
        return 0;
    }
    return -1;
}

/* Every address /etc/hosts gives name (of family); 1 if any. */
static int hosts_lookup(const char *name, int family, struct resolv_result *out)
{
    FILE *file = fopen(config_path("TANDEM_HOSTS", "/etc/hosts"), "r");
    if (!file)
        return 0;
    char line[RESOLV_LINE_MAX], *words[16];
    while (fgets(line, sizeof line, file) && out->count < RESOLV_MAX_ADDRS) {
        int count = split_words(line, words, 16);
        for (int i = 1; i < count; i++) {
            if (strcasecmp(words[i], name) != 0)
                continue;
            if (parse_address(words[0], family, &out->addrs[out->count]) == 0) {
                if (out->count++ == 0)
                    snprintf(out->canonical_name, sizeof out->canonical_name, "%s", words[1]);
            }
            break;
        }
    }
    fclose(file);
    return out->count > 0;
}

int resolv_hosts_reverse(int family, const void *address, char *name, size_t size)
{
    FILE *file = fopen(config_path("TANDEM_HOSTS", "/etc/hosts"), "r");
    if (!file)
        return -1;
    size_t address_len = family == AF_INET ? 4 : 16;
    char line[RESOLV_LINE_MAX], *words[16];
    int found = -1;
    while (found < 0 && fgets(line, sizeof line, file)) {
        struct resolv_addr entry;
        if (split_words(line, words, 16) >= 2 && parse_address(words[0], family, &entry) == 0 &&
            memcmp(entry.bytes, address, address_len) == 0 && strlen(words[1]) < size) {
            strcpy(name, words[1]);
            found = 0;
        }
    }
    fclose(file);
    return found;
}

/* A query id an off-path attacker cannot guess: from /dev/urandom (the
 * kernel's CSPRNG), else mixed from the clock, the pid and a counter. */
static uint16_t next_query_id(void)
{
    static unsigned counter;
    uint16_t id;
    int fd = open("/dev/urandom", O_RDONLY);
    if (fd >= 0) {
        ssize_t got = read(fd, &id, sizeof id);
        close(fd);
        if (got == (ssize_t)sizeof id)
            return id;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    unsigned mix = (unsigned)now.tv_nsec ^ (unsigned)now.tv_sec * 2654435761u ^
                   (unsigned)getpid() << 7 ^ ++counter * 40503u;
    return (uint16_t)(mix ^ mix >> 16);
}

static long long now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Asks one server once. Returns a dns_status, or DNS_NOT_OURS when nothing
 * of ours came before the timeout (or the server is unreachable). */
static enum dns_status ask_server(struct in_addr server, int timeout_s, const char *name,
                                  struct dns_answer *answer)
{
    uint8_t query[DNS_MAX_MESSAGE], reply[DNS_MAX_MESSAGE];
    uint16_t id = next_query_id();
    int query_len = dns_build_query(query, sizeof query, id, name, DNS_TYPE_A);
    if (query_len < 0)
        return DNS_NO_NAME;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return DNS_NOT_OURS;
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(DNS_PORT),
                              .sin_addr = server };
    enum dns_status status = DNS_NOT_OURS;
    /* connect: the socket then takes datagrams from this server only. */
    if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0 ||
        send(fd, query, (size_t)query_len, 0) != query_len)
        goto out;
    long long deadline = now_ms() + timeout_s * 1000LL;
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            break;
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int ready = poll(&pfd, 1, (int)left);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            break;
        ssize_t got = recv(fd, reply, sizeof reply, 0);
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            break;                      /* ECONNREFUSED: nobody on port 53 */
        }
        status = dns_parse_answer(reply, (size_t)got, id, name, answer);
        if (status != DNS_NOT_OURS)
            break;
    }
out:
    close(fd);
    return status;
}

static int dns_lookup(const char *name, struct resolv_result *out)
{
    struct resolv_conf conf;
    read_resolv_conf(&conf);
    if (conf.server_count == 0)
        return EAI_NONAME;
    int is_bad = 0;
    for (int attempt = 0; attempt < conf.attempts; attempt++) {
        for (int i = 0; i < conf.server_count; i++) {
            struct dns_answer answer;
            enum dns_status status = ask_server(conf.servers[i], conf.timeout_s, name, &answer);
            if (status == DNS_NO_NAME)
                return EAI_NONAME;
            if (status == DNS_BAD_MESSAGE)
                is_bad = 1;
            if (status != DNS_FOUND)
                continue;
            for (int a = 0; a < answer.address_count && out->count < RESOLV_MAX_ADDRS; a++) {
                out->addrs[out->count].family = AF_INET;
                memcpy(out->addrs[out->count++].bytes, answer.addresses[a], 4);
            }
            snprintf(out->canonical_name, sizeof out->canonical_name, "%s",
                     answer.canonical_name);
            return 0;
        }
    }
    return is_bad ? EAI_FAIL : EAI_AGAIN;
}

int resolv_lookup(const char *name, int family, struct resolv_result *out)
{
    memset(out, 0, sizeof *out);
    if (hosts_lookup(name, family, out))
        return 0;
    if (family == AF_INET6)
        return EAI_NONAME;              /* DNS here asks for A records only */
    return dns_lookup(name, out);
}

/* Services: numeric ports, and these (as in /etc/services). */
static const struct service {
    const char *name;
    unsigned short port;
    unsigned char is_tcp, is_udp;
} services[] = {
    {"echo", 7, 1, 1},      {"discard", 9, 1, 1},   {"daytime", 13, 1, 1},
    {"ftp-data", 20, 1, 0}, {"ftp", 21, 1, 0},      {"ssh", 22, 1, 0},
    {"telnet", 23, 1, 0},   {"smtp", 25, 1, 0},     {"time", 37, 1, 1},
    {"domain", 53, 1, 1},   {"bootps", 67, 0, 1},   {"bootpc", 68, 0, 1},
    {"tftp", 69, 0, 1},     {"http", 80, 1, 0},     {"pop3", 110, 1, 0},
    {"ntp", 123, 0, 1},     {"imap", 143, 1, 0},    {"snmp", 161, 0, 1},
    {"https", 443, 1, 0},   {"syslog", 514, 0, 1},  {"http-alt", 8080, 1, 0},
};

int resolv_service_port(const char *name, int is_udp)
{
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
        if (strcmp(services[i].name, name) == 0 &&
            (is_udp ? services[i].is_udp : services[i].is_tcp))
            return services[i].port;
    return -1;
}

const char *resolv_service_name(int port, int is_udp)
{
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
        if (services[i].port == port && (is_udp ? services[i].is_udp : services[i].is_tcp))
            return services[i].name;
    return NULL;
}
