/* amd64's per-CPU reads for <plat/smp.h>, inline: one %gs-relative load
 * each (struct amd64_percpu in amd64.h; its offsets are checked there). */
#ifndef PLAT_SMP_ARCH_H
#define PLAT_SMP_ARCH_H

#include <stdint.h>

#define ARCH_PERCPU_CPU_ID  8
#define ARCH_PERCPU_CURRENT 56

static inline unsigned arch_cpu_id(void)
{
    uint64_t id;
    __asm__ volatile("movq %%gs:%c1, %0" : "=r"(id) : "i"(ARCH_PERCPU_CPU_ID));
    return (unsigned)id;
}

/* One load: migration cannot split it. */
static inline void *arch_cpu_current(void)
{
    void *thread;
    __asm__ volatile("movq %%gs:%c1, %0" : "=r"(thread) : "i"(ARCH_PERCPU_CURRENT));
    return thread;
}

static inline void *arch_cpu_current_irqs_off(void)
{
    return arch_cpu_current();
}

#endif
