/* getaddrinfo/getnameinfo/gethostbyname without a network: numeric hosts
 * and services, AI_PASSIVE, socket type expansion, the error codes, and a
 * hosts file (TANDEM_HOSTS) with an empty resolv.conf (no DNS at all). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tnd.h"

static int failures;

/* "family socktype protocol address port" of every entry, ';'-joined. */
static int describe(const char *node, const char *service, int family, int socktype,
                    int protocol, int flags, char *out, size_t size)
{
    struct addrinfo hints = { .ai_family = family, .ai_socktype = socktype,
                              .ai_protocol = protocol, .ai_flags = flags };
    struct addrinfo *list;
    out[0] = '\0';
    int status = tnd_getaddrinfo(node, service, &hints, &list);
    if (status != 0)
        return status;
    for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
        char host[64], serv[16], entry[128];
        int err = tnd_getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, serv,
                                  sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV);
        if (err)
            return 99;
        snprintf(entry, sizeof entry, "%s%d %d %d %s %s", out[0] ? ";" : "",
                 ai->ai_family == AF_INET ? 4 : 6, ai->ai_socktype, ai->ai_protocol, host, serv);
        strncat(out, entry, size - strlen(out) - 1);
    }
    tnd_freeaddrinfo(list);
    return 0;
}

#define EXPECT(expected_status, expected, ...) do { \
        char got[1024]; \
        int status = describe(__VA_ARGS__, got, sizeof got); \
        CHECK(status == (expected_status) && strcmp(got, expected) == 0, \
              "(%s): status %d \"%s\", expected %d \"%s\"", #__VA_ARGS__, status, got, \
              expected_status, expected); \
    } while (0)

