/* Processes: ids, the process tree with zombies and re-parenting to init,
 * process groups and sessions, each process's threads entering user mode,
 * fork, exit and wait4. */
#include <string.h>
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/wait.h>
#include <kern/panic.h>
#include <kern/printk.h>
#include <kern/subsys.h>
#include <kern/trap.h>
#include <kern/uspace.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <mm/page.h>
#include <mm/vm.h>
#include <plat/cpu.h>
#include <plat/timer.h>
#include <plat/uaccess.h>
#include <proc/job.h>
#include <proc/proc.h>
#include <sched/sync.h>
#include "proc_internal.h"

struct spinlock proc_lock = SPINLOCK_INIT;
static struct list all_procs = LIST_INIT(all_procs);
static int next_id = 1;                 /* pids and tids share one space */
static struct proc *init_proc;
static struct waitq init_exit_wq = WAITQ_INIT(init_exit_wq);

/* ---- lookups ---------------------------------------------------------- */

struct proc_thread *proc_thread_current(void)
{
    return thread_owner(thread_current());
}

struct proc *proc_current(void)
{
    struct proc_thread *pt = proc_thread_current();
    return pt ? pt->proc : NULL;
}

/* mm's vm_space_current (registered at boot). */
static struct vm_space *proc_vm_space_current(void)
{
    struct proc *p = proc_current();
    return p ? p->vm : NULL;
}

struct proc *proc_find(int pid)
{
    spin_assert_held(&proc_lock);
    struct list *pos;
    list_for_each(pos, &all_procs) {
        struct proc *p = list_entry(pos, struct proc, all_link);
        if (p->pid == pid)
            return p;
    }
    return NULL;
}

/* Walks every process: proc_iter(NULL) is the first. */
struct proc *proc_iter(struct proc *prev)
{
    spin_assert_held(&proc_lock);
    struct list *next = prev ? prev->all_link.next : all_procs.next;
    return next == &all_procs ? NULL : list_entry(next, struct proc, all_link);
}

int proc_alloc_id(void)
{
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    int id = next_id++;
    spin_unlock_irqrestore(&proc_lock, flags);
    return id;
}

/* ---- creation ---------------------------------------------------------- */

struct proc *proc_alloc(void)
{
    struct proc *p = kzalloc(sizeof(*p));
    if (!p)
        return NULL;
    list_init(&p->children);
    list_init(&p->sibling);
    list_init(&p->all_link);
    list_init(&p->threads);
    list_init(&p->rt_queue);
    waitq_init(&p->child_wq);
    waitq_init(&p->stop_wq);
    waitq_init(&p->thread_exit_wq);
    p->start_ns = plat_time_ns();
    return p;
}

struct proc_thread *proc_thread_alloc(struct proc *p)
{
    struct proc_thread *pt = kzalloc(sizeof(*pt));
    if (!pt)
        return NULL;
    pt->proc = p;
    list_init(&pt->link);
    list_init(&pt->rt_queue);
    waitq_init(&pt->sig_wq);
    pt->altstack.ss_flags = SS_DISABLE;
    arch_user_state_init(pt->user_state);
    return pt;
}

/* Makes this CPU run pt's user half: kernel stack for entries from user
 * mode, its address space, its FP/TLS state; starts its CPU-time slice.
 * Interrupts off. */
static void switch_in(struct proc_thread *pt, struct thread *t)
{
    pt->run_since_ns = plat_time_ns();
    arch_set_kernel_stack((void *)thread_stack_top(t));
    vm_space_activate(pt->proc->vm);
    arch_user_state_restore(pt->user_state);
}

/* The scheduler's switch hook (sched/thread.h: called with interrupts off,
 * just before switching from prev to next; registered at boot). */
