/* Job-control queries for the TTY layer (proc/job.h): process groups and
 * sessions seen from outside libos/proc, under proc_lock; the TTY layer's
 * session hooks, which it registers at boot; and POSIX's
 * orphaned process groups (proc_job_hup_orphaned_locked, for exit, setsid
 * and setpgid). */
#include <abi/errno.h>
#include <proc/job.h>
#include "proc_internal.h"

/* The TTY layer's hooks: set once at boot, before any process exists. */
static const struct proc_job_tty_ops *tty_ops;

void proc_job_set_tty(const struct proc_job_tty_ops *ops)
{
    tty_ops = ops;
}

const struct proc_job_tty_ops *proc_job_tty(void)
{
    return tty_ops;
}

bool proc_job_current(struct proc_job_id *out)
{
    struct proc *me = proc_current();
    if (!me)
        return false;
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    out->pid = me->pid;
    out->pgid = me->pgid;
    out->sid = me->sid;
    spin_unlock_irqrestore(&proc_lock, flags);
    return true;
}

int proc_job_signal_pgrp(int pgid, int sig)
{
    if (pgid <= 0 || sig <= 0 || sig >= NSIG)
        return -EINVAL;
    struct abi_siginfo info = { .si_signo = sig, .si_code = SI_KERNEL };
    int rc = -ESRCH;
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    for (struct proc *p = proc_iter(NULL); p; p = proc_iter(p)) {
        if (p->pgid != pgid || p->state != PROC_ALIVE)
            continue;
        sig_send_proc(p, sig, &info);
        rc = 0;
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return rc;
}

bool proc_job_pgrp_in_session(int pgid, int sid)
{
    bool is_found = false;
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    for (struct proc *p = proc_iter(NULL); p && !is_found; p = proc_iter(p))
        is_found = p->pgid == pgid && p->sid == sid && p->state == PROC_ALIVE;
    spin_unlock_irqrestore(&proc_lock, flags);
    return is_found;
}

bool proc_job_session_exists(int sid)
{
    bool is_found = false;
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    for (struct proc *p = proc_iter(NULL); p && !is_found; p = proc_iter(p))
        is_found = p->sid == sid && p->state == PROC_ALIVE;
    spin_unlock_irqrestore(&proc_lock, flags);
    return is_found;
}

bool proc_job_pgrp_is_orphaned_locked(int pgid)
{
    spin_assert_held(&proc_lock);
    for (struct proc *p = proc_iter(NULL); p; p = proc_iter(p)) {
        if (p->pgid != pgid || p->state != PROC_ALIVE || !p->parent)
            continue;
        struct proc *parent = p->parent;
        if (parent->state == PROC_ALIVE && parent->pgid != pgid && parent->sid == p->sid)
            return false;
    }
    return true;
}

bool proc_job_pgrp_is_orphaned(int pgid)
{
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    bool is_orphaned = proc_job_pgrp_is_orphaned_locked(pgid);
    spin_unlock_irqrestore(&proc_lock, flags);
    return is_orphaned;
}

/* POSIX: a process group that became orphaned and has a stopped member
 * gets SIGHUP then SIGCONT (nobody in the session could continue it).
 * Called after the change that may have orphaned it. */
void proc_job_hup_orphaned_locked(int pgid)
{
    spin_assert_held(&proc_lock);
    if (pgid <= 0)
        return;
    bool has_stopped = false;
    for (struct proc *p = proc_iter(NULL); p && !has_stopped; p = proc_iter(p))
        has_stopped = p->pgid == pgid && p->state == PROC_ALIVE && p->is_stopped;
    if (!has_stopped || !proc_job_pgrp_is_orphaned_locked(pgid))
        return;
    static const int sigs[] = { SIGHUP, SIGCONT };
    for (unsigned i = 0; i < 2; i++) {
        struct abi_siginfo info = { .si_signo = sigs[i], .si_code = SI_KERNEL };
        for (struct proc *p = proc_iter(NULL); p; p = proc_iter(p))
            if (p->pgid == pgid && p->state == PROC_ALIVE)
                sig_send_proc(p, sigs[i], &info);
    }
}

bool proc_job_sig_is_ignored_or_blocked(int sig)
{
    struct proc_thread *pt = proc_thread_current();
    if (!pt || sig <= 0 || sig >= NSIG)
        return false;
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    bool rc = pt->proc->actions[sig].handler == ABI_SIG_IGN || (pt->mask & ABI_SIGBIT(sig));
    spin_unlock_irqrestore(&proc_lock, flags);
    return rc;
}