int main(void)
{
    char hosts[] = "/tmp/tnd-hosts-XXXXXX", resolv[] = "/tmp/tnd-resolv-XXXXXX";
    int fd = mkstemp(hosts);
    const char *hosts_text = "# comment\n127.0.0.1 localhost\n10.9.8.7 box.test box # x\n"
                             "10.9.8.6 Box.test\n::1 localhost6 ip6-box\n";
    if (fd < 0 || write(fd, hosts_text, strlen(hosts_text)) < 0)
        return 1;
    close(fd);
    fd = mkstemp(resolv);
    if (fd < 0)
        return 1;
    close(fd);
    setenv("TANDEM_HOSTS", hosts, 1);
    setenv("TANDEM_RESOLV_CONF", resolv, 1);

    EXPECT(0, "4 1 6 1.2.3.4 80;4 2 17 1.2.3.4 80", "1.2.3.4", "80", 0, 0, 0, 0);
    EXPECT(0, "4 1 6 1.2.3.4 80", "1.2.3.4", "http", 0, SOCK_STREAM, 0, 0);
    EXPECT(EAI_SERVICE, "", "1.2.3.4", "http", 0, SOCK_DGRAM, 0, 0);
    EXPECT(0, "4 2 17 1.2.3.4 53", "1.2.3.4", "domain", 0, SOCK_DGRAM, 0, 0);
    EXPECT(0, "4 1 6 1.2.3.4 443", "1.2.3.4", "https", 0, 0, 0, 0);
    EXPECT(EAI_SERVICE, "", "1.2.3.4", "nosuchservice", 0, 0, 0, 0);
    EXPECT(EAI_NONAME, "", "1.2.3.4", "http", 0, 0, 0, AI_NUMERICSERV);
    EXPECT(EAI_SERVICE, "", "1.2.3.4", "65536", 0, 0, 0, 0);
    EXPECT(0, "4 1 6 127.0.0.1 7", "127.1", "7", AF_INET, SOCK_STREAM, 0, 0);
    EXPECT(0, "6 1 6 2001:db8::1 80", "2001:db8::1", "80", 0, SOCK_STREAM, 0, 0);
    EXPECT(EAI_NONAME, "", "2001:db8::1", "80", AF_INET, SOCK_STREAM, 0, 0);
    EXPECT(0, "4 1 6 0.0.0.0 8080;6 1 6 :: 8080", NULL, "8080", 0, SOCK_STREAM, 0, AI_PASSIVE);
    EXPECT(0, "4 2 17 127.0.0.1 9", NULL, "9", AF_INET, SOCK_DGRAM, 0, 0);
    EXPECT(0, "6 1 6 ::1 9", NULL, "9", AF_INET6, SOCK_STREAM, 0, 0);
    EXPECT(EAI_NONAME, "", NULL, NULL, 0, 0, 0, 0);
    EXPECT(EAI_SOCKTYPE, "", "1.2.3.4", "80", 0, SOCK_STREAM, IPPROTO_UDP, 0);
    EXPECT(EAI_FAMILY, "", "1.2.3.4", "80", 12345, 0, 0, 0);
    EXPECT(EAI_BADFLAGS, "", "1.2.3.4", "80", 0, 0, 0, 0x10000);
    EXPECT(EAI_NONAME, "", "box.test", "80", 0, 0, 0, AI_NUMERICHOST);
    /* The hosts file: every line naming it, case-insensitively. */
    EXPECT(0, "4 1 6 10.9.8.7 80;4 1 6 10.9.8.6 80", "BOX.test", "80", 0, SOCK_STREAM, 0, 0);
    EXPECT(0, "4 1 6 10.9.8.7 80", "box", "80", 0, SOCK_STREAM, 0, 0);
    EXPECT(0, "6 1 6 ::1 80", "ip6-box", "80", 0, SOCK_STREAM, 0, 0);
    EXPECT(EAI_NONAME, "", "ip6-box", "80", AF_INET, SOCK_STREAM, 0, 0);
    /* Not in hosts and no nameserver. */
    EXPECT(EAI_NONAME, "", "elsewhere.test", "80", 0, SOCK_STREAM, 0, 0);

    struct addrinfo hints = { .ai_flags = AI_CANONNAME, .ai_socktype = SOCK_STREAM };
    struct addrinfo *list;
    CHECK(tnd_getaddrinfo("box", NULL, &hints, &list) == 0 && list->ai_canonname &&
          strcmp(list->ai_canonname, "box.test") == 0, "canonical name of box");
    tnd_freeaddrinfo(list);

    struct hostent *h = tnd_gethostbyname("box.test");
    CHECK(h && h->h_addrtype == AF_INET && h->h_length == 4 && h->h_addr_list[0] &&
          h->h_addr_list[1] && !h->h_addr_list[2] &&
          memcmp(h->h_addr_list[0], "\x0a\x09\x08\x07", 4) == 0, "gethostbyname(box.test)");
    CHECK(!tnd_gethostbyname("nowhere.test") && h_errno == HOST_NOT_FOUND, "h_errno %d",
          h_errno);
    CHECK(strcmp(tnd_hstrerror(HOST_NOT_FOUND), "Unknown host") == 0, "hstrerror");
    CHECK(strcmp(tnd_gai_strerror(EAI_NONAME), gai_strerror(EAI_NONAME)) == 0, "gai_strerror");

    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(80) };
    sin.sin_addr.s_addr = htonl(0x0a090807);
    char host[64], serv[16];
    CHECK(tnd_getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, serv,
                          sizeof serv, 0) == 0 && strcmp(host, "box.test") == 0 &&
          strcmp(serv, "http") == 0, "getnameinfo: %s %s", host, serv);
    sin.sin_addr.s_addr = htonl(0x0a090801);
    CHECK(tnd_getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, NULL, 0, 0) == 0 &&
          strcmp(host, "10.9.8.1") == 0, "getnameinfo numeric fallback: %s", host);
    CHECK(tnd_getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, NULL, 0,
                          NI_NAMEREQD) == EAI_NONAME, "NI_NAMEREQD");
    CHECK(tnd_getnameinfo((struct sockaddr *)&sin, sizeof sin, host, 4, NULL, 0,
                          NI_NUMERICHOST) == EAI_OVERFLOW, "a host buffer too small");
    CHECK(tnd_getnameinfo((struct sockaddr *)&sin, 4, host, sizeof host, NULL, 0, 0) ==
          EAI_FAMILY, "a short address");

    unlink(hosts);
    unlink(resolv);
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("addrinfo: all passed\n");
    return 0;
}
