/* The scheduler's boot steps, called by kernel_main (libos/boot). */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

/* Makes the boot context CPU 0's first thread ("main") and creates the
 * idle thread; called after plat_init, with interrupts still off. */
void sched_init(void);
/* Starts every secondary CPU the platform knows; interrupts on. */
void sched_start_cpus(void);

#endif
