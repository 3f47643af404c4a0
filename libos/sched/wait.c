/* Wait queues and poll waiters. A queue holds two kinds of entries, told
 * apart by their common prefix (struct poll_entry's link, wq, owner): a
 * thread sleeping in waitq_sleep (owner NULL, taken off the queue by the
 * wake) and a poll_waiter's registration (stays until poll_waiter_done). */
#include <stddef.h>
#include <abi/errno.h>
#include <kern/panic.h>
#include <plat/timer.h>
#include "internal.h"

struct wait_entry {
    struct list link;           /* the prefix shared with struct poll_entry */
    struct waitq *wq;
    struct poll_waiter *owner;  /* always NULL here */
    struct thread *thread;
    bool is_woken;
};

_Static_assert(offsetof(struct wait_entry, link) == offsetof(struct poll_entry, link) &&
               offsetof(struct wait_entry, wq) == offsetof(struct poll_entry, wq) &&
               offsetof(struct wait_entry, owner) == offsetof(struct poll_entry, owner),
               "wait_entry and poll_entry share their prefix");

void waitq_init(struct waitq *wq)
{
    wq->lock = (struct spinlock)SPINLOCK_INIT;
    list_init(&wq->waiters);
}

/* Timeout of a waitq_sleep: wakes the sleeper if no one else did. */
static void wait_timeout(void *arg)
{
    struct wait_entry *e = arg;
    struct waitq *wq = e->wq;
    struct thread *t = NULL;

    spin_lock(&wq->lock);
    if (!list_empty(&e->link)) {
        list_remove(&e->link);
        t = e->thread;
    }
    spin_unlock(&wq->lock);
    if (t)
        sched_wake(t);
}

/* Interruptible sleeps announce themselves before checking for an
 * interruption; thread_interrupt sets the flag before looking for them. */
static bool intr_sleep_begin(struct thread *t)
{
    t->is_in_intr_sleep = true;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return t->head.is_interrupted;
}

static int sleep_common(struct waitq *wq, struct spinlock *lock, uint64_t deadline_ns,
                        bool is_interruptible)
{
    struct wait_entry e = { .wq = wq, .owner = NULL, .is_woken = false };
    struct timer timeout;
    unsigned long flags = arch_irq_save();
    struct thread *self = this_cpu()->current;

    e.thread = self;
    list_init(&e.link);
    spin_lock(&wq->lock);
    list_push_back(&wq->waiters, &e.link);
    sched_prepare_block();
    spin_unlock(&wq->lock);
    if (is_interruptible && intr_sleep_begin(self)) {
        /* A signal is already pending: do not sleep. */
        self->is_in_intr_sleep = false;
        sched_abort_block();
        spin_lock(&wq->lock);
        if (!list_empty(&e.link))
            list_remove(&e.link);
        spin_unlock(&wq->lock);
        arch_irq_restore(flags);
        return e.is_woken ? 0 : -EINTR;
    }
    if (lock)
        spin_unlock(lock);
    if (deadline_ns) {
        timer_init(&timeout, wait_timeout, &e);
        timer_start(&timeout, deadline_ns);
    }
    sched_block();
    self->is_in_intr_sleep = false;
    if (deadline_ns)
        timer_cancel(&timeout);
    spin_lock(&wq->lock);
    if (!list_empty(&e.link))
        list_remove(&e.link);           /* a spurious or interrupting wake-up */
    spin_unlock(&wq->lock);
    arch_irq_restore(flags);
    if (lock)
        spin_lock(lock);
    if (e.is_woken)
        return 0;
    if (is_interruptible && self->head.is_interrupted)
        return -EINTR;
    return deadline_ns && plat_time_ns() >= deadline_ns ? -ETIMEDOUT : 0;
}

int waitq_sleep(struct waitq *wq, struct spinlock *lock, uint64_t deadline_ns)
{
    return sleep_common(wq, lock, deadline_ns, true);
}

int waitq_sleep_uninterruptible(struct waitq *wq, struct spinlock *lock, uint64_t deadline_ns)
{
    return sleep_common(wq, lock, deadline_ns, false);
}

