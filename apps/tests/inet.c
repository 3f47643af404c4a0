/* AF_INET sockets over the guest's loopback (127.0.0.1, no NIC needed):
 * TCP connect/accept and names, 1 MiB each way with half-close, refused
 * connections, non-blocking connect through poll, SO_RCVTIMEO and
 * SO_SNDTIMEO (each waits its timeout), select readiness and timeout,
 * SO_ERROR, EPIPE with and without SIGPIPE, ECONNRESET from an abortive close,
 * EADDRINUSE, bad arguments; UDP datagrams of every size 1..1472 echoed,
 * MSG_TRUNC; an ICMP echo over a ping socket. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define BIG_BYTES (1024 * 1024)
#define TIMEO_MS 200
/* clock granularity allowed for when checking that a timeout was waited */
#define TIMEOUT_SLACK_MS 5

static struct sockaddr_in loopback(uint16_t port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return sin;
}

/* A listener on 127.0.0.1 at an ephemeral port, which *port receives. */
static int listener(uint16_t *port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0)
        return -1;
    struct sockaddr_in sin = loopback(0);
    socklen_t len = sizeof(sin);
    if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(s, 8) < 0 ||
        getsockname(s, (struct sockaddr *)&sin, &len) < 0) {
        close(s);
        return -1;
    }
    *port = ntohs(sin.sin_port);
    return s;
}

/* A connected pair over loopback: *c the client, *a the accepted end. */
static int tcp_pair(int *c, int *a)
{
    uint16_t port;
    int l = listener(&port);
    if (l < 0)
        return -1;
    *c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = loopback(port);
    if (*c < 0 || connect(*c, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        close(l);
        return -1;
    }
    *a = accept(l, NULL, NULL);
    close(l);
    return *a < 0 ? -1 : 0;
}

static void tcp_connect_accept_and_names(void)
{
    uint16_t port;
    int l = listener(&port);
    CHECK(l >= 0, "listener: errno %d", errno);
    CHECK(port != 0, "ephemeral port 0");
    int c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK_OK(c);
    struct sockaddr_in sin = loopback(port), peer, name;
    CHECK_OK(connect(c, (struct sockaddr *)&sin, sizeof(sin)));
    socklen_t len = sizeof(peer);
    int a = accept(l, (struct sockaddr *)&peer, &len);
    CHECK_OK(a);
    CHECK_EQ("peer len", sizeof(peer), len);
    CHECK_EQ("peer family", AF_INET, peer.sin_family);
    CHECK_EQ("peer address", htonl(INADDR_LOOPBACK), peer.sin_addr.s_addr);
    len = sizeof(name);
    CHECK_OK(getsockname(c, (struct sockaddr *)&name, &len));
    CHECK_EQ("client port = accepted peer port", ntohs(name.sin_port), ntohs(peer.sin_port));
    len = sizeof(name);
    CHECK_OK(getpeername(c, (struct sockaddr *)&name, &len));
    CHECK_EQ("client's peer port", port, ntohs(name.sin_port));
    len = sizeof(name);
    CHECK_OK(getsockname(a, (struct sockaddr *)&name, &len));
    CHECK_EQ("accepted local port", port, ntohs(name.sin_port));
    CHECK_EQ("send", 5, send(c, "hello", 5, 0));
    char buf[16] = { 0 };
    CHECK_EQ("peek", 5, recv(a, buf, sizeof(buf), MSG_PEEK | MSG_WAITALL));
    int queued = -1;
    CHECK_OK(ioctl(a, FIONREAD, &queued));
    CHECK_EQ("FIONREAD", 5, queued);
    CHECK_EQ("recv", 5, recv(a, buf, sizeof(buf), 0));
    CHECK(memcmp(buf, "hello", 5) == 0, "got %.5s", buf);
    CHECK_EQ("write back", 3, write(a, "abc", 3));
    CHECK_EQ("read", 3, read(c, buf, 3));
    CHECK(memcmp(buf, "abc", 3) == 0, "got %.3s", buf);
    int v = 1;
    CHECK_OK(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)));
    v = 0;
    len = sizeof(v);
    CHECK_OK(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len));
    CHECK_EQ("TCP_NODELAY", 1, v);
    v = 1;
    CHECK_OK(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)));
    len = sizeof(v);
    CHECK_OK(getsockopt(c, SOL_SOCKET, SO_RCVBUF, &v, &len));
    CHECK(v > 0, "SO_RCVBUF %d", v);
    len = sizeof(v);
    CHECK_OK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
    CHECK_EQ("SO_ACCEPTCONN", 1, v);
    close(a);
    close(c);
    close(l);
}

