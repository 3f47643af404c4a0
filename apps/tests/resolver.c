/* The process-side resolver in the guest (libos/user/net), before the
 * guest has AF_INET sockets: address text conversions, numeric
 * getaddrinfo/getnameinfo, the service table, and a name that is in no
 * hosts file with no nameserver (EAI_NONAME, without a socket).
 * tests/host/net covers DNS itself against dnsmasq. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "tap.h"

static void inet_pton_ntop_round_trip(void)
{
    static const char *const v6[][2] = {
        {"2001:DB8:0:0:0:0:0:1", "2001:db8::1"}, {"::", "::"}, {"::1", "::1"},
        {"1:0:0:2:0:0:3:4", "1::2:0:0:3:4"}, {"::ffff:10.0.2.15", "::ffff:10.0.2.15"},
    };
    unsigned char bytes[16];
    char text[INET6_ADDRSTRLEN];
    for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++) {
        CHECK(inet_pton(AF_INET6, v6[i][0], bytes) == 1, "inet_pton(%s)", v6[i][0]);
        CHECK(inet_ntop(AF_INET6, bytes, text, sizeof text) &&
              strcmp(text, v6[i][1]) == 0, "inet_ntop: expected %s, got %s", v6[i][1], text);
    }
    CHECK(inet_pton(AF_INET, "10.0.2.15", bytes) == 1 && bytes[0] == 10 && bytes[3] == 15,
          "inet_pton(10.0.2.15)");
    CHECK(inet_pton(AF_INET, "10.0.2.256", bytes) == 0, "inet_pton rejects 10.0.2.256");
    CHECK(inet_pton(AF_INET6, "1::2::3", bytes) == 0, "inet_pton rejects two ::");
    struct in_addr a;
    CHECK(inet_aton("127.1", &a) == 1 && a.s_addr == htonl(0x7f000001), "inet_aton(127.1)");
    CHECK(strcmp(inet_ntoa(a), "127.0.0.1") == 0, "inet_ntoa: %s", inet_ntoa(a));
    CHECK(inet_addr("nonsense") == INADDR_NONE, "inet_addr of nonsense");
}

static void getaddrinfo_numeric_and_services(void)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *list;
    CHECK_EQ("getaddrinfo(10.0.2.2, http)", 0, getaddrinfo("10.0.2.2", "http", &hints, &list));
    struct sockaddr_in *sin = (struct sockaddr_in *)list->ai_addr;
    CHECK(list->ai_family == AF_INET && list->ai_protocol == IPPROTO_TCP &&
          sin->sin_port == htons(80) && sin->sin_addr.s_addr == htonl(0x0a000202) &&
          !list->ai_next, "one TCP entry for 10.0.2.2:80");
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    CHECK_EQ("getnameinfo", 0, getnameinfo(list->ai_addr, list->ai_addrlen, host, sizeof host,
                                           serv, sizeof serv, NI_NUMERICHOST));
    CHECK(strcmp(host, "10.0.2.2") == 0 && strcmp(serv, "http") == 0, "%s %s", host, serv);
    freeaddrinfo(list);
    struct addrinfo passive = { .ai_family = AF_INET, .ai_flags = AI_PASSIVE };
    CHECK_EQ("getaddrinfo(NULL, 8080, passive)", 0, getaddrinfo(NULL, "8080", &passive, &list));
    CHECK(list->ai_socktype == SOCK_STREAM && list->ai_next &&
          list->ai_next->ai_socktype == SOCK_DGRAM &&
          ((struct sockaddr_in *)list->ai_addr)->sin_addr.s_addr == INADDR_ANY,
          "a stream and a datagram entry for the wildcard address");
    freeaddrinfo(list);
    CHECK_EQ("an unknown service", EAI_SERVICE, getaddrinfo("1.2.3.4", "nosuchservice", &hints,
                                                           &list));
    CHECK_EQ("AI_NUMERICHOST with a name", EAI_NONAME,
             getaddrinfo("example.test", NULL, &(struct addrinfo){ .ai_flags = AI_NUMERICHOST },
                         &list));
    CHECK(strcmp(gai_strerror(EAI_NONAME), "Name or service not known") == 0, "gai_strerror");
}

static void unknown_name_without_nameserver(void)
{
    struct addrinfo *list;
    /* No /etc/hosts line and no reachable resolv.conf here yet: NONAME or,
     * when a nameserver is configured but unreachable, AGAIN. */
    int status = getaddrinfo("nosuch-host.invalid", "80", NULL, &list);
    CHECK(status == EAI_NONAME || status == EAI_AGAIN, "expected EAI_NONAME, got %d (%s)",
          status, gai_strerror(status));
    CHECK(gethostbyname("nosuch-host.invalid") == NULL &&
          (h_errno == HOST_NOT_FOUND || h_errno == TRY_AGAIN), "gethostbyname: h_errno %d",
          h_errno);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(inet_pton_ntop_round_trip),
        TAP_TEST(getaddrinfo_numeric_and_services),
        TAP_TEST(unknown_name_without_nameserver),
    };
    return tap_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
