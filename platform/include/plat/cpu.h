/* CPU control every architecture implements: interrupt masking, idling,
 * halting. Used by libos/ without knowing the architecture. */
#ifndef PLAT_CPU_H
#define PLAT_CPU_H

#include <stdbool.h>

/* Inline, from each architecture's include/plat/cpu_arch.h:
 *   void arch_irq_enable(void), arch_irq_disable(void);
 *   unsigned long arch_irq_save(void): disables interrupts and returns the
 *       previous state for void arch_irq_restore(unsigned long flags);
 *   bool arch_irq_enabled(void);
 *   void arch_cpu_relax(void): a spin-wait hint (pause / yield). */
#include <plat/cpu_arch.h>

/* Enables interrupts and waits for one, atomically (sti;hlt / wfi), so a
 * wake-up interrupt cannot be lost between the check and the wait. Returns
 * with interrupts enabled. */
void arch_wait_for_interrupt(void);
_Noreturn void arch_halt_forever(void);

#endif
