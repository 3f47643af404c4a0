/* Lock debugging: which thread holds each spinlock, and how many
 * spinlocks the thread running on each CPU holds. spin_lock/spin_unlock
 * record both here; the scheduler carries the count and the owner token
 * across context switches (a thread may be preempted holding a spinlock)
 * and panics when a thread goes to sleep holding one (docs/locking.md). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <plat/smp.h>

static bool is_tracking;                /* set once the scheduler runs */
static int held_on_cpu[PLAT_MAX_CPUS];  /* touched only by its own CPU, irqs off */
/* The running thread of each CPU (spin_held_switch); NULL before the
 * scheduler runs, when the CPU itself is the owner. */
static const void *owner_on_cpu[PLAT_MAX_CPUS];

void spin_tracking_start(void)
{
    __atomic_store_n(&is_tracking, true, __ATOMIC_RELEASE);
}

/* The caller's token; interrupts off. Distinct from any thread pointer. */
static const void *owner_token(unsigned cpu)
{
    if (cpu >= PLAT_MAX_CPUS)
        return NULL;
    return owner_on_cpu[cpu] != NULL ? owner_on_cpu[cpu] : &owner_on_cpu[cpu];
}

void spin_acquired(struct spinlock *lock)
{
    unsigned long flags = arch_irq_save();     /* no migration in between */
    unsigned cpu = arch_cpu_id();
    lock->owner = owner_token(cpu);
    if (cpu < PLAT_MAX_CPUS && __atomic_load_n(&is_tracking, __ATOMIC_RELAXED))
        held_on_cpu[cpu]++;
    arch_irq_restore(flags);
}

void spin_releasing(struct spinlock *lock)
{
    unsigned long flags = arch_irq_save();
    unsigned cpu = arch_cpu_id();
    lock->owner = NULL;
    if (cpu < PLAT_MAX_CPUS && __atomic_load_n(&is_tracking, __ATOMIC_RELAXED))
        held_on_cpu[cpu]--;
    arch_irq_restore(flags);
}

int spin_held_count(void)
{
    unsigned long flags = arch_irq_save();
    unsigned cpu = arch_cpu_id();
    int count = cpu < PLAT_MAX_CPUS ? held_on_cpu[cpu] : 0;
    arch_irq_restore(flags);
    return count;
}

int spin_held_switch(int next_count, const void *next_owner)
{
    unsigned cpu = arch_cpu_id();
    if (cpu >= PLAT_MAX_CPUS)
        return 0;
    int count = held_on_cpu[cpu];
    held_on_cpu[cpu] = next_count;
    owner_on_cpu[cpu] = next_owner;
    return count;
}

/* Racy reads, but not falsely: only the holder stores its own token into
 * lock->owner, and it clears it before it unlocks. */
void spin_assert_held_at(const struct spinlock *lock, const char *what, const char *file,
                         int line)
{
    unsigned long flags = arch_irq_save();
    const void *me = owner_token(arch_cpu_id());
    bool is_mine = __atomic_load_n(&lock->locked, __ATOMIC_RELAXED) &&
                   __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == me;
    arch_irq_restore(flags);
    if (!is_mine)
        panic("lock not held: %s (%s:%d)", what, file, line);
}