static void proc_context_switch(struct thread *prev, struct thread *next)
{
    struct proc_thread *from = thread_owner(prev), *to = thread_owner(next);
    if (from) {
        arch_user_state_save(from->user_state);
        uint64_t slice_ns = plat_time_ns() - from->run_since_ns;
        from->cpu_ns += slice_ns;
        __atomic_add_fetch(&from->proc->cpu_ns, slice_ns, __ATOMIC_RELAXED);
    }
    if (to)
        switch_in(to, next);
    else
        vm_space_activate(NULL);    /* no CPU keeps a dead space active */
}

/* Connects the process layer to the layers below it at boot, before any
 * process exists (kern/subsys.h): the scheduler's switch hook, mm's
 * current space and the kernel's return work before user mode. */
static int proc_register(void)
{
    sched_set_switch_hook(proc_context_switch);
    vm_set_space_current(proc_vm_space_current);
    uspace_register_return_work(sig_return_work);
    return 0;
}
SUBSYS_REGISTER(proc, SUBSYS_STAGE_LINKS, proc_register, NULL);

/* First code of every user thread: becomes pt's, then enters user mode
 * through a frame on its own kernel stack. */
static int thread_entry(void *arg)
{
    struct proc_thread *pt = arg;
    uint8_t frame_buf[PROC_FRAME_MAX] __attribute__((aligned(64)));
    struct trap_frame *tf = (struct trap_frame *)frame_buf;
    struct thread *self = thread_current();

    arch_irq_disable();
    pt->kthread = self;
    thread_set_owner(self, pt);
    switch_in(pt, self);
    if (pt->start_frame) {
        memcpy(frame_buf, pt->start_frame, pt->start_frame_bytes);
        kfree(pt->start_frame);
        pt->start_frame = NULL;
        arch_syscall_set_result(tf, 0);     /* fork returns 0 in the child */
    } else {
        arch_user_frame_init(tf, pt->start_pc, pt->start_sp);
        arch_user_frame_set_arg0(tf, pt->start_arg);
    }
    sig_return_work(tf);
    arch_user_enter(tf);
}

int proc_thread_start(struct proc_thread *pt, const char *name)
{
    struct thread *t = thread_create(name, thread_entry, pt);
    if (!t)
        return -ENOMEM;
    thread_detach(t);
    return 0;
}

/* ---- exit -------------------------------------------------------------- */

/* The first reason for p to end wins: marks p as exiting with wait_status
 * unless an exit already began. Every thread then leaves
 * on its way back to user mode (sig_return_work). */
void proc_begin_exit_locked(struct proc *p, int wait_status)
{
    spin_assert_held(&proc_lock);
    if (!p->is_exiting) {
        p->is_exiting = true;
        p->wait_status = wait_status;
    }
}

/* Asks every other thread of p to leave. */
static void stop_other_threads(struct proc *p, struct proc_thread *self)
{
    spin_assert_held(&proc_lock);
    struct list *pos;
    list_for_each(pos, &p->threads) {
        struct proc_thread *t = list_entry(pos, struct proc_thread, link);
        if (t != self && t->kthread) {
            t->is_exiting = true;
            thread_interrupt(t->kthread);
        }
    }
    waitq_wake_all(&p->stop_wq);
}

#define ORPHAN_CHECK_MAX 32

/* The last thread is gone: release everything but the zombie itself, and
 * tell the parent. Runs on that last thread, with its proc_thread already
 * detached from the kernel thread. */
