/* Wait queues: the one mechanism every blocking path uses (locks, pipes,
 * poll/select, TTYs, sockets, child exit).
 *
 * The pattern: take the spinlock that protects the condition, test it, and
 * sleep with waitq_sleep, which releases that lock while asleep and re-takes
 * it before returning; test again (wake-ups may be spurious):
 *
 *     spin_lock(&pipe->lock);
 *     while (pipe->count == 0) {
 *         int rc = waitq_sleep(&pipe->readers, &pipe->lock, deadline_ns);
 *         if (rc < 0) break;                 // -ETIMEDOUT or -EINTR
 *     }
 *     spin_unlock(&pipe->lock);
 *
 * The waker changes the condition under the same lock, then calls
 * waitq_wake_*: no wake-up is lost between the test and the sleep. */
#ifndef SCHED_WAIT_H
#define SCHED_WAIT_H

#include <stdbool.h>
#include <stdint.h>
#include <kern/list.h>
#include <kern/spinlock.h>

struct thread;

struct waitq {
    struct spinlock lock;       /* protects waiters; a leaf lock */
    struct list waiters;        /* poll entries first, then sleepers
                                   (struct wait_entry, wait.c) FIFO */
};

#define WAITQ_INIT(name) { SPINLOCK_INIT, LIST_INIT((name).waiters) }
void waitq_init(struct waitq *wq);
/* Called by the owner of a queue before freeing it: panics if anything still
 * waits on it (a sleeper, or a poll entry whose poller outlived the object:
 * the poller would later unlink itself from freed memory). */
void waitq_destroy(struct waitq *wq);

/* Sleeps on wq until woken or until plat_time_ns() >= deadline_ns
 * (0: no deadline). lock is held on entry and on return, released while
 * asleep (it may be NULL: nothing to release). Returns 0 when woken,
 * -ETIMEDOUT at the deadline. Call from a thread, never with another
 * spinlock than lock held. */
int waitq_sleep(struct waitq *wq, struct spinlock *lock, uint64_t deadline_ns);
/* waitq_sleep is interruptible: for a thread the process layer interrupted
 * (thread_interrupt: a signal is pending) it returns -EINTR instead of
 * sleeping or when woken that way. Kernel threads are never interrupted.
 * This variant ignores interruptions (locks, kernel waits). */
int waitq_sleep_uninterruptible(struct waitq *wq, struct spinlock *lock,
                                uint64_t deadline_ns);

/* Wake one (the longest waiting) or all sleepers; every poll waiter on the
 * queue is woken too, without counting as the one. Safe from interrupt
 * handlers. Return the number woken. */
unsigned waitq_wake_one(struct waitq *wq);
unsigned waitq_wake_all(struct waitq *wq);

/* Waiting on several queues at once (poll/select): a poll_waiter is
 * registered on each queue; a wake-up on any of them wakes the thread. */
struct poll_waiter;
#define POLL_WAITER_ENTRIES 16
struct poll_entry {
    struct list link;           /* on the waitq */
    struct waitq *wq;
    struct poll_waiter *owner;
};
struct poll_waiter {
    struct thread *thread;
    volatile bool triggered;
    unsigned entry_count;
    struct poll_entry entries[POLL_WAITER_ENTRIES];  /* more: poll_add returns -ENOMEM */
};
void poll_waiter_init(struct poll_waiter *pw);
int poll_waiter_add(struct poll_waiter *pw, struct waitq *wq);
/* Sleeps until a registered queue is woken or the deadline (0: none).
 * Returns 0, -ETIMEDOUT, or -EINTR (thread_interrupt). Re-check the conditions after it returns. */
int poll_waiter_sleep(struct poll_waiter *pw, uint64_t deadline_ns);
/* Unregisters from every queue. */
void poll_waiter_done(struct poll_waiter *pw);

#endif
