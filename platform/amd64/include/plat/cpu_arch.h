/* amd64's interrupt masking for <plat/cpu.h>, inline: these run in every
 * spinlock and on every syscall, and under TCG a call into another page
 * costs a block lookup each way. The kernel is built without a red zone,
 * so pushfq/popq in the middle of a function is safe. */
#ifndef PLAT_CPU_ARCH_H
#define PLAT_CPU_ARCH_H

#include <stdbool.h>

#define ARCH_RFLAGS_IF (1UL << 9)

static inline void arch_irq_enable(void)
{
    __asm__ volatile("sti" : : : "memory");
}

static inline void arch_irq_disable(void)
{
    __asm__ volatile("cli" : : : "memory");
}

static inline unsigned long arch_irq_save(void)
{
    unsigned long flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
    return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
    if (flags & ARCH_RFLAGS_IF)
        __asm__ volatile("sti" : : : "memory");
}

static inline bool arch_irq_enabled(void)
{
    unsigned long flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    return flags & ARCH_RFLAGS_IF;
}

static inline void arch_cpu_relax(void)
{
    __asm__ volatile("pause" : : : "memory");
}

#endif
