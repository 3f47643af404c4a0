/* Lock debugging: how many spinlocks the thread running on each CPU holds.
 * spin_lock/spin_unlock count here; the scheduler carries the count across
 * context switches (a thread may be preempted holding one) and panics when
 * a thread goes to sleep holding one (docs/locking.md). */
#include <stdbool.h>
#include <kern/spinlock.h>
#include <plat/smp.h>

static bool is_tracking;                /* set once the scheduler runs */
static int held_on_cpu[PLAT_MAX_CPUS];  /* touched only by its own CPU, irqs off */

void spin_tracking_start(void)
{
    __atomic_store_n(&is_tracking, true, __ATOMIC_RELEASE);
}

void spin_held_add(int delta)
{
    if (!__atomic_load_n(&is_tracking, __ATOMIC_RELAXED))
        return;
    unsigned long flags = arch_irq_save();     /* no migration in between */
    unsigned cpu = arch_cpu_id();
    if (cpu < PLAT_MAX_CPUS)
        held_on_cpu[cpu] += delta;
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

int spin_held_switch(int next_count)
{
    unsigned cpu = arch_cpu_id();
    if (cpu >= PLAT_MAX_CPUS)
        return 0;
    int count = held_on_cpu[cpu];
    held_on_cpu[cpu] = next_count;
    return count;
}
