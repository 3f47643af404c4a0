/* Signals: per-process actions, per-thread masks and pending sets,
 * generation (kill, tgkill, faults, timers, SIGCHLD), the stop/continue
 * default actions at generation time, and delivery on every return to user
 * mode (sig_return_work, the kernel's return work: kern/uspace.h) through
 * frames the platform builds
 * (arch_signal_push) and the gate's sigreturn trampoline. */
#include <string.h>
#include <abi/errno.h>
#include <abi/gate.h>
#include <abi/wait.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <mm/vm.h>
#include <plat/cpu.h>
#include <plat/timer.h>
#include <proc/proc.h>
#include "proc_internal.h"

#define SIG_VALID_MASK  (~(abi_sigset_t)0 & ~ABI_SIGBIT(0) & ((ABI_SIGBIT(NSIG - 1) << 1) - 1))
#define SIG_UNBLOCKABLE (ABI_SIGBIT(SIGKILL) | ABI_SIGBIT(SIGSTOP))
#define SIG_STOPS       (ABI_SIGBIT(SIGSTOP) | ABI_SIGBIT(SIGTSTP) | ABI_SIGBIT(SIGTTIN) | \
                         ABI_SIGBIT(SIGTTOU))
#define SIG_DEFAULT_IGNORE (ABI_SIGBIT(SIGCHLD) | ABI_SIGBIT(SIGURG) | ABI_SIGBIT(SIGWINCH) | \
                            ABI_SIGBIT(SIGCONT))
#define SIG_CORE        (ABI_SIGBIT(SIGQUIT) | ABI_SIGBIT(SIGILL) | ABI_SIGBIT(SIGTRAP) | \
                         ABI_SIGBIT(SIGABRT) | ABI_SIGBIT(SIGFPE) | ABI_SIGBIT(SIGSEGV) | \
                         ABI_SIGBIT(SIGBUS) | ABI_SIGBIT(SIGSYS) | ABI_SIGBIT(SIGXCPU) | \
                         ABI_SIGBIT(SIGXFSZ))

static bool sig_is_valid(int sig)
{
    return sig > 0 && sig < NSIG;
}

static bool sig_is_ignored(const struct proc *p, int sig)
{
    uintptr_t h = p->actions[sig].handler;
    if (sig == SIGKILL || sig == SIGSTOP)
        return false;
    return h == ABI_SIG_IGN || (h == ABI_SIG_DFL && (ABI_SIGBIT(sig) & SIG_DEFAULT_IGNORE));
}

/* Whether a new sig for p (for_thread: that thread's only) is dropped at
 * once. A blocked signal never is, as on Linux: the action may change
 * before it is unblocked, and sigpending must show it; delivery drops it
 * then if it is still ignored. A signal for the process counts as blocked
 * when any of its threads blocks it. */
static bool sig_is_discarded(const struct proc *p, const struct proc_thread *for_thread, int sig)
{
    spin_assert_held(&proc_lock);
    if (!sig_is_ignored(p, sig))
        return false;
    if (for_thread)
        return !(for_thread->mask & ABI_SIGBIT(sig));
    struct list *pos;
    list_for_each(pos, &p->threads)
        if (list_entry(pos, struct proc_thread, link)->mask & ABI_SIGBIT(sig))
            return false;
    return true;
}

/* ---- real-time signals --------------------------------------------------
 * SIGRTMIN..SIGRTMAX are queued: each send keeps its siginfo (sigqueue's
 * value) and is delivered once, lowest number first, in sending order
 * within a number; the pending bit says "queued here". A process holds at
 * most SIG_QUEUE_MAX (its own and its threads'): beyond, sigqueue and
 * tgkill get EAGAIN and kill's are dropped. The standard signals keep one
 * pending instance and its info in pending_info. */
#define SIG_QUEUE_MAX 256

struct sig_queued {
    struct list link;
    struct abi_siginfo info;    /* si_signo: which signal */
};

static int sig_queue_add(struct proc *p, struct list *q, abi_sigset_t *pending,
                         const struct abi_siginfo *info)
{
    spin_assert_held(&proc_lock);
    if (p->rt_queued >= SIG_QUEUE_MAX)
        return -EAGAIN;
    struct sig_queued *e = kmalloc(sizeof(*e));
    if (!e)
        return -EAGAIN;
    e->info = *info;
    list_push_back(q, &e->link);
    p->rt_queued++;
    *pending |= ABI_SIGBIT(info->si_signo);
    return 0;
}

void sig_queue_discard(struct proc *p, struct list *q, int sig)
{
    spin_assert_held(&proc_lock);
    struct list *pos = q->next;
    while (pos != q) {
        struct sig_queued *e = list_entry(pos, struct sig_queued, link);
        pos = pos->next;
        if (sig == 0 || e->info.si_signo == sig) {
            list_remove(&e->link);
            p->rt_queued--;
            kfree(e);
        }
    }
}

