/* The stack protector's guard (libos/kern/stack_protector.c). */
#ifndef KERN_STACK_PROTECTOR_H
#define KERN_STACK_PROTECTOR_H

/* Makes the guard random: the CPU's generator, else the clock once the
 * platform has calibrated it. Called first thing in kernel_main and again
 * after plat_init (a no-op once random); only from kernel_main, which never
 * returns: a protected function active across the change would see its
 * canary differ on return. */
void stack_guard_init(void);

#endif