static unsigned char pattern(size_t i, unsigned seed)
{
    return (unsigned char)((i * 7 + seed + (i >> 9)) & 0xff);
}

/* The client sends 1 MiB then SHUT_WR; the server reads to EOF, then
 * sends 1 MiB back and closes; the client reads it to EOF. */
static void tcp_one_mib_each_way_half_close(void)
{
    int c, a;
    CHECK(tcp_pair(&c, &a) == 0, "pair: errno %d", errno);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        close(a);
        static unsigned char out[BIG_BYTES];
        for (size_t i = 0; i < BIG_BYTES; i++)
            out[i] = pattern(i, 1);
        size_t done = 0;
        while (done < BIG_BYTES) {
            ssize_t n = send(c, out + done, BIG_BYTES - done, 0);
            if (n <= 0)
                _exit(2);
            done += (size_t)n;
        }
        if (shutdown(c, SHUT_WR) < 0)
            _exit(3);
        size_t got = 0;
        unsigned char buf[8192];
        for (;;) {
            ssize_t n = recv(c, buf, sizeof(buf), 0);
            if (n < 0)
                _exit(4);
            if (n == 0)
                break;
            for (ssize_t i = 0; i < n; i++)
                if (buf[i] != pattern(got + (size_t)i, 2))
                    _exit(5);
            got += (size_t)n;
        }
        _exit(got == BIG_BYTES ? 0 : 6);
    }
    close(c);
    size_t got = 0;
    static unsigned char buf[65536];
    for (;;) {
        ssize_t n = recv(a, buf, sizeof(buf), 0);
        CHECK(n >= 0, "recv: errno %d", errno);
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            CHECK(buf[i] == pattern(got + (size_t)i, 1), "byte %zu differs",
                  got + (size_t)i);
        got += (size_t)n;
    }
    CHECK_EQ("bytes received", BIG_BYTES, got);
    size_t done = 0;
    while (done < BIG_BYTES) {
        size_t n = BIG_BYTES - done < sizeof(buf) ? BIG_BYTES - done : sizeof(buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = pattern(done + i, 2);
        ssize_t k = send(a, buf, n, 0);
        CHECK(k > 0, "send after the peer's SHUT_WR: errno %d", errno);
        done += (size_t)k;
    }
    close(a);
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "client %s", status_str(status));
}

static uint16_t closed_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = loopback(0);
    socklen_t len = sizeof(sin);
    bind(s, (struct sockaddr *)&sin, sizeof(sin));
    getsockname(s, (struct sockaddr *)&sin, &len);
    close(s);
    return ntohs(sin.sin_port);
}

static void tcp_refused_blocking_and_nonblocking(void)
{
    struct sockaddr_in sin = loopback(closed_port());
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_OK(s);
    CHECK_ERRNO(connect(s, (struct sockaddr *)&sin, sizeof(sin)), ECONNREFUSED);
    close(s);
    s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_OK(s);
    CHECK_ERRNO(connect(s, (struct sockaddr *)&sin, sizeof(sin)), EINPROGRESS);
    struct pollfd pfd = { .fd = s, .events = POLLOUT };
    CHECK_EQ("poll", 1, poll(&pfd, 1, 10000));
    CHECK(pfd.revents & (POLLERR | POLLHUP), "revents 0x%x", pfd.revents);
    int err = 0;
    socklen_t len = sizeof(err);
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
    CHECK_EQ("SO_ERROR", ECONNREFUSED, err);
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
    CHECK_EQ("SO_ERROR cleared", 0, err);
    close(s);
}