/* Takes one instance of pending signal sig, the thread's before the
 * process's, and its info. */
static void take_signal(struct proc_thread *pt, int sig, struct abi_siginfo *info)
{
    spin_assert_held(&proc_lock);
    struct proc *p = pt->proc;
    bool is_thread = pt->pending & ABI_SIGBIT(sig);
    abi_sigset_t *pending = is_thread ? &pt->pending : &p->pending;
    if (sig < SIGRTMIN) {
        *pending &= ~ABI_SIGBIT(sig);
        *info = is_thread ? pt->pending_info[sig] : p->pending_info[sig];
        return;
    }
    struct list *q = is_thread ? &pt->rt_queue : &p->rt_queue;
    struct sig_queued *found = NULL;
    bool has_more = false;
    struct list *pos;
    list_for_each(pos, q) {
        struct sig_queued *e = list_entry(pos, struct sig_queued, link);
        if (e->info.si_signo != sig)
            continue;
        if (found) {
            has_more = true;
            break;
        }
        found = e;
    }
    if (!has_more)
        *pending &= ~ABI_SIGBIT(sig);
    if (!found) {                       /* cannot happen: the bit says queued */
        *info = (struct abi_siginfo){ .si_signo = sig, .si_code = SI_KERNEL };
        return;
    }
    *info = found->info;
    list_remove(&found->link);
    p->rt_queued--;
    kfree(found);
}

/* Init (pid 1) gets only the signals it has a handler for, as on Linux:
 * one sent to it with the default action (SIGKILL and SIGSTOP always) is
 * dropped, so no process can end or stop it. A fault's signal is not sent
 * but queued by proc_user_fault, and still ends it. */
static bool is_dropped_by_init(const struct proc *p, int sig)
{
    spin_assert_held(&proc_lock);
    return p->is_unkillable &&
           (sig == SIGKILL || sig == SIGSTOP || p->actions[sig].handler == ABI_SIG_DFL);
}

/* Signals pt could take now. */
static abi_sigset_t deliverable(const struct proc_thread *pt)
{
    spin_assert_held(&proc_lock);
    return (pt->pending | pt->proc->pending) & ~(pt->mask & ~SIG_UNBLOCKABLE);
}

/* Re-evaluates whether pt must be interrupted. */
void sig_update_pending(struct proc_thread *pt)
{
    spin_assert_held(&proc_lock);
    if (!pt->kthread)
        return;
    if (deliverable(pt) || pt->is_exiting || pt->proc->is_exiting || pt->proc->is_stopped)
        thread_interrupt(pt->kthread);
    else
        thread_interrupt_clear(pt->kthread);
}

static void wake_all_threads(struct proc *p)
{
    struct list *pos;
    list_for_each(pos, &p->threads)
        sig_update_pending(list_entry(pos, struct proc_thread, link));
}

/* Continues a stopped process (SIGCONT, SIGKILL). */
static void proc_continue(struct proc *p)
{
    spin_assert_held(&proc_lock);
    if (!p->is_stopped)
        return;
    p->is_stopped = false;
    p->has_stop_report = false;
    p->has_cont_report = true;
    waitq_wake_all(&p->stop_wq);
    proc_notify_parent(p, CLD_CONTINUED, SIGCONT);
}

int sig_send_proc(struct proc *p, int sig, const struct abi_siginfo *info)
{
    spin_assert_held(&proc_lock);
    if (p->state != PROC_ALIVE || p->is_exiting || is_dropped_by_init(p, sig))
        return 0;
    if (sig == SIGKILL || sig == SIGCONT)
        proc_continue(p);
    if (ABI_SIGBIT(sig) & SIG_STOPS) {
        p->pending &= ~ABI_SIGBIT(SIGCONT);
    } else if (sig == SIGCONT) {
        p->pending &= ~SIG_STOPS;
        struct list *pos;
        list_for_each(pos, &p->threads)
            list_entry(pos, struct proc_thread, link)->pending &= ~SIG_STOPS;
    }
    if (sig_is_discarded(p, NULL, sig))
        return 0;
    if (sig >= SIGRTMIN) {
        int rc = sig_queue_add(p, &p->rt_queue, &p->pending, info);
        if (rc < 0)
            return rc;
    } else {
        if (!(p->pending & ABI_SIGBIT(sig)))
            p->pending_info[sig] = *info;
        p->pending |= ABI_SIGBIT(sig);
    }
    wake_all_threads(p);
    return 0;
}

/* Queues sig for one thread; whole-process effects for SIGKILL, SIGCONT
 * and the stops. */
