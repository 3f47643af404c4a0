/* The in-kernel test framework. A test is defined anywhere in the tree with
 *
 *     KTEST(pipe_eof_after_last_writer, KTEST_DEFAULT) { ...; return 0; }
 *
 * and its file listed in ktest_sources (each subsystem's meson.build adds
 * its tests/ktest_*.c). Tests land in the "ktests.<name>" sections, which the
 * linker scripts gather sorted by name; apps/ktest/main.c runs them. A test
 * returns 0 on success; failures say expected and actual via ktest_fail. */
#ifndef KTEST_H
#define KTEST_H

#include <kern/printk.h>

struct ktest {
    const char *name;
    int (*run)(void);
    int in_default_run;     /* KTEST_NAMED_ONLY: run only as ktest=NAME */
};

#define KTEST_DEFAULT 1
#define KTEST_NAMED_ONLY 0

#define KTEST(test_name, flags)                                               \
    static int ktest_fn_##test_name(void);                                    \
    static const struct ktest ktest_##test_name                               \
        __attribute__((used, section("ktests." #test_name), aligned(8))) =    \
        { #test_name, ktest_fn_##test_name, flags };                          \
    static int ktest_fn_##test_name(void)

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

/* Takes every free page and gives back all but the first of each aligned
 * group of group_pages (a power of two): most of memory is free again,
 * but no free block is as large as a group. Returns the kept pages for
 * ktest_unfragment_memory (fragment.c). */
void *ktest_fragment_memory(unsigned group_pages);
void ktest_unfragment_memory(void *kept);

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

#endif
