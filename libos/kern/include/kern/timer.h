/* The kernel's end of the platform timer. Until the scheduler's timer queue
 * exists, a single hook receives every timer interrupt. */
#ifndef KERN_TIMER_H
#define KERN_TIMER_H

/* Sets the function timer_interrupt() calls (in interrupt context), or NULL. */
void timer_set_hook(void (*hook)(void));

#endif