static void proc_finish(struct proc *p)
{
    /* the controlling terminal's side of a session leader's exit */
    const struct proc_job_tty_ops *tty = proc_job_tty();
    if (p->pid == p->sid && tty)
        tty->session_end(p->sid);
    sig_alarm_cancel(p);
    unsigned long lock_flags = spin_lock_irqsave(&proc_lock);
    void *files = p->files;
    p->files = NULL;                /* /proc reads it under proc_lock */
    spin_unlock_irqrestore(&proc_lock, lock_flags);
    proc_files_ops->release(files);
    mutex_lock(&proc_vm_mutex);
    unsigned long flags = arch_irq_save();
    struct vm_space *vm = p->vm;
    p->vm = NULL;
    vm_space_activate(NULL);
    arch_irq_restore(flags);
    vm_space_destroy(vm);
    mutex_unlock(&proc_vm_mutex);

    flags = spin_lock_irqsave(&proc_lock);
    /* Groups this exit may orphan: its own, and its children's. */
    int check_pgids[ORPHAN_CHECK_MAX];
    unsigned check_count = 0;
    check_pgids[check_count++] = p->pgid;
    /* Orphans go to init; a zombie among them is init's to reap now. */
    while (!list_empty(&p->children)) {
        struct proc *c = list_entry(p->children.next, struct proc, sibling);
        list_remove(&c->sibling);
        if (c->state == PROC_ALIVE && c->pgid != p->pgid && check_count < ORPHAN_CHECK_MAX)
            check_pgids[check_count++] = c->pgid;
        if (init_proc && init_proc != p) {
            c->parent = init_proc;
            list_push_back(&init_proc->children, &c->sibling);
            if (c->state == PROC_ZOMBIE)
                waitq_wake_all(&init_proc->child_wq);
        } else {
            c->parent = NULL;
        }
    }
    p->state = PROC_ZOMBIE;
    sig_queue_discard(p, &p->rt_queue, 0);
    proc_cmdline_put(p->cmdline);
    p->cmdline = NULL;
    for (unsigned i = 0; i < check_count; i++)
        proc_job_hup_orphaned_locked(check_pgids[i]);
    int status = p->wait_status;
    if (p->parent && ABI_W_IFSIGNALED(status))
        proc_notify_parent(p, CLD_KILLED, ABI_W_TERMSIG(status));
    else if (p->parent)
        proc_notify_parent(p, CLD_EXITED, ABI_W_EXITSTATUS(status));
    /* A parent with SIGCHLD ignored or SA_NOCLDWAIT gets no zombie (its
     * SIGCHLD handler still runs); a wait of its finds no such child, and
     * once none is left fails with ECHILD (the wake-up above). */
    bool is_autoreaped = p->parent && p != init_proc &&
                         (p->parent->actions[SIGCHLD].handler == ABI_SIG_IGN ||
                          (p->parent->actions[SIGCHLD].flags & SA_NOCLDWAIT));
    if (is_autoreaped)
        list_remove(&p->sibling);
    if (is_autoreaped || (p->parent == NULL && p != init_proc)) {
        /* No one will reap it. */
        list_remove(&p->all_link);
        spin_unlock_irqrestore(&proc_lock, flags);
        kfree(p);
        return;
    }
    if (p == init_proc)
        waitq_wake_all(&init_exit_wq);
    spin_unlock_irqrestore(&proc_lock, flags);
}

_Noreturn void proc_thread_exit(void)
{
    struct proc_thread *pt = proc_thread_current();
    struct proc *p = pt->proc;

    if (pt->clear_word) {
        uint32_t zero = 0;
        if (copy_to_user((void *)pt->clear_word, &zero, sizeof(zero)) == 0)
            futex_wake(pt->clear_word, ~0u);
    }
    /* Become a kernel thread first, off the address space: the last thread
     * may destroy the space as soon as this one is off the list. */
    unsigned long flags = arch_irq_save();
    /* The running slice counts: no switch hook will see this thread as
     * the process's again. */
    __atomic_add_fetch(&p->cpu_ns, plat_time_ns() - pt->run_since_ns, __ATOMIC_RELAXED);
    thread_set_owner(thread_current(), NULL);
    vm_space_activate(NULL);
    arch_irq_restore(flags);

    flags = spin_lock_irqsave(&proc_lock);
    list_remove(&pt->link);
    sig_queue_discard(p, &pt->rt_queue, 0);     /* lost with the thread */
    bool is_last = --p->thread_count == 0;
    if (is_last)
        proc_begin_exit_locked(p, ABI_W_EXITCODE(0, 0));
    waitq_wake_all(&p->thread_exit_wq);
    spin_unlock_irqrestore(&proc_lock, flags);
    kfree(pt);
    if (is_last)
        proc_finish(p);
    thread_exit(0);
}

