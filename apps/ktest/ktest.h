/* The in-kernel test runner: each test is a function returning 0 on success;
 * failures are reported with ktest_fail (expected vs actual). */
#ifndef KTEST_H
#define KTEST_H

#include <kern/printk.h>

struct ktest {
    const char *name;
    int (*run)(void);
    int in_default_run;     /* 0 for tests run only when named (fault) */
};

#define ktest_fail(...)                                     \
    do {                                                    \
        printk("# %s:%d: ", __FILE__, __LINE__);            \
        printk(__VA_ARGS__);                                \
        printk("\n");                                       \
        return -1;                                          \
    } while (0)

#define KTEST_EXPECT(cond, ...)          \
    do {                                 \
        if (!(cond))                     \
            ktest_fail(__VA_ARGS__);     \
    } while (0)

/* A small deterministic PRNG (xorshift64*) for stress tests. */
static inline unsigned long ktest_rand(unsigned long *state)
{
    unsigned long x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DUL;
}

int test_pages_stress(void);
int test_pages_exhaust(void);
int test_kmalloc_stress(void);
int test_kmalloc_sizes(void);
int test_mmu_map_unmap(void);
int test_timer_rate(void);
int test_clock_monotonic(void);
int test_fault(void);

#endif
