/* The stack protector: a function that overruns a local array must not
 * return; the kernel panics with "stack smashing" and the function's name
 * (ktest=stack_smash, tests/meson.build checks the report). */
#include <stddef.h>
#include <stdint.h>
#include <kern/printk.h>
#include <ktest.h>

/* Writes n bytes from buf on: past its 16 when n is larger, over the
 * canary the compiler put above it. The volatile pointer keeps GCC from
 * proving the overflow and dropping the stores. */
__attribute__((noipa)) static void ktest_stack_overrun(size_t n)
{
    char buf[16];
    char *volatile p = buf;
    for (size_t i = 0; i < n; i++)
        p[i] = (char)0xa5;
    printk("# overran %zu bytes of a 16-byte array and returned\n", n);
}

KTEST(stack_smash, KTEST_NAMED_ONLY)
{
    printk("# overrunning a local array: expect a stack smashing panic\n");
    ktest_stack_overrun(48);
    ktest_fail("the overrun went unnoticed (no stack protector?)");
}
