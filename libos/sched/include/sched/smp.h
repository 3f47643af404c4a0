/* The kernel's view of several CPUs: which CPU runs the caller, how many are
 * online, and running a function on another CPU (call-function IPI). */
#ifndef SCHED_SMP_H
#define SCHED_SMP_H

#include <plat/smp.h>

unsigned smp_cpus_online(void);
/* Runs fn(arg) on CPU cpu in interrupt context and waits for it to finish.
 * Call with interrupts enabled. Returns 0 or -EINVAL (CPU not online). */
int smp_call_on(unsigned cpu, void (*fn)(void *arg), void *arg);

#endif