_Noreturn void proc_exit_group(int wait_status)
{
    struct proc_thread *pt = proc_thread_current();
    struct proc *p = pt->proc;

    unsigned long flags = spin_lock_irqsave(&proc_lock);
    proc_begin_exit_locked(p, wait_status);
    stop_other_threads(p, pt);
    spin_unlock_irqrestore(&proc_lock, flags);
    proc_thread_exit();
}

_Noreturn void proc_exit_thread(int wait_status, uintptr_t clear_word)
{
    struct proc_thread *pt = proc_thread_current();
    if (clear_word && clear_word < USER_SPACE_END && !(clear_word & 3))
        pt->clear_word = clear_word;
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    bool is_last = pt->proc->thread_count == 1;
    spin_unlock_irqrestore(&proc_lock, flags);
    if (is_last)
        proc_exit_group(wait_status);
    proc_thread_exit();
}

/* SIGCHLD and wait4 wake-ups for child's parent. */
void proc_notify_parent(struct proc *child, int code, int status)
{
    spin_assert_held(&proc_lock);
    struct proc *parent = child->parent;
    if (!parent)
        return;
    waitq_wake_all(&parent->child_wq);
    if ((code == CLD_STOPPED || code == CLD_CONTINUED) &&
        (parent->actions[SIGCHLD].flags & SA_NOCLDSTOP))
        return;
    struct abi_siginfo info = {
        .si_signo = SIGCHLD, .si_code = code, .si_pid = child->pid, .si_status = status,
    };
    sig_send_proc(parent, SIGCHLD, &info);
}

/* ---- the calling process, for the syscall layer (proc/calls.h) ---- */

bool proc_has_current(void)
{
    return thread_owner(thread_current_irqs_off()) != NULL;
}

void *proc_files(void)
{
    return proc_current()->files;
}

struct cred_box *proc_ids(void)
{
    return &proc_current()->ids;
}

int proc_getpid(void)
{
    return proc_current()->pid;
}

int proc_getppid(void)
{
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    struct proc *parent = proc_current()->parent;
    int ppid = parent ? parent->pid : 0;
    spin_unlock_irqrestore(&proc_lock, flags);
    return ppid;
}

int proc_gettid(void)
{
    return proc_thread_current()->tid;
}

void proc_mark_restartable(void)
{
    proc_thread_current()->is_restartable = true;
}

void proc_sleep_interrupted(uint64_t deadline_ns)
{
    struct proc_thread *pt = proc_thread_current();
    pt->sleep_deadline_ns = deadline_ns;
    pt->has_sleep_deadline = true;
    pt->is_restartable = true;
    pt->is_restart_nohand = true;
}

bool proc_take_sleep_deadline(uint64_t *deadline_ns)
{
    struct proc_thread *pt = proc_thread_current();
    if (!pt->has_sleep_deadline)
        return false;
    pt->has_sleep_deadline = false;
    *deadline_ns = pt->sleep_deadline_ns;
    return true;
}

void proc_set_tls(uintptr_t tp)
{
    struct proc_thread *pt = proc_thread_current();
    unsigned long flags = arch_irq_save();
    arch_user_state_save(pt->user_state);
    arch_user_set_tls(pt->user_state, tp);
    arch_user_state_restore(pt->user_state);
    arch_irq_restore(flags);
}

/* Counts the current slice, which the context-switch hook has not added
 * yet. Interrupts stay off so no switch lands in between. */
uint64_t proc_cpu_time_ns(bool is_process)
{
    unsigned long flags = arch_irq_save();
    struct proc_thread *me = proc_thread_current();
    uint64_t total = is_process ? __atomic_load_n(&me->proc->cpu_ns, __ATOMIC_RELAXED)
                                : me->cpu_ns;
    total += plat_time_ns() - me->run_since_ns;
    arch_irq_restore(flags);
    return total;
}

