/* Every allocation on the paths of fork, exec, mmap, pipes, files,
 * threads and terminals made to fail in turn (/dev/fail-nth, the
 * ENOMEM audit): for n = 1, 2, ... the n-th allocation of the call fails,
 * until the call makes fewer than n. Each time the call must either work
 * or fail with ENOMEM (EAGAIN for fork and threads), the process must go
 * on, and at the end the kernel heap must be back where it was: an error
 * path that leaks, crashes or returns a wrong error is a finding. */
#include <fcntl.h>
#include <pthread.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define MAX_N 400               /* a call with more allocations is a finding too */
#define FILE_PATH "/tmp/fail_nth_file"

static const char *self_path;
static int fail_fd = -1;        /* /dev/fail-nth, open for the whole run */

/* Arms the injection: the n-th allocation from now fails (0: off). No
 * allocation on the way (an open file, a stack buffer already touched). */
static int arm(unsigned n)
{
    char text[16];
    int len = snprintf(text, sizeof(text), "%u\n", n);
    return pwrite(fail_fd, text, (size_t)len, 0) == len ? 0 : -1;
}

/* Turns the injection off and keeps what was left of it (0: the failure
 * happened) in left_at_disarm; only the first call after arm counts (a
 * call disarms before it allocates for its own cleanup). */
static long left_at_disarm;
static int is_armed;

static void disarm(void)
{
    if (!is_armed)
        return;
    char text[16] = "";
    long n = pread(fail_fd, text, sizeof(text) - 1, 0);
    left_at_disarm = n > 0 ? strtol(text, NULL, 10) : -1;
    arm(0);
    is_armed = 0;
}

static long vmstat(const char *name)
{
    char text[256];
    int fd = open("/dev/vmstat", O_RDONLY);
    if (fd < 0)
        return -1;
    long n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = '\0';
    char *at = strstr(text, name);
    return at ? strtol(at + strlen(name), NULL, 10) : -1;
}

/* The heap's bytes in use once what the last calls left in flight is gone
 * (a dead thread's last objects are freed by whoever reaps it): the
 * smallest of a few readings. Free pages are not compared: the kmalloc
 * debug quarantine (on in the tests image) holds up to 2 MiB of them. */
static long quiet_heap_bytes(void)
{
    long best = vmstat("heap_bytes ");
    for (int i = 0; i < 5; i++) {
        msleep(20);
        long now = vmstat("heap_bytes ");
        if (now < best)
            best = now;
    }
    return best;
}

/* ---- the calls: 0, or -errno when it failed ---- */

static int op_fork(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    if (pid < 0)
        return -errno;
    disarm();                   /* before the parent allocates again */
    int status = wait_for(pid);
    return WIFEXITED(status) && WEXITSTATUS(status) == 7 ? 0 : -1000;
}

/* exec in a child: 42 when the new program found the injection unused
 * (exec made fewer allocations), 43 when it had been used, 10 when execve
 * failed with ENOMEM. */
static int exec_status;

static int op_exec(void)
{
    arm(0);                     /* the child's allocations are the ones counted */
    pid_t pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        char fd_text[12];
        snprintf(fd_text, sizeof(fd_text), "%d", fail_fd);
        char *argv[] = { (char *)self_path, "exec-child", fd_text, NULL };
        arm(exec_status);       /* exec_status carries n into the child */
        execv(self_path, argv);
        _exit(errno == ENOMEM ? 10 : 11);
    }
    int status = wait_for(pid);
    if (!WIFEXITED(status))
        return -2000 - (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    exec_status = WEXITSTATUS(status);
    return exec_status == 10 ? -ENOMEM : exec_status == 42 || exec_status == 43 ? 0 : -1000;
}

static int op_mmap(void)
{
    size_t len = 64 * 4096;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    int rc = 0;
    if (mprotect(p + 8 * 4096, 4096, PROT_READ) < 0)      /* splits the region */
        rc = -errno;
    if (munmap(p + 16 * 4096, 4096) < 0 && !rc)
        rc = -errno;
    disarm();
    munmap(p, len);
    return rc;
}

static int op_pipe(void)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -errno;
    int rc = 0;
    if (write(fds[1], "abc", 3) != 3)
        rc = -errno;
    char buf[4];
    if (!rc && read(fds[0], buf, 3) != 3)
        rc = -errno;
    close(fds[0]);
    close(fds[1]);
    return rc;
}

