/* Time calls. CLOCK_MONOTONIC is the platform's nanosecond clock;
 * CLOCK_REALTIME is the same clock plus the wall time at boot
 * (clock_realtime_ns). The CPU-time clocks and times() count the time the
 * process's (or the calling thread's) threads held a CPU, kernel time
 * included (there is no user/system split: stime is 0). */
#include <abi/errno.h>
#include <abi/time.h>
#include <plat/cpu.h>
#include <plat/timer.h>
#include <sched/timer.h>
#include <sched/wait.h>
#include <proc/calls.h>
#include "syscall_internal.h"

#define NS_PER_SEC 1000000000ULL

static struct abi_timespec ns_to_ts(uint64_t ns)
{
    return (struct abi_timespec){ (int64_t)(ns / NS_PER_SEC), (long)(ns % NS_PER_SEC) };
}

SYS_DEFINE(clock_gettime)
{
    uint64_t now;
    switch (a[0]) {
    case ABI_CLOCK_REALTIME:
        now = clock_realtime_ns();
        break;
    case ABI_CLOCK_MONOTONIC:
        now = plat_time_ns();
        break;
    case ABI_CLOCK_PROCESS_CPUTIME_ID:
        now = proc_cpu_time_ns(true);
        break;
    case ABI_CLOCK_THREAD_CPUTIME_ID:
        now = proc_cpu_time_ns(false);
        break;
    default:
        return -EINVAL;
    }
    struct abi_timespec ts = ns_to_ts(now);
    return copy_to_user((void *)a[1], &ts, sizeof(ts));
}

SYS_DEFINE(gettimeofday)
{
    uint64_t now = clock_realtime_ns();
    struct abi_timeval tv = { (int64_t)(now / NS_PER_SEC), (long)((now % NS_PER_SEC) / 1000) };
    if (a[0] && copy_to_user((void *)a[0], &tv, sizeof(tv)) < 0)
        return -EFAULT;
    if (a[1]) {
        int tz[2] = { 0, 0 };
        if (copy_to_user((void *)a[1], tz, sizeof(tz)) < 0)
            return -EFAULT;
    }
    return 0;
}

SYS_DEFINE(nanosleep)
{
    struct abi_timespec req;
    if (copy_from_user(&req, (const void *)a[0], sizeof(req)) < 0)
        return -EFAULT;
    /* A longer sleep than TIME_MAX_REL_NS (-ERANGE) is a sleep for ever,
     * as Linux clamps it. */
    uint64_t req_ns;
    if (time_to_ns(req.tv_sec, req.tv_nsec, &req_ns) == -EINVAL)
        return -EINVAL;
    if (a[1] && !user_range_ok(a[1], sizeof(req), VM_WRITE))
        return -EFAULT;
    /* A restart after a stop or an ignored signal ends when the first
     * call would have (the time left, as Linux's restart_syscall does). */
    uint64_t deadline;
    if (!proc_take_sleep_deadline(&deadline))
        deadline = plat_time_ns() + req_ns;
    struct waitq wq;
    struct spinlock lock = SPINLOCK_INIT;
    waitq_init(&wq);
    unsigned long flags = spin_lock_irqsave(&lock);
    long rc = 0;
    while (plat_time_ns() < deadline) {
        if (waitq_sleep(&wq, &lock, deadline) == -EINTR) {
            rc = -EINTR;
            break;
        }
    }
    spin_unlock_irqrestore(&lock, flags);
    if (rc == -EINTR && a[1]) {
        uint64_t now = plat_time_ns();
        struct abi_timespec rem = ns_to_ts(deadline > now ? deadline - now : 0);
        if (copy_to_user((void *)a[1], &rem, sizeof(rem)) < 0)
            return -EFAULT;
    }
    if (rc == -EINTR)
        proc_sleep_interrupted(deadline);
    return rc;
}

SYS_DEFINE(times)
{
    struct abi_tms_ns t = { proc_cpu_time_ns(true), 0, proc_children_cpu_ns(), 0 };
    uint64_t now = plat_time_ns();
    if (a[0] && copy_to_user((void *)a[0], &t, sizeof(t)) < 0)
        return -EFAULT;
    return (long)now;
}
