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
#include <plat/cpu.h>
#include <plat/timer.h>
#include <sched/smp.h>
#include "internal.h"

/* Kernel stacks live in [VMAP + 128 GiB, VMAP + 256 GiB): above amd64's
 * ioremap window (the bottom 64 GiB), below the middle of VMAP (ktest's
 * mapping tests) and far from arm64's ioremap window (the top GiB). Each
 * thread takes a slot: one unmapped guard page, then the stack; 4 Mi slots.
 *
 * A freed slot is stale: another CPU may still hold a TLB entry for the
 * stack it had (amd64's kernel unmaps invalidate locally only). Slots come
 * from the clean list, else fresh from the window; when both are empty,
 * every CPU flushes its TLB (arch_tlb_flush_all_local) and the slots stale
 * before that flush become clean. So a slot is reused only once no CPU can
 * reach its old pages, and one flush serves many slots. */
#define STACK_WINDOW_BASE (KERNEL_VMAP_BASE + 128 * GiB)
#define STACK_WINDOW_END  (KERNEL_VMAP_BASE + 256 * GiB)
#define STACK_SLOT_SIZE   (32 * KiB)

/* A slot's record, made at its first use and kept for good. */
struct stack_slot {
    struct list link;           /* clean_slots or stale_slots */
    uintptr_t base;             /* its guard page; the stack above */
};

/* slot_lock (a leaf, interrupts off) protects the two lists and the window
 * cursor. */
static struct spinlock slot_lock = SPINLOCK_INIT;
static struct list clean_slots = LIST_INIT(clean_slots);
static struct list stale_slots = LIST_INIT(stale_slots);
static uintptr_t next_stack_slot = STACK_WINDOW_BASE;
static uintptr_t stack_window_end = STACK_WINDOW_END;

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

static void flush_this_cpu(void *arg)
{
    (void)arg;
    arch_tlb_flush_all_local();
}

/* Makes the slots stale so far clean: every CPU flushes its TLB first.
 * Needs interrupts on (smp_call_on); false when they are off. */
static bool clean_stale_slots(void)
{
    if (!arch_irq_enabled())
        return false;
    struct list batch = LIST_INIT(batch);
    unsigned long flags = spin_lock_irqsave(&slot_lock);
    list_splice_back(&batch, &stale_slots);
    spin_unlock_irqrestore(&slot_lock, flags);
    if (list_empty(&batch))
        return true;
    for (unsigned cpu = 0; cpu < PLAT_MAX_CPUS; cpu++)
        smp_call_on(cpu, flush_this_cpu, NULL);     /* -EINVAL: not online */
    flags = spin_lock_irqsave(&slot_lock);
    list_splice_back(&clean_slots, &batch);
    spin_unlock_irqrestore(&slot_lock, flags);
    return true;
}

/* A clean slot: reused, or fresh from the window; NULL when none is left. */
static struct stack_slot *slot_get(void)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        unsigned long flags = spin_lock_irqsave(&slot_lock);
        if (!list_empty(&clean_slots)) {
            struct stack_slot *s = list_entry(clean_slots.next, struct stack_slot, link);
            list_remove(&s->link);
            spin_unlock_irqrestore(&slot_lock, flags);
            return s;
        }
        uintptr_t base = 0;
        if (next_stack_slot + STACK_SLOT_SIZE <= stack_window_end) {
            base = next_stack_slot;
            next_stack_slot += STACK_SLOT_SIZE;
        }
        bool has_stale = !list_empty(&stale_slots);
        spin_unlock_irqrestore(&slot_lock, flags);
        if (base) {
            struct stack_slot *s = kmalloc(sizeof(*s));
            if (!s) {
                flags = spin_lock_irqsave(&slot_lock);   /* give the slot back */
                if (next_stack_slot == base + STACK_SLOT_SIZE)
                    next_stack_slot = base;
                spin_unlock_irqrestore(&slot_lock, flags);
                return NULL;
            }
            list_init(&s->link);
            s->base = base;
            return s;
        }
        if (!has_stale || !clean_stale_slots())
            return NULL;
    }
    return NULL;
}

static void slot_put_stale(struct stack_slot *s)
{
    unsigned long flags = spin_lock_irqsave(&slot_lock);
    list_push_back(&stale_slots, &s->link);
    spin_unlock_irqrestore(&slot_lock, flags);
}

static int stack_alloc(struct thread *t)
{
    struct stack_slot *slot = slot_get();
    if (!slot)
        return -ENOMEM;
    uint64_t pa = pages_alloc(THREAD_STACK_ORDER, 0);
    if (!pa) {
        slot_put_stale(slot);
        return -ENOMEM;
    }
    uintptr_t va = slot->base + STACK_SLOT_SIZE - THREAD_STACK_SIZE;  /* guard below */
    int err = arch_mmu_map(arch_mmu_kernel_space(), va, pa, THREAD_STACK_SIZE,
                           MMU_READ | MMU_WRITE);
    if (err) {
        pages_free(pa, THREAD_STACK_ORDER);
        slot_put_stale(slot);
        return err;
    }
    t->stack_va = va;
    t->stack_pa = pa;
    t->stack_slot = slot;
    return 0;
}

static void thread_free(struct thread *t)
{
    if (t->stack_va) {
        arch_mmu_unmap(arch_mmu_kernel_space(), t->stack_va, THREAD_STACK_SIZE);
        pages_free(t->stack_pa, THREAD_STACK_ORDER);
        slot_put_stale(t->stack_slot);
    }
    kfree(t);
}

unsigned long thread_stack_window_limit(unsigned long extra_slots)
{
    unsigned long flags = spin_lock_irqsave(&slot_lock);
    unsigned long used = (next_stack_slot - STACK_WINDOW_BASE) / STACK_SLOT_SIZE;
    stack_window_end = extra_slots ? next_stack_slot + extra_slots * STACK_SLOT_SIZE
                                   : STACK_WINDOW_END;
    if (stack_window_end > STACK_WINDOW_END)
        stack_window_end = STACK_WINDOW_END;
    spin_unlock_irqrestore(&slot_lock, flags);
    return used;
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