static int op_file(void)
{
    static char data[8192];
    int fd = open(FILE_PATH, O_CREAT | O_TRUNC | O_RDWR, 0600);
    if (fd < 0)
        return -errno;
    int rc = 0;
    if (write(fd, data, sizeof(data)) != (long)sizeof(data))
        rc = -errno;
    close(fd);
    unlink(FILE_PATH);
    return rc;
}

static void *thread_main(void *arg)
{
    return arg;
}

static int op_thread(void)
{
    pthread_t t;
    int rc = pthread_create(&t, NULL, thread_main, NULL);
    if (rc)
        return -rc;
    disarm();
    pthread_join(t, NULL);
    return 0;
}

static int op_pty(void)
{
    int master, slave;
    if (openpty(&master, &slave, NULL, NULL, NULL) < 0)
        return -errno;
    close(slave);
    close(master);
    return 0;
}

static int op_dup(void)
{
    int fd = dup(fail_fd);
    if (fd < 0)
        return -errno;
    close(fd);
    return 0;
}

/* Runs op with the n-th allocation failing, n = 1, 2, ... until the op
 * makes fewer than n; prints how many failure points it has. */
static void sweep(const char *name, int (*op)(void), int other_errno)
{
    /* Warm-up: what the kernel creates on first use stays out of the
     * comparison. */
    exec_status = 0;
    CHECK(op() == 0, "%s without injection failed", name);
    long before = vmstat("heap_bytes "), pages_before = vmstat("nr_free_pages ");
    unsigned failures = 0, n;
    for (n = 1; n <= MAX_N; n++) {
        exec_status = (int)n;
        CHECK(arm(n) == 0, "arming /dev/fail-nth: %s", strerror(errno));
        is_armed = 1;
        int rc = op();
        disarm();
        long left = left_at_disarm;
        CHECK(rc == 0 || rc == -ENOMEM || (other_errno && rc == -other_errno),
              "%s with allocation %u failing: got %d (%s)", name, n, rc,
              rc > -200 ? strerror(-rc) : "child status");
        if (rc != 0)
            failures++;
        if (op == op_exec ? exec_status == 42 : left > 0)
            break;              /* fewer than n allocations: all covered */
    }
    CHECK(n <= MAX_N, "%s still allocating after %d", name, MAX_N);
    long after = quiet_heap_bytes(), pages_after = vmstat("nr_free_pages ");
    tap_note("%s: %u allocations, %u calls failed cleanly, heap %ld -> %ld bytes, "
             "free pages %ld -> %ld", name, n - 1, failures, before, after, pages_before,
             pages_after);
    CHECK(after <= before, "%s: kernel heap grew by %ld bytes over the sweep (a leak on an "
          "error path)", name, after - before);
}

static void fail_nth_fork(void) { sweep("fork", op_fork, EAGAIN); }
static void fail_nth_exec(void) { sweep("exec", op_exec, 0); }
static void fail_nth_mmap(void) { sweep("mmap", op_mmap, 0); }
static void fail_nth_pipe(void) { sweep("pipe", op_pipe, 0); }
static void fail_nth_file(void) { sweep("file", op_file, 0); }
static void fail_nth_thread(void) { sweep("thread", op_thread, EAGAIN); }
static void fail_nth_pty(void) { sweep("pty", op_pty, 0); }
static void fail_nth_dup(void) { sweep("dup", op_dup, 0); }

/* The exec'd program: did the injection survive exec? */
static int exec_child(char **argv)
{
    char text[16] = "";
    int fd = atoi(argv[2]);
    long n = pread(fd, text, sizeof(text) - 1, 0);
    long left = n > 0 ? strtol(text, NULL, 10) : -1;
    pwrite(fd, "0\n", 2, 0);
    return left > 0 ? 42 : 43;
}

int main(int argc, char **argv)
{
    self_path = argv[0];
    if (argc > 2 && strcmp(argv[1], "exec-child") == 0)
        return exec_child(argv);
    fail_fd = open("/dev/fail-nth", O_RDWR);
    if (fail_fd < 0) {
        printf("Bail out! /dev/fail-nth: %s\n", strerror(errno));
        return 1;
    }
    static const struct tap_test tests[] = {
        TAP_TEST(fail_nth_dup),
        TAP_TEST(fail_nth_pipe),
        TAP_TEST(fail_nth_file),
        TAP_TEST(fail_nth_mmap),
        TAP_TEST(fail_nth_pty),
        TAP_TEST(fail_nth_thread),
        TAP_TEST(fail_nth_fork),
        TAP_TEST(fail_nth_exec),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