uint64_t proc_children_cpu_ns(void)
{
    return proc_current()->children_cpu_ns;
}

/* ---- fork ---------------------------------------------------------------- */

/* Fork needs headroom, not just the pages it takes now: the new process's
 * copy-on-write faults come later. A fork bomb that took the last pages
 * would leave nothing for the processes already running (the shell that
 * must kill it) and turn every fault into an OOM kill. So fork keeps a
 * reserve: 1/16 of memory, at least 1 MiB; below it, ENOMEM. Faults of
 * running processes may still use the reserve. */
#define FORK_RESERVE_DIVISOR 16
#define FORK_RESERVE_MIN_PAGES 256

static bool fork_has_headroom(void)
{
    struct mm_stats st;
    mm_get_stats(&st);
    uint64_t reserve = MAX(st.managed_pages / FORK_RESERVE_DIVISOR,
                           (uint64_t)FORK_RESERVE_MIN_PAGES);
    return st.free_pages > reserve;
}

long proc_fork(struct trap_frame *tf)
{
    struct proc_thread *me = proc_thread_current();
    struct proc *parent = me->proc;
    int rc = -ENOMEM;

    if (!fork_has_headroom())
        return -ENOMEM;

    struct proc *child = proc_alloc();
    if (!child)
        return -ENOMEM;
    struct proc_thread *pt = proc_thread_alloc(child);
    if (!pt)
        goto fail_proc;
    /* The user frame is what lies between tf and the top of the stack. */
    size_t frame_bytes = thread_stack_top(thread_current()) - (uintptr_t)tf;
    frame_bytes = MIN(frame_bytes, (size_t)PROC_FRAME_MAX);
    pt->start_frame = kmalloc(frame_bytes);
    if (!pt->start_frame)
        goto fail_thread;
    memcpy(pt->start_frame, tf, frame_bytes);
    pt->start_frame_bytes = frame_bytes;
    child->vm = vm_space_fork(parent->vm);
    if (!child->vm)
        goto fail_frame;
    struct cred ids;
    cred_box_get(&parent->ids, &ids);
    child->ids = CRED_BOX_INIT(ids);
    rc = proc_files_ops->fork(&child->files, parent->files, &child->ids);
    if (rc < 0)
        goto fail_vm;
    unsigned long flags = arch_irq_save();
    arch_user_state_save(pt->user_state);       /* the parent's live FP/TLS */
    arch_irq_restore(flags);
    memcpy(child->name, parent->name, sizeof(child->name));

    flags = spin_lock_irqsave(&proc_lock);
    /* A SIGKILL that reached the parent while it was copying (kill -9 -1
     * walks the process list under proc_lock) must not let a child it never
     * saw escape: a fork bomb would outlive every kill. As on Linux, the
     * fork is abandoned; the parent dies on its way out. */
    bool is_dying = parent->is_exiting || (parent->pending & ABI_SIGBIT(SIGKILL));
    if (is_dying || !proc_nproc_allows_one_more(parent)) {
        spin_unlock_irqrestore(&proc_lock, flags);
        proc_files_ops->release(child->files);
        rc = is_dying ? -EINTR : -EAGAIN;
        goto fail_vm;
    }
    memcpy(child->rlimits, parent->rlimits, sizeof(child->rlimits));
    child->pid = pt->tid = next_id++;
    child->pgid = parent->pgid;
    child->sid = parent->sid;
    child->parent = parent;
    child->cmdline = proc_cmdline_get(parent->cmdline);
    memcpy(child->actions, parent->actions, sizeof(child->actions));
    pt->mask = me->mask;
    pt->altstack = me->altstack;
    list_push_back(&parent->children, &child->sibling);
    list_push_back(&all_procs, &child->all_link);
    list_push_back(&child->threads, &pt->link);
    child->thread_count = 1;
    spin_unlock_irqrestore(&proc_lock, flags);
    int pid = child->pid;

    rc = proc_thread_start(pt, child->name);
    if (rc < 0) {
        /* Undo as an exit nobody sees: never ran, so just unlink. */
        flags = spin_lock_irqsave(&proc_lock);
        list_remove(&child->sibling);
        list_remove(&child->all_link);
        sig_queue_discard(child, &pt->rt_queue, 0);     /* a kill may have come */
        sig_queue_discard(child, &child->rt_queue, 0);
        spin_unlock_irqrestore(&proc_lock, flags);
        proc_files_ops->release(child->files);
        goto fail_vm;
    }
    return pid;

fail_vm:
    mutex_lock(&proc_vm_mutex);     /* /proc may have seen the child */
    vm_space_destroy(child->vm);
    mutex_unlock(&proc_vm_mutex);
fail_frame:
    kfree(pt->start_frame);
fail_thread:
    kfree(pt);
fail_proc:
    proc_cmdline_put(child->cmdline);
    kfree(child);
    return rc;
}

