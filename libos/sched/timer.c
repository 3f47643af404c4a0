/* Deadline timers: a pairing heap per CPU, the platform's one-shot timer
 * programmed for the earliest deadline, and timer_interrupt, where the
 * platform's timer interrupt enters the kernel. */
#include <stddef.h>
#include <abi/errno.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <plat/timer.h>
#include "internal.h"

/* ---- the wall clock ---- */

/* The wall time at plat_time_ns() == 0, read on first use; boot_wall_lock
 * makes the slow read happen once, so every caller sees the same offset
 * and CLOCK_REALTIME never steps. A leaf lock. */
static struct spinlock boot_wall_lock = SPINLOCK_INIT;
static uint64_t boot_wall_ns;
static bool is_boot_wall_known;

uint64_t clock_realtime_ns(void)
{
    if (!__atomic_load_n(&is_boot_wall_known, __ATOMIC_ACQUIRE)) {
        unsigned long flags = spin_lock_irqsave(&boot_wall_lock);
        if (!is_boot_wall_known) {
            uint64_t wall = plat_wall_clock_ns(), now = plat_time_ns();
            boot_wall_ns = wall > now ? wall - now : 0;
            __atomic_store_n(&is_boot_wall_known, true, __ATOMIC_RELEASE);
        }
        spin_unlock_irqrestore(&boot_wall_lock, flags);
    }
    return plat_time_ns() + boot_wall_ns;
}

int time_to_ns(int64_t sec, int64_t nsec, uint64_t *ns)
{
    const uint64_t ns_per_sec = 1000000000ULL;
    if (sec < 0 || nsec < 0 || nsec >= (int64_t)ns_per_sec)
        return -EINVAL;
    /* Compare before multiplying: sec * 1e9 may not fit. */
    if ((uint64_t)sec > (TIME_MAX_REL_NS - (uint64_t)nsec) / ns_per_sec) {
        *ns = TIME_MAX_REL_NS;
        return -ERANGE;
    }
    *ns = (uint64_t)sec * ns_per_sec + (uint64_t)nsec;
    return 0;
}

void timer_init(struct timer *t, timer_fn fn, void *arg)
{
    t->deadline_ns = 0;
    t->child = t->sibling = t->prev = NULL;
    t->fn = fn;
    t->arg = arg;
    t->cpu = -1;
}

bool timer_is_pending(const struct timer *t)
{
    return t->cpu >= 0;
}

/* ---- pairing heap ---- */

/* Melds two roots; the result is a root (no prev, no sibling). */
static struct timer *meld(struct timer *a, struct timer *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    if (b->deadline_ns < a->deadline_ns) {
        struct timer *t = a;
        a = b;
        b = t;
    }
    b->prev = a;
    b->sibling = a->child;
    if (a->child)
        a->child->prev = b;
    a->child = b;
    a->prev = a->sibling = NULL;
    return a;
}

/* Two-pass merge of a sibling list into one root. */
static struct timer *merge_pairs(struct timer *list)
{
    struct timer *stack = NULL;

    while (list) {
        struct timer *a = list, *b = a->sibling;
        list = b ? b->sibling : NULL;
        a->sibling = a->prev = NULL;
        if (b) {
            b->sibling = b->prev = NULL;
            a = meld(a, b);
        }
        a->sibling = stack;
        stack = a;
    }
    struct timer *root = NULL;
    while (stack) {
        struct timer *next = stack->sibling;
        stack->sibling = NULL;
        root = meld(root, stack);
        stack = next;
    }
    return root;
}

static void heap_remove(struct cpu *c, struct timer *t)
{
    struct timer *children = merge_pairs(t->child);

    if (t == c->timer_heap) {
        c->timer_heap = children;
    } else {
        if (t->prev->child == t)
            t->prev->child = t->sibling;
        else
            t->prev->sibling = t->sibling;
        if (t->sibling)
            t->sibling->prev = t->prev;
        c->timer_heap = meld(c->timer_heap, children);
    }
    t->child = t->sibling = t->prev = NULL;
    /* Release: timer_interrupt sets running_timer first, so a canceller
     * that sees the timer off every heap (dequeue) sees it running. */
    __atomic_store_n(&t->cpu, -1, __ATOMIC_RELEASE);
}

static void program(struct cpu *c)
{
    if (c->timer_heap)
        plat_timer_arm(c->timer_heap->deadline_ns);
    else
        plat_timer_disarm();
}

/* Removes t from whichever heap holds it. Returns true if it was there. */
static bool dequeue(struct timer *t)
{
    for (;;) {
        int cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);     /* see heap_remove */
        if (cpu < 0)
            return false;
        struct cpu *c = &sched_cpus[cpu];
        unsigned long flags = spin_lock_irqsave(&c->timer_lock);
        if (t->cpu == cpu) {
            bool was_first = c->timer_heap == t;
            heap_remove(c, t);
            if (was_first && c == this_cpu())
                program(c);
            spin_unlock_irqrestore(&c->timer_lock, flags);
            return true;
        }
        spin_unlock_irqrestore(&c->timer_lock, flags);
    }
}

void timer_start(struct timer *t, uint64_t deadline_ns)
{
    unsigned long flags = arch_irq_save();
    struct cpu *c = this_cpu();

    dequeue(t);
    spin_lock(&c->timer_lock);
    t->deadline_ns = deadline_ns;
    t->cpu = (int)(c - sched_cpus);
    c->timer_heap = meld(c->timer_heap, t);
    if (c->timer_heap == t)
        plat_timer_arm(deadline_ns);
    spin_unlock(&c->timer_lock);
    arch_irq_restore(flags);
}

bool timer_cancel(struct timer *t)
{
    bool was_pending = dequeue(t);

    /* Wait until no CPU is inside t's callback (but not for ourselves,
     * when called from it). */
    for (unsigned i = 0; i < PLAT_MAX_CPUS; i++) {
        while (sched_cpus[i].running_timer == t) {
            unsigned long flags = arch_irq_save();
            bool is_self = arch_cpu_id() == i;
            arch_irq_restore(flags);
            if (is_self)
                break;
            arch_cpu_relax();
        }
    }
    return was_pending;
}

/* Interrupt context, interrupts disabled: runs every expired timer of this
 * CPU, then programs the next deadline. */
void timer_interrupt(void)
{
    struct cpu *c = this_cpu();

    spin_lock(&c->timer_lock);
    for (;;) {
        struct timer *t = c->timer_heap;
        if (!t || t->deadline_ns > plat_time_ns())
            break;
        c->running_timer = t;           /* before heap_remove publishes cpu -1 */
        heap_remove(c, t);
        spin_unlock(&c->timer_lock);
        t->fn(t->arg);
        spin_lock(&c->timer_lock);
        __atomic_store_n(&c->running_timer, NULL, __ATOMIC_RELEASE);
    }
    program(c);
    spin_unlock(&c->timer_lock);
}
