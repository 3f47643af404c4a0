/* Signal calls: copy the user structures in and out around libos/proc's
 * signal functions. */
#include <abi/errno.h>
#include <abi/signal.h>
#include <abi/time.h>
#include <proc/calls.h>
#include <sched/timer.h>
#include "syscall_internal.h"

SYS_DEFINE(sigaction)
{
    struct abi_sigaction act, old;
    if (a[1] && copy_from_user(&act, (const void *)a[1], sizeof(act)) < 0)
        return -EFAULT;
    if (a[2] && !user_range_ok(a[2], sizeof(old), VM_WRITE))
        return -EFAULT;
    long rc = sig_action((int)a[0], a[1] ? &act : NULL, a[2] ? &old : NULL);
    if (rc == 0 && a[2] && copy_to_user((void *)a[2], &old, sizeof(old)) < 0)
        return -EFAULT;
    return rc;
}

SYS_DEFINE(sigprocmask)
{
    abi_sigset_t set, old;
    if (a[1] && copy_from_user(&set, (const void *)a[1], sizeof(set)) < 0)
        return -EFAULT;
    if (a[2] && !user_range_ok(a[2], sizeof(old), VM_WRITE))
        return -EFAULT;
    long rc = sig_procmask((int)a[0], a[1] ? &set : NULL, a[2] ? &old : NULL);
    if (rc == 0 && a[2] && copy_to_user((void *)a[2], &old, sizeof(old)) < 0)
        return -EFAULT;
    return rc;
}

SYS_DEFINE(sigpending)
{
    abi_sigset_t set = sig_pending_set();
    return copy_to_user((void *)a[0], &set, sizeof(set));
}

SYS_DEFINE(sigsuspend)
{
    abi_sigset_t mask;
    if (copy_from_user(&mask, (const void *)a[0], sizeof(mask)) < 0)
        return -EFAULT;
    return sig_suspend(mask);
}

SYS_DEFINE(sigaltstack)
{
    struct abi_stack ss, old;
    if (a[0] && copy_from_user(&ss, (const void *)a[0], sizeof(ss)) < 0)
        return -EFAULT;
    if (a[1] && !user_range_ok(a[1], sizeof(old), VM_WRITE))
        return -EFAULT;
    long rc = sig_altstack(a[0] ? &ss : NULL, a[1] ? &old : NULL, arch_user_sp(tf));
    if (rc == 0 && a[1] && copy_to_user((void *)a[1], &old, sizeof(old)) < 0)
        return -EFAULT;
    return rc;
}

SYS_DEFINE(sigreturn)
{
    return sig_return(tf);
}

SYS_DEFINE(alarm)
{
    return sig_alarm((unsigned)a[0]);
}

SYS_DEFINE(setitimer)
{
    struct abi_itimerval nv, old;
    if (copy_from_user(&nv, (const void *)a[1], sizeof(nv)) < 0)
        return -EFAULT;
    if (a[2] && !user_range_ok(a[2], sizeof(old), VM_WRITE))
        return -EFAULT;
    long rc = sig_setitimer((int)a[0], &nv, a[2] ? &old : NULL);
    if (rc == 0 && a[2] && copy_to_user((void *)a[2], &old, sizeof(old)) < 0)
        return -EFAULT;
    return rc;
}

SYS_DEFINE(getitimer)
{
    struct abi_itimerval cur;
    long rc = sig_getitimer((int)a[0], &cur);
    if (rc == 0 && copy_to_user((void *)a[1], &cur, sizeof(cur)) < 0)
        return -EFAULT;
    return rc;
}

SYS_DEFINE(pause)
{
    return sig_pause();
}

SYS_DEFINE(sigqueue)
{
    return sig_queue((int)a[0], (int)a[1], a[2]);
}

SYS_DEFINE(sigtimedwait)
{
    abi_sigset_t set;
    if (copy_from_user(&set, (const void *)a[0], sizeof(set)) < 0)
        return -EFAULT;
    if (a[1] && !user_range_ok(a[1], sizeof(struct abi_siginfo), VM_WRITE))
        return -EFAULT;
    uint64_t timeout_ns = 0;
    bool has_timeout = false;
    if (a[2]) {
        struct abi_timespec ts;
        if (copy_from_user(&ts, (const void *)a[2], sizeof(ts)) < 0)
            return -EFAULT;
        /* too long a wait (-ERANGE) is one for ever, as nanosleep's */
        int rc = time_to_ns(ts.tv_sec, ts.tv_nsec, &timeout_ns);
        if (rc == -EINVAL)
            return -EINVAL;
        has_timeout = rc != -ERANGE;
    }
    struct abi_siginfo info;
    long rc = sig_timedwait(set, &info, has_timeout ? &timeout_ns : NULL);
    if (rc > 0 && a[1] && copy_to_user((void *)a[1], &info, sizeof(info)) < 0)
        return -EFAULT;
    return rc;
}
