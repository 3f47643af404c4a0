/* AF_UNIX sockets from a process: stream and datagram socketpairs, across
 * fork, poll readiness, non-blocking EAGAIN, SO_RCVTIMEO, EPIPE with and
 * without SIGPIPE, names in the file tree and abstract ones, listen/accept/
 * connect, ECONNREFUSED, bad arguments, and a few MiB through a pair
 * between two processes with a checksum. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#ifndef ESOCKTNOSUPPORT
#define ESOCKTNOSUPPORT 124      /* newlib hides it; Linux's and the kernel's value */
#endif

#define BIG_BYTES (4 * 1024 * 1024)

static socklen_t path_addr(struct sockaddr_un *sun, const char *path)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    strcpy(sun->sun_path, path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static void unix_stream_pair_both_ways_partial_reads(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_EQ("write", 10, write(sv[0], "0123456789", 10));
    char buf[16] = { 0 };
    CHECK_EQ("first partial read", 4, read(sv[1], buf, 4));
    CHECK(memcmp(buf, "0123", 4) == 0, "read %.4s", buf);
    CHECK_EQ("rest", 6, recv(sv[1], buf, sizeof(buf), 0));
    CHECK(memcmp(buf, "456789", 6) == 0, "read %.6s", buf);
    CHECK_EQ("send back", 3, send(sv[1], "abc", 3, 0));
    int queued = -1;
    CHECK_OK(ioctl(sv[0], FIONREAD, &queued));
    CHECK_EQ("FIONREAD", 3, queued);
    CHECK_EQ("peek", 3, recv(sv[0], buf, sizeof(buf), MSG_PEEK));
    CHECK_EQ("read back", 3, read(sv[0], buf, sizeof(buf)));
    CHECK(memcmp(buf, "abc", 3) == 0, "read %.3s", buf);
    struct stat st;
    CHECK_OK(fstat(sv[0], &st));
    CHECK(S_ISSOCK(st.st_mode), "fstat mode 0%o is not a socket", (unsigned)st.st_mode);
    int v;
    socklen_t len = sizeof(v);
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len));
    CHECK_EQ("SO_TYPE", SOCK_STREAM, v);
    CHECK_EQ("SO_TYPE len", sizeof(int), len);
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &len));
    CHECK_EQ("SO_DOMAIN", AF_UNIX, v);
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
    CHECK_EQ("SO_ACCEPTCONN", 0, v);
    /* readv/writev */
    struct iovec iov[2] = { { "hello ", 6 }, { "world", 5 } };
    CHECK_EQ("writev", 11, writev(sv[0], iov, 2));
    char a[6], b[5];
    struct iovec riov[2] = { { a, 6 }, { b, 5 } };
    CHECK_EQ("readv", 11, readv(sv[1], riov, 2));
    CHECK(memcmp(a, "hello ", 6) == 0 && memcmp(b, "world", 5) == 0, "readv contents");
    close(sv[0]);
    close(sv[1]);
}

static void unix_stream_eof_after_shutdown_wr_and_close(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_EQ("write", 2, write(sv[0], "hi", 2));
    CHECK_OK(shutdown(sv[0], SHUT_WR));
    char buf[8];
    CHECK_EQ("data before EOF", 2, read(sv[1], buf, sizeof(buf)));
    CHECK_EQ("EOF after SHUT_WR", 0, read(sv[1], buf, sizeof(buf)));
    CHECK_EQ("the other way still works", 2, write(sv[1], "ok", 2));
    CHECK_EQ("read it", 2, read(sv[0], buf, sizeof(buf)));
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERRNO(write(sv[0], "x", 1), EPIPE);
    close(sv[1]);
    CHECK_EQ("EOF after close", 0, read(sv[0], buf, sizeof(buf)));
    close(sv[0]);
}

