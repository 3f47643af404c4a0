/* getaddrinfo and its companions on resolv.c: numeric hosts and services
 * first, then names; one addrinfo per (address, socket type) with the
 * socket address and the canonical name in the same allocation as the
 * first entry's. gethostbyname keeps its answer in static storage. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "resolv.h"

#define AI_KNOWN_FLAGS (AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | \
                        AI_ADDRCONFIG | AI_NUMERICSERV)

struct addrinfo_block {
    struct addrinfo info;
    union {
        struct sockaddr_in v4;
        struct sockaddr_in6 v6;
    } address;
    char canonical_name[];
};

struct socktype {
    int socktype, protocol;
};

/* The socket types the hints allow; -1 on a contradiction. */
static int expand_socktypes(const struct addrinfo *hints, struct socktype types[2])
{
    int socktype = hints ? hints->ai_socktype : 0, protocol = hints ? hints->ai_protocol : 0;
    int count = 0;
    if ((socktype == 0 || socktype == SOCK_STREAM) && (protocol == 0 || protocol == IPPROTO_TCP))
        types[count++] = (struct socktype){SOCK_STREAM, IPPROTO_TCP};
    if ((socktype == 0 || socktype == SOCK_DGRAM) && (protocol == 0 || protocol == IPPROTO_UDP))
        types[count++] = (struct socktype){SOCK_DGRAM, IPPROTO_UDP};
    if (socktype == SOCK_RAW)
        types[count++] = (struct socktype){SOCK_RAW, protocol};
    return count > 0 ? count : -1;
}

/* The port of service for one socket type; -1 when the service has none. */
static int service_port(const char *service, int socktype, int flags, int *error)
{
    if (!service || !*service)
        return 0;
    char *end;
    long port = strtol(service, &end, 10);
    if (*end == '\0' && service[0] >= '0' && service[0] <= '9') {
        if (port > 65535) {
            *error = EAI_SERVICE;
            return -1;
        }
        return (int)port;
    }
    if (flags & AI_NUMERICSERV) {
        *error = EAI_NONAME;
        return -1;
    }
    if (socktype == SOCK_RAW) {
        *error = EAI_SERVICE;
        return -1;
    }
    port = resolv_service_port(service, socktype == SOCK_DGRAM);
    if (port < 0)
        *error = EAI_SERVICE;
    return (int)port;
}

static struct addrinfo *new_entry(const struct resolv_addr *address, int port,
                                  const struct socktype *type, const char *canonical_name)
{
    size_t name_len = canonical_name ? strlen(canonical_name) + 1 : 0;
    struct addrinfo_block *block = calloc(1, sizeof *block + name_len);
    if (!block)
        return NULL;
    struct addrinfo *info = &block->info;
    info->ai_family = address->family;
    info->ai_socktype = type->socktype;
    info->ai_protocol = type->protocol;
    info->ai_addr = (struct sockaddr *)&block->address;
    if (address->family == AF_INET) {
        block->address.v4.sin_family = AF_INET;
        block->address.v4.sin_port = htons((uint16_t)port);
        memcpy(&block->address.v4.sin_addr, address->bytes, 4);
        info->ai_addrlen = sizeof block->address.v4;
    } else {
        block->address.v6.sin6_family = AF_INET6;
        block->address.v6.sin6_port = htons((uint16_t)port);
        memcpy(&block->address.v6.sin6_addr, address->bytes, 16);
        info->ai_addrlen = sizeof block->address.v6;
    }
    if (canonical_name) {
        memcpy(block->canonical_name, canonical_name, name_len);
        info->ai_canonname = block->canonical_name;
    }
    return info;
}

void freeaddrinfo(struct addrinfo *res)
{
    while (res) {
        struct addrinfo *next = res->ai_next;
        free(res);      /* the block starts with its addrinfo */
        res = next;
    }
}

/* The addresses of node (NULL: wildcard or loopback). */
static int find_addresses(const char *node, int family, int flags, struct resolv_result *found)
{
    memset(found, 0, sizeof *found);
    if (!node) {
        int is_passive = flags & AI_PASSIVE;
        if (family != AF_INET6) {
            struct resolv_addr *a = &found->addrs[found->count++];
            a->family = AF_INET;
            uint32_t v4 = htonl(is_passive ? INADDR_ANY : INADDR_LOOPBACK);
            memcpy(a->bytes, &v4, 4);
        }
        if (family != AF_INET) {
            struct resolv_addr *a = &found->addrs[found->count++];
            a->family = AF_INET6;
            memcpy(a->bytes, is_passive ? &in6addr_any : &in6addr_loopback, 16);
        }
        return 0;
    }
    struct in_addr v4;
    if (family != AF_INET6 && inet_aton(node, &v4) && !strchr(node, ' ')) {
        found->addrs[0].family = AF_INET;
        memcpy(found->addrs[0].bytes, &v4, 4);
        found->count = 1;
        snprintf(found->canonical_name, sizeof found->canonical_name, "%s", node);
        return 0;
    }
    if (family != AF_INET && inet_pton(AF_INET6, node, found->addrs[0].bytes) == 1) {
        found->addrs[0].family = AF_INET6;
        found->count = 1;
        snprintf(found->canonical_name, sizeof found->canonical_name, "%s", node);
        return 0;
    }
    if (flags & AI_NUMERICHOST)
        return EAI_NONAME;
    return resolv_lookup(node, family, found);
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
    int flags = hints ? hints->ai_flags : 0, family = hints ? hints->ai_family : AF_UNSPEC;
    *res = NULL;
    if (flags & ~AI_KNOWN_FLAGS || ((flags & AI_CANONNAME) && !node))
        return EAI_BADFLAGS;
    if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
        return EAI_FAMILY;
    if (!node && !service)
        return EAI_NONAME;
    struct socktype types[2];
    int type_count = expand_socktypes(hints, types);
    if (type_count < 0)
        return EAI_SOCKTYPE;
    int ports[2], port_count = 0, error = EAI_SERVICE;
    for (int t = 0; t < type_count; t++) {
        ports[t] = service_port(service, types[t].socktype, flags, &error);
        if (ports[t] >= 0)
            port_count++;
    }
    if (port_count == 0)
        return error;

    struct resolv_result *found = malloc(sizeof *found);
    if (!found)
        return EAI_MEMORY;
    int status = find_addresses(node, family, flags, found);
    struct addrinfo *head = NULL, **tail = &head;
    for (int a = 0; status == 0 && a < found->count; a++) {
        for (int t = 0; t < type_count; t++) {
            if (ports[t] < 0)
                continue;
            const char *canonical = head == NULL && (flags & AI_CANONNAME)
                                        ? found->canonical_name : NULL;
            struct addrinfo *entry = new_entry(&found->addrs[a], ports[t], &types[t], canonical);
            if (!entry) {
                status = EAI_MEMORY;
                break;
            }
            *tail = entry;
            tail = &entry->ai_next;
        }
    }
    free(found);
    if (status == 0 && !head)
        status = EAI_NONAME;
    if (status != 0) {
        freeaddrinfo(head);
        return status;
    }
    *res = head;
    return 0;
}

