/* Kernel addresses passed as syscall pointers give EFAULT, never a crash:
 * each call is made raw (through the gate) with an upper-half address, the
 * kernel image's address, and the first non-canonical/user-end address. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <tandem/syscall.h>
#include "tap.h"

static const unsigned long bad_addrs[] = {
    0xffff800000000000UL,       /* start of the kernel half (direct map) */
    0xffffffff80000000UL,       /* the kernel image on amd64, kernel VA on arm64 */
    0x0000800000000000UL,       /* just past the user half */
};
#define NBAD (sizeof(bad_addrs) / sizeof(bad_addrs[0]))

#define EXPECT_EFAULT(name, call) do { \
        for (unsigned i_ = 0; i_ < NBAD; i_++) { \
            long bad = (long)bad_addrs[i_]; \
            long rc_ = (call); \
            CHECK(rc_ == -EFAULT, "%s with 0x%lx: expected -EFAULT (%d), got %ld", name, \
                  (unsigned long)bad, -EFAULT, rc_); \
        } \
    } while (0)

static int pipe_fds[2];

static void efault_read_write(void)
{
    CHECK_OK(pipe(pipe_fds));
    write(pipe_fds[1], "abc", 3);
    EXPECT_EFAULT("read", tandem_syscall3(SYS_read, pipe_fds[0], bad, 3));
    EXPECT_EFAULT("write", tandem_syscall3(SYS_write, pipe_fds[1], bad, 3));
    EXPECT_EFAULT("readv iov", tandem_syscall3(SYS_readv, pipe_fds[0], bad, 1));
    struct iovec iov = { (void *)bad_addrs[0], 3 };
    long rc = tandem_syscall3(SYS_writev, pipe_fds[1], &iov, 1);
    CHECK(rc == -EFAULT, "writev with a kernel iov_base: expected -EFAULT, got %ld", rc);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}

static void efault_paths(void)
{
    struct stat st;
    EXPECT_EFAULT("openat path", tandem_syscall4(SYS_openat, AT_FDCWD, bad, O_RDONLY, 0));
    EXPECT_EFAULT("fstatat path", tandem_syscall4(SYS_fstatat, AT_FDCWD, bad, &st, 0));
    EXPECT_EFAULT("fstatat buf", tandem_syscall4(SYS_fstatat, AT_FDCWD, "/", bad, 0));
    EXPECT_EFAULT("fstat buf", tandem_syscall2(SYS_fstat, 1, bad));
    EXPECT_EFAULT("mkdirat", tandem_syscall3(SYS_mkdirat, AT_FDCWD, bad, 0755));
    EXPECT_EFAULT("chdir", tandem_syscall1(SYS_chdir, bad));
    EXPECT_EFAULT("unlinkat", tandem_syscall3(SYS_unlinkat, AT_FDCWD, bad, 0));
    EXPECT_EFAULT("readlinkat buf", tandem_syscall4(SYS_readlinkat, AT_FDCWD, bad, bad, 64));
    EXPECT_EFAULT("getcwd", tandem_syscall2(SYS_getcwd, bad, 256));
    char *argv[] = { NULL };
    EXPECT_EFAULT("execve path", tandem_syscall3(SYS_execve, bad, argv, argv));
    EXPECT_EFAULT("execve argv", tandem_syscall3(SYS_execve, "/bin/tests/efault", bad, argv));
}

static void efault_getdents(void)
{
    int fd = open("/", O_RDONLY | O_DIRECTORY);
    CHECK_OK(fd);
    EXPECT_EFAULT("getdents", tandem_syscall3(SYS_getdents, fd, bad, 4096));
    close(fd);
}

static void efault_process_calls(void)
{
    EXPECT_EFAULT("pipe2", tandem_syscall2(SYS_pipe2, bad, 0));
    EXPECT_EFAULT("uname", tandem_syscall1(SYS_uname, bad));
    EXPECT_EFAULT("clock_gettime", tandem_syscall2(SYS_clock_gettime, CLOCK_MONOTONIC, bad));
    EXPECT_EFAULT("gettimeofday", tandem_syscall2(SYS_gettimeofday, bad, 0));
    EXPECT_EFAULT("nanosleep", tandem_syscall2(SYS_nanosleep, bad, 0));
    EXPECT_EFAULT("times", tandem_syscall1(SYS_times, bad));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(0);
    msleep(50);
    long rc = tandem_syscall4(SYS_wait4, pid, bad_addrs[0], 0, 0);
    CHECK(rc == -EFAULT, "wait4 status: expected -EFAULT, got %ld", rc);
    wait_for(pid);
}

