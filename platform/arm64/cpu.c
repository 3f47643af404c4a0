/* CPU control: interrupt masking through DAIF.I, waiting, halting. */
#include <plat/cpu.h>
#include "arm64.h"

#define DAIF_I (1UL << 7)

void arch_irq_enable(void)
{
    __asm__ volatile("msr daifclr, #2" : : : "memory");
}

void arch_irq_disable(void)
{
    __asm__ volatile("msr daifset, #2" : : : "memory");
}

unsigned long arch_irq_save(void)
{
    unsigned long flags = read_sysreg(daif);
    arch_irq_disable();
    return flags;
}

void arch_irq_restore(unsigned long flags)
{
    write_sysreg(daif, flags);
}

bool arch_irq_enabled(void)
{
    return !(read_sysreg(daif) & DAIF_I);
}

/* wfi wakes on a pending interrupt even while PSTATE.I masks it, so waiting
 * with interrupts masked and unmasking afterwards loses nothing: the
 * interrupt is taken right after the msr. */
void arch_wait_for_interrupt(void)
{
    __asm__ volatile("msr daifset, #2\n\t"
                     "dsb sy\n\t"
                     "wfi\n\t"
                     "msr daifclr, #2\n\t"
                     "isb" : : : "memory");
}

void arch_cpu_relax(void)
{
    __asm__ volatile("yield" : : : "memory");
}

_Noreturn void arch_halt_forever(void)
{
    __asm__ volatile("msr daifset, #0xf" : : : "memory");
    for (;;)
        __asm__ volatile("wfi");
}
