/* arm64's interrupt masking for <plat/cpu.h>, inline: these run in every
 * spinlock and on every syscall, and under TCG a call into another page
 * costs a block lookup each way. */
#ifndef PLAT_CPU_ARCH_H
#define PLAT_CPU_ARCH_H

#include <stdbool.h>

#define ARCH_DAIF_I (1UL << 7)

static inline void arch_irq_enable(void)
{
    __asm__ volatile("msr daifclr, #2" : : : "memory");
}

static inline void arch_irq_disable(void)
{
    __asm__ volatile("msr daifset, #2" : : : "memory");
}

static inline unsigned long arch_irq_save(void)
{
    unsigned long flags;
    __asm__ volatile("mrs %0, daif" : "=r"(flags) : : "memory");
    arch_irq_disable();
    return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
    __asm__ volatile("msr daif, %0" : : "r"(flags) : "memory");
}

static inline bool arch_irq_enabled(void)
{
    unsigned long flags;
    __asm__ volatile("mrs %0, daif" : "=r"(flags));
    return !(flags & ARCH_DAIF_I);
}

static inline void arch_cpu_relax(void)
{
    __asm__ volatile("yield" : : : "memory");
}

#endif
