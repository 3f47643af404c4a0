/* Thread objects: creation with a kernel stack in its own window of the
 * VMAP range (a guard page below each), join, detach, and reaping. */
#include <stddef.h>
#include <string.h>
#include <abi/errno.h>
#include <kern/panic.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <mm/page.h>
#include <plat/mmu.h>
#include <plat/timer.h>
#include "internal.h"

/* Kernel stacks live in [VMAP + 128 GiB, VMAP + 256 GiB): above amd64's
 * ioremap window (the bottom 64 GiB), below the middle of VMAP (ktest's
 * mapping tests) and far from arm64's ioremap window (the top GiB). Each
 * thread takes a slot: one unmapped guard page, then the stack. Slots are
 * handed out in order and never reused, so a stale TLB entry on another
 * CPU for a freed stack can never be used again (amd64's unmap only
 * invalidates locally). 128 GiB / 32 KiB = 4 Mi thread creations. */
#define STACK_WINDOW_BASE (KERNEL_VMAP_BASE + 128 * GiB)
#define STACK_WINDOW_END  (KERNEL_VMAP_BASE + 256 * GiB)
#define STACK_SLOT_SIZE   (32 * KiB)

static uintptr_t next_stack_slot = STACK_WINDOW_BASE;

/* Detached threads that died, freed by the next thread_create/join (they
 * cannot free their own stack). zombie_lock is a leaf lock. */
static struct spinlock zombie_lock = SPINLOCK_INIT;
static struct list zombies = LIST_INIT(zombies);

void thread_struct_init(struct thread *t, const char *name)
{
    memset(t, 0, sizeof(*t));
    t->state = THREAD_READY;
    waitq_init(&t->join_wq);
    list_init(&t->run_link);
    list_init(&t->zombie_link);
    strlcpy(t->name, name, sizeof(t->name));
}

static int stack_alloc(struct thread *t)
{
    uintptr_t slot = __atomic_fetch_add(&next_stack_slot, STACK_SLOT_SIZE, __ATOMIC_RELAXED);
    if (slot + STACK_SLOT_SIZE > STACK_WINDOW_END)
        return -ENOMEM;
    uint64_t pa = pages_alloc(THREAD_STACK_ORDER, 0);
    if (!pa)
        return -ENOMEM;
    uintptr_t va = slot + STACK_SLOT_SIZE - THREAD_STACK_SIZE;   /* guard below */
    int err = arch_mmu_map(arch_mmu_kernel_space(), va, pa, THREAD_STACK_SIZE,
                           MMU_READ | MMU_WRITE);
    if (err) {
        pages_free(pa, THREAD_STACK_ORDER);
        return err;
    }
    t->stack_va = va;
    t->stack_pa = pa;
    return 0;
}

static void thread_free(struct thread *t)
{
    if (t->stack_va) {
        arch_mmu_unmap(arch_mmu_kernel_space(), t->stack_va, THREAD_STACK_SIZE);
        pages_free(t->stack_pa, THREAD_STACK_ORDER);
    }
    kfree(t);
}

static void reap_zombies(void)
{
    for (;;) {
        unsigned long flags = spin_lock_irqsave(&zombie_lock);
        struct thread *t = NULL;
        if (!list_empty(&zombies)) {
            t = list_entry(zombies.next, struct thread, zombie_link);
            list_remove(&t->zombie_link);
        }
        spin_unlock_irqrestore(&zombie_lock, flags);
        if (!t)
            return;
        thread_free(t);
    }
}

void thread_zombie_add(struct thread *t)
{
    unsigned long flags = spin_lock_irqsave(&zombie_lock);
    list_push_back(&zombies, &t->zombie_link);
    spin_unlock_irqrestore(&zombie_lock, flags);
}

struct thread *thread_alloc(const char *name, thread_fn fn, void *arg)
{
    struct thread *t = kmalloc(sizeof(*t));
    if (!t)
        return NULL;
    thread_struct_init(t, name);
    if (stack_alloc(t)) {
        kfree(t);
        return NULL;
    }
    t->fn = fn;
    t->arg = arg;
    sched_thread_setup(t);
    return t;
}

struct thread *thread_create(const char *name, thread_fn fn, void *arg)
{
    reap_zombies();
    struct thread *t = thread_alloc(name, fn, arg);
    if (!t)
        return NULL;
    unsigned long flags = arch_irq_save();
    t->cpu = arch_cpu_id();
    sched_make_runnable(t);
    arch_irq_restore(flags);
    return t;
}

int thread_join(struct thread *t, int *exit_code)
{
    if (t == thread_current() || t->is_detached)
        return -EINVAL;
    unsigned long flags = spin_lock_irqsave(&t->exit_lock);
    while (!t->is_reapable)
        waitq_sleep_uninterruptible(&t->join_wq, &t->exit_lock, 0);
    int code = t->exit_code;
    spin_unlock_irqrestore(&t->exit_lock, flags);
    if (exit_code)
        *exit_code = code;
    thread_free(t);
    reap_zombies();
    return 0;
}

void thread_detach(struct thread *t)
{
    unsigned long flags = spin_lock_irqsave(&t->exit_lock);
    bool is_gone = t->is_reapable;
    t->is_detached = true;
    spin_unlock_irqrestore(&t->exit_lock, flags);
    if (is_gone)
        thread_free(t);
}

const char *thread_name(const struct thread *t)
{
    return t->name;
}

void sched_sleep_ns(uint64_t ns)
{
    static struct waitq never_woken = WAITQ_INIT(never_woken);
    uint64_t deadline = plat_time_ns() + ns;

    if (!ns)
        return;
    while (plat_time_ns() < deadline)
        waitq_sleep_uninterruptible(&never_woken, NULL, deadline);
}

/* ---- for the process layer ---- */

void thread_set_owner(struct thread *t, void *owner)
{
    t->owner = owner;
}

void *thread_owner(const struct thread *t)
{
    return t->owner;
}

bool thread_is_blocked(const struct thread *t)
{
    return t->state == THREAD_BLOCKED;
}

uintptr_t thread_stack_top(const struct thread *t)
{
    return t->stack_va + THREAD_STACK_SIZE;
}

void thread_interrupt(struct thread *t)
{
    unsigned long flags = arch_irq_save();
    t->is_interrupted = true;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (t->is_in_intr_sleep)
        sched_wake(t);
    else if (t->state == THREAD_RUNNING && t->cpu != arch_cpu_id())
        arch_send_ipi(t->cpu, IPI_RESCHEDULE);  /* through its interrupt exit */
    arch_irq_restore(flags);
}

void thread_interrupt_clear(struct thread *t)
{
    t->is_interrupted = false;
}
