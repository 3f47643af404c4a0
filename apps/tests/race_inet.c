/* Race: AF_INET TCP sockets over loopback closed, reset or shut down by
 * one thread while another sends, receives, polls or accepts on them.
 * Each subtest runs a bounded time and checks that every outcome is one
 * the calls may give; the kernel's debug heap (on in the tests image)
 * catches a use after free of a socket that lwIP's callbacks still reach. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "tap.h"

#define RACE_MS 2000

static int listener(uint16_t *port, int flags)
{
    int s = socket(AF_INET, SOCK_STREAM | flags, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(sin);
    if (s < 0 || bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(s, 16) < 0 ||
        getsockname(s, (struct sockaddr *)&sin, &len) < 0)
        return -1;
    *port = ntohs(sin.sin_port);
    return s;
}

static int connect_to(uint16_t port, int flags)
{
    int c = socket(AF_INET, SOCK_STREAM | flags, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (c < 0)
        return -1;
    if (connect(c, (struct sockaddr *)&sin, sizeof(sin)) < 0 && errno != EINPROGRESS) {
        close(c);
        return -1;
    }
    return c;
}

static int tcp_pair(int *c, int *a)
{
    uint16_t port;
    int l = listener(&port, 0);
    if (l < 0)
        return -1;
    *c = connect_to(port, 0);
    *a = *c < 0 ? -1 : accept(l, NULL, NULL);
    close(l);
    return *a < 0 ? -1 : 0;
}

struct worker {
    int fd;
    int how;                    /* 0: send, 1: poll then send, 2: recv, 3: poll then recv */
    volatile int is_started;
    long moved;
    int err;                    /* errno of the end, 0: EOF */
};

static void *work_until_error(void *arg)
{
    struct worker *w = arg;
    static char buf[16384];
    __atomic_store_n(&w->is_started, 1, __ATOMIC_RELEASE);
    for (;;) {
        if (w->how & 1) {
            struct pollfd p = { w->fd, w->how < 2 ? POLLOUT : POLLIN, 0 };
            if (poll(&p, 1, 1000) < 0) {
                w->err = errno;
                return NULL;
            }
        }
        ssize_t n = w->how < 2 ? send(w->fd, buf, sizeof(buf), MSG_NOSIGNAL)
                               : recv(w->fd, buf, sizeof(buf), 0);
        if (n < 0) {
            if (errno == EAGAIN)
                continue;
            w->err = errno;
            return NULL;
        }
        if (n == 0 && w->how >= 2)
            return NULL;
        w->moved += n;
    }
}

/* A thread sends or receives while the main thread closes the peer (with
 * or without SO_LINGER 0), or shuts down the worker's own socket. */
static void race_against_end(int how)
{
    long end = now_ms() + RACE_MS;
    unsigned rounds = 0;
    while (now_ms() < end) {
        int c, a;
        CHECK(tcp_pair(&c, &a) == 0, "pair: errno %d", errno);
        struct worker w = { .fd = c, .how = how };
        if (how >= 2)
            send(a, "hello", 5, 0);
        pthread_t t;
        CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, work_until_error, &w));
        while (!__atomic_load_n(&w.is_started, __ATOMIC_ACQUIRE))
            sched_yield();
        char buf[4096];
        if (how < 2)
            for (unsigned i = 0; i < (rounds & 3); i++)
                CHECK(recv(a, buf, sizeof(buf), 0) > 0, "read from the sender");
        switch (rounds % 3) {
        case 0:
            close(a);
            a = -1;
            break;
        case 1: {
            struct linger lg = { 1, 0 };
            setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
            close(a);
            a = -1;
            break;
        }
        default:
            CHECK_OK(shutdown(c, SHUT_RDWR));
            break;
        }
        CHECK_EQ("pthread_join", 0, pthread_join(t, NULL));
        if (how < 2)
            CHECK(w.err == EPIPE || w.err == ECONNRESET, "sender: errno %d", w.err);
        else
            CHECK(w.err == 0 || w.err == ECONNRESET, "receiver: errno %d", w.err);
        if (a >= 0)
            close(a);
        close(c);
        rounds++;
    }
    tap_note("%u rounds", rounds);
    CHECK(rounds > 0, "no round ran");
}

static void send_while_ended(void)
{
    race_against_end(0);
}

static void poll_send_while_ended(void)
{
    race_against_end(1);
}

static void recv_while_ended(void)
{
    race_against_end(2);
}

static void poll_recv_while_ended(void)
{
    race_against_end(3);
}

struct acceptor {
    int fd;
    volatile int stop;
    long accepted;
    int bad_err;
};

static void *accept_loop(void *arg)
{
    struct acceptor *a = arg;
    while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
        struct pollfd p = { a->fd, POLLIN, 0 };
        if (poll(&p, 1, 5) < 0) {
            a->bad_err = errno;
            return NULL;
        }
        int c = accept4(a->fd, NULL, NULL, SOCK_NONBLOCK);
        if (c >= 0) {
            char buf[16];
            read(c, buf, sizeof(buf));
            close(c);
            a->accepted++;
        } else if (errno != EAGAIN && errno != EBADF && errno != EINVAL) {
            a->bad_err = errno;
            return NULL;
        }
    }
    return NULL;
}

/* One thread polls and accepts while the main thread connects, writes,
 * closes clients, and closes the listener with connections still queued
 * (lwIP's callbacks must not reach the freed ones). */
static void accept_while_clients_and_listener_close(void)
{
    long end = now_ms() + RACE_MS;
    unsigned rounds = 0;
    long connects = 0;
    while (now_ms() < end) {
        uint16_t port;
        int l = listener(&port, SOCK_NONBLOCK);
        CHECK_OK(l);
        struct acceptor a = { .fd = l };
        pthread_t t;
        CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, accept_loop, &a));
        int keep[4] = { -1, -1, -1, -1 };
        for (int i = 0; i < 8; i++) {
            int c = connect_to(port, i & 1 ? SOCK_NONBLOCK : 0);
            CHECK(c >= 0, "connect: errno %d", errno);
            connects++;
            send(c, "hello", 5, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (i < 4)
                keep[i] = c;
            else
                close(c);
        }
        __atomic_store_n(&a.stop, 1, __ATOMIC_RELEASE);
        if (rounds & 1)
            close(l);
        CHECK_EQ("pthread_join", 0, pthread_join(t, NULL));
        CHECK_EQ("acceptor errors", 0, a.bad_err);
        if (!(rounds & 1))
            close(l);
        for (int i = 0; i < 4; i++) {
            char buf[8];
            ssize_t n = recv(keep[i], buf, sizeof(buf), MSG_DONTWAIT);
            CHECK(n == 0 || (n < 0 && (errno == ECONNRESET || errno == EAGAIN ||
                                       errno == ENOTCONN)),
                  "client after the listener closed: %zd errno %d", n, errno);
            close(keep[i]);
        }
        rounds++;
    }
    tap_note("%u rounds, %ld connects", rounds, connects);
    CHECK(rounds > 0, "no round ran");
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(send_while_ended),
        TAP_TEST(poll_send_while_ended),
        TAP_TEST(recv_while_ended),
        TAP_TEST(poll_recv_while_ended),
        TAP_TEST(accept_while_clients_and_listener_close),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
