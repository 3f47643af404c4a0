/* The out-of-memory killer. When a page fault finds no free page, the
 * process whose end would free the most (the most pages mapped by it alone,
 * not shared copy-on-write; never init, never a kernel thread: those have
 * no process) gets SIGKILL and a line in the kernel log
 * ("oom: killed pid N (name), M KiB"); the fault then waits for the victim
 * to be gone and retries. One victim at a time: while it is still alive,
 * other faults wait for it instead of choosing another. */
#include <stdbool.h>
#include <string.h>
#include <abi/signal.h>
#include <kern/printk.h>
#include <mm/vm.h>
#include <sched/sync.h>
#include <sched/thread.h>
#include "proc_internal.h"

#define OOM_WAIT_NS (10 * 1000 * 1000ULL)

/* oom_mutex (a sleeping lock, before proc_vm_mutex) serialises choosing
 * victims and protects oom_victim_pid (0: none pending). */
static struct mutex oom_mutex;
static int oom_victim_pid;

/* Whether pid still holds its memory (alive, not yet a zombie). */
static bool is_holding_memory(int pid)
{
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    struct proc *p = proc_find(pid);
    bool holds = p && p->state == PROC_ALIVE;
    spin_unlock_irqrestore(&proc_lock, flags);
    return holds;
}

/* The next process after pid (by pid) that may be chosen, with its space;
 * 0 when none. proc_vm_mutex held (it keeps the space alive). */
static int next_candidate(int after, struct vm_space **vm, char name[16])
{
    int best = 0;
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    for (struct proc *p = proc_iter(NULL); p; p = proc_iter(p)) {
        if (p->pid <= after || p->pid == 1 || p->state != PROC_ALIVE || p->is_exiting ||
            !p->vm || (best && p->pid >= best))
            continue;
        best = p->pid;
        *vm = p->vm;
        memcpy(name, p->name, 15);
        name[15] = '\0';
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return best;
}

/* Called by libos/mm when a fault of the current process found no page.
 * true: retry the fault; false: give up (-ENOMEM). */
static bool proc_oom(void)
{
    struct proc *self = proc_current();
    if (self && self->is_exiting)
        return false;
    mutex_lock(&oom_mutex);
    if (oom_victim_pid && is_holding_memory(oom_victim_pid)) {
        bool is_self = self && self->pid == oom_victim_pid;
        mutex_unlock(&oom_mutex);
        if (is_self)
            return false;       /* SIGKILL is pending: let it act */
        sched_sleep_ns(OOM_WAIT_NS);
        return true;
    }
    oom_victim_pid = 0;

    int victim = 0;
    size_t victim_pages = 0;
    char victim_name[16] = "", name[16];
    struct vm_space *vm;
    mutex_lock(&proc_vm_mutex);
    for (int pid = next_candidate(0, &vm, name); pid; pid = next_candidate(pid, &vm, name)) {
        size_t pages = vm_private_pages(vm);
        if (pages > victim_pages) {
            victim = pid;
            victim_pages = pages;
            memcpy(victim_name, name, sizeof(name));
        }
    }
    mutex_unlock(&proc_vm_mutex);
    if (!victim) {
        mutex_unlock(&oom_mutex);
        return false;
    }
    struct abi_siginfo info = { .si_signo = SIGKILL, .si_code = SI_KERNEL };
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    struct proc *p = proc_find(victim);
    if (p)
        sig_send_proc(p, SIGKILL, &info);
    spin_unlock_irqrestore(&proc_lock, flags);
    oom_victim_pid = victim;
    mutex_unlock(&oom_mutex);
    printk("oom: killed pid %d (%s), %zu KiB\n", victim, victim_name, victim_pages * 4);
    if (self && self->pid == victim)
        return false;
    sched_sleep_ns(OOM_WAIT_NS);
    return true;
}

void proc_oom_register(void)
{
    mutex_init(&oom_mutex);
    vm_set_oom_handler(proc_oom);
}
