/* CPU control: waiting and halting (interrupt masking through DAIF.I is
 * inline: include/plat/cpu_arch.h). */
#include <plat/cpu.h>
#include "arm64.h"

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

_Noreturn void arch_halt_forever(void)
{
    __asm__ volatile("msr daifset, #0xf" : : : "memory");
    for (;;)
        __asm__ volatile("wfi");
}