static void tcp_nonblocking_connect_through_poll(void)
{
    uint16_t port;
    int l = listener(&port);
    CHECK_OK(l);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_OK(s);
    CHECK_OK(fcntl(s, F_SETFL, O_NONBLOCK));
    struct sockaddr_in sin = loopback(port);
    int rc = connect(s, (struct sockaddr *)&sin, sizeof(sin));
    CHECK(rc == 0 || errno == EINPROGRESS, "connect: errno %d", errno);
    struct pollfd pfd = { .fd = s, .events = POLLOUT };
    CHECK_EQ("poll", 1, poll(&pfd, 1, 10000));
    CHECK(pfd.revents == POLLOUT, "revents 0x%x", pfd.revents);
    int err = -1;
    socklen_t len = sizeof(err);
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
    CHECK_EQ("SO_ERROR", 0, err);
    CHECK_ERRNO(connect(s, (struct sockaddr *)&sin, sizeof(sin)), EISCONN);
    int a = accept(l, NULL, NULL);
    CHECK_OK(a);
    char c;
    CHECK_ERRNO(recv(s, &c, 1, 0), EAGAIN);
    pfd.fd = l;
    pfd.events = POLLIN;
    CHECK_EQ("listener not ready", 0, poll(&pfd, 1, 0));
    CHECK_OK(fcntl(l, F_SETFL, O_NONBLOCK));
    CHECK_ERRNO(accept(l, NULL, NULL), EAGAIN);
    CHECK_EQ("send", 1, send(a, "z", 1, 0));
    pfd.fd = s;
    pfd.events = POLLIN;
    CHECK_EQ("readable", 1, poll(&pfd, 1, 10000));
    CHECK_EQ("recv", 1, recv(s, &c, 1, 0));
    close(a);
    CHECK_EQ("EOF readable", 1, poll(&pfd, 1, 10000));
    CHECK_EQ("EOF", 0, recv(s, &c, 1, 0));
    close(s);
    close(l);
}

