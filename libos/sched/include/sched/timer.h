/* One-shot deadline timers. Each CPU keeps its pending timers in a pairing
 * heap (O(1) insert, O(log n) amortised removal, so thousands of sleepers
 * cost little) and programs the platform's one-shot timer for the earliest
 * deadline. Callbacks run in interrupt context on the CPU the timer was
 * started on: they may wake threads and restart timers, nothing more. */
#ifndef SCHED_TIMER_H
#define SCHED_TIMER_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*timer_fn)(void *arg);

struct timer {
    uint64_t deadline_ns;
    struct timer *child, *sibling, *prev;   /* pairing heap links */
    timer_fn fn;
    void *arg;
    volatile int cpu;           /* whose heap holds it; -1 when not pending */
};

void timer_init(struct timer *t, timer_fn fn, void *arg);
/* (Re)starts t on this CPU; fn(arg) runs at or after deadline_ns
 * (plat_time_ns scale). Safe from interrupt handlers. */
void timer_start(struct timer *t, uint64_t deadline_ns);
/* Stops t. Returns true when it was pending. On return, its callback is not
 * running on any CPU (unless called from that very callback), so t may be
 * freed. */
bool timer_cancel(struct timer *t);
bool timer_is_pending(const struct timer *t);

/* CLOCK_REALTIME in nanoseconds since the epoch: plat_time_ns plus the wall
 * time at boot, read once from the platform's real-time clock (0 when there
 * is none, so the clock then starts at the epoch). Any context. */
uint64_t clock_realtime_ns(void);

/* The longest relative time the kernel keeps (2^62 ns, about 146 years):
 * plat_time_ns() + TIME_MAX_REL_NS cannot overflow, so deadlines computed
 * from it stay in the future. */
#define TIME_MAX_REL_NS (1ULL << 62)

/* Converts a user's seconds plus sub-second nanoseconds to nanoseconds.
 * Returns 0; -EINVAL when sec < 0 or nsec is outside [0, 1e9); -ERANGE when
 * the value is canonical but longer than TIME_MAX_REL_NS, and then *ns is
 * TIME_MAX_REL_NS (a sleep treats it as "for ever", a timer refuses it). */
int time_to_ns(int64_t sec, int64_t nsec, uint64_t *ns);

#endif
