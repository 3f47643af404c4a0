/* Many address spaces: more live processes than a small ASID space holds
 * (arm64 rolls its ASIDs over to a new generation), then more than a
 * thousand sequential fork/exec/exit. Every process writes its own value
 * into a copy-on-write page and checks it again after others have run: a
 * TLB entry left from another space with the same ASID would show that
 * space's page instead. The program re-executes itself with "--value N"
 * for the exec half. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define LIVE_CHILDREN   320
#define EXEC_ROUNDS     1100
#define CHECKERS        2

/* One page shared copy-on-write with every child; each writes its own
 * value over the whole page. */
static volatile uint32_t cow_page[4096 / sizeof(uint32_t)] __attribute__((aligned(4096)));
static const char *self_path;

static void page_fill(uint32_t value)
{
    for (size_t i = 0; i < sizeof(cow_page) / sizeof(cow_page[0]); i++)
        cow_page[i] = value;
}

/* The first index whose word is not value, or -1. */
static long page_mismatch(uint32_t value)
{
    for (size_t i = 0; i < sizeof(cow_page) / sizeof(cow_page[0]); i++)
        if (cow_page[i] != value)
            return (long)i;
    return -1;
}

/* Fills the page with value, lets others run, checks it: 0 when it held. */
static int fill_yield_check(uint32_t value, int rounds)
{
    page_fill(value);
    for (int r = 0; r < rounds; r++) {
        sched_yield();
        if (page_mismatch(value) >= 0)
            return 1;
        value ^= 0x5a5a0000;
        page_fill(value);
    }
    return page_mismatch(value) >= 0;
}

static uint32_t value_for(pid_t pid) { return 0xc0de0000u ^ (uint32_t)pid; }

static void many_live_processes_keep_their_memory(void)
{
    static pid_t pids[LIVE_CHILDREN];
    int ready[2], release[2];
    CHECK_OK(pipe(ready));
    CHECK_OK(pipe(release));
    page_fill(0x11111111);
    long start_ms = now_ms();

    int started = 0;
    for (; started < LIVE_CHILDREN; started++) {
        pid_t pid = fork();
        if (pid < 0)
            break;
        if (pid == 0) {
            close(ready[0]);
            close(release[1]);
            uint32_t value = value_for(getpid());
            page_fill(value);
            char c = 'r';
            if (write(ready[1], &c, 1) != 1)
                _exit(2);
            /* Blocks until the parent closes the write end: all at once. */
            while (read(release[0], &c, 1) < 0 && errno == EINTR)
                ;
            if (page_mismatch(value) >= 0)
                _exit(1);
            _exit(fill_yield_check(value, 4));
        }
        pids[started] = pid;
    }
    int fork_errno = errno;
    tap_note("%d children forked in %ld ms", started, now_ms() - start_ms);
    close(ready[1]);
    close(release[0]);
    /* Every child has written its value and is blocked (or about to be). */
    int ready_count = 0;
    char buf[64];
    while (ready_count < started) {
        ssize_t n = read(ready[0], buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        ready_count += (int)n;
    }
    tap_note("ready after %ld ms", now_ms() - start_ms);
    close(release[1]);
    close(ready[0]);

    int bad = 0, first_bad_status = 0;
    for (int i = 0; i < started; i++) {
        int status = wait_for(pids[i]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            if (!bad)
                first_bad_status = status;
            bad++;
        }
    }
    tap_note("all reaped after %ld ms", now_ms() - start_ms);
    CHECK(started == LIVE_CHILDREN, "fork: expected %d live children, fork %d failed (errno %d %s)",
          LIVE_CHILDREN, started + 1, fork_errno, strerror(fork_errno));
    CHECK_EQ("children ready", started, ready_count);
    CHECK(bad == 0, "children that saw another's memory or failed: expected 0, got %d (first %s)",
          bad, status_str(first_bad_status));
    CHECK(page_mismatch(0x11111111) < 0, "parent's page changed by a child");
}

/* A child that keeps checking its own page while the sequential processes
 * come and go (their ASIDs roll over around it), until stop has data. */
static pid_t checker_start(int stop_fd, int other_fd)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    close(other_fd);
    fcntl(stop_fd, F_SETFL, O_NONBLOCK);
    uint32_t value = value_for(getpid());
    for (;;) {
        page_fill(value);
        usleep(1000);   /* pacing only: others run meanwhile */
        if (page_mismatch(value) >= 0)
            _exit(1);
        char c;
        if (read(stop_fd, &c, 1) == 0)
            _exit(0);
        value = ~value;
    }
}

static void sequential_fork_exec_exit_keep_memory(void)
{
    int stop[2];
    pid_t checkers[CHECKERS];
    CHECK_OK(pipe(stop));
    page_fill(0x22222222);
    for (int i = 0; i < CHECKERS; i++) {
        checkers[i] = checker_start(stop[0], stop[1]);
        CHECK_OK(checkers[i]);
    }
    close(stop[0]);

    int failed_round = -1, failed_status = 0, fork_failed = -1, fork_errno = 0;
    long start_ms = now_ms();
    for (int round = 0; round < EXEC_ROUNDS; round++) {
        pid_t pid = fork();
        if (pid < 0) {
            fork_failed = round;
            fork_errno = errno;
            break;
        }
        if (pid == 0) {
            close(stop[1]);
            char arg[16];
            uint32_t value = value_for(getpid());
            snprintf(arg, sizeof(arg), "%u", (unsigned)value);
            /* Odd rounds exec (a new space), even rounds only fork. */
            if (round & 1) {
                char *argv[] = { (char *)self_path, "--value", arg, NULL };
                char *envp[] = { NULL };
                execve(self_path, argv, envp);
                _exit(99);
            }
            _exit(fill_yield_check(value, 1));
        }
        int status = wait_for(pid);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            failed_round = round;
            failed_status = status;
            break;
        }
        if (page_mismatch(0x22222222) >= 0) {
            failed_round = round;
            break;
        }
    }
    tap_note("%d rounds in %ld ms", EXEC_ROUNDS, now_ms() - start_ms);
    close(stop[1]);
    int bad_checkers = 0;
    for (int i = 0; i < CHECKERS; i++) {
        int status = wait_for(checkers[i]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            bad_checkers++;
    }
    CHECK(fork_failed < 0, "fork in round %d: expected success, got errno %d (%s)", fork_failed,
          fork_errno, strerror(fork_errno));
    CHECK(failed_round < 0, "round %d: child or parent saw a wrong page (child %s)", failed_round,
          status_str(failed_status));
    CHECK_EQ("checkers that saw another's memory", 0, bad_checkers);
}

int main(int argc, char **argv)
{
    self_path = argv[0];
    if (argc == 3 && strcmp(argv[1], "--value") == 0)
        return fill_yield_check((uint32_t)strtoul(argv[2], NULL, 10), 2);
    static const struct tap_test tests[] = {
        TAP_TEST(many_live_processes_keep_their_memory),
        TAP_TEST(sequential_fork_exec_exit_keep_memory),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