static void tcp_rcvtimeo_expiry_gives_eagain(void)
{
    int c, a;
    CHECK(tcp_pair(&c, &a) == 0, "pair: errno %d", errno);
    struct timeval tv = { .tv_sec = 0, .tv_usec = TIMEO_MS * 1000 };
    CHECK_OK(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    char buf[4];
    long start = now_ms();
    CHECK_ERRNO(recv(c, buf, sizeof(buf), 0), EAGAIN);
    long elapsed = now_ms() - start;
    CHECK(elapsed >= TIMEO_MS - TIMEOUT_SLACK_MS, "EAGAIN after %ld ms, timeout %d ms",
          elapsed, TIMEO_MS);
    CHECK_ERRNO(recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    close(a);
    close(c);
}

/* The accepted end does not read: the client's sends fill its window and
 * then the client's send buffer. A blocking send with SO_SNDTIMEO then
 * gives back what it queued (a partial count) and the next one -1 EAGAIN,
 * not before the timeout has passed, as on Linux. Every byte counted as
 * sent arrives, in order. */
static void tcp_sndtimeo_expiry_on_full_send_buffer(void)
{
    int c, a;
    CHECK(tcp_pair(&c, &a) == 0, "pair: errno %d", errno);
    struct timeval tv = { .tv_sec = 0, .tv_usec = TIMEO_MS * 1000 };
    CHECK_OK(setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
    tv.tv_usec = 0;
    socklen_t len = sizeof(tv);
    CHECK_OK(getsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, &len));
    CHECK_EQ("SO_SNDTIMEO read back (us)", TIMEO_MS * 1000, tv.tv_sec * 1000000 + tv.tv_usec);
    static unsigned char buf[256 * 1024];
    size_t sent = 0;
    ssize_t n = 0;
    int error = 0;
    long elapsed = 0;
    /* lwIP's window and send buffer are about 250 KiB each: a few sends
     * fill both; the bound keeps a send that never blocks from looping. */
    for (int i = 0; i < 64; i++) {
        for (size_t k = 0; k < sizeof(buf); k++)
            buf[k] = pattern(sent + k, 3);
        long start = now_ms();
        n = send(c, buf, sizeof(buf), 0);
        error = errno;
        elapsed = now_ms() - start;
        if (n <= 0)
            break;
        sent += (size_t)n;
    }
    CHECK(n == -1 && error == EAGAIN, "send after %zu bytes: %zd, errno %d", sent, n, error);
    CHECK(sent > 0, "nothing was sent before EAGAIN");
    CHECK(elapsed >= TIMEO_MS - TIMEOUT_SLACK_MS, "EAGAIN after %ld ms, timeout %d ms",
          elapsed, TIMEO_MS);
    CHECK_OK(shutdown(c, SHUT_WR));
    size_t got = 0;
    for (;;) {
        ssize_t k = recv(a, buf, sizeof(buf), 0);
        CHECK(k >= 0, "recv: errno %d", errno);
        if (k == 0)
            break;
        for (ssize_t i = 0; i < k; i++)
            CHECK(buf[i] == pattern(got + (size_t)i, 3), "byte %zu differs", got + (size_t)i);
        got += (size_t)k;
    }
    CHECK_EQ("bytes received = bytes sent", sent, got);
    close(a);
    close(c);
}

/* select on TCP sockets: a listener turns readable when a connection is
 * pending, a connected socket is writable and, once the peer writes (from
 * another process, after select began waiting), readable; an idle socket
 * times out with nothing set, not before the timeout. */
static void tcp_select_readiness_and_timeout(void)
{
    uint16_t port;
    int l = listener(&port);
    CHECK_OK(l);
    fd_set r, w;
    FD_ZERO(&r);
    FD_SET(l, &r);
    struct timeval tv = { 0, 0 };
    CHECK_EQ("listener without a connection", 0, select(l + 1, &r, NULL, NULL, &tv));
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_OK(c);
    struct sockaddr_in sin = loopback(port);
    CHECK_OK(connect(c, (struct sockaddr *)&sin, sizeof(sin)));
    FD_ZERO(&r);
    FD_SET(l, &r);
    tv = (struct timeval){ 10, 0 };
    CHECK_EQ("listener with a pending connection", 1, select(l + 1, &r, NULL, NULL, &tv));
    CHECK(FD_ISSET(l, &r), "listener not set readable");
    int a = accept(l, NULL, NULL);
    CHECK_OK(a);
    int nfds = (c > a ? c : a) + 1;
    FD_ZERO(&r);
    FD_SET(c, &r);
    FD_ZERO(&w);
    FD_SET(c, &w);
    tv = (struct timeval){ 10, 0 };
    CHECK_EQ("connected socket", 1, select(nfds, &r, &w, NULL, &tv));
    CHECK(FD_ISSET(c, &w) && !FD_ISSET(c, &r), "writable %d readable %d, expected 1 0",
          FD_ISSET(c, &w) != 0, FD_ISSET(c, &r) != 0);
    FD_ZERO(&r);
    FD_SET(c, &r);
    tv = (struct timeval){ 0, TIMEO_MS * 1000 };
    long start = now_ms();
    CHECK_EQ("idle socket", 0, select(nfds, &r, NULL, NULL, &tv));
    long elapsed = now_ms() - start;
    CHECK(elapsed >= TIMEO_MS - TIMEOUT_SLACK_MS, "select timed out after %ld ms, timeout %d ms",
          elapsed, TIMEO_MS);
    CHECK(!FD_ISSET(c, &r), "idle socket still set after the timeout");
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        msleep(100);
        _exit(send(a, "s", 1, 0) == 1 ? 0 : 1);
    }
    FD_ZERO(&r);
    FD_SET(c, &r);
    tv = (struct timeval){ 10, 0 };
    int ready = select(nfds, &r, NULL, NULL, &tv);
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %s", status_str(status));
    CHECK_EQ("readable after the peer wrote", 1, ready);
    CHECK(FD_ISSET(c, &r), "socket not set readable");
    char ch = 0;
    CHECK_EQ("recv", 1, recv(c, &ch, 1, MSG_DONTWAIT));
    CHECK_EQ("byte", 's', ch);
    close(a);
    close(c);
    close(l);
}

static volatile sig_atomic_t sigpipe_count;
static void on_sigpipe(int sig)
{
    (void)sig;
    sigpipe_count++;
}

/* Sends until the connection is known gone: returns the last errno. */
static int send_until_error(int s, int flags)
{
    for (int i = 0; i < 1000; i++) {
        if (send(s, "x", 1, flags) < 0) {
            if (errno != ECONNRESET)
                return errno;
        }
        msleep(1);
    }
    return 0;
}

static void tcp_epipe_sigpipe_after_peer_closed(void)
{
    int c, a;
    CHECK(tcp_pair(&c, &a) == 0, "pair: errno %d", errno);
    close(a);
    char buf[4];
    CHECK_EQ("EOF", 0, recv(c, buf, sizeof(buf), 0));
    sigpipe_count = 0;
    signal(SIGPIPE, on_sigpipe);
    CHECK_EQ("EPIPE with MSG_NOSIGNAL", EPIPE, send_until_error(c, MSG_NOSIGNAL));
    CHECK_EQ("no SIGPIPE with MSG_NOSIGNAL", 0, sigpipe_count);
    CHECK_ERRNO(send(c, "x", 1, 0), EPIPE);
    CHECK_EQ("SIGPIPE", 1, sigpipe_count);
    signal(SIGPIPE, SIG_DFL);
    close(c);
    /* default disposition: death by SIGPIPE */
    CHECK(tcp_pair(&c, &a) == 0, "pair: errno %d", errno);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        close(a);
        recv(c, buf, sizeof(buf), 0);
        send_until_error(c, 0);
        _exit(0);
    }
    close(c);
    close(a);
    int status = wait_for(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE, "child %s", status_str(status));
}