long proc_thread_create(uintptr_t entry, uintptr_t stack, uintptr_t tls, uintptr_t arg)
{
    struct proc_thread *me = proc_thread_current();
    struct proc *p = me->proc;

    if (entry >= USER_SPACE_END || stack >= USER_SPACE_END || (stack & 15))
        return -EINVAL;
    struct proc_thread *pt = proc_thread_alloc(p);
    if (!pt)
        return -ENOMEM;
    pt->start_pc = entry;
    pt->start_sp = stack;
    pt->start_arg = arg;
    unsigned long flags = arch_irq_save();
    arch_user_state_save(pt->user_state);
    arch_irq_restore(flags);
    arch_user_set_tls(pt->user_state, tls);

    flags = spin_lock_irqsave(&proc_lock);
    if (p->is_exiting || !proc_nproc_allows_one_more(p)) {
        spin_unlock_irqrestore(&proc_lock, flags);
        kfree(pt);
        return -EAGAIN;
    }
    pt->tid = next_id++;
    pt->mask = me->mask;
    list_push_back(&p->threads, &pt->link);
    p->thread_count++;
    spin_unlock_irqrestore(&proc_lock, flags);
    int tid = pt->tid;

    int rc = proc_thread_start(pt, p->name);
    if (rc < 0) {
        flags = spin_lock_irqsave(&proc_lock);
        list_remove(&pt->link);
        sig_queue_discard(p, &pt->rt_queue, 0);     /* a tgkill may have come */
        p->thread_count--;
        spin_unlock_irqrestore(&proc_lock, flags);
        kfree(pt);
        return rc;
    }
    return tid;
}

/* ---- wait4 ------------------------------------------------------------- */

static bool child_matches(const struct proc *me, const struct proc *c, int pid)
{
    if (pid > 0)
        return c->pid == pid;
    if (pid == 0)
        return c->pgid == me->pgid;
    if (pid == -1)
        return true;
    return c->pgid == -pid;
}

