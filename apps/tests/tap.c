/* The TAP harness shared by the test programs (tap.h). */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

static int current_failed;
static const char *current_skip;    /* reason, when the subtest skipped */

void tap_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    current_failed = 1;
    printf("    # %s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

void tap_note(const char *fmt, ...)
{
    va_list ap;

    printf("    # ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

void tap_skip(const char *reason)
{
    current_skip = reason;
}

void msleep(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct timespec tap_realtime_after_ms(long ms)
{
    struct timespec at;
    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_sec += ms / 1000;
    at.tv_nsec += ms % 1000 * 1000000L;
    if (at.tv_nsec >= 1000000000L) {
        at.tv_sec++;
        at.tv_nsec -= 1000000000L;
    }
    return at;
}

int tap_ensure_proc(void)
{
    struct stat st;
    if (stat("/proc/meminfo", &st) == 0)
        return 0;
    if (mkdir("/proc", 0555) < 0 && errno != EEXIST)
        return -1;
    return mount("proc", "/proc", "proc", 0, NULL);
}

int wait_for(pid_t pid)
{
    int status;

    for (;;) {
        pid_t got = waitpid(pid, &status, 0);
        if (got == pid)
            return status;
        if (got < 0 && errno != EINTR)
            return -1;
    }
}

const char *status_str(int status)
{
    static char buf[48];

    if (status == -1)
        snprintf(buf, sizeof(buf), "no status");
    else if (WIFEXITED(status))
        snprintf(buf, sizeof(buf), "exited %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, sizeof(buf), "killed by signal %d", WTERMSIG(status));
    else if (WIFSTOPPED(status))
        snprintf(buf, sizeof(buf), "stopped by signal %d", WSTOPSIG(status));
    else
        snprintf(buf, sizeof(buf), "status 0x%x", status);
    return buf;
}

static void reset_process_state(void)
{
    struct sigaction dfl;
    sigset_t none;

    alarm(0);
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &dfl, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

int tap_main(int argc, char **argv, const struct tap_test *tests, int count)
{
    int failures = 0;

    (void)argc;
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("    1..%d\n", count);
    for (int i = 0; i < count; i++) {
        reset_process_state();
        current_failed = 0;
        current_skip = NULL;
        fflush(stdout);
        tests[i].run();
        if (current_skip && !current_failed)
            printf("    ok %d - %s # SKIP %s\n", i + 1, tests[i].name, current_skip);
        else
            printf("    %s %d - %s\n", current_failed ? "not ok" : "ok", i + 1, tests[i].name);
        fflush(stdout);
        failures += current_failed;
    }
    if (failures)
        printf("    # %s: %d of %d failed\n", argv[0], failures, count);
    return failures ? 1 : 0;
}