static void tcp_reset_by_linger_zero_close(void)
{
    int c, a;
    CHECK(tcp_pair(&c, &a) == 0, "pair: errno %d", errno);
    CHECK_EQ("send", 3, send(c, "abc", 3, 0));
    char buf[8];
    CHECK_EQ("recv", 3, recv(a, buf, sizeof(buf), 0));
    struct linger lg = { .l_onoff = 1, .l_linger = 0 };
    CHECK_OK(setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
    close(a);
    CHECK_ERRNO(recv(c, buf, sizeof(buf), 0), ECONNRESET);
    CHECK_EQ("then EOF", 0, recv(c, buf, sizeof(buf), 0));
    struct pollfd pfd = { .fd = c, .events = POLLIN | POLLOUT };
    CHECK_EQ("poll", 1, poll(&pfd, 1, 0));
    CHECK(pfd.revents & POLLHUP, "revents 0x%x", pfd.revents);
    close(c);
}

static void tcp_eaddrinuse_and_reuseaddr(void)
{
    uint16_t port;
    int l = listener(&port);
    CHECK_OK(l);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = loopback(port);
    CHECK_ERRNO(bind(s, (struct sockaddr *)&sin, sizeof(sin)), EADDRINUSE);
    CHECK_ERRNO(bind(s, (struct sockaddr *)&(struct sockaddr_in){ .sin_family = AF_INET,
                     .sin_addr.s_addr = htonl(0x0a0b0c0d) }, sizeof(sin)), EADDRNOTAVAIL);
    close(s);
    close(l);
    /* the port is free again once the listener is closed */
    s = socket(AF_INET, SOCK_STREAM, 0);
    int v = 1;
    CHECK_OK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
    CHECK_OK(bind(s, (struct sockaddr *)&sin, sizeof(sin)));
    CHECK_ERRNO(bind(s, (struct sockaddr *)&sin, sizeof(sin)), EINVAL);
    CHECK_OK(listen(s, 4));
    close(s);
}

/* listen(s, 0): one connection waits for accept; the next is refused
 * (reset) once its handshake completes, as the accept queue is full. */
static void tcp_full_accept_queue_refuses(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_OK(l);
    struct sockaddr_in sin = loopback(0);
    socklen_t len = sizeof(sin);
    CHECK_OK(bind(l, (struct sockaddr *)&sin, sizeof(sin)));
    CHECK_OK(listen(l, 0));
    CHECK_OK(getsockname(l, (struct sockaddr *)&sin, &len));
    int c1 = socket(AF_INET, SOCK_STREAM, 0), c2 = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_OK(connect(c1, (struct sockaddr *)&sin, sizeof(sin)));
    struct pollfd pfd = { .fd = l, .events = POLLIN };
    CHECK_EQ("first queued", 1, poll(&pfd, 1, 10000));
    int rc = connect(c2, (struct sockaddr *)&sin, sizeof(sin));
    CHECK(rc == 0 || errno == ECONNREFUSED || errno == ECONNRESET, "connect: errno %d", errno);
    if (rc == 0) {
        char c;
        CHECK_ERRNO(recv(c2, &c, 1, 0), ECONNRESET);
    }
    int a = accept(l, NULL, NULL);
    CHECK_OK(a);
    CHECK_OK(fcntl(l, F_SETFL, O_NONBLOCK));
    CHECK_ERRNO(accept(l, NULL, NULL), EAGAIN);
    CHECK_EQ("the accepted one works", 1, send(c1, "k", 1, 0));
    char c;
    CHECK_EQ("recv", 1, recv(a, &c, 1, 0));
    close(a);
    close(c1);
    close(c2);
    close(l);
}

static void inet_bad_arguments(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_OK(s);
    struct sockaddr_in sin = loopback(1);
    CHECK_ERRNO(connect(s, (struct sockaddr *)8, sizeof(sin)), EFAULT);
    CHECK_ERRNO(connect(s, (struct sockaddr *)&sin, 4), EINVAL);
    CHECK_ERRNO(bind(s, (struct sockaddr *)&sin, (socklen_t)-1), EINVAL);
    CHECK_ERRNO(connect(-1, (struct sockaddr *)&sin, sizeof(sin)), EBADF);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_ERRNO(connect(p[0], (struct sockaddr *)&sin, sizeof(sin)), ENOTSOCK);
    close(p[0]);
    close(p[1]);
    CHECK_ERRNO(accept(s, NULL, NULL), EINVAL);
    char c;
    CHECK_ERRNO(recv(s, &c, 1, 0), ENOTCONN);
    CHECK_ERRNO(send(s, &c, 1, MSG_NOSIGNAL), ENOTCONN);
    socklen_t len = sizeof(sin);
    CHECK_ERRNO(getpeername(s, (struct sockaddr *)&sin, &len), ENOTCONN);
    CHECK_ERRNO(getsockname(s, (struct sockaddr *)8, &len), EFAULT);
    CHECK_ERRNO(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
    int c2, a;
    CHECK(tcp_pair(&c2, &a) == 0, "pair: errno %d", errno);
    CHECK_ERRNO(send(c2, (void *)8, 100, 0), EFAULT);
    CHECK_EQ("send", 1, send(a, "q", 1, 0));
    struct pollfd pfd = { .fd = c2, .events = POLLIN };
    CHECK_EQ("poll", 1, poll(&pfd, 1, 10000));
    CHECK_ERRNO(recv(c2, (void *)8, 100, 0), EFAULT);
    close(a);
    close(c2);
    close(s);
}

static void udp_every_size_echoed_and_trunc(void)
{
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    CHECK_OK(a);
    CHECK_OK(b);
    struct sockaddr_in sa = loopback(0), sb = loopback(0), from;
    socklen_t len = sizeof(sa);
    CHECK_OK(bind(a, (struct sockaddr *)&sa, sizeof(sa)));
    CHECK_OK(getsockname(a, (struct sockaddr *)&sa, &len));
    len = sizeof(sb);
    CHECK_OK(bind(b, (struct sockaddr *)&sb, sizeof(sb)));
    CHECK_OK(getsockname(b, (struct sockaddr *)&sb, &len));
    static unsigned char out[1472], in[2048];
    for (int size = 1; size <= 1472; size++) {
        for (int i = 0; i < size; i++)
            out[i] = pattern((size_t)i, (unsigned)size);
        CHECK_EQ("sendto", size, sendto(a, out, (size_t)size, 0, (struct sockaddr *)&sb,
                                         sizeof(sb)));
        len = sizeof(from);
        ssize_t n = recvfrom(b, in, sizeof(in), 0, (struct sockaddr *)&from, &len);
        CHECK_EQ("recvfrom size", size, n);
        CHECK(memcmp(in, out, (size_t)size) == 0, "size %d: contents differ", size);
        CHECK_EQ("source port", ntohs(sa.sin_port), ntohs(from.sin_port));
        CHECK_EQ("echo", size, sendto(b, in, (size_t)n, 0, (struct sockaddr *)&from, len));
        CHECK_EQ("echo back", size, recv(a, in, sizeof(in), 0));
        CHECK(memcmp(in, out, (size_t)size) == 0, "size %d: echo differs", size);
    }
    /* truncation */
    CHECK_OK(connect(a, (struct sockaddr *)&sb, sizeof(sb)));
    CHECK_EQ("send", 100, send(a, out, 100, 0));
    CHECK_EQ("recv MSG_TRUNC gives the real length", 100, recv(b, in, 10, MSG_TRUNC));
    CHECK_EQ("send", 100, send(a, out, 100, 0));
    struct iovec iov = { .iov_base = in, .iov_len = 10 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    CHECK_EQ("recvmsg", 10, recvmsg(b, &mh, 0));
    CHECK(mh.msg_flags & MSG_TRUNC, "msg_flags 0x%x", mh.msg_flags);
    char c;
    CHECK_ERRNO(recv(b, &c, 1, MSG_DONTWAIT), EAGAIN);
    struct pollfd pfd = { .fd = b, .events = POLLIN | POLLOUT };
    CHECK_EQ("poll", 1, poll(&pfd, 1, 0));
    CHECK_EQ("revents", POLLOUT, pfd.revents);
    CHECK_ERRNO(send(b, &c, 1, 0), EDESTADDRREQ);
    int v = 1;
    CHECK_OK(setsockopt(b, SOL_SOCKET, SO_BROADCAST, &v, sizeof(v)));
    close(a);
    close(b);
}

/* A receiver that does not read keeps at most SO_RCVBUF bytes (one
 * datagram always fits); the rest is dropped, never queued without end. */
static void udp_receive_queue_is_bounded(void)
{
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_OK(a);
    CHECK_OK(b);
    int v = 4608;
    CHECK_OK(setsockopt(b, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
    socklen_t len = sizeof(v);
    CHECK_OK(getsockopt(b, SOL_SOCKET, SO_RCVBUF, &v, &len));
    struct sockaddr_in sb = loopback(0);
    len = sizeof(sb);
    CHECK_OK(bind(b, (struct sockaddr *)&sb, sizeof(sb)));
    CHECK_OK(getsockname(b, (struct sockaddr *)&sb, &len));
    static char buf[1000];
    for (int i = 0; i < 200; i++)
        CHECK_EQ("sendto", 1000, sendto(a, buf, sizeof(buf), 0, (struct sockaddr *)&sb,
                                         sizeof(sb)));
    /* A last datagram to another socket: the loopback interface delivers
     * in order, so once it is there every earlier one was handled. */
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sc = loopback(0);
    len = sizeof(sc);
    CHECK_OK(bind(c, (struct sockaddr *)&sc, sizeof(sc)));
    CHECK_OK(getsockname(c, (struct sockaddr *)&sc, &len));
    CHECK_EQ("marker", 1, sendto(a, "m", 1, 0, (struct sockaddr *)&sc, sizeof(sc)));
    struct pollfd pfd = { .fd = c, .events = POLLIN };
    CHECK_EQ("marker arrived", 1, poll(&pfd, 1, 10000));
    close(c);
    int count = 0;
    while (recv(b, buf, sizeof(buf), MSG_DONTWAIT) == 1000)
        count++;
    CHECK(errno == EAGAIN, "recv: errno %d", errno);
    CHECK(count >= 1 && count <= v / 1000, "%d datagrams queued for SO_RCVBUF %d", count, v);
    close(a);
    close(b);
}

static void icmp_ping_socket_gets_reply(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    CHECK_OK(s);
    unsigned char pkt[64] = { 8, 0, 0, 0, 0, 0, 0, 7 };
    for (int i = 8; i < 64; i++)
        pkt[i] = (unsigned char)i;
    struct sockaddr_in to = loopback(0), from;
    CHECK_EQ("sendto", 64, sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)));
    struct pollfd pfd = { .fd = s, .events = POLLIN };
    CHECK_EQ("reply in time", 1, poll(&pfd, 1, 10000));
    unsigned char in[128];
    socklen_t len = sizeof(from);
    CHECK_EQ("reply size", 64, recvfrom(s, in, sizeof(in), 0, (struct sockaddr *)&from, &len));
    CHECK_EQ("type echo reply", 0, in[0]);
    CHECK_EQ("sequence", 7, in[7]);
    CHECK(memcmp(in + 8, pkt + 8, 56) == 0, "payload differs");
    CHECK_EQ("source", htonl(INADDR_LOOPBACK), from.sin_addr.s_addr);
    unsigned char bad[8] = { 13, 0 };
    CHECK_ERRNO(sendto(s, bad, sizeof(bad), 0, (struct sockaddr *)&to, sizeof(to)), EINVAL);
    close(s);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(tcp_connect_accept_and_names),
        TAP_TEST(tcp_one_mib_each_way_half_close),
        TAP_TEST(tcp_refused_blocking_and_nonblocking),
        TAP_TEST(tcp_nonblocking_connect_through_poll),
        TAP_TEST(tcp_rcvtimeo_expiry_gives_eagain),
        TAP_TEST(tcp_sndtimeo_expiry_on_full_send_buffer),
        TAP_TEST(tcp_select_readiness_and_timeout),
        TAP_TEST(tcp_epipe_sigpipe_after_peer_closed),
        TAP_TEST(tcp_reset_by_linger_zero_close),
        TAP_TEST(tcp_eaddrinuse_and_reuseaddr),
        TAP_TEST(tcp_full_accept_queue_refuses),
        TAP_TEST(inet_bad_arguments),
        TAP_TEST(udp_every_size_echoed_and_trunc),
        TAP_TEST(udp_receive_queue_is_bounded),
        TAP_TEST(icmp_ping_socket_gets_reply),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
