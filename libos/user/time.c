/* Clocks and sleeping: clock_gettime (newlib's clock ids, which the kernel
 * takes as they are), nanosleep and what builds on it. */
#include <errno.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    return (int)tandem_result(tandem_syscall2(SYS_clock_gettime, clock, ts));
}

int clock_getres(clockid_t clock, struct timespec *res)
{
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC &&
        clock != CLOCK_PROCESS_CPUTIME_ID && clock != CLOCK_THREAD_CPUTIME_ID) {
        errno = EINVAL;
        return -1;
    }
    if (res) {
        res->tv_sec = 0;
        res->tv_nsec = 1;
    }
    return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    return (int)tandem_result(tandem_syscall2(SYS_nanosleep, req, rem));
}

unsigned sleep(unsigned seconds)
{
    struct timespec req = { .tv_sec = seconds, .tv_nsec = 0 }, rem;

    if (nanosleep(&req, &rem) < 0)
        return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
    return 0;
}

int usleep(useconds_t usec)
{
    struct timespec req = { .tv_sec = usec / 1000000, .tv_nsec = (long)(usec % 1000000) * 1000 };

    return nanosleep(&req, NULL);
}

/* No yield syscall: a zero-length sleep goes through the scheduler. */
int sched_yield(void)
{
    struct timespec zero = { 0, 0 };

    tandem_syscall2(SYS_nanosleep, &zero, 0);
    return 0;
}
