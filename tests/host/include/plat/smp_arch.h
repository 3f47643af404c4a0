/* Host stand-ins for <plat/smp.h>'s per-CPU reads: one CPU, no thread. */
#ifndef PLAT_SMP_ARCH_H
#define PLAT_SMP_ARCH_H

static inline unsigned arch_cpu_id(void) { return 0; }
static inline void *arch_cpu_current(void) { return 0; }
static inline void *arch_cpu_current_irqs_off(void) { return 0; }

#endif
