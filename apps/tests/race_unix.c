/* Race: AF_UNIX sockets closed or shut down by one thread while another
 * sends, polls or accepts on them. Each subtest runs a bounded time and
 * checks every outcome is one the calls may give (the kernel's debug heap,
 * on in the tests image, catches a use after free). */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "tap.h"

#define RACE_MS 2000

struct sender {
    int fd;
    int how;                    /* 0: send until error, 1: poll then send */
    volatile int is_started;
    long sent;
    int err;
};

static void *send_until_error(void *arg)
{
    struct sender *s = arg;
    static char buf[8192];
    __atomic_store_n(&s->is_started, 1, __ATOMIC_RELEASE);
    for (;;) {
        if (s->how == 1) {
            struct pollfd p = { s->fd, POLLOUT, 0 };
            if (poll(&p, 1, 1000) < 0) {
                s->err = errno;
                return NULL;
            }
        }
        ssize_t n = send(s->fd, buf, sizeof(buf), MSG_NOSIGNAL);
        if (n < 0) {
            s->err = errno;
            return NULL;
        }
        s->sent += n;
    }
}

/* One thread sends (blocking when full) while the main thread reads a
 * little, then closes or shuts down the other end: the sender must get
 * EPIPE (or ECONNRESET: its peer left unread data). */
static void race_send_against_close(int use_shutdown, int how)
{
    long end = now_ms() + RACE_MS;
    unsigned rounds = 0;
    while (now_ms() < end) {
        int sv[2];
        CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
        struct sender s = { .fd = sv[0], .how = how };
        pthread_t t;
        CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, send_until_error, &s));
        while (!__atomic_load_n(&s.is_started, __ATOMIC_ACQUIRE))
            sched_yield();
        char buf[4096];
        for (unsigned i = 0; i < (rounds & 3); i++)
            CHECK(read(sv[1], buf, sizeof(buf)) > 0, "read from the sender");
        if (use_shutdown)
            CHECK_OK(shutdown(sv[1], (rounds & 1) ? SHUT_RD : SHUT_RDWR));
        else
            CHECK_OK(close(sv[1]));
        CHECK_EQ("pthread_join", 0, pthread_join(t, NULL));
        CHECK(s.err == EPIPE || s.err == ECONNRESET, "sender: expected EPIPE, got errno %d",
              s.err);
        if (use_shutdown)
            close(sv[1]);
        close(sv[0]);
        rounds++;
    }
    tap_note("%u rounds", rounds);
    CHECK(rounds > 0, "no round ran");
}

static void send_while_peer_closes(void)
{
    race_send_against_close(0, 0);
}

static void poll_and_send_while_peer_shuts_down(void)
{
    race_send_against_close(1, 1);
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
        int rc = poll(&p, 1, 5);
        if (rc < 0) {
            a->bad_err = errno;
            return NULL;
        }
        int c = accept4(a->fd, NULL, NULL, SOCK_NONBLOCK);
        if (c >= 0) {
            char buf[16];
            read(c, buf, sizeof(buf));      /* data, EOF or EAGAIN: all fine */
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
 * closes clients and finally closes the listener with connections still
 * queued (their clients must see EOF or ECONNRESET, never hang). */
static void accept_while_clients_and_listener_close(void)
{
    long end = now_ms() + RACE_MS;
    unsigned rounds = 0;
    long connects = 0;
    while (now_ms() < end) {
        int l = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        CHECK_OK(l);
        struct sockaddr_un sun;
        memset(&sun, 0, sizeof(sun));
        sun.sun_family = AF_UNIX;
        socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
                                     (size_t)snprintf(sun.sun_path + 1, 32, "race-unix-%u",
                                                      rounds));
        CHECK_OK(bind(l, (struct sockaddr *)&sun, alen));
        CHECK_OK(listen(l, 16));
        struct acceptor a = { .fd = l };
        pthread_t t;
        CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, accept_loop, &a));
        int keep[4] = { -1, -1, -1, -1 };
        for (int i = 0; i < 8; i++) {
            int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
            CHECK_OK(c);
            int rc = connect(c, (struct sockaddr *)&sun, alen);
            CHECK(rc == 0 || errno == EAGAIN, "connect: errno %d", errno);
            if (rc == 0) {
                connects++;
                send(c, "hello", 5, MSG_NOSIGNAL);
            }
            if (i < 4)
                keep[i] = c;
            else
                close(c);
        }
        __atomic_store_n(&a.stop, 1, __ATOMIC_RELEASE);
        if (rounds & 1)
            close(l);           /* while the acceptor may still poll it */
        CHECK_EQ("pthread_join", 0, pthread_join(t, NULL));
        CHECK_EQ("acceptor errors", 0, a.bad_err);
        if (!(rounds & 1))
            close(l);
        for (int i = 0; i < 4; i++) {
            char buf[8];
            ssize_t n = recv(keep[i], buf, sizeof(buf), MSG_DONTWAIT);
            CHECK(n == 0 || (n < 0 && (errno == ECONNRESET || errno == EAGAIN ||
                                       errno == EINVAL)),
                  "client after the listener closed: %zd errno %d", n, errno);
            close(keep[i]);
        }
        rounds++;
    }
    tap_note("%u rounds, %ld connects", rounds, connects);
    CHECK(rounds > 0, "no round ran");
}

