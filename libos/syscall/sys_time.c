/* Time calls. CLOCK_MONOTONIC is the platform's nanosecond clock;
 * CLOCK_REALTIME is the same clock plus the wall time at boot, read once
 * from the platform's real-time clock (plat_wall_clock_ns) when it has
 * one, else 0 (REALTIME then starts at the epoch). */
#include <abi/errno.h>
#include <abi/time.h>
#include <plat/timer.h>
#include <sched/wait.h>
#include "../proc/proc_internal.h"
#include "syscall_internal.h"

#define NS_PER_SEC 1000000000ULL

static uint64_t boot_wall_ns_value;
static bool is_boot_wall_known;

static uint64_t boot_wall_ns(void)
{
    if (!__atomic_load_n(&is_boot_wall_known, __ATOMIC_ACQUIRE)) {
        uint64_t wall = plat_wall_clock_ns(), now = plat_time_ns();
        boot_wall_ns_value = wall > now ? wall - now : 0;
        __atomic_store_n(&is_boot_wall_known, true, __ATOMIC_RELEASE);
    }
    return boot_wall_ns_value;
}

static struct abi_timespec ns_to_ts(uint64_t ns)
{
    return (struct abi_timespec){ (int64_t)(ns / NS_PER_SEC), (long)(ns % NS_PER_SEC) };
}

SYS_DEFINE(clock_gettime)
{
    (void)tf;
    uint64_t now = plat_time_ns();
    switch (a[0]) {
    case ABI_CLOCK_REALTIME:
        now += boot_wall_ns();
        break;
    case ABI_CLOCK_MONOTONIC:
        break;
    case ABI_CLOCK_PROCESS_CPUTIME_ID:
    case ABI_CLOCK_THREAD_CPUTIME_ID:
        /* No CPU-time accounting yet: the process's lifetime bounds it. */
        now -= proc_current()->start_ns;
        break;
    default:
        return -EINVAL;
    }
    struct abi_timespec ts = ns_to_ts(now);
    return copy_to_user((void *)a[1], &ts, sizeof(ts));
}

SYS_DEFINE(gettimeofday)
{
    (void)tf;
    uint64_t now = plat_time_ns() + boot_wall_ns();
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
    (void)tf;
    struct abi_timespec req;
    if (copy_from_user(&req, (const void *)a[0], sizeof(req)) < 0)
        return -EFAULT;
    if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= (long)NS_PER_SEC)
        return -EINVAL;
    if (a[1] && !user_range_ok(a[1], sizeof(req), VM_WRITE))
        return -EFAULT;
    uint64_t deadline = plat_time_ns() + (uint64_t)req.tv_sec * NS_PER_SEC + (uint64_t)req.tv_nsec;
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
    return rc;
}

SYS_DEFINE(times)
{
    (void)tf;
    uint64_t now = plat_time_ns();
    struct proc *p = proc_current();
    /* No per-thread CPU accounting yet: user time is the lifetime. */
    struct abi_tms_ns t = { now - p->start_ns, 0, p->children_ns, 0 };
    if (a[0] && copy_to_user((void *)a[0], &t, sizeof(t)) < 0)
        return -EFAULT;
    return (long)now;
}
