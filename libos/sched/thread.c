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
#include <sched/sync.h>
#include "internal.h"

/* Kernel stacks live in [VMAP + 128 GiB, VMAP + 136 GiB): above amd64's
 * ioremap window (the bottom 64 GiB), below the middle of VMAP (ktest's
 * mapping tests) and far from arm64's ioremap window (the top GiB). Each
 * thread takes a slot: one unmapped guard page, then the stack. 256 Ki
 * slots: more stacks than any RAM here holds.
 *
 * A freed slot is stale: another CPU may still hold a TLB entry for the
 * stack it had (amd64's kernel unmaps invalidate locally only). A slot
 * comes from the clean set, else fresh from the window; when both are
 * empty, every CPU flushes its TLB (arch_tlb_flush_all_local) and the
 * slots stale before that flush become clean. So a slot is reused only
 * once no CPU can reach its old pages, and one flush serves many slots. */
#define STACK_WINDOW_BASE (KERNEL_VMAP_BASE + 128 * GiB)
#define STACK_SLOT_SIZE   (32 * KiB)
#define STACK_SLOTS       (256UL * 1024)
#define SLOT_WORDS        (STACK_SLOTS / 64)

/* slot_lock (a leaf, interrupts off) protects the two sets, their counts,
 * flushing_count and the window cursor. */
static struct spinlock slot_lock = SPINLOCK_INIT;
static uint64_t stale_slots[SLOT_WORDS], clean_slots[SLOT_WORDS];
static unsigned long stale_count, clean_count;
static unsigned long flushing_count;    /* moved to flushing_slots, not yet clean */
static unsigned long clean_hint;        /* a word of clean_slots to search first */
static unsigned long slots_used;        /* slots [0, slots_used) were handed out once */
static unsigned long window_slots = STACK_SLOTS;
/* slot_flush_mutex (a sleeping lock, outside slot_lock): one flusher at a
 * time, owning flushing_slots. */
static struct mutex slot_flush_mutex;
static bool is_slot_flush_ready;
static uint64_t flushing_slots[SLOT_WORDS];

/* Detached threads that died (they cannot free their own stack), freed by
 * the next thread_create/join, by the next thread_exit and by the idle
 * loop: the kernel stacks of a killed fork bomb must not stay parked here
 * until some unrelated thread is created. zombie_lock is a leaf lock. */
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
 * Sleeps; false when it cannot run here (interrupts off, or too early). */
static bool clean_stale_slots(void)
{
    if (!arch_irq_enabled() || !is_slot_flush_ready || !thread_current())
        return false;
    mutex_lock(&slot_flush_mutex);
    unsigned long flags = spin_lock_irqsave(&slot_lock);
    unsigned long count = stale_count;
    memcpy(flushing_slots, stale_slots, sizeof(stale_slots));
    memset(stale_slots, 0, sizeof(stale_slots));
    stale_count = 0;
    flushing_count = count;
    spin_unlock_irqrestore(&slot_lock, flags);
    if (count) {
        for (unsigned cpu = 0; cpu < PLAT_MAX_CPUS; cpu++)
            smp_call_on(cpu, flush_this_cpu, NULL);     /* -EINVAL: not online */
        flags = spin_lock_irqsave(&slot_lock);
        for (unsigned long w = 0; w < SLOT_WORDS; w++)
            clean_slots[w] |= flushing_slots[w];
        clean_count += count;
        flushing_count = 0;
        spin_unlock_irqrestore(&slot_lock, flags);
    }
    mutex_unlock(&slot_flush_mutex);
    return true;
}

/* A clean slot's index: reused, or fresh from the window; -1 when none.
 * Slots that are stale or being flushed are waited for (a flush, ours or
 * another thread's that we wait for on slot_flush_mutex), and the search
 * runs again: other creators may take the slots a flush made clean, so
 * it gives up only when none is pending or after many rounds of that. */
#define SLOT_GET_ROUNDS 64

static long slot_get(void)
{
    for (int round = 0; round < SLOT_GET_ROUNDS; round++) {
        long slot = -1;
        unsigned long flags = spin_lock_irqsave(&slot_lock);
        if (clean_count) {
            for (unsigned long i = 0; i < SLOT_WORDS; i++) {
                unsigned long w = (clean_hint + i) % SLOT_WORDS;
                if (clean_slots[w]) {
                    unsigned bit = (unsigned)__builtin_ctzll(clean_slots[w]);
                    clean_slots[w] &= ~(1ULL << bit);
                    clean_count--;
                    clean_hint = w;
                    slot = (long)(w * 64 + bit);
                    break;
                }
            }
        } else if (slots_used < window_slots) {
            slot = (long)slots_used++;
        }
        bool is_pending = stale_count != 0 || flushing_count != 0;
        spin_unlock_irqrestore(&slot_lock, flags);
        if (slot >= 0)
            return slot;
        if (!is_pending || !clean_stale_slots())
            return -1;
    }
    return -1;
}

