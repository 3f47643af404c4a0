/* The kernel's stack protector (-fstack-protector-strong, with the guard
 * in the global __stack_chk_guard on both architectures, which libfdt's
 * prebuilt objects use too): the guard is made random first thing at boot,
 * and a smashed canary panics naming the function whose frame it was. */
#include <stdbool.h>
#include <stdint.h>
#include <kern/ksyms.h>
#include <kern/panic.h>
#include <kern/stack_protector.h>
#include <plat/random.h>
#include <plat/timer.h>

/* Until stack_guard_init: a fixed value with a zero byte (string copies
 * stop there). */
uintptr_t __stack_chk_guard = 0x595e9fbd94fd0066UL;

_Noreturn void __stack_chk_fail(void);

_Noreturn void __stack_chk_fail(void)
{
    uintptr_t pc = (uintptr_t)__builtin_return_address(0);
    /* pc - 1: the call may be the function's last instruction (it does
     * not return), and pc then the next function's first */
    uintptr_t offset = 0;
    const char *name = ksym_lookup(pc - 1, &offset);
    offset++;
    panic("stack smashing detected in %s+%#lx (%p)", name ? name : "?",
          (unsigned long)offset, (void *)pc);
}

static bool guard_is_random;

/* Not protected itself: its own canary would be checked against the new
 * guard on return. */
__attribute__((no_stack_protector)) void stack_guard_init(void)
{
    uintptr_t guard;
    if (guard_is_random)
        return;
    if (plat_random_seed(&guard, sizeof(guard)) == (int)sizeof(guard)) {
        guard_is_random = true;
    } else {
        /* no generator: the clock, which reads 0 until the platform has
         * calibrated it (the second call, after plat_init) */
        uint64_t now = plat_time_ns();
        if (!now)
            return;
        guard = __stack_chk_guard ^ (uintptr_t)(now * 0x9e3779b97f4a7c15ULL);
        guard_is_random = true;
    }
    /* a zero low byte ends a string overflow at the canary */
    __stack_chk_guard = guard & ~(uintptr_t)0xff;
}
