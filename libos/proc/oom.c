/* The out-of-memory killer. When a page fault finds no free page, the
 * process whose end would free the most (the most pages mapped by it alone,
 * not shared copy-on-write, weighed down by its age: see badness; never
 * init, never a kernel thread: those have no process) gets SIGKILL and a line in the kernel log
 * ("oom: killed pid N (name), M KiB"); the fault then waits for the victim
 * to be gone and retries. One victim at a time: while it is still alive,
 * other faults wait for it instead of choosing another. */
#include <stdbool.h>
#include <string.h>
#include <abi/signal.h>
#include <kern/printk.h>
#include <mm/vm.h>
#include <plat/timer.h>
#include <sched/sync.h>
#include <sched/thread.h>
#include "proc_internal.h"

#define OOM_WAIT_NS (10 * 1000 * 1000ULL)

static uint64_t isqrt(uint64_t x)
{
    uint64_t r = 0;
    for (uint64_t bit = 1ULL << 62; bit; bit >>= 2) {
        if (x >= r + bit) {
            x -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
    }
    return r;
}

/* How much killing a process is worth: the pages only it maps, divided by
 * the fourth root of its age in milliseconds (as Linux 2.6's badness did
 * with run time): a long-lived process such as the interactive shell that
 * started a fork bomb is worth keeping over the bomb's young subshells of
 * about its size, while a hog that is much larger is still chosen. */
static uint64_t badness(size_t pages, uint64_t start_ns, uint64_t now_ns)
{
    uint64_t age_ms = now_ns > start_ns ? (now_ns - start_ns) / 1000000 : 0;
    return (uint64_t)pages * 1024 / (1 + isqrt(isqrt(age_ms)));
}

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
/* Whether some process other than init is already dying (exiting, or
 * with SIGKILL pending) while still holding its space: its memory is about
 * to come back, so the OOM killer waits for it instead of choosing another
 * (kill -9 -1 of a fork bomb leaves hundreds of them). */
static bool is_dying_locked(const struct proc *p)
{
    spin_assert_held(&proc_lock);
    return p->state == PROC_ALIVE && p->vm &&
           (p->is_exiting || (p->pending & ABI_SIGBIT(SIGKILL)));
}

static bool any_dying(void)
{
    bool found = false;
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    for (struct proc *p = proc_iter(NULL); p && !found; p = proc_iter(p))
        found = p->pid != 1 && is_dying_locked(p);
    spin_unlock_irqrestore(&proc_lock, flags);
    return found;
}

static int next_candidate(int after, struct vm_space **vm, char name[16], uint64_t *start_ns)
{
    int best = 0;
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    for (struct proc *p = proc_iter(NULL); p; p = proc_iter(p)) {
        if (p->pid <= after || p->pid == 1 || p->state != PROC_ALIVE || !p->vm ||
            is_dying_locked(p) || (best && p->pid >= best))
            continue;
        best = p->pid;
        *vm = p->vm;
        *start_ns = p->start_ns;
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
    /* A process already being killed gives up the fault and dies, freeing
     * what it has; waiting here for memory would keep it (and its pages)
     * alive for as long as memory stays short. */
    if (self) {
        unsigned long flags = spin_lock_irqsave(&proc_lock);
        bool is_dying = self->is_exiting || (self->pending & ABI_SIGBIT(SIGKILL));
        spin_unlock_irqrestore(&proc_lock, flags);
        if (is_dying)
            return false;
    }
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
    if (any_dying()) {
        mutex_unlock(&oom_mutex);
        sched_sleep_ns(OOM_WAIT_NS);
        return true;
    }

    int victim = 0;
    size_t victim_pages = 0;
    uint64_t victim_score = 0, start_ns, now_ns = plat_time_ns();
    char victim_name[16] = "", name[16];
    struct vm_space *vm;
    mutex_lock(&proc_vm_mutex);
    for (int pid = next_candidate(0, &vm, name, &start_ns); pid;
         pid = next_candidate(pid, &vm, name, &start_ns)) {
        /* Ties go to the highest pid, normally the youngest. */
        size_t pages = vm_private_pages(vm);
        uint64_t score = badness(pages, start_ns, now_ns);
        if (pages > 0 && score >= victim_score) {
            victim = pid;
            victim_pages = pages;
            victim_score = score;
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
