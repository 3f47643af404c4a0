/* Clock and timer-interrupt tests. */
#include <stdint.h>
#include <sched/timer.h>
#include <plat/cpu.h>
#include <plat/timer.h>
#include <ktest.h>

#define NS_PER_MS 1000000ULL

KTEST(clock_monotonic, KTEST_DEFAULT)
{
    uint64_t prev = plat_time_ns(), start = prev;

    for (int i = 0; i < 100000; i++) {
        uint64_t now = plat_time_ns();
        KTEST_EXPECT(now >= prev, "clock went back from %llu to %llu",
                     (unsigned long long)prev, (unsigned long long)now);
        prev = now;
    }
    KTEST_EXPECT(prev > start, "clock did not advance over 100000 reads");
    return 0;
}

#define TICK_PERIOD_NS (10 * NS_PER_MS)
#define TICKS_WANTED 50

static volatile unsigned ticks;
static volatile unsigned early_ticks;
static volatile uint64_t next_deadline;
static volatile uint64_t max_lateness_ns;
static struct timer tick_timer;

/* Runs in interrupt context: note the tick, re-arm one period after the
 * previous deadline (not after now), so lateness does not accumulate. */
static void tick(void *arg)
{
    (void)arg;
    uint64_t now = plat_time_ns();

    if (now < next_deadline)
        early_ticks++;
    else if (now - next_deadline > max_lateness_ns)
        max_lateness_ns = now - next_deadline;
    ticks++;
    if (ticks < TICKS_WANTED) {
        next_deadline += TICK_PERIOD_NS;
        timer_start(&tick_timer, next_deadline);
    }
}

KTEST(timer_rate, KTEST_DEFAULT)
{
    ticks = early_ticks = 0;
    max_lateness_ns = 0;
    timer_init(&tick_timer, tick, NULL);

    uint64_t start = plat_time_ns();
    unsigned long flags = arch_irq_save();
    next_deadline = start + TICK_PERIOD_NS;
    timer_start(&tick_timer, next_deadline);
    arch_irq_restore(flags);

    /* Generous bound: TCG on a loaded host may run slowly, never early. */
    uint64_t give_up = start + 20 * TICKS_WANTED * TICK_PERIOD_NS;
    while (ticks < TICKS_WANTED && plat_time_ns() < give_up)
        arch_wait_for_interrupt();
    uint64_t elapsed = plat_time_ns() - start;
    timer_cancel(&tick_timer);

    printk("# %u ticks of %llu ms in %llu ms, worst lateness %llu us\n", ticks,
           (unsigned long long)(TICK_PERIOD_NS / NS_PER_MS),
           (unsigned long long)(elapsed / NS_PER_MS),
           (unsigned long long)(max_lateness_ns / 1000));
    KTEST_EXPECT(ticks == TICKS_WANTED, "expected %u timer interrupts, got %u in %llu ms",
                 TICKS_WANTED, ticks, (unsigned long long)(elapsed / NS_PER_MS));
    KTEST_EXPECT(early_ticks == 0, "%u interrupts arrived before their deadline", early_ticks);
    /* The rate: 50 ticks cannot take less than 50 periods. */
    KTEST_EXPECT(elapsed >= TICKS_WANTED * TICK_PERIOD_NS,
                 "%u ticks took %llu ns, less than %llu", TICKS_WANTED,
                 (unsigned long long)elapsed,
                 (unsigned long long)(TICKS_WANTED * TICK_PERIOD_NS));
    return 0;
}
