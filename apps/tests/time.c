/* Time: the monotonic clock advances, nanosleep never returns early,
 * gettimeofday agrees with CLOCK_REALTIME, times() counts, bad arguments
 * give EINVAL. */
#include <stdio.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

static long long ns(const struct timespec *ts)
{
    return (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static void clock_monotonic_advances(void)
{
    struct timespec a, b;
    CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &a));
    for (volatile int i = 0; i < 1000000; i++)
        ;
    CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &b));
    CHECK(ns(&b) > ns(&a), "monotonic clock did not advance: %lld then %lld", ns(&a), ns(&b));
    CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000, "tv_nsec out of range: %ld", a.tv_nsec);
}

static void nanosleep_not_early(void)
{
    static const long durations_ms[] = { 1, 20, 150 };
    for (unsigned i = 0; i < sizeof(durations_ms) / sizeof(durations_ms[0]); i++) {
        struct timespec a, b, req = { 0, durations_ms[i] * 1000000 };
        clock_gettime(CLOCK_MONOTONIC, &a);
        CHECK_OK(nanosleep(&req, NULL));
        clock_gettime(CLOCK_MONOTONIC, &b);
        long long slept = ns(&b) - ns(&a);
        CHECK(slept >= durations_ms[i] * 1000000LL, "nanosleep(%ld ms) returned after %lld ns",
              durations_ms[i], slept);
        CHECK(slept < durations_ms[i] * 1000000LL + 2000000000LL,
              "nanosleep(%ld ms) took %lld ns", durations_ms[i], slept);
    }
}

static void nanosleep_invalid_einval(void)
{
    struct timespec bad = { 0, 1000000000 }, neg = { -1, 0 };
    CHECK_ERRNO(nanosleep(&bad, NULL), EINVAL);
    CHECK_ERRNO(nanosleep(&neg, NULL), EINVAL);
}

static void realtime_matches_gettimeofday(void)
{
    struct timespec ts;
    struct timeval tv;
    CHECK_OK(clock_gettime(CLOCK_REALTIME, &ts));
    CHECK_OK(gettimeofday(&tv, NULL));
    long long diff_us = ((long long)tv.tv_sec * 1000000 + tv.tv_usec) - ns(&ts) / 1000;
    CHECK(diff_us >= 0 && diff_us < 1000000, "gettimeofday - CLOCK_REALTIME: %lld us", diff_us);
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "tv_usec out of range: %ld", (long)tv.tv_usec);
    CHECK(ts.tv_sec > 1600000000, "CLOCK_REALTIME %ld is before 2020", (long)ts.tv_sec);
    CHECK(time(NULL) >= ts.tv_sec, "time() behind CLOCK_REALTIME");
}

static void clock_invalid_einval(void)
{
    struct timespec ts;
    CHECK_ERRNO(clock_gettime((clockid_t)999, &ts), EINVAL);
}

static void times_counts_elapsed(void)
{
    struct tms t;
    clock_t a = times(&t);
    CHECK(a != (clock_t)-1, "times failed: errno %d", errno);
    msleep(200);
    clock_t b = times(&t);
    long ticks = (long)(b - a);
    long expected = 200 * CLOCKS_PER_SEC / 1000;
    CHECK(ticks >= expected - 1, "times() advanced %ld ticks over 200 ms, expected >= %ld", ticks,
          expected);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(clock_monotonic_advances),
        TAP_TEST(nanosleep_not_early),
        TAP_TEST(nanosleep_invalid_einval),
        TAP_TEST(realtime_matches_gettimeofday),
        TAP_TEST(clock_invalid_einval),
        TAP_TEST(times_counts_elapsed),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
