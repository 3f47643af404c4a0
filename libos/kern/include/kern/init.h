/* Boot steps kernel_main calls in other subsystems (implemented by
 * libos/sched, which every image links). */
#ifndef KERN_INIT_H
#define KERN_INIT_H

/* Makes the boot context CPU 0's first thread ("main") and creates the
 * idle thread; called after plat_init, with interrupts still off. */
void sched_init(void);
/* Starts every secondary CPU the platform knows; interrupts on. */
void sched_start_cpus(void);

#endif
