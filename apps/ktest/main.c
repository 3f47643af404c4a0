/* ktest: the in-kernel test image. Runs every test (or the one named by
 * ktest=NAME; ktest=none runs none), prints TAP, and exits 0 only when all
 * pass. ktest_idle=N then idles N seconds (see idle_if_asked). */
#include <stdlib.h>
#include <string.h>
#include <kern/app.h>
#include <kern/cmdline.h>
#include <kern/printk.h>
#include <kern/util.h>
#include <sched/thread.h>
#include <ktest.h>

extern const struct ktest __ktests_start[], __ktests_end[];
#define tests __ktests_start
#define TEST_COUNT ((unsigned)(__ktests_end - __ktests_start))

/* ktest_idle=N: after the tests, sleep N seconds with nothing to do, so
 * the host can check that an idle guest does not spin (tests/harness
 * measures QEMU's CPU time between the two lines). */
static void idle_if_asked(const char *cmdline)
{
    char value[16] = "";

    cmdline_get(cmdline, "ktest_idle", value, sizeof(value));
    unsigned long seconds = strtoul(value, NULL, 10);
    if (!seconds)
        return;
    printk("ktest: idle for %lu s\n", seconds);
    sched_sleep_ns(seconds * 1000000000UL);
    printk("ktest: idle done\n");
}

int app_main(const char *cmdline)
{
    char only[32] = "";
    int selected = 0, failed = 0;

    cmdline_get(cmdline, "ktest", only, sizeof(only));
    if (strcmp(only, "none") == 0) {
        printk("ktest: none selected\n");
        idle_if_asked(cmdline);
        return 0;
    }
    for (unsigned i = 0; i < TEST_COUNT; i++)
        if (only[0] ? strcmp(only, tests[i].name) == 0 : tests[i].in_default_run)
            selected++;
    if (!selected) {
        printk("ktest: no test named '%s'\n", only);
        return 2;
    }

    printk("1..%d\n", selected);
    int number = 0;
    for (unsigned i = 0; i < TEST_COUNT; i++) {
        if (only[0] ? strcmp(only, tests[i].name) != 0 : !tests[i].in_default_run)
            continue;
        int result = tests[i].run();
        printk("%s %d - %s\n", result == 0 ? "ok" : "not ok", ++number, tests[i].name);
        failed += result != 0;
    }
    idle_if_asked(cmdline);
    if (failed) {
        printk("ktest: %d of %d failed\n", failed, selected);
        return 1;
    }
    printk("ktest: all %d passed\n", selected);
    return 0;
}
