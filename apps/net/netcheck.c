/* netcheck: socket checks the network tests run in the guest against a
 * peer on the host (tests/harness/net_peer_test.py). Each prints one
 * result line and exits 0 when the check held, 1 when not, 2 on usage.
 *
 *   netcheck udp ADDR PORT N    N datagrams from 1 to 1472 bytes (N up to
 *                               1472: evenly spread, first 1, last 1472;
 *                               more: every size in turn), contents from
 *                               a counter, each sent to an echo server and
 *                               its echo compared (a lost one is sent
 *                               again, 5 tries of 2 s)
 *   netcheck refused ADDR PORT  connect to a closed port: ECONNREFUSED,
 *                               blocking, and non-blocking through poll
 *                               and SO_ERROR
 *   netcheck nbconnect ADDR PORT  non-blocking connect to a listening
 *                               port on another host: EINPROGRESS (never
 *                               done at once), then POLLOUT and SO_ERROR 0
 *   netcheck rcvtimeo ADDR PORT connect, SO_RCVTIMEO 0.5 s, recv from a
 *                               peer that sends nothing: EAGAIN, and not
 *                               before the 0.5 s
 *   netcheck reset ADDR PORT    connect, read until error: the peer
 *                               resets: ECONNRESET
 * ADDR is a dotted IPv4 address. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#define MAX_DGRAM 1472
#define RCVTIMEO_MS 500
/* clock granularity allowed for when checking that a timeout was waited */
#define TIMEOUT_SLACK_MS 5

static struct sockaddr_in peer;

static void usage(void)
{
    fprintf(stderr, "usage: netcheck udp|refused|nbconnect|rcvtimeo|reset ADDR PORT [N]\n");
    exit(2);
}

static int fail(const char *what, int error)
{
    printf("netcheck: FAIL %s: %s (errno %d)\n", what, strerror(error), error);
    return 1;
}

static int tcp_socket(int is_nonblocking)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0 && is_nonblocking)
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static void fill(unsigned char *buf, size_t len, unsigned seq)
{
    unsigned x = seq * 2654435761u + 1;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
}

/* Datagram seq's length out of count: 1 first and MAX_DGRAM last, each
 * longer than the one before while count <= MAX_DGRAM (the late-echo skip
 * in check_udp relies on lengths that differ from recent ones), every
 * length in turn beyond that. */
static size_t dgram_len(unsigned seq, unsigned count)
{
    if (count <= 1)
        return 1;
    if (count > MAX_DGRAM)
        return seq % MAX_DGRAM + 1;
    return 1 + (size_t)seq * (MAX_DGRAM - 1) / (count - 1);
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int check_udp(unsigned count)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return fail("socket", errno);
    if (connect(fd, (struct sockaddr *)&peer, sizeof peer) < 0)
        return fail("connect", errno);
    static unsigned char out[MAX_DGRAM], in[MAX_DGRAM + 1];
    unsigned resent = 0;
    size_t shortest = MAX_DGRAM, longest = 0;
    for (unsigned i = 0; i < count; i++) {
        size_t len = dgram_len(i, count);
        shortest = len < shortest ? len : shortest;
        longest = len > longest ? len : longest;
        fill(out, len, i);
        int is_echoed = 0;
        for (int attempt = 0; attempt < 5 && !is_echoed; attempt++) {
            if (attempt)
                resent++;
            if (send(fd, out, len, 0) != (ssize_t)len)
                return fail("send", errno);
            for (;;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                int ready = poll(&p, 1, 2000);
                if (ready < 0)
                    return fail("poll", errno);
                if (ready == 0)
                    break;
                ssize_t got = recv(fd, in, sizeof in, 0);
                if (got < 0)
                    return fail("recv", errno);
                if ((size_t)got == len && memcmp(in, out, len) == 0) {
                    is_echoed = 1;
                    break;
                }
                /* A late echo of an earlier datagram that was sent again
                 * (its length differs from this one's: dgram_len): skip it. */
                if (resent && (size_t)got != len)
                    continue;
                printf("netcheck: FAIL datagram %u: sent %zu bytes, got %zd different\n",
                       i, len, got);
                return 1;
            }
        }
        if (!is_echoed) {
            printf("netcheck: FAIL datagram %u (%zu bytes): no echo\n", i, len);
            return 1;
        }
    }
    printf("netcheck: udp %u datagrams echoed and equal (%zu to %zu bytes, %u sent again)\n",
           count, shortest, longest, resent);
    return 0;
}

