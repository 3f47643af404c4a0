/* Interval timers at the edges: a 1 us period (ignored or handled) must not
 * lock up the machine, out-of-range times are refused, getitimer reports
 * the period the kernel really uses, and a sleep longer than the clock can
 * count sleeps until a signal. */
#include <signal.h>
#include <stdint.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

/* The kernel's floor for it_interval (ITIMER_MIN_INTERVAL_NS). */
#define MIN_INTERVAL_US 1000

static volatile sig_atomic_t alarms;

static void alarm_handler(int sig)
{
    (void)sig;
    alarms++;
}

static int install(void (*fn)(int))
{
    struct sigaction a;
    memset(&a, 0, sizeof(a));
    a.sa_handler = fn;
    return sigaction(SIGALRM, &a, NULL);
}

static int disarm(void)
{
    struct itimerval off = { .it_value = { 0, 0 }, .it_interval = { 0, 0 } };
    return setitimer(ITIMER_REAL, &off, NULL);
}

/* Work that needs the scheduler, the timer and another process: a child is
 * forked, writes through a pipe and is reaped, several times. */
static int do_work(void)
{
    for (int round = 0; round < 5; round++) {
        int fds[2];
        if (pipe(fds) < 0)
            return -1;
        pid_t pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0) {
            msleep(2);
            _exit(write(fds[1], "x", 1) == 1 ? 0 : 1);
        }
        char c = 0;
        ssize_t got;
        do
            got = read(fds[0], &c, 1);
        while (got < 0 && errno == EINTR);
        close(fds[0]);
        close(fds[1]);
        if (got != 1 || c != 'x' || wait_for(pid) != 0)
            return -1;
    }
    return 0;
}

/* Before the fix the timer re-armed 1 us after its old deadline, fell ever
 * further behind and kept a 1-CPU machine in its timer interrupt. */
static void itimer_1us_ignored_machine_responsive(void)
{
    CHECK_OK(install(SIG_IGN));
    struct itimerval it = { .it_value = { 0, 1 }, .it_interval = { 0, 1 } };
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    int rc = do_work();
    CHECK_OK(disarm());
    CHECK_EQ("fork/pipe/wait work under a 1 us timer", 0, rc);
}

static void itimer_1us_handled_machine_responsive(void)
{
    alarms = 0;
    CHECK_OK(install(alarm_handler));
    struct itimerval it = { .it_value = { 0, 1 }, .it_interval = { 0, 1 } };
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    while (alarms < 20)
        pause();
    int rc = do_work();
    CHECK_OK(disarm());
    CHECK_EQ("fork/pipe/wait work under a 1 us timer", 0, rc);
    CHECK(alarms >= 20, "expected at least 20 SIGALRM, got %d", (int)alarms);
}

static void itimer_huge_seconds_einval(void)
{
    struct itimerval it = { .it_value = { INT64_MAX, 0 }, .it_interval = { 0, 0 } };
    CHECK_ERRNO(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
    it = (struct itimerval){ .it_value = { 1, 0 }, .it_interval = { INT64_MAX / 1000, 0 } };
    CHECK_ERRNO(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
    /* 2^64 ns / 1e9, rounded up: wrapped to a few ns before the fix */
    it = (struct itimerval){ .it_value = { 18446744074LL, 0 }, .it_interval = { 0, 0 } };
    CHECK_ERRNO(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
    it = (struct itimerval){ .it_value = { 1, 1000000 }, .it_interval = { 0, 0 } };
    CHECK_ERRNO(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
    struct itimerval cur;
    CHECK_OK(getitimer(ITIMER_REAL, &cur));
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0,
          "refused setitimer armed the timer: %lld.%06ld left",
          (long long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
    /* the longest value the kernel keeps (about 146 years) is accepted */
    it = (struct itimerval){ .it_value = { 100LL * 365 * 86400, 0 }, .it_interval = { 0, 0 } };
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    CHECK_OK(getitimer(ITIMER_REAL, &cur));
    CHECK_OK(disarm());
    CHECK(cur.it_value.tv_sec > 99LL * 365 * 86400 && cur.it_value.tv_sec <= 100LL * 365 * 86400,
          "100-year timer reads %lld s", (long long)cur.it_value.tv_sec);
}

static void getitimer_reports_clamped_interval(void)
{
    CHECK_OK(install(SIG_IGN));
    struct itimerval it = { .it_value = { 10, 0 }, .it_interval = { 0, 1 } }, old, cur;
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    CHECK_OK(getitimer(ITIMER_REAL, &cur));
    CHECK_EQ("it_interval.tv_sec", 0, cur.it_interval.tv_sec);
    CHECK_EQ("it_interval.tv_usec (the 1 ms floor)", MIN_INTERVAL_US, cur.it_interval.tv_usec);
    CHECK(cur.it_value.tv_sec <= 10 && (cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0) &&
          cur.it_value.tv_usec >= 0 && cur.it_value.tv_usec < 1000000,
          "it_value %lld.%06ld, expected (0, 10 s]",
          (long long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
    /* now let it run with its 1 ms period: the value left stays within
     * one period and is never 0 while armed */
    it = (struct itimerval){ .it_value = { 0, 1 }, .it_interval = { 0, 1 } };
    CHECK_OK(setitimer(ITIMER_REAL, &it, &old));
    CHECK_EQ("old it_interval.tv_usec", MIN_INTERVAL_US, old.it_interval.tv_usec);
    for (int i = 0; i < 50; i++) {
        CHECK_OK(getitimer(ITIMER_REAL, &cur));
        CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 &&
              cur.it_value.tv_usec <= MIN_INTERVAL_US,
              "periodic it_value %lld.%06ld, expected (0, 1 ms]",
              (long long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
    }
    CHECK_OK(disarm());
    CHECK_OK(getitimer(ITIMER_REAL, &cur));
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0 &&
          cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 0,
          "disarmed timer reads %lld.%06ld / %lld.%06ld",
          (long long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec,
          (long long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_usec);
}

/* A sleep longer than the clock can count sleeps until a signal comes;
 * before the fix the deadline wrapped around and it returned at once. */
static void nanosleep_huge_sleeps_until_signal(void)
{
    alarms = 0;
    CHECK_OK(install(alarm_handler));
    struct itimerval it = { .it_value = { 0, 200000 }, .it_interval = { 0, 0 } };
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    struct timespec req = { 18446744074LL, 0 }, rem = { 0, 0 };
    CHECK_ERRNO(nanosleep(&req, &rem), EINTR);
    CHECK_EQ("SIGALRM handled", 1, alarms);
    CHECK(rem.tv_sec > 1000000000LL, "remaining %lld s after a signal", (long long)rem.tv_sec);
    req = (struct timespec){ -1, 0 };
    CHECK_ERRNO(nanosleep(&req, NULL), EINVAL);
    req = (struct timespec){ 0, 1000000000L };
    CHECK_ERRNO(nanosleep(&req, NULL), EINVAL);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(itimer_huge_seconds_einval),
        TAP_TEST(getitimer_reports_clamped_interval),
        TAP_TEST(nanosleep_huge_sleeps_until_signal),
        TAP_TEST(itimer_1us_ignored_machine_responsive),
        TAP_TEST(itimer_1us_handled_machine_responsive),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
