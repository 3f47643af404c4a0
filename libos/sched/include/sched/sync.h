/* Sleeping locks and friends, built on wait queues. None of them may be used
 * from interrupt handlers (except sem_post and cond_signal/broadcast). */
#ifndef SCHED_SYNC_H
#define SCHED_SYNC_H

#include <stdbool.h>
#include <stdint.h>
#include <sched/wait.h>

struct thread;

struct mutex {
    struct spinlock lock;       /* protects owner */
    struct thread *owner;
    struct waitq waiters;
};
void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_held(struct mutex *m);   /* by the current thread */
/* Panics unless the running thread holds m: for functions whose callers
 * must hold it (instead of a comment saying so). */
void mutex_assert_held_at(struct mutex *m, const char *what, const char *file, int line);
#ifdef NDEBUG
#define mutex_assert_held(m) ((void)(m))
#else
#define mutex_assert_held(m) mutex_assert_held_at((m), #m, __FILE__, __LINE__)
#endif

struct semaphore {
    struct spinlock lock;
    long count;
    struct waitq waiters;
};
void sem_init(struct semaphore *s, long count);
/* Returns 0, or -ETIMEDOUT when deadline_ns (0: none) passes first. */
int sem_wait(struct semaphore *s, uint64_t deadline_ns);
void sem_post(struct semaphore *s);

struct condvar {
    struct waitq waiters;
};
void cond_init(struct condvar *c);
/* Releases m, sleeps, re-takes m. Returns 0 or -ETIMEDOUT. */
int cond_wait(struct condvar *c, struct mutex *m, uint64_t deadline_ns);
void cond_signal(struct condvar *c);
void cond_broadcast(struct condvar *c);

#endif