static void unix_dgram_keeps_boundaries_and_truncates(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    CHECK_EQ("send 1", 1, send(sv[0], "a", 1, 0));
    CHECK_EQ("send 5", 5, send(sv[0], "bcdef", 5, 0));
    CHECK_EQ("send 0", 0, send(sv[0], "", 0, 0));
    CHECK_EQ("send 3", 3, write(sv[0], "ghi", 3));
    char buf[16];
    int next = -1;
    CHECK_OK(ioctl(sv[1], FIONREAD, &next));
    CHECK_EQ("FIONREAD: the next datagram's length", 1, next);
    CHECK_EQ("first datagram", 1, recv(sv[1], buf, sizeof(buf), 0));
    /* a short buffer truncates and reports it */
    struct iovec iov = { buf, 2 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    CHECK_EQ("truncated datagram", 2, recvmsg(sv[1], &msg, 0));
    CHECK(msg.msg_flags & MSG_TRUNC, "msg_flags 0x%x lacks MSG_TRUNC", msg.msg_flags);
    CHECK(memcmp(buf, "bc", 2) == 0, "datagram contents");
    CHECK_EQ("empty datagram", 0, recv(sv[1], buf, sizeof(buf), 0));
    CHECK_EQ("MSG_TRUNC gives the real length", 3, recv(sv[1], buf, 1, MSG_TRUNC));
    CHECK_ERRNO(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    char big[70000];
    memset(big, 'z', sizeof(big));
    CHECK_ERRNO(send(sv[0], big, sizeof(big), 0), EMSGSIZE);
    close(sv[0]);
    close(sv[1]);
}

static void unix_socketpair_across_fork(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    CHECK_EQ("SOCK_CLOEXEC", FD_CLOEXEC, fcntl(sv[0], F_GETFD));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        close(sv[0]);
        char buf[8];
        if (read(sv[1], buf, 4) != 4 || memcmp(buf, "ping", 4) != 0)
            _exit(1);
        if (write(sv[1], "pong", 4) != 4)
            _exit(2);
        _exit(0);
    }
    close(sv[1]);
    CHECK_EQ("ping", 4, write(sv[0], "ping", 4));
    char buf[8];
    CHECK_EQ("pong", 4, read(sv[0], buf, sizeof(buf)));
    CHECK(memcmp(buf, "pong", 4) == 0, "got %.4s", buf);
    CHECK_EQ("child status", 0, wait_for(pid));
    CHECK_EQ("EOF after the child exited", 0, read(sv[0], buf, sizeof(buf)));
    close(sv[0]);
}

static uint32_t next_byte(uint32_t *state)
{
    *state = *state * 1103515245u + 12345u;
    return *state >> 16;
}

static void unix_large_transfer_checksum_between_processes(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        close(sv[0]);
        static unsigned char buf[65536];
        uint64_t sum = 0, got = 0;
        for (;;) {
            ssize_t n = read(sv[1], buf, sizeof(buf));
            if (n < 0)
                _exit(1);
            if (n == 0)
                break;
            for (ssize_t i = 0; i < n; i++)
                sum = sum * 31 + buf[i];
            got += (uint64_t)n;
        }
        uint64_t out[2] = { got, sum };
        _exit(write(sv[1], out, sizeof(out)) == sizeof(out) ? 0 : 2);
    }
    close(sv[1]);
    static unsigned char chunk[100000];
    uint32_t state = 7;
    uint64_t sum = 0;
    size_t sent = 0;
    while (sent < BIG_BYTES) {
        size_t n = sizeof(chunk);
        if (n > BIG_BYTES - sent)
            n = BIG_BYTES - sent;
        for (size_t i = 0; i < n; i++) {
            chunk[i] = (unsigned char)next_byte(&state);
            sum = sum * 31 + chunk[i];
        }
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(sv[0], chunk + off, n - off);
            CHECK(w > 0, "write: %zd errno %d", w, errno);
            off += (size_t)w;
        }
        sent += n;
    }
    CHECK_OK(shutdown(sv[0], SHUT_WR));
    uint64_t got[2];
    CHECK_EQ("checksum message", sizeof(got), recv(sv[0], got, sizeof(got), MSG_WAITALL));
    CHECK_EQ("bytes received", BIG_BYTES, got[0]);
    CHECK(got[1] == sum, "checksum: sent %llx, received %llx", (unsigned long long)sum,
          (unsigned long long)got[1]);
    CHECK_EQ("child status", 0, wait_for(pid));
    close(sv[0]);
}