long proc_wait4(int pid, int *status, int options)
{
    struct proc *me = proc_current();
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED))
        return -EINVAL;

    unsigned long flags = spin_lock_irqsave(&proc_lock);
    for (;;) {
        bool has_match = false;
        struct list *pos;
        list_for_each(pos, &me->children) {
            struct proc *c = list_entry(pos, struct proc, sibling);
            if (!child_matches(me, c, pid))
                continue;
            has_match = true;
            if (c->state == PROC_ZOMBIE) {
                int found = c->pid;
                *status = c->wait_status;
                me->children_ns += plat_time_ns() - c->start_ns + c->children_ns;
                me->children_cpu_ns += c->cpu_ns + c->children_cpu_ns;
                list_remove(&c->sibling);
                list_remove(&c->all_link);
                spin_unlock_irqrestore(&proc_lock, flags);
                kfree(c);
                return found;
            }
            if ((options & WUNTRACED) && c->has_stop_report) {
                c->has_stop_report = false;
                *status = ABI_W_STOPCODE(c->stop_sig);
                spin_unlock_irqrestore(&proc_lock, flags);
                return c->pid;
            }
            if ((options & WCONTINUED) && c->has_cont_report) {
                c->has_cont_report = false;
                *status = ABI_W_CONTINUED;
                spin_unlock_irqrestore(&proc_lock, flags);
                return c->pid;
            }
        }
        if (!has_match) {
            spin_unlock_irqrestore(&proc_lock, flags);
            return -ECHILD;
        }
        if (options & WNOHANG) {
            spin_unlock_irqrestore(&proc_lock, flags);
            return 0;
        }
        if (waitq_sleep(&me->child_wq, &proc_lock, 0) == -EINTR) {
            spin_unlock_irqrestore(&proc_lock, flags);
            return -EINTR;
        }
    }
}

/* ---- sessions and process groups --------------------------------------- */

/* A zombie not yet reaped still holds its group (as on Linux): a shell
 * puts later stages of "fast | slow" into the group of a first stage that
 * has already exited. */
static bool pgrp_exists_in_session(int pgid, int sid)
{
    struct list *pos;
    list_for_each(pos, &all_procs) {
        struct proc *p = list_entry(pos, struct proc, all_link);
        if (p->pgid == pgid && p->sid == sid)
            return true;
    }
    return false;
}

/* p left group old_pgid: that group, and its children's groups (p was
 * perhaps their link to the session), may now be orphaned. */
static void orphan_check_after_move(struct proc *p, int old_pgid)
{
    spin_assert_held(&proc_lock);
    if (old_pgid != p->pgid)
        proc_job_hup_orphaned_locked(old_pgid);
    struct list *pos;
    list_for_each(pos, &p->children) {
        struct proc *c = list_entry(pos, struct proc, sibling);
        if (c->state == PROC_ALIVE && c->pgid != p->pgid)
            proc_job_hup_orphaned_locked(c->pgid);
    }
}

