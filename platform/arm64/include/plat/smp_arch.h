/* arm64's per-CPU reads for <plat/smp.h>, inline. TPIDR_EL1 holds the CPU
 * number, so the current thread takes a second load (arm64_cpu_current,
 * smp.c), with interrupts off between the two unless they are already. */
#ifndef PLAT_SMP_ARCH_H
#define PLAT_SMP_ARCH_H

#include <plat/cpu.h>

extern void *arm64_cpu_current[PLAT_MAX_CPUS];

static inline unsigned arch_cpu_id(void)
{
    unsigned long id;
    __asm__ volatile("mrs %0, tpidr_el1" : "=r"(id));
    return (unsigned)id;
}

static inline void *arch_cpu_current_irqs_off(void)
{
    return __atomic_load_n(&arm64_cpu_current[arch_cpu_id()], __ATOMIC_RELAXED);
}

static inline void *arch_cpu_current(void)
{
    unsigned long flags = arch_irq_save();
    void *thread = arch_cpu_current_irqs_off();
    arch_irq_restore(flags);
    return thread;
}

#endif
