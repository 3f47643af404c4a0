/* Pipes and readiness from a process: EOF after the last writer, EPIPE
 * with SIGPIPE, O_NONBLOCK's EAGAIN, poll and select readiness and
 * timeouts. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

static void pipe_eof_after_last_writer(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        close(fds[0]);
        write(fds[1], "data", 4);
        _exit(0);
    }
    close(fds[1]);
    char buf[8];
    CHECK_EQ("read of the child's bytes", 4, read(fds[0], buf, sizeof(buf)));
    CHECK_EQ("read after the last writer closed", 0, read(fds[0], buf, sizeof(buf)));
    close(fds[0]);
    wait_for(pid);
}

static void pipe_write_without_reader_epipe_sigpipe(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    close(fds[0]);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        write(fds[1], "x", 1);
        _exit(0);
    }
    int status = wait_for(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
          "write to a pipe with no reader: expected killed by SIGPIPE, got %s", status_str(status));
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERRNO(write(fds[1], "x", 1), EPIPE);
    close(fds[1]);
}

static void pipe_nonblock_eagain(void)
{
    int fds[2];
    CHECK_OK(pipe2(fds, O_NONBLOCK));
    char buf[4096];
    CHECK_ERRNO(read(fds[0], buf, sizeof(buf)), EAGAIN);
    memset(buf, 'z', sizeof(buf));
    long total = 0, n;
    while ((n = write(fds[1], buf, sizeof(buf))) > 0 && total < (16L << 20))
        total += n;
    CHECK(n == -1 && errno == EAGAIN, "filling a non-blocking pipe: expected EAGAIN, got %ld errno %d",
          n, errno);
    CHECK(total >= 4096, "pipe held only %ld bytes", total);
    CHECK(fcntl(fds[0], F_GETFL) & O_NONBLOCK, "O_NONBLOCK not in F_GETFL");
    close(fds[0]);
    close(fds[1]);
}

static void poll_timeout_and_readiness(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLOUT, 0 } };
    long start = now_ms();
    CHECK_EQ("poll of an empty pipe's read end", 0, poll(p, 1, 100));
    long elapsed = now_ms() - start;
    CHECK(elapsed >= 100, "poll returned after %ld ms, expected >= 100", elapsed);
    CHECK_EQ("poll of the write end", 1, poll(&p[1], 1, 0));
    CHECK(p[1].revents & POLLOUT, "write end: revents 0x%x lacks POLLOUT", p[1].revents);
    write(fds[1], "x", 1);
    CHECK_EQ("poll after a write", 1, poll(p, 1, 1000));
    CHECK(p[0].revents & POLLIN, "read end: revents 0x%x lacks POLLIN", p[0].revents);
    close(fds[1]);
    char c;
    read(fds[0], &c, 1);
    CHECK_EQ("poll after the writer closed", 1, poll(p, 1, 1000));
    CHECK(p[0].revents & POLLHUP, "read end: revents 0x%x lacks POLLHUP", p[0].revents);
    struct pollfd bad = { 999, POLLIN, 0 };
    CHECK_EQ("poll of a closed fd", 1, poll(&bad, 1, 0));
    CHECK(bad.revents & POLLNVAL, "closed fd: revents 0x%x lacks POLLNVAL", bad.revents);
    close(fds[0]);
}

static void poll_wakes_on_write_from_child(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        msleep(100);
        write(fds[1], "w", 1);
        _exit(0);
    }
    struct pollfd p = { fds[0], POLLIN, 0 };
    long start = now_ms();
    CHECK_EQ("poll with a writer to come", 1, poll(&p, 1, 5000));
    CHECK(now_ms() - start < 4000, "poll woke only after %ld ms", now_ms() - start);
    wait_for(pid);
    close(fds[0]);
    close(fds[1]);
}

static void select_timeout_and_readiness(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    fd_set r;
    FD_ZERO(&r);
    FD_SET(fds[0], &r);
    struct timeval tv = { 0, 100000 };
    long start = now_ms();
    CHECK_EQ("select of an empty pipe", 0, select(fds[0] + 1, &r, NULL, NULL, &tv));
    CHECK(now_ms() - start >= 100, "select returned after %ld ms, expected >= 100",
          now_ms() - start);
    CHECK(!FD_ISSET(fds[0], &r), "fd still set after a timeout");
    write(fds[1], "x", 1);
    FD_ZERO(&r);
    FD_SET(fds[0], &r);
    fd_set w;
    FD_ZERO(&w);
    FD_SET(fds[1], &w);
    tv.tv_sec = 1;
    tv.tv_usec = 0;
    CHECK_EQ("select with data and room", 2, select(fds[1] + 1, &r, &w, NULL, &tv));
    CHECK(FD_ISSET(fds[0], &r) && FD_ISSET(fds[1], &w), "select: readiness bits missing");
    FD_ZERO(&r);
    FD_SET(40, &r);
    tv.tv_sec = 0;
    CHECK_ERRNO(select(41, &r, NULL, NULL, &tv), EBADF);
    close(fds[0]);
    close(fds[1]);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(pipe_eof_after_last_writer),
        TAP_TEST(pipe_write_without_reader_epipe_sigpipe),
        TAP_TEST(pipe_nonblock_eagain),
        TAP_TEST(poll_timeout_and_readiness),
        TAP_TEST(poll_wakes_on_write_from_child),
        TAP_TEST(select_timeout_and_readiness),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