struct dgram_sender {
    struct sockaddr_un to;
    socklen_t len;
    volatile int stop;
    long sent;
    int bad_err;
};

static void *dgram_send_loop(void *arg)
{
    struct dgram_sender *d = arg;
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (s < 0) {
        d->bad_err = errno;
        return NULL;
    }
    while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
        ssize_t n = sendto(s, "datagram", 8, MSG_DONTWAIT, (struct sockaddr *)&d->to, d->len);
        if (n == 8)
            d->sent++;
        else if (errno != ECONNREFUSED && errno != EAGAIN)
            d->bad_err = errno;
    }
    close(s);
    return NULL;
}

/* A thread sends datagrams to a name while the main thread binds,
 * receives and closes the receiver there again and again. */
static void dgram_send_while_receiver_closes(void)
{
    struct dgram_sender d;
    memset(&d, 0, sizeof(d));
    d.to.sun_family = AF_UNIX;
    memcpy(d.to.sun_path, "\0race-unix-dgram", 16);
    d.len = offsetof(struct sockaddr_un, sun_path) + 16;
    pthread_t t;
    CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, dgram_send_loop, &d));
    long end = now_ms() + RACE_MS;
    unsigned rounds = 0;
    long received = 0;
    while (now_ms() < end) {
        int r = socket(AF_UNIX, SOCK_DGRAM, 0);
        CHECK_OK(r);
        CHECK_OK(bind(r, (struct sockaddr *)&d.to, d.len));
        char buf[16];
        for (int i = 0; i < 4; i++) {
            ssize_t n = recv(r, buf, sizeof(buf), MSG_DONTWAIT);
            CHECK(n == 8 || (n < 0 && errno == EAGAIN), "recv: %zd errno %d", n, errno);
            if (n == 8) {
                CHECK(memcmp(buf, "datagram", 8) == 0, "datagram contents");
                received++;
            }
        }
        close(r);
        rounds++;
    }
    __atomic_store_n(&d.stop, 1, __ATOMIC_RELEASE);
    CHECK_EQ("pthread_join", 0, pthread_join(t, NULL));
    CHECK_EQ("sender errors", 0, d.bad_err);
    tap_note("%u rounds, %ld sent, %ld received", rounds, d.sent, received);
    CHECK(rounds > 0, "no round ran");
}

struct fd_sender {
    int sock;
    int fd;
    volatile int is_started;
    long sent;
    int err;
};

static void *send_fds_until_error(void *arg)
{
    struct fd_sender *s = arg;
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    __atomic_store_n(&s->is_started, 1, __ATOMIC_RELEASE);
    for (;;) {
        memset(&control, 0, sizeof(control));
        struct iovec iov = { "F", 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                              .msg_controllen = sizeof(control.buf) };
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &s->fd, sizeof(int));
        if (sendmsg(s->sock, &msg, MSG_NOSIGNAL) < 0) {
            s->err = errno;
            return NULL;
        }
        s->sent++;
    }
}

/* A thread passes a pipe's write end again and again (each message holds
 * a reference) while the main thread takes a few and closes the receiver
 * with the rest in flight: the pipe must see EOF once every reference is
 * gone, so none leaked and none was dropped twice. */
static void pass_fds_while_receiver_closes(void)
{
    long end = now_ms() + RACE_MS;
    unsigned rounds = 0;
    while (now_ms() < end) {
        int type = (rounds & 1) ? SOCK_DGRAM : SOCK_STREAM;
        int sv[2], p[2];
        CHECK_OK(socketpair(AF_UNIX, type, 0, sv));
        CHECK_OK(pipe(p));
        struct fd_sender s = { .sock = sv[0], .fd = p[1] };
        pthread_t t;
        CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, send_fds_until_error, &s));
        while (!__atomic_load_n(&s.is_started, __ATOMIC_ACQUIRE))
            sched_yield();
        for (unsigned i = 0; i < (rounds & 3); i++) {
            char buf[4];
            CHECK(read(sv[1], buf, 1) == 1, "read a message");     /* its file is closed */
        }
        CHECK_OK(close(sv[1]));
        CHECK_EQ("pthread_join", 0, pthread_join(t, NULL));
        CHECK(s.err == EPIPE || s.err == ECONNREFUSED || s.err == ECONNRESET,
              "sender: errno %d", s.err);
        close(sv[0]);
        close(p[1]);
        char c;
        CHECK_EQ("EOF once every passed write end is gone", 0, read(p[0], &c, 1));
        close(p[0]);
        rounds++;
    }
    tap_note("%u rounds", rounds);
    CHECK(rounds > 0, "no round ran");
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(send_while_peer_closes),
        TAP_TEST(poll_and_send_while_peer_shuts_down),
        TAP_TEST(accept_while_clients_and_listener_close),
        TAP_TEST(dgram_send_while_receiver_closes),
        TAP_TEST(pass_fds_while_receiver_closes),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