/* Wakes up to max plain sleepers, the longest waiting first, and every
 * poll waiter registered on the queue (they do not count against max: a
 * poller must not swallow the one wake-up a plain sleeper needs; they sit
 * at the front of the queue, see poll_waiter_add). sched_wake runs
 * under wq->lock only, as the lock order wants. Returns
 * the number of threads woken. */
static unsigned wake_locked(struct waitq *wq, unsigned max)
{
    spin_assert_held(&wq->lock);
    unsigned woken = 0, plain = 0;
    struct list *pos = wq->waiters.next;

    while (pos != &wq->waiters) {
        struct list *next = pos->next;
        struct poll_entry *pe = list_entry(pos, struct poll_entry, link);
        if (pe->owner) {
            struct poll_waiter *pw = pe->owner;
            pw->triggered = true;
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            woken += sched_wake(pw->thread);
        } else if (plain == max) {
            break;                  /* poll entries come first: none left */
        } else {
            struct wait_entry *e = (struct wait_entry *)pe;
            struct thread *t = e->thread;
            list_remove(&e->link);
            e->is_woken = true;
            sched_wake(t);
            plain++;
            woken++;
        }
        pos = next;
    }
    return woken;
}

unsigned waitq_wake_one(struct waitq *wq)
{
    unsigned long flags = spin_lock_irqsave(&wq->lock);
    unsigned n = wake_locked(wq, 1);
    spin_unlock_irqrestore(&wq->lock, flags);
    return n;
}

unsigned waitq_wake_all(struct waitq *wq)
{
    unsigned long flags = spin_lock_irqsave(&wq->lock);
    unsigned n = wake_locked(wq, ~0u);
    spin_unlock_irqrestore(&wq->lock, flags);
    return n;
}

void waitq_destroy(struct waitq *wq)
{
    unsigned long flags = spin_lock_irqsave(&wq->lock);
    bool is_unused = list_empty(&wq->waiters);
    spin_unlock_irqrestore(&wq->lock, flags);
    assert(is_unused);
}

/* ---- poll waiters ---- */

void poll_waiter_init(struct poll_waiter *pw)
{
    pw->thread = thread_current();
    pw->triggered = false;
    pw->entry_count = 0;
}

int poll_waiter_add(struct poll_waiter *pw, struct waitq *wq)
{
    if (pw->entry_count >= sizeof(pw->entries) / sizeof(pw->entries[0]))
        return -ENOMEM;
    struct poll_entry *pe = &pw->entries[pw->entry_count++];
    pe->wq = wq;
    pe->owner = pw;
    unsigned long flags = spin_lock_irqsave(&wq->lock);
    /* At the front: plain sleepers stay FIFO behind every poll entry, so a
     * wake-up stops scanning at the first plain sleeper it cannot wake. */
    list_push_front(&wq->waiters, &pe->link);
    spin_unlock_irqrestore(&wq->lock, flags);
    return 0;
}

static void poll_timeout(void *arg)
{
    struct poll_waiter *pw = arg;
    sched_wake(pw->thread);
}

int poll_waiter_sleep(struct poll_waiter *pw, uint64_t deadline_ns)
{
    struct timer timeout;
    unsigned long flags = arch_irq_save();
    struct thread *self = this_cpu()->current;

    sched_prepare_block();
    if (pw->triggered || (deadline_ns && plat_time_ns() >= deadline_ns) ||
        intr_sleep_begin(self)) {
        sched_abort_block();
    } else {
        if (deadline_ns) {
            timer_init(&timeout, poll_timeout, pw);
            timer_start(&timeout, deadline_ns);
        }
        sched_block();
        if (deadline_ns)
            timer_cancel(&timeout);
    }
    self->is_in_intr_sleep = false;
    arch_irq_restore(flags);
    if (pw->triggered) {
        pw->triggered = false;
        return 0;
    }
    if (self->head.is_interrupted)
        return -EINTR;
    return deadline_ns && plat_time_ns() >= deadline_ns ? -ETIMEDOUT : 0;
}

void poll_waiter_done(struct poll_waiter *pw)
{
    for (unsigned i = 0; i < pw->entry_count; i++) {
        struct poll_entry *pe = &pw->entries[i];
        unsigned long flags = spin_lock_irqsave(&pe->wq->lock);
        list_remove(&pe->link);
        spin_unlock_irqrestore(&pe->wq->lock, flags);
    }
    pw->entry_count = 0;
}
