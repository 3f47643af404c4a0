/* Sleeping locks over wait queues: mutexes, counting semaphores and
 * condition variables. Each object's spinlock is its condition lock for
 * waitq_sleep, taken with interrupts off (sem_post may come from an
 * interrupt handler). */
#include <abi/errno.h>
#include <kern/panic.h>
#include <sched/sync.h>
#include <sched/thread.h>

void mutex_init(struct mutex *m)
{
    m->lock = (struct spinlock)SPINLOCK_INIT;
    m->owner = NULL;
    waitq_init(&m->waiters);
}

static void mutex_acquire_locked(struct mutex *m, struct thread *me)
{
    spin_assert_held(&m->lock);
    while (m->owner)
        waitq_sleep_uninterruptible(&m->waiters, &m->lock, 0);
    m->owner = me;
}

void mutex_lock(struct mutex *m)
{
    struct thread *me = thread_current();
    unsigned long flags = spin_lock_irqsave(&m->lock);

    if (m->owner == me)
        panic("mutex_lock: %s already holds the mutex", thread_name(me));
    mutex_acquire_locked(m, me);
    spin_unlock_irqrestore(&m->lock, flags);
}

bool mutex_trylock(struct mutex *m)
{
    unsigned long flags = spin_lock_irqsave(&m->lock);
    bool is_taken = !m->owner;
    if (is_taken)
        m->owner = thread_current();
    spin_unlock_irqrestore(&m->lock, flags);
    return is_taken;
}

void mutex_unlock(struct mutex *m)
{
    unsigned long flags = spin_lock_irqsave(&m->lock);
    if (m->owner != thread_current())
        panic("mutex_unlock: not the owner");
    m->owner = NULL;
    waitq_wake_one(&m->waiters);
    spin_unlock_irqrestore(&m->lock, flags);
}

bool mutex_held(struct mutex *m)
{
    return m->owner == thread_current();
}

void mutex_assert_held_at(struct mutex *m, const char *what, const char *file, int line)
{
    if (!mutex_held(m))
        panic("mutex not held: %s (%s:%d)", what, file, line);
}

void sem_init(struct semaphore *s, long count)
{
    s->lock = (struct spinlock)SPINLOCK_INIT;
    s->count = count;
    waitq_init(&s->waiters);
}

int sem_wait(struct semaphore *s, uint64_t deadline_ns)
{
    unsigned long flags = spin_lock_irqsave(&s->lock);
    while (s->count <= 0) {
        if (waitq_sleep_uninterruptible(&s->waiters, &s->lock, deadline_ns) == -ETIMEDOUT &&
            s->count <= 0) {
            spin_unlock_irqrestore(&s->lock, flags);
            return -ETIMEDOUT;
        }
    }
    s->count--;
    spin_unlock_irqrestore(&s->lock, flags);
    return 0;
}

void sem_post(struct semaphore *s)
{
    unsigned long flags = spin_lock_irqsave(&s->lock);
    s->count++;
    waitq_wake_one(&s->waiters);
    spin_unlock_irqrestore(&s->lock, flags);
}

void cond_init(struct condvar *c)
{
    waitq_init(&c->waiters);
}

/* The caller owns m. Ownership is dropped and the thread queued on c under
 * m->lock, so a signaller (which must take m to change the condition)
 * cannot slip in between. */
int cond_wait(struct condvar *c, struct mutex *m, uint64_t deadline_ns)
{
    struct thread *me = thread_current();
    unsigned long flags = spin_lock_irqsave(&m->lock);

    if (m->owner != me)
        panic("cond_wait: mutex not held");
    m->owner = NULL;
    waitq_wake_one(&m->waiters);
    int rc = waitq_sleep_uninterruptible(&c->waiters, &m->lock, deadline_ns);
    mutex_acquire_locked(m, me);
    spin_unlock_irqrestore(&m->lock, flags);
    return rc;
}

void cond_signal(struct condvar *c)
{
    waitq_wake_one(&c->waiters);
}

void cond_broadcast(struct condvar *c)
{
    waitq_wake_all(&c->waiters);
}