static void unix_poll_readiness(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    struct pollfd p = { sv[1], POLLIN | POLLOUT, 0 };
    CHECK_EQ("poll idle", 1, poll(&p, 1, 0));
    CHECK_EQ("idle: writable only", POLLOUT, p.revents);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        _exit(write(sv[0], "x", 1) == 1 ? 0 : 1);
    }
    p.events = POLLIN;
    CHECK_EQ("poll waits for the child's byte", 1, poll(&p, 1, -1));
    CHECK_EQ("readable", POLLIN, p.revents);
    CHECK_EQ("child", 0, wait_for(pid));
    char c;
    CHECK_EQ("read", 1, read(sv[1], &c, 1));
    close(sv[0]);
    p.events = POLLIN | POLLOUT;
    CHECK_EQ("poll after the peer closed", 1, poll(&p, 1, -1));
    CHECK(p.revents & POLLHUP, "revents 0x%x lacks POLLHUP", p.revents);
    CHECK(p.revents & POLLIN, "revents 0x%x lacks POLLIN", p.revents);
    close(sv[1]);

    /* a listener is readable once a connection waits */
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_OK(l);
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, "\0tandem-poll", 12);
    socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 12;
    CHECK_OK(bind(l, (struct sockaddr *)&sun, alen));
    CHECK_OK(listen(l, 4));
    struct pollfd lp = { l, POLLIN, 0 };
    CHECK_EQ("idle listener", 0, poll(&lp, 1, 0));
    int c1 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_OK(connect(c1, (struct sockaddr *)&sun, alen));
    CHECK_EQ("listener with a connection", 1, poll(&lp, 1, -1));
    CHECK_EQ("POLLIN", POLLIN, lp.revents);
    close(c1);
    close(l);
}

static void unix_nonblocking_eagain_and_bounded_buffer(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
    char buf[4096];
    CHECK_ERRNO(read(sv[0], buf, sizeof(buf)), EAGAIN);
    CHECK(fcntl(sv[0], F_GETFL) & O_NONBLOCK, "SOCK_NONBLOCK not in F_GETFL");
    memset(buf, 'q', sizeof(buf));
    long total = 0;
    for (;;) {
        ssize_t n = send(sv[0], buf, sizeof(buf), 0);
        if (n < 0) {
            CHECK_EQ("errno when full", EAGAIN, errno);
            break;
        }
        total += n;
        CHECK(total < 16L * 1024 * 1024, "buffer not bounded: %ld bytes in", total);
    }
    tap_note("%ld bytes buffered", total);
    CHECK(total > 0, "nothing was buffered");
    /* a blocking socket with MSG_DONTWAIT, and O_NONBLOCK through fcntl */
    int bv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, bv));
    CHECK_ERRNO(recv(bv[0], buf, 1, MSG_DONTWAIT), EAGAIN);
    CHECK_OK(fcntl(bv[0], F_SETFL, O_NONBLOCK));
    CHECK_ERRNO(recv(bv[0], buf, 1, 0), EAGAIN);
    close(bv[0]);
    close(bv[1]);
    close(sv[0]);
    close(sv[1]);
}