static void efault_signal_calls(void)
{
    struct sigaction sa;
    sigset_t set;
    EXPECT_EFAULT("sigaction act", tandem_syscall3(SYS_sigaction, SIGUSR1, bad, 0));
    EXPECT_EFAULT("sigaction old", tandem_syscall3(SYS_sigaction, SIGUSR1, 0, bad));
    EXPECT_EFAULT("sigprocmask set", tandem_syscall3(SYS_sigprocmask, SIG_BLOCK, bad, 0));
    EXPECT_EFAULT("sigprocmask old", tandem_syscall3(SYS_sigprocmask, SIG_BLOCK, 0, bad));
    EXPECT_EFAULT("sigpending", tandem_syscall1(SYS_sigpending, bad));
    EXPECT_EFAULT("sigaltstack", tandem_syscall2(SYS_sigaltstack, bad, 0));
    EXPECT_EFAULT("setitimer", tandem_syscall3(SYS_setitimer, 0, bad, 0));
    (void)sa;
    (void)set;
}

static void efault_poll_select_futex(void)
{
    EXPECT_EFAULT("poll", tandem_syscall3(SYS_poll, bad, 1, 0));
    struct timeval tv = { 0, 0 };
    EXPECT_EFAULT("select readfds", tandem_syscall(SYS_select, 1, bad, 0, 0, (long)&tv, 0));
    EXPECT_EFAULT("select timeout", tandem_syscall(SYS_select, 0, 0, 0, 0, bad, 0));
    EXPECT_EFAULT("futex", tandem_syscall4(SYS_futex, bad, 0, 0, 0));
}

/* PROT_NONE pages fault for the kernel's user copies as for user code, on
 * both architectures (a guard page is a guard page), whether they were
 * touched before the mprotect or never; their contents survive. */
static void efault_prot_none(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap: errno %d", errno);
    memset(p, 'x', 2 * 4096);               /* pages 0 and 1 touched, 2 not */
    CHECK_OK(mprotect(p, 3 * 4096, PROT_NONE));
    CHECK_EQ("write(3 bytes) into the pipe", 3, write(fds[1], "abc", 3));
    for (int page = 0; page < 3; page++) {
        long rc = tandem_syscall3(SYS_write, fds[1], (long)(p + page * 4096), 16);
        CHECK(rc == -EFAULT, "write from PROT_NONE page %d: expected -EFAULT, got %ld", page, rc);
        rc = tandem_syscall3(SYS_read, fds[0], (long)(p + page * 4096), 1);
        CHECK(rc == -EFAULT, "read into PROT_NONE page %d: expected -EFAULT, got %ld", page, rc);
    }
    /* Calls that copy without checking the region first (the user copy
     * itself must fault): a path and an iovec array in PROT_NONE pages. */
    for (int page = 0; page < 3; page++) {
        char *at = p + page * 4096 + 4096 - 64;
        long rc = tandem_syscall4(SYS_openat, AT_FDCWD, (long)at, O_RDONLY, 0);
        CHECK(rc == -EFAULT, "openat with a path in PROT_NONE page %d: expected -EFAULT, got %ld",
              page, rc);
        rc = tandem_syscall3(SYS_writev, fds[1], (long)at, 1);
        CHECK(rc == -EFAULT, "writev with an iovec in PROT_NONE page %d: expected -EFAULT, got %ld",
              page, rc);
    }
    CHECK_OK(mprotect(p, 3 * 4096, PROT_READ));
    CHECK(p[0] == 'x' && p[2 * 4096 - 1] == 'x' && p[2 * 4096] == 0,
          "contents after PROT_NONE and back: '%c' '%c' %d", p[0], p[2 * 4096 - 1], p[2 * 4096]);
    CHECK_OK(munmap(p, 3 * 4096));
    close(fds[0]);
    close(fds[1]);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(efault_read_write),
        TAP_TEST(efault_paths),
        TAP_TEST(efault_getdents),
        TAP_TEST(efault_process_calls),
        TAP_TEST(efault_signal_calls),
        TAP_TEST(efault_poll_select_futex),
        TAP_TEST(efault_prot_none),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