const char *gai_strerror(int err)
{
    switch (err) {
    case 0: return "Success";
    case EAI_BADFLAGS: return "Bad value for ai_flags";
    case EAI_NONAME: return "Name or service not known";
    case EAI_AGAIN: return "Temporary failure in name resolution";
    case EAI_FAIL: return "Non-recoverable failure in name resolution";
    case EAI_FAMILY: return "ai_family not supported";
    case EAI_SOCKTYPE: return "ai_socktype not supported";
    case EAI_SERVICE: return "Servname not supported for ai_socktype";
    case EAI_MEMORY: return "Memory allocation failure";
    case EAI_SYSTEM: return "System error";
    case EAI_OVERFLOW: return "Argument buffer overflow";
    default: return "Unknown error";
    }
}

int getnameinfo(const struct sockaddr *addr, socklen_t addrlen, char *host, socklen_t hostlen,
                char *serv, socklen_t servlen, int flags)
{
    const void *bytes;
    int port;
    if (!addr)
        return EAI_FAMILY;
    if (addr->sa_family == AF_INET && addrlen >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)addr;
        bytes = &v4->sin_addr;
        port = ntohs(v4->sin_port);
    } else if (addr->sa_family == AF_INET6 && addrlen >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)addr;
        bytes = &v6->sin6_addr;
        port = ntohs(v6->sin6_port);
    } else {
        return EAI_FAMILY;
    }
    if (!(host && hostlen) && !(serv && servlen))
        return EAI_NONAME;
    if (host && hostlen) {
        int found = -1;
        if (!(flags & NI_NUMERICHOST))
            found = resolv_hosts_reverse(addr->sa_family, bytes, host, hostlen);
        if (found < 0) {
            if (flags & NI_NAMEREQD)
                return EAI_NONAME;
            if (!inet_ntop(addr->sa_family, bytes, host, hostlen))
                return EAI_OVERFLOW;
        }
    }
    if (serv && servlen) {
        const char *name = NULL;
        if (!(flags & NI_NUMERICSERV))
            name = resolv_service_name(port, flags & NI_DGRAM);
        int len = name ? snprintf(serv, servlen, "%s", name) : snprintf(serv, servlen, "%d", port);
        if (len < 0 || (socklen_t)len >= servlen)
            return EAI_OVERFLOW;
    }
    return 0;
}

/* gethostbyname's static answer (IPv4 only, as POSIX's old call). */
static struct {
    struct hostent entry;
    char name[RESOLV_MAX_NAME + 1];
    char *aliases[1];
    char *address_list[RESOLV_MAX_ADDRS + 1];
    uint8_t addresses[RESOLV_MAX_ADDRS][4];
} host_answer;

struct hostent *gethostbyname(const char *name)
{
    struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_CANONNAME };
    struct addrinfo *list;
    int status = getaddrinfo(name, NULL, &hints, &list);
    if (status != 0) {
        h_errno = status == EAI_AGAIN ? TRY_AGAIN
                  : status == EAI_NONAME ? HOST_NOT_FOUND : NO_RECOVERY;
        return NULL;
    }
    memset(&host_answer, 0, sizeof host_answer);
    snprintf(host_answer.name, sizeof host_answer.name, "%s",
             list->ai_canonname ? list->ai_canonname : name);
    int count = 0;
    for (struct addrinfo *ai = list; ai && count < RESOLV_MAX_ADDRS; ai = ai->ai_next) {
        memcpy(host_answer.addresses[count], &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
        host_answer.address_list[count] = (char *)host_answer.addresses[count];
        count++;
    }
    freeaddrinfo(list);
    host_answer.entry.h_name = host_answer.name;
    host_answer.entry.h_aliases = host_answer.aliases;
    host_answer.entry.h_addrtype = AF_INET;
    host_answer.entry.h_length = 4;
    host_answer.entry.h_addr_list = host_answer.address_list;
    return &host_answer.entry;
}

const char *hstrerror(int err)
{
    switch (err) {
    case 0: return "Resolver Error 0 (no error)";
    case HOST_NOT_FOUND: return "Unknown host";
    case TRY_AGAIN: return "Host name lookup failure";
    case NO_RECOVERY: return "Unknown server error";
    case NO_DATA: return "No address associated with name";
    default: return "Unknown resolver error";
    }
}