static int send_thread_locked(struct proc_thread *pt, int sig, const struct abi_siginfo *info)
{
    spin_assert_held(&proc_lock);
    struct proc *p = pt->proc;
    if (sig == SIGKILL || sig == SIGCONT || (ABI_SIGBIT(sig) & SIG_STOPS))
        return sig_send_proc(p, sig, info);
    if (is_dropped_by_init(p, sig) || sig_is_discarded(p, pt, sig))
        return 0;
    if (sig >= SIGRTMIN) {
        int rc = sig_queue_add(p, &pt->rt_queue, &pt->pending, info);
        if (rc < 0)
            return rc;
    } else {
        if (!(pt->pending & ABI_SIGBIT(sig)))
            pt->pending_info[sig] = *info;
        pt->pending |= ABI_SIGBIT(sig);
    }
    sig_update_pending(pt);
    return 0;
}

int sig_send_thread(struct proc_thread *pt, int sig, const struct abi_siginfo *info)
{
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    int rc = send_thread_locked(pt, sig, info);
    spin_unlock_irqrestore(&proc_lock, flags);
    return rc;
}

/* ---- kill, tgkill ------------------------------------------------------- */

/* May me send sig to p (Linux's kill_ok_by_cred)? Root may; otherwise the
 * sender's real or effective uid must be the target's real or saved uid;
 * SIGCONT also goes to any process of the sender's session. The target's
 * ids are read without its cred_lock: a set*id racing with the send is
 * judged by the ids before or after it. */
static bool may_signal(struct proc *me, struct proc *p, int sig)
{
    spin_assert_held(&proc_lock);
    const struct cred *from = &me->ids.cred;
    const struct cred *to = &p->ids.cred;
    if (from->euid == 0 || p == me)
        return true;
    if (sig == SIGCONT && p->sid == me->sid)
        return true;
    return from->euid == to->uid || from->euid == to->suid || from->uid == to->uid ||
           from->uid == to->suid;
}

