/* Fatal errors: panic() is for broken invariants only. It prints
 * "panic: <message>" and a backtrace, then powers off with PANIC_STATUS. */
#ifndef KERN_PANIC_H
#define KERN_PANIC_H

#include <kern/printk.h>

/* The exit status the host sees after a panic. */
#define PANIC_STATUS 70

_Noreturn void panic(const char *fmt, ...) printf_like(1, 2);

#define assert(cond)                                                          \
    do {                                                                      \
        if (__builtin_expect(!(cond), 0))                                     \
            panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
    } while (0)

#endif
