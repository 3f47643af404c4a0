/* timer_interrupt: where the platform's timer interrupt enters the kernel. */
#include <stddef.h>
#include <kern/timer.h>
#include <plat/timer.h>

static void (*volatile timer_hook)(void);

void timer_set_hook(void (*hook)(void))
{
    timer_hook = hook;
}

void timer_interrupt(void)
{
    void (*hook)(void) = timer_hook;

    if (hook)
        hook();
}