static void unix_rcvtimeo_expiry_gives_eagain(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    struct timeval tv = { 0, 50000 };
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    struct timeval back;
    socklen_t len = sizeof(back);
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &back, &len));
    CHECK_EQ("SO_RCVTIMEO len", sizeof(back), len);
    CHECK_EQ("tv_usec", 50000, back.tv_usec);
    char c;
    CHECK_ERRNO(read(sv[0], &c, 1), EAGAIN);
    int d[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, d));
    CHECK_OK(setsockopt(d[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    CHECK_ERRNO(recv(d[0], &c, 1, 0), EAGAIN);
    tv.tv_usec = 2000000;
    CHECK_ERRNO(setsockopt(d[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EDOM);
    close(d[0]);
    close(d[1]);
    close(sv[0]);
    close(sv[1]);
}

static void on_alarm(int sig)
{
    (void)sig;
}

static void unix_signal_interrupts_blocking_waits_eintr(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;       /* no SA_RESTART */
    CHECK_OK(sigaction(SIGALRM, &sa, NULL));
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    struct itimerval it = { { 0, 0 }, { 0, 20000 } };
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    char c;
    CHECK_ERRNO(recv(sv[0], &c, 1, 0), EINTR);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    sa_family_t fam = AF_UNIX;
    CHECK_OK(bind(l, (struct sockaddr *)&fam, sizeof(fam)));
    CHECK_OK(listen(l, 1));
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    CHECK_ERRNO(accept(l, NULL, NULL), EINTR);
    close(l);
    close(sv[0]);
    close(sv[1]);
}

static volatile int sigpipe_count;
static void on_sigpipe(int sig)
{
    (void)sig;
    sigpipe_count++;
}

static void unix_epipe_sigpipe_and_msg_nosignal(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    close(sv[1]);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        send(sv[0], "x", 1, 0);
        _exit(0);
    }
    int status = wait_for(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
          "a send to a closed peer: expected death by SIGPIPE, got %s", status_str(status));
    sigpipe_count = 0;
    signal(SIGPIPE, on_sigpipe);
    CHECK_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK_EQ("SIGPIPEs with MSG_NOSIGNAL", 0, sigpipe_count);
    CHECK_ERRNO(write(sv[0], "x", 1), EPIPE);
    CHECK_EQ("SIGPIPEs after write", 1, sigpipe_count);
    CHECK_ERRNO(send(sv[0], "x", 1, 0), EPIPE);
    CHECK_EQ("SIGPIPEs after send", 2, sigpipe_count);
    close(sv[0]);
}

static void unix_bind_listen_accept_connect_by_path(void)
{
    const char *path = "/tmp/unix_test_srv";
    unlink(path);
    struct sockaddr_un sun;
    socklen_t alen = path_addr(&sun, path);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_OK(l);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_OK(c);
    CHECK_ERRNO(connect(c, (struct sockaddr *)&sun, alen), ENOENT);
    CHECK_OK(bind(l, (struct sockaddr *)&sun, alen));
    struct stat st;
    CHECK_OK(stat(path, &st));
    CHECK(S_ISSOCK(st.st_mode), "bound name mode 0%o", (unsigned)st.st_mode);
    CHECK_ERRNO(open(path, O_RDWR), ENXIO);
    CHECK_ERRNO(connect(c, (struct sockaddr *)&sun, alen), ECONNREFUSED);
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERRNO(bind(other, (struct sockaddr *)&sun, alen), EADDRINUSE);
    close(other);
    CHECK_ERRNO(bind(l, (struct sockaddr *)&sun, alen), EINVAL);
    CHECK_OK(listen(l, 8));
    int v;
    socklen_t vlen = sizeof(v);
    CHECK_OK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vlen));
    CHECK_EQ("SO_ACCEPTCONN", 1, v);
    CHECK_OK(connect(c, (struct sockaddr *)&sun, alen));
    CHECK_ERRNO(connect(c, (struct sockaddr *)&sun, alen), EISCONN);
    struct sockaddr_un peer;
    socklen_t plen = sizeof(peer);
    int s = accept4(l, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
    CHECK_OK(s);
    CHECK_EQ("accept4 SOCK_CLOEXEC", FD_CLOEXEC, fcntl(s, F_GETFD));
    CHECK_EQ("unnamed client's address length", sizeof(sa_family_t), plen);
    plen = sizeof(peer);
    CHECK_OK(getpeername(c, (struct sockaddr *)&peer, &plen));
    CHECK_EQ("getpeername length", alen, plen);
    CHECK(strcmp(peer.sun_path, path) == 0, "getpeername %s", peer.sun_path);
    plen = sizeof(peer);
    CHECK_OK(getsockname(s, (struct sockaddr *)&peer, &plen));
    CHECK(strcmp(peer.sun_path, path) == 0, "accepted socket's name %s", peer.sun_path);
    /* value-result truncation: the real length comes back */
    plen = 4;
    memset(&peer, 0x55, sizeof(peer));
    CHECK_OK(getsockname(l, (struct sockaddr *)&peer, &plen));
    CHECK_EQ("real length after truncation", alen, plen);
    CHECK_EQ("byte past the room untouched", 0x55, (unsigned char)peer.sun_path[2]);
    CHECK_EQ("client to server", 5, write(c, "hello", 5));
    char buf[8];
    CHECK_EQ("server reads", 5, read(s, buf, sizeof(buf)));
    CHECK_EQ("server to client", 3, send(s, "bye", 3, 0));
    CHECK_EQ("client reads", 3, recv(c, buf, sizeof(buf), 0));
    int d = dup(s);
    CHECK_OK(d);
    close(s);
    CHECK_EQ("the dup still works", 2, write(d, "ok", 2));
    CHECK_EQ("client reads it", 2, read(c, buf, sizeof(buf)));
    close(d);
    close(c);
    close(l);
    /* the name outlives the socket, and nobody listens there now */
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERRNO(connect(c, (struct sockaddr *)&sun, alen), ECONNREFUSED);
    close(c);
    CHECK_OK(unlink(path));
    /* a regular file is not a socket */
    int fd = open("/tmp/unix_test_file", O_CREAT | O_WRONLY, 0644);
    CHECK_OK(fd);
    close(fd);
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    alen = path_addr(&sun, "/tmp/unix_test_file");
    CHECK_ERRNO(connect(c, (struct sockaddr *)&sun, alen), ECONNREFUSED);
    close(c);
    unlink("/tmp/unix_test_file");
}

static void unix_dgram_sendto_path_and_abstract(void)
{
    const char *pa = "/tmp/unix_dgram_a", *pb = "/tmp/unix_dgram_b";
    unlink(pa);
    unlink(pb);
    struct sockaddr_un sa, sb;
    socklen_t la = path_addr(&sa, pa), lb = path_addr(&sb, pb);
    int a = socket(AF_UNIX, SOCK_DGRAM, 0), b = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_OK(a);
    CHECK_OK(b);
    CHECK_OK(bind(a, (struct sockaddr *)&sa, la));
    CHECK_OK(bind(b, (struct sockaddr *)&sb, lb));
    CHECK_EQ("sendto b", 4, sendto(a, "dgrm", 4, 0, (struct sockaddr *)&sb, lb));
    struct sockaddr_un from;
    socklen_t flen = sizeof(from);
    char buf[8];
    CHECK_EQ("recvfrom", 4, recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen));
    CHECK_EQ("sender address length", la, flen);
    CHECK(strcmp(from.sun_path, pa) == 0, "sender %s", from.sun_path);
    CHECK_ERRNO(send(a, "x", 1, 0), ENOTCONN);
    CHECK_OK(connect(a, (struct sockaddr *)&sb, lb));
    CHECK_EQ("send to the connected peer", 1, send(a, "y", 1, 0));
    CHECK_EQ("received", 1, recv(b, buf, sizeof(buf), 0));
    close(b);
    CHECK_ERRNO(send(a, "z", 1, 0), ECONNREFUSED);
    close(a);
    unlink(pa);
    unlink(pb);

    /* abstract names and autobind */
    int c = socket(AF_UNIX, SOCK_DGRAM, 0), e = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un abs;
    memset(&abs, 0, sizeof(abs));
    abs.sun_family = AF_UNIX;
    memcpy(abs.sun_path, "\0tandem-dgram", 13);
    socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 13;
    CHECK_OK(bind(c, (struct sockaddr *)&abs, alen));
    CHECK_ERRNO(bind(e, (struct sockaddr *)&abs, alen), EADDRINUSE);
    sa_family_t fam = AF_UNIX;
    CHECK_OK(bind(e, (struct sockaddr *)&fam, sizeof(fam)));
    struct sockaddr_un auto_name;
    socklen_t nlen = sizeof(auto_name);
    CHECK_OK(getsockname(e, (struct sockaddr *)&auto_name, &nlen));
    CHECK_EQ("autobind name length", offsetof(struct sockaddr_un, sun_path) + 6, nlen);
    CHECK_EQ("autobind name is abstract", 0, auto_name.sun_path[0]);
    CHECK_EQ("sendto abstract", 2, sendto(e, "ab", 2, 0, (struct sockaddr *)&abs, alen));
    flen = sizeof(from);
    CHECK_EQ("recvfrom abstract", 2,
             recvfrom(c, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen));
    CHECK_EQ("sender's autobound length", nlen, flen);
    CHECK(memcmp(from.sun_path, auto_name.sun_path, 6) == 0, "sender's autobound name");
    close(c);
    close(e);
}

/* Sends fd with one data byte over s (SCM_RIGHTS). */
static ssize_t send_fd(int s, int fd)
{
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof(control));
    struct iovec iov = { "F", 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                          .msg_controllen = sizeof(control.buf) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return sendmsg(s, &msg, 0);
}

/* Receives one byte and the fd passed with it (-1: none); *flags gets
 * msg_flags. control_room 0: no control buffer. */
static int recv_fd(int s, size_t control_room, int rflags, int *flags)
{
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof(control));
    char byte;
    struct iovec iov = { &byte, 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control_room ? control.buf : NULL,
                          .msg_controllen = control_room };
    if (recvmsg(s, &msg, rflags) != 1)
        return -2;
    *flags = msg.msg_flags;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
        c->cmsg_len != CMSG_LEN(sizeof(int)))
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return fd;
}

