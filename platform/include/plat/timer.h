/* Time and the per-CPU one-shot timer. */
#ifndef PLAT_TIMER_H
#define PLAT_TIMER_H

#include <stdint.h>

/* Monotonic nanoseconds since an arbitrary point before kernel_main. */
uint64_t plat_time_ns(void);

/* Arms the one-shot timer: timer_interrupt() runs, in interrupt context, at
 * or after deadline_ns (plat_time_ns scale). Replaces any earlier deadline;
 * a deadline in the past fires as soon as possible. */
void plat_timer_arm(uint64_t deadline_ns);
void plat_timer_disarm(void);

/* Nanoseconds since the epoch from the real-time clock (CMOS RTC on amd64,
 * PL031 on arm64), or 0 when there is none. Slow: read it once. */
uint64_t plat_wall_clock_ns(void);

/* Implemented by the kernel; called by the platform's interrupt path. */
void timer_interrupt(void);

#endif