static int check_refused(void)
{
    int fd = tcp_socket(0);
    if (fd < 0)
        return fail("socket", errno);
    if (connect(fd, (struct sockaddr *)&peer, sizeof peer) == 0)
        return fail("blocking connect succeeded", 0);
    if (errno != ECONNREFUSED)
        return fail("blocking connect", errno);
    close(fd);
    fd = tcp_socket(1);
    if (connect(fd, (struct sockaddr *)&peer, sizeof peer) == 0)
        return fail("non-blocking connect succeeded", 0);
    if (errno != EINPROGRESS && errno != ECONNREFUSED)
        return fail("non-blocking connect", errno);
    if (errno == EINPROGRESS) {
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        if (poll(&p, 1, 20000) != 1)
            return fail("poll after a refused non-blocking connect", errno);
        int error = 0;
        socklen_t len = sizeof error;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0)
            return fail("getsockopt SO_ERROR", errno);
        if (error != ECONNREFUSED)
            return fail("SO_ERROR after a refused non-blocking connect", error);
    }
    close(fd);
    printf("netcheck: refused ECONNREFUSED blocking and non-blocking\n");
    return 0;
}

static int check_nbconnect(void)
{
    int fd = tcp_socket(1);
    if (fd < 0)
        return fail("socket", errno);
    /* The peer is another host: a handshake takes a round trip, so a
     * connect that is done at once never went through poll. */
    if (connect(fd, (struct sockaddr *)&peer, sizeof peer) == 0)
        return fail("non-blocking connect returned 0 at once, expected EINPROGRESS", 0);
    if (errno != EINPROGRESS)
        return fail("non-blocking connect", errno);
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    if (poll(&p, 1, 20000) != 1 || !(p.revents & POLLOUT))
        return fail("poll for the connection", errno);
    int error = -1;
    socklen_t len = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0)
        return fail("getsockopt SO_ERROR", errno);
    if (error != 0)
        return fail("SO_ERROR after the connection", error);
    struct sockaddr_in name;
    len = sizeof name;
    if (getpeername(fd, (struct sockaddr *)&name, &len) < 0)
        return fail("getpeername", errno);
    if (name.sin_port != peer.sin_port || name.sin_addr.s_addr != peer.sin_addr.s_addr)
        return fail("getpeername names another peer", 0);
    close(fd);
    printf("netcheck: nbconnect EINPROGRESS, POLLOUT, SO_ERROR 0\n");
    return 0;
}

static int check_rcvtimeo(void)
{
    int fd = tcp_socket(0);
    if (fd < 0)
        return fail("socket", errno);
    if (connect(fd, (struct sockaddr *)&peer, sizeof peer) < 0)
        return fail("connect", errno);
    struct timeval tv = { .tv_sec = 0, .tv_usec = RCVTIMEO_MS * 1000 };
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
        return fail("setsockopt SO_RCVTIMEO", errno);
    char c;
    long start = now_ms();
    ssize_t got = recv(fd, &c, 1, 0);
    int error = errno;
    long elapsed = now_ms() - start;
    if (got >= 0)
        return fail("recv returned data or EOF", 0);
    if (error != EAGAIN && error != EWOULDBLOCK)
        return fail("recv", error);
    if (elapsed < RCVTIMEO_MS - TIMEOUT_SLACK_MS) {
        printf("netcheck: FAIL recv gave EAGAIN after %ld ms, before the %d ms timeout\n",
               elapsed, RCVTIMEO_MS);
        return 1;
    }
    close(fd);
    printf("netcheck: rcvtimeo EAGAIN after %ld ms\n", elapsed);
    return 0;
}

static int check_reset(void)
{
    int fd = tcp_socket(0);
    if (fd < 0)
        return fail("socket", errno);
    if (connect(fd, (struct sockaddr *)&peer, sizeof peer) < 0)
        return fail("connect", errno);
    if (send(fd, "x", 1, 0) != 1)
        return fail("send", errno);
    char buf[256];
    size_t total = 0;
    for (;;) {
        ssize_t got = recv(fd, buf, sizeof buf, 0);
        if (got > 0) {
            total += (size_t)got;
            continue;
        }
        if (got == 0)
            return fail("EOF instead of a reset", 0);
        if (errno != ECONNRESET)
            return fail("recv", errno);
        break;
    }
    close(fd);
    printf("netcheck: reset ECONNRESET after %zu bytes\n", total);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4)
        usage();
    peer.sin_family = AF_INET;
    peer.sin_port = htons((unsigned short)atoi(argv[3]));
    if (inet_pton(AF_INET, argv[2], &peer.sin_addr) != 1)
        usage();
    signal(SIGPIPE, SIG_IGN);
    if (strcmp(argv[1], "udp") == 0 && argc == 5)
        return check_udp((unsigned)atoi(argv[4]));
    if (strcmp(argv[1], "refused") == 0)
        return check_refused();
    if (strcmp(argv[1], "nbconnect") == 0)
        return check_nbconnect();
    if (strcmp(argv[1], "rcvtimeo") == 0)
        return check_rcvtimeo();
    if (strcmp(argv[1], "reset") == 0)
        return check_reset();
    usage();
}
