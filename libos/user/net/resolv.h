/* The resolver's inside (libos/user/net): name to addresses through
 * /etc/hosts and then DNS, and the service table. addrinfo.c builds the
 * public calls (getaddrinfo, gethostbyname, ...) on these. */
#ifndef NET_RESOLV_H
#define NET_RESOLV_H

#include <stddef.h>
#include <stdint.h>

#define RESOLV_MAX_ADDRS 16
#define RESOLV_MAX_NAME  255

struct resolv_addr {
    int family;                 /* AF_INET or AF_INET6 */
    uint8_t bytes[16];          /* network order; 4 used for AF_INET */
};

struct resolv_result {
    int count;
    struct resolv_addr addrs[RESOLV_MAX_ADDRS];
    char canonical_name[RESOLV_MAX_NAME + 1];
};

/* Looks name up for family (AF_UNSPEC, AF_INET, AF_INET6): /etc/hosts
 * first, then DNS A queries. Returns 0 or an EAI_* error. */
int resolv_lookup(const char *name, int family, struct resolv_result *out);

/* The first /etc/hosts name of an address; 0 when found. */
int resolv_hosts_reverse(int family, const void *address, char *name, size_t size);

/* The built-in service table: a port (host order) or -1; is_udp picks the
 * protocol. resolv_service_name gives the name of a port or NULL. */
int resolv_service_port(const char *name, int is_udp);
const char *resolv_service_name(int port, int is_udp);

#endif
