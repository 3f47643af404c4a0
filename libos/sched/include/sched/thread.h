/* Kernel threads: each has its own kernel stack and runs until it returns
 * from its function or calls thread_exit. Scheduling is preemptive
 * (timer-driven) over per-CPU run queues. */
#ifndef SCHED_THREAD_H
#define SCHED_THREAD_H

#include <stdbool.h>
#include <stdint.h>
#include <plat/smp.h>

struct thread;

typedef int (*thread_fn)(void *arg);

/* Creates a runnable thread. Returns NULL when memory is short. The thread
 * must be joined (thread_join) or detached (thread_detach). */
struct thread *thread_create(const char *name, thread_fn fn, void *arg);
/* Waits for t to finish, stores its exit code, frees it. */
int thread_join(struct thread *t, int *exit_code);
void thread_detach(struct thread *t);
_Noreturn void thread_exit(int exit_code);

/* The running thread: the platform's per-CPU slot, inline (sched_switch
 * records it with arch_cpu_current_set). */
static inline struct thread *thread_current(void)
{
    return arch_cpu_current();
}
/* The same for a caller with interrupts off (the syscall and return-to-user
 * paths): no save and restore of the interrupt flag, which under TCG ends
 * a translation block. */
static inline struct thread *thread_current_irqs_off(void)
{
    return arch_cpu_current_irqs_off();
}

/* Allocation-failure injection, as Linux's fail-nth (/dev/fail-nth): with
 * n > 0 the calling thread's n-th page or heap allocation from now fails,
 * once; 0 turns it off. thread_fail_nth_get returns what is left (0 once
 * the failure happened). Page faults do not count (thread_fail_pause
 * around them: a failed fault would wake the OOM killer); new threads
 * start with it off. */
void thread_fail_nth_set(unsigned n);
unsigned thread_fail_nth_get(void);
bool thread_fail_pause(bool is_paused);     /* returns the previous state */
const char *thread_name(const struct thread *t);

/* For the process layer (libos/proc): a thread's owner (its per-thread
 * process state; NULL for kernel threads), the top of its kernel stack,
 * and interruption by signals. thread_interrupt makes t's interruptible
 * sleeps (waitq_sleep, poll_waiter_sleep) return -EINTR until
 * thread_interrupt_clear, wakes it from one, and makes a CPU running it
 * take an interrupt (so it passes the return-to-user path). Safe from
 * interrupt handlers. */
void thread_set_owner(struct thread *t, void *owner);
uintptr_t thread_stack_top(const struct thread *t);
void thread_interrupt(struct thread *t);
void thread_interrupt_clear(struct thread *t);

/* What every struct thread begins with: the two fields the syscall and
 * return paths read on every call, inline (libos/sched/internal.h keeps
 * the rest private). */
struct thread_head {
    void *owner;
    /* Signals: makes interruptible sleeps return -EINTR. Paired with full
     * fences (thread_interrupt / sleep_common), no lock. */
    volatile bool is_interrupted;
};

static inline void *thread_owner(const struct thread *t)
{
    return ((const struct thread_head *)(const void *)t)->owner;
}

/* A lock-free look. */
static inline bool thread_is_interrupted(const struct thread *t)
{
    return __atomic_load_n(&((const struct thread_head *)(const void *)t)->is_interrupted,
                           __ATOMIC_RELAXED);
}
/* Whether t sleeps (blocked on a wait queue or timer) rather than running
 * or waiting for a CPU: a lock-free snapshot, for /proc's process state. */
bool thread_is_blocked(const struct thread *t);

/* For ktests of the switch path: each time a CPU switches away from
 * sched_test_slow_prev, it spins sched_test_linger_ns (interrupts off)
 * right after another CPU may take the thread. NULL outside such tests. */
extern struct thread *sched_test_slow_prev;
extern uint64_t sched_test_linger_ns;
/* The process layer's switch hook: saves and loads user state (FP, TLS,
 * address space, kernel stack for entries from user mode). The scheduler
 * calls it on every switch, with interrupts off, just before switching
 * from prev to next. Set once at boot, before any process exists; none
 * (NULL, an image without processes) leaves only kernel state to switch. */
typedef void (*sched_switch_hook_fn)(struct thread *prev, struct thread *next);
void sched_set_switch_hook(sched_switch_hook_fn fn);

/* Tests: limits the kernel stack window to the slots used so far plus
 * extra_slots (0: back to the whole window). Returns the slots used. */
unsigned long thread_stack_window_limit(unsigned long extra_slots);

/* Gives up the CPU to another runnable thread, if any. */
void sched_yield(void);
/* Sleeps for at least ns nanoseconds. */
void sched_sleep_ns(uint64_t ns);

#endif