int sig_kill(int pid, int sig)
{
    struct proc *me = proc_current();
    if (sig < 0 || sig >= NSIG)
        return -EINVAL;
    struct abi_siginfo info = { .si_signo = sig, .si_code = SI_USER, .si_pid = me->pid,
                                .si_uid = me->ids.cred.uid };     /* the real uid */
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    int rc = -ESRCH;
    if (pid > 0) {
        struct proc *p = proc_find(pid);
        if (p) {
            rc = may_signal(me, p, sig) ? 0 : -EPERM;
            if (rc == 0 && sig)
                sig_send_proc(p, sig, &info);
        }
    } else {
        /* A group: success when one member got it; EPERM when members
         * exist but none may be signalled (kill -1 skips those, as Linux). */
        int pgid = pid == 0 ? me->pgid : -pid;
        for (struct proc *p = proc_iter(NULL); p; p = proc_iter(p)) {
            bool is_target = pid == -1 ? (p->pid != 1 && p != me) : p->pgid == pgid;
            if (!is_target || p->state != PROC_ALIVE)
                continue;
            if (!may_signal(me, p, sig)) {
                if (rc == -ESRCH && pid != -1)
                    rc = -EPERM;
                continue;
            }
            rc = 0;
            if (sig)
                sig_send_proc(p, sig, &info);
        }
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return rc;
}

int sig_tgkill(int pid, int tid, int sig)
{
    if (sig < 0 || sig >= NSIG || tid <= 0)
        return -EINVAL;
    struct proc *me = proc_current();
    struct abi_siginfo info = { .si_signo = sig, .si_code = SI_TKILL, .si_pid = me->pid,
                                .si_uid = me->ids.cred.uid };
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    struct proc *p = proc_find(pid);
    struct proc_thread *target = NULL;
    if (p && p->state == PROC_ALIVE && !may_signal(me, p, sig)) {
        spin_unlock_irqrestore(&proc_lock, flags);
        return -EPERM;
    }
    if (p && p->state == PROC_ALIVE) {
        struct list *pos;
        list_for_each(pos, &p->threads) {
            struct proc_thread *pt = list_entry(pos, struct proc_thread, link);
            if (pt->tid == tid)
                target = pt;
        }
    }
    /* Sent before the lock is dropped: proc_thread_exit unlinks and frees
     * a thread's proc_thread, and it unlinks it under proc_lock. */
    int rc = target ? 0 : -ESRCH;
    if (target && sig)
        rc = send_thread_locked(target, sig, &info);
    spin_unlock_irqrestore(&proc_lock, flags);
    return rc;
}

/* sigqueue: kill of one process, with a value; EAGAIN when its queue of
 * real-time signals is full. */
int sig_queue(int pid, int sig, uint64_t value)
{
    struct proc *me = proc_current();
    if (sig < 0 || sig >= NSIG)
        return -EINVAL;
    if (pid <= 0)
        return -ESRCH;
    struct abi_siginfo info = { .si_signo = sig, .si_code = SI_QUEUE, .si_pid = me->pid,
                                .si_uid = me->ids.cred.uid, .si_value = value };
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    struct proc *p = proc_find(pid);
    int rc = -ESRCH;
    if (p) {
        rc = may_signal(me, p, sig) ? 0 : -EPERM;
        if (rc == 0 && sig)
            rc = sig_send_proc(p, sig, &info);
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return rc;
}

/* ---- faults ------------------------------------------------------------- */

bool proc_user_fault(struct trap_frame *tf, enum trap_kind kind, uintptr_t fault_addr)
{
    struct proc_thread *pt = proc_thread_current();
    if (!pt)
        return false;
    int sig, code;
    switch (kind) {
    case TRAP_PAGE_FAULT:
        sig = SIGSEGV;
        code = SEGV_MAPERR;
        break;
    case TRAP_ALIGNMENT:
        sig = SIGBUS;
        code = BUS_ADRALN;
        break;
    case TRAP_UNDEFINED:
        sig = SIGILL;
        code = ILL_ILLOPC;
        break;
    case TRAP_DIVIDE:
        sig = SIGFPE;
        code = FPE_INTDIV;
        break;
    case TRAP_BREAKPOINT:
        sig = SIGTRAP;
        code = SI_KERNEL;
        break;
    default:
        sig = SIGSEGV;
        code = SI_KERNEL;
        break;
    }
    (void)tf;
    /* A fault inside a region is an access violation, else no mapping. */
    if (kind == TRAP_PAGE_FAULT && pt->proc->vm &&
        vm_range_allowed(pt->proc->vm, fault_addr, 1, 0))
        code = SEGV_ACCERR;
    struct abi_siginfo info = { .si_signo = sig, .si_code = code, .si_addr = fault_addr };
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    struct proc *p = pt->proc;
    /* A fault cannot be ignored or blocked: that would loop forever. */
    if (p->actions[sig].handler == ABI_SIG_IGN || (pt->mask & ABI_SIGBIT(sig))) {
        p->actions[sig].handler = ABI_SIG_DFL;
        pt->mask &= ~ABI_SIGBIT(sig);
    }
    pt->pending |= ABI_SIGBIT(sig);
    pt->pending_info[sig] = info;
    sig_update_pending(pt);
    spin_unlock_irqrestore(&proc_lock, flags);
    return true;
}

/* ---- delivery ----------------------------------------------------------- */

static int lowest_signal(abi_sigset_t set)
{
    if (set & ABI_SIGBIT(SIGKILL))
        return SIGKILL;
    return __builtin_ctzll(set);
}

/* Stops the process (a stop signal's default action) and sleeps until it
 * is continued or killed; it drops proc_lock while it waits. */
static void do_stop(struct proc *p, int sig, unsigned long *flags)
{
    spin_assert_held(&proc_lock);
    (void)flags;
    if (!p->is_stopped) {
        p->is_stopped = true;
        p->stop_sig = sig;
        p->has_stop_report = true;
        p->has_cont_report = false;
        proc_notify_parent(p, CLD_STOPPED, sig);
        wake_all_threads(p);
    }
    while (p->is_stopped && !p->is_exiting)
        waitq_sleep_uninterruptible(&p->stop_wq, &proc_lock, 0);
}

/* Whether sig_return_work has anything to do, read without proc_lock (the
 * common case on every return to user mode is nothing: no lock, no
 * interrupt-flag changes, which under TCG end a translation block each).
 * A change made after this look is seen as one made after the locked path
 * released the lock would be: its sender interrupts the thread
 * (thread_interrupt), which makes the CPU pass this path again. A thread
 * still marked interrupted takes the locked path, which clears the mark
 * when nothing is left (a signal ignored or discarded after it was sent),
 * so its interruptible sleeps do not keep failing with EINTR. */
static bool has_return_work(const struct proc_thread *pt)
{
    const struct proc *p = pt->proc;
    if (pt->kthread && thread_is_interrupted(pt->kthread))
        return true;
    abi_sigset_t pending = __atomic_load_n(&pt->pending, __ATOMIC_RELAXED) |
                           __atomic_load_n(&p->pending, __ATOMIC_RELAXED);
    abi_sigset_t mask = __atomic_load_n(&pt->mask, __ATOMIC_RELAXED);
    return (pending & ~(mask & ~SIG_UNBLOCKABLE)) || pt->is_restartable ||
           pt->has_saved_mask || __atomic_load_n(&pt->is_exiting, __ATOMIC_RELAXED) ||
           __atomic_load_n(&p->is_exiting, __ATOMIC_RELAXED) ||
           __atomic_load_n(&p->is_stopped, __ATOMIC_RELAXED);
}

static void return_work_slow(struct trap_frame *tf, struct proc_thread *pt);

/* Interrupts off (every return to user mode). The common case, nothing to
 * do, stays out of the slow path's large frame. */
void sig_return_work(struct trap_frame *tf)
{
    struct proc_thread *pt = thread_owner(thread_current_irqs_off());
    if (pt && has_return_work(pt))
        return_work_slow(tf, pt);
}

__attribute__((noinline))
static void return_work_slow(struct trap_frame *tf, struct proc_thread *pt)
{
    struct proc *p = pt->proc;
    bool is_restartable = pt->is_restartable;
    bool is_restart_nohand = pt->is_restart_nohand;
    bool has_handled = false;
    pt->is_restartable = false;
    pt->is_restart_nohand = false;

    arch_irq_enable();
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    for (;;) {
        if (p->is_exiting || pt->is_exiting) {
            spin_unlock_irqrestore(&proc_lock, flags);
            proc_thread_exit();
        }
        if (p->is_stopped) {
            do_stop(p, p->stop_sig, &flags);
            continue;
        }
        abi_sigset_t set = deliverable(pt);
        if (!set)
            break;
        int sig = lowest_signal(set);
        struct abi_siginfo info;
        take_signal(pt, sig, &info);
        struct abi_sigaction act = p->actions[sig];
        if (sig == SIGKILL || sig == SIGSTOP)
            act.handler = ABI_SIG_DFL;
        if (act.handler == ABI_SIG_IGN)
            continue;
        if (act.handler == ABI_SIG_DFL) {
            abi_sigset_t bit = ABI_SIGBIT(sig);
            if (bit & SIG_DEFAULT_IGNORE)
                continue;
            if (bit & SIG_STOPS) {
                /* POSIX: the terminal stop signals do nothing to an
                 * orphaned group (nobody could continue it). */
                if (sig != SIGSTOP && proc_job_pgrp_is_orphaned_locked(p->pgid))
                    continue;
                do_stop(p, sig, &flags);
                continue;
            }
            /* terminate (a core-dumping signal's status says so) */
            int status = ABI_W_EXITCODE(0, sig);
            if (bit & SIG_CORE)
                status |= ABI_W_COREFLAG;
            proc_begin_exit_locked(p, status);
            struct list *pos;
            list_for_each(pos, &p->threads) {
                struct proc_thread *t = list_entry(pos, struct proc_thread, link);
                if (t != pt && t->kthread)
                    thread_interrupt(t->kthread);
            }
            continue;
        }

        /* A handler: build its frame (may fault user pages in: unlock). */
        abi_sigset_t restore = pt->has_saved_mask ? pt->saved_mask : pt->mask;
        pt->has_saved_mask = false;
        abi_sigset_t blocked = pt->mask | (act.mask & SIG_VALID_MASK);
        if (!(act.flags & SA_NODEFER))
            blocked |= ABI_SIGBIT(sig);
        pt->mask = blocked & ~SIG_UNBLOCKABLE;
        if (act.flags & SA_RESETHAND)
            p->actions[sig] = (struct abi_sigaction){ 0 };
        struct abi_stack alt = pt->altstack;
        spin_unlock_irqrestore(&proc_lock, flags);

        if (is_restartable) {
            if ((act.flags & SA_RESTART) && !is_restart_nohand) {
                arch_syscall_restart(tf);
            } else {
                arch_syscall_set_result(tf, -EINTR);
                pt->has_sleep_deadline = false;
            }
            is_restartable = false;
        }
        uintptr_t sp = arch_user_sp(tf);
        bool is_on_alt = !(alt.ss_flags & SS_DISABLE) && sp > alt.ss_sp &&
                         sp <= alt.ss_sp + alt.ss_size;
        if ((act.flags & SA_ONSTACK) && !(alt.ss_flags & SS_DISABLE) && !is_on_alt)
            sp = alt.ss_sp + alt.ss_size;
        int rc = arch_signal_push(tf, sp, sig, act.handler,
                                  GATE_ADDRESS + GATE_SIGRETURN_OFFSET, &info, sizeof(info),
                                  restore);
        flags = spin_lock_irqsave(&proc_lock);
        if (rc < 0) {
            /* No room for the frame: the process dies of SIGSEGV. */
            proc_begin_exit_locked(p, ABI_W_EXITCODE(0, SIGSEGV) | ABI_W_COREFLAG);
            continue;
        }
        has_handled = true;
        break;
    }
    if (pt->has_saved_mask && !has_handled) {
        /* sigsuspend woke for a signal that ran no handler */
        pt->mask = pt->saved_mask;
        pt->has_saved_mask = false;
    }
    sig_update_pending(pt);
    spin_unlock_irqrestore(&proc_lock, flags);
    /* Interrupted by a signal that ran no handler: restart transparently. */
    if (is_restartable)
        arch_syscall_restart(tf);
    arch_irq_disable();
}

long sig_return(struct trap_frame *tf)
{
    struct proc_thread *pt = proc_thread_current();
    uint64_t mask;
    if (arch_signal_pop(tf, &mask) < 0) {
        /* A corrupt frame: like Linux, SIGSEGV. */
        struct abi_siginfo info = { .si_signo = SIGSEGV, .si_code = SI_KERNEL };
        unsigned long flags = spin_lock_irqsave(&proc_lock);
        pt->proc->actions[SIGSEGV].handler = ABI_SIG_DFL;
        pt->mask &= ~ABI_SIGBIT(SIGSEGV);
        pt->pending |= ABI_SIGBIT(SIGSEGV);
        pt->pending_info[SIGSEGV] = info;
        sig_update_pending(pt);
        spin_unlock_irqrestore(&proc_lock, flags);
        return -EFAULT;
    }
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    pt->mask = mask & SIG_VALID_MASK & ~SIG_UNBLOCKABLE;
    sig_update_pending(pt);
    spin_unlock_irqrestore(&proc_lock, flags);
    return 0;
}

/* ---- the calls ----------------------------------------------------------- */

long sig_action(int sig, const struct abi_sigaction *act, struct abi_sigaction *old)
{
    struct proc *p = proc_current();
    if (!sig_is_valid(sig) || (act && (sig == SIGKILL || sig == SIGSTOP)))
        return -EINVAL;
    if (act && act->handler >= USER_SPACE_END)
        return -EFAULT;
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    if (old)
        *old = p->actions[sig];
    if (act) {
        p->actions[sig] = *act;
        p->actions[sig].mask &= SIG_VALID_MASK;
        /* Setting SIG_IGN (or a default ignore) discards what is pending. */
        if (sig_is_ignored(p, sig)) {
            p->pending &= ~ABI_SIGBIT(sig);
            sig_queue_discard(p, &p->rt_queue, sig);
            struct list *pos;
            list_for_each(pos, &p->threads) {
                struct proc_thread *t = list_entry(pos, struct proc_thread, link);
                t->pending &= ~ABI_SIGBIT(sig);
                sig_queue_discard(p, &t->rt_queue, sig);
            }
        }
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return 0;
}

long sig_procmask(int how, const abi_sigset_t *set, abi_sigset_t *old)
{
    struct proc_thread *pt = proc_thread_current();
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    long rc = 0;
    if (old)
        *old = pt->mask;
    if (set) {
        abi_sigset_t s = *set & SIG_VALID_MASK & ~SIG_UNBLOCKABLE;
        switch (how) {
        case SIG_BLOCK:
            pt->mask |= s;
            break;
        case SIG_UNBLOCK:
            pt->mask &= ~s;
            break;
        case SIG_SETMASK:
            pt->mask = s;
            break;
        default:
            rc = -EINVAL;
        }
        sig_update_pending(pt);
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return rc;
}

abi_sigset_t sig_pending_set(void)
{
    struct proc_thread *pt = proc_thread_current();
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    abi_sigset_t set = (pt->pending | pt->proc->pending) & pt->mask;
    spin_unlock_irqrestore(&proc_lock, flags);
    return set;
}

/* Sleeps until a signal is deliverable; the caller returns -EINTR and the
 * delivery on the way out runs the handler. */
static long sleep_for_signal(struct proc_thread *pt, unsigned long flags)
{
    while (!deliverable(pt) && !pt->proc->is_exiting && !pt->is_exiting) {
        if (waitq_sleep(&pt->sig_wq, &proc_lock, 0) == -EINTR)
            break;
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return -EINTR;
}

long sig_suspend(abi_sigset_t mask)
{
    struct proc_thread *pt = proc_thread_current();
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    pt->saved_mask = pt->mask;
    pt->has_saved_mask = true;
    pt->mask = mask & SIG_VALID_MASK & ~SIG_UNBLOCKABLE;
    sig_update_pending(pt);
    return sleep_for_signal(pt, flags);
}

long sig_timedwait(abi_sigset_t set, struct abi_siginfo *info, const uint64_t *timeout_ns)
{
    struct proc_thread *pt = proc_thread_current();
    struct proc *p = pt->proc;
    set &= SIG_VALID_MASK & ~SIG_UNBLOCKABLE;
    uint64_t deadline = timeout_ns ? plat_time_ns() + *timeout_ns : 0;
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    abi_sigset_t saved = pt->mask;
    long rc;
    for (;;) {
        abi_sigset_t ready = (pt->pending | p->pending) & set;
        if (ready) {
            rc = lowest_signal(ready);
            take_signal(pt, (int)rc, info);
            break;
        }
        if (p->is_exiting || pt->is_exiting) {
            rc = -EINTR;
            break;
        }
        if (timeout_ns && plat_time_ns() >= deadline) {
            rc = -EAGAIN;
            break;
        }
        /* While it waits, set counts as unblocked (as on Linux): one of
         * them arriving interrupts the sleep, and is taken above. */
        pt->mask = saved & ~set;
        sig_update_pending(pt);
        int slept = waitq_sleep(&pt->sig_wq, &proc_lock, timeout_ns ? deadline : 0);
        pt->mask = saved;
        if (slept == -EINTR && !((pt->pending | p->pending) & set)) {
            /* another signal: EINTR if its handler runs, a restart if
             * none does (a stop and continue) */
            pt->is_restartable = true;
            pt->is_restart_nohand = true;
            rc = -EINTR;
            break;
        }
    }
    pt->mask = saved;
    sig_update_pending(pt);
    spin_unlock_irqrestore(&proc_lock, flags);
    return rc;
}

long sig_pause(void)
{
    struct proc_thread *pt = proc_thread_current();
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    return sleep_for_signal(pt, flags);
}

long sig_altstack(const struct abi_stack *ss, struct abi_stack *old, uintptr_t user_sp)
{
    struct proc_thread *pt = proc_thread_current();
    struct abi_stack cur = pt->altstack;
    bool is_on = !(cur.ss_flags & SS_DISABLE) && user_sp > cur.ss_sp &&
                 user_sp <= cur.ss_sp + cur.ss_size;
    if (old) {
        *old = cur;
        old->ss_flags = (cur.ss_flags & SS_DISABLE) ? SS_DISABLE : (is_on ? SS_ONSTACK : 0);
    }
    if (ss) {
        if (is_on)
            return -EPERM;
        /* One of 0, SS_ONSTACK (taken as 0) or SS_DISABLE, as on Linux. */
        if (ss->ss_flags != 0 && ss->ss_flags != SS_ONSTACK && ss->ss_flags != SS_DISABLE)
            return -EINVAL;
        if (ss->ss_flags & SS_DISABLE) {
            pt->altstack = (struct abi_stack){ 0, SS_DISABLE, 0 };
        } else {
            if (ss->ss_size < MINSIGSTKSZ)
                return -ENOMEM;
            if (ss->ss_sp >= USER_SPACE_END || ss->ss_size > USER_SPACE_END - ss->ss_sp)
                return -EFAULT;
            pt->altstack = (struct abi_stack){ ss->ss_sp, 0, ss->ss_size };
        }
    }
    return 0;
}

void sig_reset_on_exec(struct proc *p, struct proc_thread *pt)
{
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    for (int sig = 1; sig < NSIG; sig++) {
        if (p->actions[sig].handler != ABI_SIG_IGN)
            p->actions[sig] = (struct abi_sigaction){ 0 };
        else
            p->actions[sig].flags = 0, p->actions[sig].mask = 0;
    }
    pt->altstack = (struct abi_stack){ 0, SS_DISABLE, 0 };
    pt->has_saved_mask = false;
    spin_unlock_irqrestore(&proc_lock, flags);
}

/* ---- alarm and ITIMER_REAL ------------------------------------------------ */

/* The shortest ITIMER_REAL period: a shorter it_interval is rounded up to
 * it, as Linux rounds interval timers up to its timer resolution. Without a
 * floor a 1 us period would keep a CPU in timer interrupts for ever under
 * emulation; 1 ms is the tick of the classic HZ=1000 kernel. */
#define ITIMER_MIN_INTERVAL_NS  (1000 * 1000ULL)

/* The alarm timer's callback, in interrupt context. A periodic timer moves
 * to its first period boundary after now: the periods it missed (the CPU
 * was busy, or the guest was descheduled) are dropped, not replayed, just
 * as a second SIGALRM coalesces with one already pending. */
static void alarm_fired(void *arg)
{
    struct proc *p = arg;
    struct abi_siginfo info = { .si_signo = SIGALRM, .si_code = SI_TIMER };
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    if (p->alarm_deadline_ns) {
        uint64_t interval = p->alarm_interval_ns;
        if (interval) {
            uint64_t now = plat_time_ns(), next = p->alarm_deadline_ns + interval;
            if (next <= now)
                next += ((now - next) / interval + 1) * interval;
            p->alarm_deadline_ns = next;
            timer_start(&p->alarm_timer, next);
        } else {
            p->alarm_deadline_ns = 0;
        }
        sig_send_proc(p, SIGALRM, &info);
    }
    spin_unlock_irqrestore(&proc_lock, flags);
}

void sig_alarm_cancel(struct proc *p)
{
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    bool was_used = p->alarm_timer.fn != NULL;
    p->alarm_deadline_ns = 0;
    p->alarm_interval_ns = 0;
    spin_unlock_irqrestore(&proc_lock, flags);
    if (was_used)
        timer_cancel(&p->alarm_timer);
}

/* 0 or -EINVAL: an interval timer refuses what it cannot represent. */
static int tv_to_ns(const struct abi_timeval *tv, uint64_t *ns)
{
    if (tv->tv_usec < 0 || tv->tv_usec >= 1000000)
        return -EINVAL;
    return time_to_ns(tv->tv_sec, (int64_t)tv->tv_usec * 1000, ns) < 0 ? -EINVAL : 0;
}

/* Rounds up to whole microseconds: a pending time never reads as 0. */
static struct abi_timeval ns_to_tv(uint64_t ns)
{
    ns = (ns + 999) / 1000 * 1000;
    return (struct abi_timeval){ (int64_t)(ns / 1000000000ULL),
                                 (long)((ns % 1000000000ULL) / 1000) };
}

/* What is left of an armed timer: at least 1 ns while armed, so a timer
 * whose callback is about to run never reads as disarmed (as on Linux). */
static uint64_t alarm_left_ns(const struct proc *p, uint64_t now)
{
    if (!p->alarm_deadline_ns)
        return 0;
    return p->alarm_deadline_ns > now ? p->alarm_deadline_ns - now : 1;
}

/* Reads and replaces the timer. value_ns 0 disarms. */
static void itimer_swap(struct proc *p, uint64_t value_ns, uint64_t interval_ns,
                        uint64_t *old_value_ns, uint64_t *old_interval_ns)
{
    uint64_t now = plat_time_ns();
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    if (old_value_ns)
        *old_value_ns = alarm_left_ns(p, now);
    if (old_interval_ns)
        *old_interval_ns = p->alarm_interval_ns;
    spin_unlock_irqrestore(&proc_lock, flags);
    sig_alarm_cancel(p);        /* the callback is not running afterwards */
    if (!value_ns)
        return;
    flags = spin_lock_irqsave(&proc_lock);
    if (!p->alarm_timer.fn)
        timer_init(&p->alarm_timer, alarm_fired, p);
    p->alarm_deadline_ns = now + value_ns;
    p->alarm_interval_ns = interval_ns;
    timer_start(&p->alarm_timer, p->alarm_deadline_ns);
    spin_unlock_irqrestore(&proc_lock, flags);
}

long sig_setitimer(int which, const struct abi_itimerval *nv, struct abi_itimerval *old)
{
    if (which != ABI_ITIMER_REAL)
        return which == ABI_ITIMER_VIRTUAL || which == ABI_ITIMER_PROF ? -ENOSYS : -EINVAL;
    uint64_t value_ns, interval_ns, ov, oi;
    if (tv_to_ns(&nv->it_value, &value_ns) < 0 || tv_to_ns(&nv->it_interval, &interval_ns) < 0)
        return -EINVAL;
    if (interval_ns && interval_ns < ITIMER_MIN_INTERVAL_NS)
        interval_ns = ITIMER_MIN_INTERVAL_NS;
    itimer_swap(proc_current(), value_ns, interval_ns, &ov, &oi);
    if (old) {
        old->it_value = ns_to_tv(ov);
        old->it_interval = ns_to_tv(oi);
    }
    return 0;
}

long sig_getitimer(int which, struct abi_itimerval *cur)
{
    if (which != ABI_ITIMER_REAL)
        return which == ABI_ITIMER_VIRTUAL || which == ABI_ITIMER_PROF ? -ENOSYS : -EINVAL;
    struct proc *p = proc_current();
    uint64_t now = plat_time_ns();
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    cur->it_value = ns_to_tv(alarm_left_ns(p, now));
    cur->it_interval = ns_to_tv(p->alarm_interval_ns);
    spin_unlock_irqrestore(&proc_lock, flags);
    return 0;
}

long sig_alarm(unsigned seconds)
{
    uint64_t old_ns;
    itimer_swap(proc_current(), (uint64_t)seconds * 1000000000ULL, 0, &old_ns, NULL);
    /* Round up like Linux: a pending alarm never reports 0. */
    return (long)((old_ns + 999999999ULL) / 1000000000ULL);
}

/* The VFS calls this when a write fails with -EPIPE (vfs_set_sigpipe_hook,
 * from files_vfs.c). */
void sig_pipe_hook(void)
{
    struct proc_thread *pt = proc_thread_current();
    if (!pt)
        return;
    struct abi_siginfo info = { .si_signo = SIGPIPE, .si_code = SI_KERNEL };
    sig_send_thread(pt, SIGPIPE, &info);
}
