/* Resource limits: each process's soft and hard limits (inherited on fork,
 * kept across exec), the prlimit call, and where each is enforced:
 * RLIMIT_NOFILE in the descriptor table (the files ops' set_fd_limit),
 * RLIMIT_FSIZE by the VFS through the hooks below (files_vfs.c sets them), RLIMIT_AS and
 * RLIMIT_DATA by the address space (vm_set_limits), RLIMIT_STACK at exec,
 * RLIMIT_NPROC at fork and thread creation. RLIMIT_CORE is kept but no
 * core file is ever written. The others are kept and not enforced.
 * Locking: the limits are proc_lock's (proc_internal.h); a process's space
 * is reached under proc_vm_mutex, taken before proc_lock. */
#include <string.h>
#include <abi/errno.h>
#include <abi/signal.h>
#include <mm/vm.h>
#include <sched/sync.h>
#include "proc_internal.h"

#define MIB (1024ULL * 1024ULL)
/* Threads of one user (Linux sizes it from memory; root is exempt). */
#define PROC_NPROC_DEFAULT 4096
/* A descriptor table holds at most this many (Linux's fs.nr_open). */
#define PROC_NOFILE_MAX PROC_FILES_MAX

/* Linux's defaults, except NOFILE whose hard limit is the table's size. */
static const struct abi_rlimit rlimit_defaults[RLIM_NLIMITS] = {
    [RLIMIT_CPU] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_FSIZE] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_DATA] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_STACK] = { 8 * MIB, RLIM_INFINITY },
    [RLIMIT_CORE] = { 0, RLIM_INFINITY },
    [RLIMIT_RSS] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_NPROC] = { PROC_NPROC_DEFAULT, PROC_NPROC_DEFAULT },
    [RLIMIT_NOFILE] = { PROC_NOFILE_MAX, PROC_NOFILE_MAX },
    [RLIMIT_MEMLOCK] = { 8 * MIB, 8 * MIB },
    [RLIMIT_AS] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_LOCKS] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_SIGPENDING] = { PROC_NPROC_DEFAULT, PROC_NPROC_DEFAULT },
    [RLIMIT_MSGQUEUE] = { 819200, 819200 },
    [RLIMIT_NICE] = { 0, 0 },
    [RLIMIT_RTPRIO] = { 0, 0 },
    [RLIMIT_RTTIME] = { RLIM_INFINITY, RLIM_INFINITY },
};

void proc_rlimit_init(struct proc *p)
{
    memcpy(p->rlimits, rlimit_defaults, sizeof(p->rlimits));
}

/* Linux's CAP_SYS_RESOURCE: an effective root may raise hard limits and
 * set another user's; a real or effective root is exempt from NPROC. */
static bool is_privileged(const struct proc *p)
{
    return p->ids.cred.euid == 0;
}

uint64_t proc_rlimit_cur(struct proc *p, int resource)
{
    return __atomic_load_n(&p->rlimits[resource].rlim_cur, __ATOMIC_RELAXED);
}

void proc_rlimit_apply_vm(struct proc *p, struct vm_space *vm)
{
    vm_set_limits(vm, proc_rlimit_cur(p, RLIMIT_AS), proc_rlimit_cur(p, RLIMIT_DATA));
}

/* May the caller change a limit to nl? */
static int check_new(const struct proc *me, int resource, const struct abi_rlimit *cur,
                     const struct abi_rlimit *nl)
{
    spin_assert_held(&proc_lock);
    if (nl->rlim_cur > nl->rlim_max)
        return -EINVAL;
    if (resource == RLIMIT_NOFILE && nl->rlim_max > PROC_NOFILE_MAX)
        return -EPERM;              /* Linux: above fs.nr_open */
    if (nl->rlim_max > cur->rlim_max && !is_privileged(me))
        return -EPERM;
    return 0;
}

long proc_prlimit(int pid, int resource, const struct abi_rlimit *nl, struct abi_rlimit *old)
{
    struct proc *me = proc_current();
    if (resource < 0 || resource >= RLIM_NLIMITS)
        return -EINVAL;
    if (nl && nl->rlim_cur > nl->rlim_max)
        return -EINVAL;
    /* The space of another process stays put under proc_vm_mutex (exec and
     * exit swap it there); take it before proc_lock. */
    bool has_vm_limit = nl && (resource == RLIMIT_AS || resource == RLIMIT_DATA);
    if (has_vm_limit)
        mutex_lock(&proc_vm_mutex);
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    struct proc *p = pid == 0 ? me : proc_find(pid);
    long rc = 0;
    if (!p || p->state != PROC_ALIVE || p->is_exiting) {
        rc = -ESRCH;
        goto out;
    }
    if (p != me && !is_privileged(me) && p->ids.cred.uid != me->ids.cred.uid) {
        rc = -EPERM;
        goto out;
    }
    struct abi_rlimit cur = p->rlimits[resource];
    if (nl) {
        rc = check_new(me, resource, &cur, nl);
        if (rc < 0)
            goto out;
        __atomic_store_n(&p->rlimits[resource].rlim_cur, nl->rlim_cur, __ATOMIC_RELAXED);
        p->rlimits[resource].rlim_max = nl->rlim_max;
        /* The table lives until p's exit, which has not begun. */
        if (resource == RLIMIT_NOFILE)
            proc_files_ops->set_fd_limit(p->files, nl->rlim_cur);
    }
    if (old)
        *old = cur;
out:;
    struct vm_space *vm = p ? p->vm : NULL;
    spin_unlock_irqrestore(&proc_lock, flags);
    if (has_vm_limit) {
        if (rc == 0 && vm)
            proc_rlimit_apply_vm(p, vm);
        mutex_unlock(&proc_vm_mutex);
    }
    return rc;
}

/* Whether the real user of p may have one more thread (RLIMIT_NPROC:
 * every thread of every live process of that user counts, as Linux counts
 * tasks; root is exempt). */
bool proc_nproc_allows_one_more(struct proc *p)
{
    spin_assert_held(&proc_lock);
    uint32_t uid = p->ids.cred.uid;
    if (uid == 0 || is_privileged(p))
        return true;
    uint64_t limit = p->rlimits[RLIMIT_NPROC].rlim_cur, count = 0;
    for (struct proc *q = proc_iter(NULL); q; q = proc_iter(q)) {
        if (q->state == PROC_ALIVE && q->ids.cred.uid == uid)
            count += q->thread_count;
    }
    return count < limit;
}

/* ---- RLIMIT_FSIZE for the VFS (vfs_set_fsize_hooks) --------------------- */

uint64_t proc_fsize_limit(void)
{
    struct proc *p = proc_current();
    return p ? proc_rlimit_cur(p, RLIMIT_FSIZE) : RLIM_INFINITY;
}

void proc_fsize_exceeded(void)
{
    struct proc_thread *pt = proc_thread_current();
    if (!pt)
        return;
    struct abi_siginfo info = { .si_signo = SIGXFSZ, .si_code = SI_KERNEL };
    sig_send_thread(pt, SIGXFSZ, &info);
}
