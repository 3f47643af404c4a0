/* Host stand-ins for <plat/cpu.h>'s interrupt masking: nothing to mask. */
#ifndef PLAT_CPU_ARCH_H
#define PLAT_CPU_ARCH_H

#include <stdbool.h>

static inline void arch_irq_enable(void) {}
static inline void arch_irq_disable(void) {}
static inline unsigned long arch_irq_save(void) { return 0; }
static inline void arch_irq_restore(unsigned long flags) { (void)flags; }
static inline bool arch_irq_enabled(void) { return false; }
static inline void arch_cpu_relax(void) {}

#endif