static void slot_put_stale(unsigned long slot)
{
    unsigned long flags = spin_lock_irqsave(&slot_lock);
    stale_slots[slot / 64] |= 1ULL << (slot % 64);
    stale_count++;
    spin_unlock_irqrestore(&slot_lock, flags);
}

static int stack_alloc(struct thread *t)
{
    long slot = slot_get();
    if (slot < 0)
        return -ENOMEM;
    uintptr_t base = STACK_WINDOW_BASE + (uintptr_t)slot * STACK_SLOT_SIZE;
    uintptr_t va = base + STACK_SLOT_SIZE - THREAD_STACK_SIZE;     /* guard below */
    unsigned mapped = 0;
    int err = 0;
    while (mapped < THREAD_STACK_PAGES) {
        uint64_t pa = pages_alloc(0, 0);
        if (!pa) {
            err = -ENOMEM;
            break;
        }
        err = arch_mmu_map(arch_mmu_kernel_space(), va + mapped * PAGE_SIZE, pa, PAGE_SIZE,
                           MMU_READ | MMU_WRITE);
        if (err) {
            pages_free(pa, 0);
            break;
        }
        t->stack_pages[mapped++] = pa;
    }
    if (err) {
        if (mapped)
            arch_mmu_unmap(arch_mmu_kernel_space(), va, mapped * PAGE_SIZE);
        while (mapped)
            pages_free(t->stack_pages[--mapped], 0);
        slot_put_stale((unsigned long)slot);
        return err;
    }
    t->stack_va = va;
    return 0;
}

static void thread_free(struct thread *t)
{
    /* A zombie is freed only by whoever took it off the list: a free of
     * one still on it (a second detach, a join of a detached thread)
     * would leave freed memory on the list for the next reaper. */
    if (!list_empty(&t->zombie_link))
        panic("thread_free: %s is still on the zombie list (from %p)", t->name,
              __builtin_return_address(0));
    if (t->stack_va) {
        arch_mmu_unmap(arch_mmu_kernel_space(), t->stack_va, THREAD_STACK_SIZE);
        for (unsigned i = 0; i < THREAD_STACK_PAGES; i++)
            pages_free(t->stack_pages[i], 0);
        slot_put_stale((t->stack_va - STACK_WINDOW_BASE) / STACK_SLOT_SIZE);
    }
    kfree(t);
}

void thread_slots_init(void)
{
    mutex_init(&slot_flush_mutex);
    is_slot_flush_ready = true;
}

unsigned long thread_stack_window_limit(unsigned long extra_slots)
{
    unsigned long flags = spin_lock_irqsave(&slot_lock);
    unsigned long used = slots_used;
    window_slots = extra_slots ? MIN(STACK_SLOTS, slots_used + extra_slots) : STACK_SLOTS;
    spin_unlock_irqrestore(&slot_lock, flags);
    return used;
}

void thread_reap_zombies(void)
{
    for (;;) {
        unsigned long flags = spin_lock_irqsave(&zombie_lock);
        struct thread *t = NULL;
        if (!list_empty(&zombies)) {
            t = list_entry(zombies.next, struct thread, zombie_link);
            /* A thread freed while on the list (kmalloc_debug poisons it):
             * name who freed it rather than fault on its links. */
            void *freed_by = (uintptr_t)t->zombie_link.next >> 32 == 0x6b6b6b6bU
                                 ? kmalloc_debug_freed_by(t) : NULL;
            if (freed_by)
                panic("thread_reap_zombies: thread %p on the zombie list was freed by %p",
                      (void *)t, freed_by);
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
    if (!list_empty(&t->zombie_link))
        panic("thread_zombie_add: %s is on the zombie list already", t->name);
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
    thread_reap_zombies();
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
    thread_reap_zombies();
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
    t->head.owner = owner;
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
    t->head.is_interrupted = true;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (t->is_in_intr_sleep)
        sched_wake(t);
    else if (t->state == THREAD_RUNNING && t->cpu != arch_cpu_id())
        arch_send_ipi(t->cpu, IPI_RESCHEDULE);  /* through its interrupt exit */
    arch_irq_restore(flags);
}

void thread_interrupt_clear(struct thread *t)
{
    t->head.is_interrupted = false;
}

