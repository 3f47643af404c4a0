/* Host stand-ins: interrupt masking does nothing, printk goes to stdout,
 * panic aborts unless a test catches it. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kern/spinlock.h>
#include "stubs.h"

jmp_buf *host_panic_catch;
char host_panic_message[256];

void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

_Noreturn void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(host_panic_message, sizeof(host_panic_message), fmt, ap);
    va_end(ap);
    if (host_panic_catch)
        longjmp(*host_panic_catch, 1);
    fprintf(stderr, "panic: %s\n", host_panic_message);
    abort();
}

/* Lock debugging is the scheduler's: nothing to count on the host; the
 * owner is the host thread (a thread-local token). */
static _Thread_local char host_owner;
void spin_tracking_start(void) {}
void spin_acquired(struct spinlock *lock) { lock->owner = &host_owner; }
void spin_releasing(struct spinlock *lock) { lock->owner = NULL; }
int spin_held_count(void) { return 0; }
int spin_held_switch(int next_count, const void *next_owner)
{
    (void)next_count;
    (void)next_owner;
    return 0;
}
void spin_assert_held_at(const struct spinlock *lock, const char *what, const char *file,
                         int line)
{
    if (!lock->locked || lock->owner != &host_owner)
        panic("lock not held: %s (%s:%d)", what, file, line);
}