int proc_setsid(void)
{
    struct proc *me = proc_current();
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    int rc;
    struct list *pos;
    bool is_leader = false;
    list_for_each(pos, &all_procs) {
        struct proc *p = list_entry(pos, struct proc, all_link);
        if (p->pgid == me->pid)
            is_leader = true;
    }
    if (is_leader) {
        rc = -EPERM;
    } else {
        int old_pgid = me->pgid;
        me->sid = me->pgid = me->pid;
        rc = me->pid;
        orphan_check_after_move(me, old_pgid);
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return rc;
}

int proc_setpgid(int pid, int pgid)
{
    struct proc *me = proc_current();
    if (pid < 0 || pgid < 0)
        return -EINVAL;
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    int rc = 0;
    struct proc *p = pid == 0 ? me : proc_find(pid);
    if (!p || (p != me && p->parent != me) || p->state != PROC_ALIVE) {
        rc = -ESRCH;
        goto out;
    }
    if (p != me && p->sid != me->sid) {
        rc = -EPERM;
        goto out;
    }
    if (p->sid == p->pid) {         /* a session leader */
        rc = -EPERM;
        goto out;
    }
    if (pgid == 0)
        pgid = p->pid;
    if (pgid != p->pid && !pgrp_exists_in_session(pgid, me->sid)) {
        rc = -EPERM;
        goto out;
    }
    int old_pgid = p->pgid;
    p->pgid = pgid;
    orphan_check_after_move(p, old_pgid);
out:
    spin_unlock_irqrestore(&proc_lock, flags);
    return rc;
}

static int lookup_field(int pid, bool want_sid)
{
    struct proc *me = proc_current();
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    struct proc *p = pid == 0 ? me : proc_find(pid);
    int rc = p ? (want_sid ? p->sid : p->pgid) : -ESRCH;
    spin_unlock_irqrestore(&proc_lock, flags);
    return rc;
}

int proc_getpgid(int pid)
{
    return lookup_field(pid, false);
}

int proc_getsid(int pid)
{
    return lookup_field(pid, true);
}

/* ---- init -------------------------------------------------------------- */

struct init_args {
    const char *path;
    const struct embedded_program *program;
    char *const *argv;
    char *const *envp;
    const char *console;
    struct proc_thread *pt;
    int rc;
    struct semaphore done;
};

/* pid 1's first thread: opens the console, loads the program, enters it. */
static int init_entry(void *arg)
{
    struct init_args *ia = arg;
    struct proc_thread *pt = ia->pt;
    struct proc *p = pt->proc;
    uint8_t frame_buf[PROC_FRAME_MAX] __attribute__((aligned(64)));
    struct trap_frame *tf = (struct trap_frame *)frame_buf;
    struct thread *self = thread_current();

    arch_irq_disable();
    pt->kthread = self;
    thread_set_owner(self, pt);
    switch_in(pt, self);
    arch_irq_enable();
    int rc = proc_files_ops->open_console(p->files, ia->console);
    if (rc >= 0 && ia->program)
        rc = proc_exec_embedded(tf, ia->program, ia->argv, ia->envp);
    else if (rc >= 0)
        rc = proc_exec(tf, ia->path, ia->argv, ia->envp);
    ia->rc = rc < 0 ? rc : 0;
    sem_post(&ia->done);
    if (rc < 0)
        proc_exit_group(ABI_W_EXITCODE(127, 0));
    arch_irq_disable();
    sig_return_work(tf);
    arch_user_enter(tf);
}

int proc_start_init(const char *path, const struct embedded_program *program,
                    char *const argv[], char *const envp[], const char *console)
{
    if (!proc_files_ops)
        return -ENOSYS;         /* no library gave processes files */
    trap_register_user_fault(proc_user_fault);
    proc_oom_register();
    struct proc *p = proc_alloc();
    if (!p)
        return -ENOMEM;
    struct proc_thread *pt = proc_thread_alloc(p);
    int rc = -ENOMEM;
    if (!pt)
        goto fail_proc;
    p->vm = vm_space_create();
    if (!p->vm)
        goto fail_thread;
    p->ids = CRED_BOX_INIT(CRED_ROOT);
    rc = proc_files_ops->init(&p->files, &p->ids);
    if (rc < 0)
        goto fail_vm;
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    p->pid = pt->tid = next_id++;
    p->pgid = p->sid = p->pid;
    p->is_unkillable = true;
    proc_rlimit_init(p);
    list_push_back(&all_procs, &p->all_link);
    list_push_back(&p->threads, &pt->link);
    p->thread_count = 1;
    init_proc = p;
    spin_unlock_irqrestore(&proc_lock, flags);
    strlcpy(p->name, "init", sizeof(p->name));

    struct init_args ia = { .path = path, .program = program, .argv = argv, .envp = envp, .console = console,
                            .pt = pt };
    sem_init(&ia.done, 0);
    struct thread *t = thread_create("init", init_entry, &ia);
    if (!t)
        panic("init: no memory for its thread");
    thread_detach(t);
    sem_wait(&ia.done, 0);
    return ia.rc;

fail_vm:
    vm_space_destroy(p->vm);
fail_thread:
    kfree(pt);
fail_proc:
    kfree(p);
    return rc;
}

int proc_wait_init(void)
{
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    while (init_proc->state != PROC_ZOMBIE)
        waitq_sleep_uninterruptible(&init_exit_wq, &proc_lock, 0);
    int status = init_proc->wait_status;
    spin_unlock_irqrestore(&proc_lock, flags);
    if (ABI_W_IFSIGNALED(status))
        return 128 + ABI_W_TERMSIG(status);
    return ABI_W_EXITSTATUS(status);
}