static void unix_scm_rights_passes_descriptors(void)
{
    for (int type = SOCK_STREAM; type <= SOCK_DGRAM; type++) {
        int sv[2];
        CHECK_OK(socketpair(AF_UNIX, type, 0, sv));
        pid_t pid = fork();
        CHECK_OK(pid);
        if (pid == 0) {
            /* the child gets a pipe's read end and reads through it */
            close(sv[0]);
            int flags;
            int fd = recv_fd(sv[1], CMSG_SPACE(sizeof(int)), MSG_CMSG_CLOEXEC, &flags);
            if (fd < 0)
                _exit(1);
            if (fcntl(fd, F_GETFD) != FD_CLOEXEC)
                _exit(2);
            char buf[8];
            if (read(fd, buf, sizeof(buf)) != 5 || memcmp(buf, "piped", 5) != 0)
                _exit(3);
            _exit(0);
        }
        close(sv[1]);
        int p[2];
        CHECK_OK(pipe(p));
        CHECK_EQ("sendmsg with SCM_RIGHTS", 1, send_fd(sv[0], p[0]));
        close(p[0]);
        CHECK_EQ("write into the passed pipe", 5, write(p[1], "piped", 5));
        CHECK_EQ("child status", 0, wait_for(pid));
        close(p[1]);
        close(sv[0]);
    }
    /* no room for the descriptor: closed, MSG_CTRUNC */
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ("send", 1, send_fd(sv[0], p[1]));
    int flags = 0;
    CHECK_EQ("no control room: no descriptor", -1, recv_fd(sv[1], 0, 0, &flags));
    CHECK(flags & MSG_CTRUNC, "msg_flags 0x%x lacks MSG_CTRUNC", flags);
    close(p[1]);
    char c;
    CHECK_EQ("the dropped write end is closed: EOF", 0, read(p[0], &c, 1));
    close(p[0]);
    /* bad descriptors, and AF_UNIX sockets themselves, are refused */
    CHECK_ERRNO(send_fd(sv[0], 900), EBADF);
    CHECK_ERRNO(send_fd(sv[0], sv[1]), EOPNOTSUPP);
    close(sv[0]);
    close(sv[1]);
}

