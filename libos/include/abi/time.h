/* Time: clock ids are newlib's (CLOCK_REALTIME is 1, CLOCK_MONOTONIC 4: not
 * Linux's 0 and 1); struct timespec is struct abi_timespec, struct timeval
 * struct abi_timeval (abi/select.h), both newlib's layouts. */
#ifndef ABI_TIME_H
#define ABI_TIME_H

#include <stdint.h>
#include <abi/select.h>

struct abi_timespec {
    int64_t tv_sec;     /* newlib's time_t: long */
    long tv_nsec;
};

#define ABI_CLOCK_REALTIME           1
#define ABI_CLOCK_PROCESS_CPUTIME_ID 2
#define ABI_CLOCK_THREAD_CPUTIME_ID  3
#define ABI_CLOCK_MONOTONIC          4

/* setitimer/getitimer (newlib's values and struct itimerval layout) */
#define ABI_ITIMER_REAL    0
#define ABI_ITIMER_VIRTUAL 1
#define ABI_ITIMER_PROF    2
struct abi_itimerval {
    struct abi_timeval it_interval;     /* offset 0 */
    struct abi_timeval it_value;        /* offset 16 */
};

/* SYS_times fills this, in nanoseconds, and returns the monotonic clock in
 * nanoseconds; the process side converts to newlib's clock_t ticks
 * (CLOCKS_PER_SEC differs between newlib's two targets). */
struct abi_tms_ns {
    uint64_t utime_ns;
    uint64_t stime_ns;
    uint64_t cutime_ns;     /* reaped children */
    uint64_t cstime_ns;
};

/* wait4's struct rusage: newlib's (two struct timevals, 32 bytes) */
struct abi_rusage {
    struct abi_timeval ru_utime;
    struct abi_timeval ru_stime;
};

#endif
