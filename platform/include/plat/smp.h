/* Several CPUs: their numbering, starting the secondaries, and
 * inter-processor interrupts.
 *
 * CPUs are numbered 0..plat_cpus_possible()-1; 0 is the boot CPU. The
 * numbering is the platform's (ACPI MADT order on amd64, /cpus order on
 * arm64, boot CPU first). */
#ifndef PLAT_SMP_H
#define PLAT_SMP_H

#define PLAT_MAX_CPUS 16

/* Inline, from each architecture's include/plat/smp_arch.h:
 *   unsigned arch_cpu_id(void): this CPU's number, from a per-CPU register
 *       (amd64: GS base; arm64: TPIDR_EL1); stable only while the caller
 *       cannot migrate (interrupts disabled);
 *   void *arch_cpu_current(void): this CPU's running thread (as
 *       arch_cpu_current_set recorded it), from any context, migration-safe
 *       (amd64: one %gs-relative load; arm64: interrupts off around it);
 *   void *arch_cpu_current_irqs_off(void): the same, interrupts off. */
#include <plat/smp_arch.h>

/* The scheduler's running thread per CPU, kept where the CPU can read it
 * cheaply: recorded for cpu itself (interrupts off) or for a CPU not
 * started yet. */
void arch_cpu_current_set(unsigned cpu, void *thread);

/* CPUs the firmware describes (at most PLAT_MAX_CPUS). */
unsigned plat_cpus_possible(void);

/* Starts CPU cpu (1..possible-1): the platform brings it to the same state
 * as the boot CPU (MMU, vectors, per-CPU descriptor tables, interrupt
 * controller, timer), makes arch_cpu_id() return cpu there, switches to
 * stack_top and calls entry() with interrupts disabled; entry never
 * returns. Waits until the CPU runs; returns 0, or -ETIMEDOUT / -ENODEV.
 * plat_cpus_online() counts the CPUs started. Called from one thread. */
int plat_cpu_start(unsigned cpu, void *stack_top, void (*entry)(void));

enum arch_ipi {
    IPI_RESCHEDULE,             /* run sched_irq_exit soon on the target */
    IPI_CALL_FUNCTION,          /* the kernel's call-function mailbox */
};

/* Sends an inter-processor interrupt to CPU cpu (not oneself). Safe from
 * any context. */
void arch_send_ipi(unsigned cpu, enum arch_ipi kind);

/* Implemented by the kernel: runs in interrupt context on the target, after
 * the acknowledge. */
void ipi_interrupt(enum arch_ipi kind);

#endif