static void unix_bad_arguments(void)
{
    CHECK_ERRNO(socket(99, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERRNO(socket(AF_UNIX, 7, 0), ESOCKTNOSUPPORT);
    CHECK_ERRNO(socket(AF_UNIX, SOCK_STREAM, 5), EPROTONOSUPPORT);
    CHECK_ERRNO(socket(AF_UNIX, 0x7000, 0), EINVAL);
    char buf[8];
    CHECK_ERRNO(send(-1, buf, 1, 0), EBADF);
    CHECK_ERRNO(send(900, buf, 1, 0), EBADF);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_ERRNO(send(p[1], buf, 1, 0), ENOTSOCK);
    CHECK_ERRNO(listen(p[0], 1), ENOTSOCK);
    struct sockaddr_un sun;
    socklen_t len = sizeof(sun);
    CHECK_ERRNO(getsockname(p[0], (struct sockaddr *)&sun, &len), ENOTSOCK);
    close(p[0]);
    close(p[1]);
    int sv[2];
    int *volatile bad_sv = (int *)8;     /* hidden from the compiler's bounds check */
    CHECK_ERRNO(socketpair(AF_UNIX, SOCK_STREAM, 0, bad_sv), EFAULT);
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERRNO(bind(s, (struct sockaddr *)8, sizeof(sun)), EFAULT);
    CHECK_ERRNO(bind(s, (struct sockaddr *)&sun, 500), EINVAL);
    CHECK_ERRNO(connect(s, (struct sockaddr *)8, sizeof(sun)), EFAULT);
    CHECK_ERRNO(getsockname(s, (struct sockaddr *)&sun, (socklen_t *)8), EFAULT);
    len = (socklen_t)-1;
    CHECK_ERRNO(getsockname(s, (struct sockaddr *)&sun, &len), EINVAL);
    CHECK_ERRNO(getpeername(s, (struct sockaddr *)&sun, &(socklen_t){ sizeof(sun) }), ENOTCONN);
    CHECK_ERRNO(listen(s, 1), EINVAL);      /* no name */
    CHECK_ERRNO(accept(s, NULL, NULL), EINVAL);
    CHECK_ERRNO(send(s, "x", 1, 0), ENOTCONN);
    CHECK_ERRNO(shutdown(sv[0], 5), EINVAL);
    CHECK_ERRNO(send(sv[0], (void *)8, 16, 0), EFAULT);
    CHECK_EQ("write", 1, write(sv[1], "x", 1));
    CHECK_ERRNO(recv(sv[0], (void *)8, 16, 0), EFAULT);
    CHECK_ERRNO(sendmsg(sv[0], (struct msghdr *)8, 0), EFAULT);
    struct iovec iov = { buf, 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 5000 };
    CHECK_ERRNO(recvmsg(sv[0], &msg, 0), EMSGSIZE);
    msg.msg_iovlen = 1;
    msg.msg_iov = (struct iovec *)8;
    CHECK_ERRNO(sendmsg(sv[0], &msg, 0), EFAULT);
    struct timeval tv = { 1, 0 };
    CHECK_ERRNO(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, 4), EINVAL);
    CHECK_ERRNO(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, (void *)8, sizeof(tv)), EFAULT);
    int v;
    len = sizeof(v);
    CHECK_ERRNO(getsockopt(sv[0], SOL_SOCKET, 999, &v, &len), ENOPROTOOPT);
    CHECK_ERRNO(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, (void *)8, &len), EFAULT);
    CHECK_ERRNO(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, (socklen_t *)8), EFAULT);
    CHECK_ERRNO(accept4(sv[0], NULL, NULL, 0x1234), EINVAL);
    v = 4096;
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
    len = sizeof(v);
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len));
    CHECK_EQ("SO_SNDBUF doubled as on Linux", 8192, v);
    v = 1;
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
    v = 0;
    len = sizeof(v);
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, &len));
    CHECK_EQ("SO_REUSEADDR", 1, v);
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &len));
    CHECK_EQ("SO_ERROR", 0, v);
    close(s);
    close(sv[0]);
    close(sv[1]);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(unix_stream_pair_both_ways_partial_reads),
        TAP_TEST(unix_stream_eof_after_shutdown_wr_and_close),
        TAP_TEST(unix_dgram_keeps_boundaries_and_truncates),
        TAP_TEST(unix_socketpair_across_fork),
        TAP_TEST(unix_large_transfer_checksum_between_processes),
        TAP_TEST(unix_poll_readiness),
        TAP_TEST(unix_nonblocking_eagain_and_bounded_buffer),
        TAP_TEST(unix_rcvtimeo_expiry_gives_eagain),
        TAP_TEST(unix_signal_interrupts_blocking_waits_eintr),
        TAP_TEST(unix_epipe_sigpipe_and_msg_nosignal),
        TAP_TEST(unix_bind_listen_accept_connect_by_path),
        TAP_TEST(unix_dgram_sendto_path_and_abstract),
        TAP_TEST(unix_scm_rights_passes_descriptors),
        TAP_TEST(unix_bad_arguments),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
