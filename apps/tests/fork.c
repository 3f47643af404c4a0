/* fork: the child's memory is its own (copy-on-write), the child starts
 * with no pending signals, ids and descriptors are as POSIX says. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

static volatile int global_value = 1;

static void fork_returns_child_pid_and_zero(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t parent = getpid();
    pid_t pid = fork();
    CHECK(pid >= 0, "fork: expected a pid, got %d errno %d", pid, errno);
    if (pid == 0) {
        pid_t ids[2] = { getpid(), getppid() };
        write(fds[1], ids, sizeof(ids));
        _exit(0);
    }
    pid_t ids[2] = { 0, 0 };
    CHECK_EQ("bytes from child", sizeof(ids), read(fds[0], ids, sizeof(ids)));
    close(fds[0]);
    close(fds[1]);
    CHECK_EQ("child's getpid()", pid, ids[0]);
    CHECK_EQ("child's getppid()", parent, ids[1]);
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: expected exited 0, got %s",
          status_str(status));
}

/* The child changes a global and a heap block; the parent must not see
 * it. The parent changes them after the fork; the child must not see it. */
static void fork_memory_independent(void)
{
    int *heap = malloc(sizeof(int));
    CHECK(heap, "malloc failed");
    *heap = 10;
    global_value = 1;
    int to_child[2], to_parent[2];
    CHECK_OK(pipe(to_child));
    CHECK_OK(pipe(to_parent));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        char c;
        global_value = 2;
        *heap = 20;
        read(to_child[0], &c, 1);         /* the parent has written by now */
        int seen[2] = { global_value, *heap };
        write(to_parent[1], seen, sizeof(seen));
        _exit(0);
    }
    global_value = 3;
    *heap = 30;
    write(to_child[1], "x", 1);
    int seen[2] = { 0, 0 };
    CHECK_EQ("bytes from child", sizeof(seen), read(to_parent[0], seen, sizeof(seen)));
    wait_for(pid);
    CHECK_EQ("child's global after parent's write", 2, seen[0]);
    CHECK_EQ("child's heap int after parent's write", 20, seen[1]);
    CHECK_EQ("parent's global after child's write", 3, global_value);
    CHECK_EQ("parent's heap int after child's write", 30, *heap);
    free(heap);
    close(to_child[0]); close(to_child[1]); close(to_parent[0]); close(to_parent[1]);
}

/* A 4 MiB block written after the fork, by both: each sees its own
 * pattern on every page. */
static void fork_cow_after_write_large(void)
{
    enum { SIZE = 4 << 20, PAGE = 4096 };
    unsigned char *buf = malloc(SIZE);
    CHECK(buf, "malloc(4 MiB) failed");
    memset(buf, 0x11, SIZE);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        for (size_t i = 0; i < SIZE; i += PAGE)
            buf[i] = 0x22;
        for (size_t i = 0; i < SIZE; i += PAGE)
            if (buf[i] != 0x22 || buf[i + 1] != 0x11)
                _exit(1);
        _exit(0);
    }
    for (size_t i = PAGE / 2; i < SIZE; i += PAGE)
        buf[i] = 0x33;
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "child saw someone else's pages: expected exited 0, got %s", status_str(status));
    for (size_t i = 0; i < SIZE; i += PAGE) {
        CHECK(buf[i] == 0x11, "parent page %zu: expected 0x11, got 0x%x", i / PAGE, buf[i]);
        CHECK(buf[i + PAGE / 2] == 0x33, "parent page %zu: expected 0x33, got 0x%x", i / PAGE,
              buf[i + PAGE / 2]);
    }
    free(buf);
}

/* POSIX: the child's set of pending signals is empty; the parent's
 * blocked, pending signal stays pending in the parent. */
static void fork_child_has_no_pending_signals(void)
{
    sigset_t block, pending;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_OK(sigpending(&pending));
    CHECK(sigismember(&pending, SIGUSR1) == 1, "parent: SIGUSR1 not pending before fork");
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        sigset_t p, m;
        sigpending(&p);
        sigprocmask(SIG_BLOCK, NULL, &m);
        if (!sigismember(&m, SIGUSR1))
            _exit(2);       /* the mask is inherited */
        _exit(sigismember(&p, SIGUSR1) ? 1 : 0);
    }
    int status = wait_for(pid);
    CHECK(WIFEXITED(status), "child: expected to exit, got %s", status_str(status));
    CHECK(WEXITSTATUS(status) != 2, "child: mask not inherited (SIGUSR1 unblocked)");
    CHECK(WEXITSTATUS(status) == 0, "child: expected no pending signal, SIGUSR1 was pending");
    CHECK_OK(sigpending(&pending));
    CHECK(sigismember(&pending, SIGUSR1) == 1, "parent: SIGUSR1 no longer pending after fork");
    signal(SIGUSR1, SIG_IGN);       /* discard it */
}

/* Descriptors are shared open files: the offset moves for both. */
static void fork_shares_file_offset(void)
{
    const char *path = "/tmp/fork_offset";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_OK(fd);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        write(fd, "child", 5);
        _exit(0);
    }
    wait_for(pid);
    CHECK_EQ("offset after the child's write", 5, lseek(fd, 0, SEEK_CUR));
    close(fd);
    unlink(path);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(fork_returns_child_pid_and_zero),
        TAP_TEST(fork_memory_independent),
        TAP_TEST(fork_cow_after_write_large),
        TAP_TEST(fork_child_has_no_pending_signals),
        TAP_TEST(fork_shares_file_offset),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
