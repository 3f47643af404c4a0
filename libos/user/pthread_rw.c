/* Reader-writer locks and barriers over the pthread mutex and condition
 * variable (pthread_sync.c), and spin locks on an atomic word. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include "internal.h"

/* ---- reader-writer locks ----
 * Readers first, as glibc's default: a reader gets in whenever no writer
 * holds the lock, so a thread may take read locks recursively while a
 * writer waits (writers can starve under a stream of readers). */

int pthread_rwlockattr_init(pthread_rwlockattr_t *attr)
{
    attr->is_initialized = 1;
    return 0;
}

int pthread_rwlockattr_destroy(pthread_rwlockattr_t *attr)
{
    attr->is_initialized = 0;
    return 0;
}

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr)
{
    (void)attr;
    *rw = (pthread_rwlock_t)PTHREAD_RWLOCK_INITIALIZER;
    return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
    return rw->readers || rw->writer ? EBUSY : 0;
}

/* Waits on cond while blocked(rw), for ever (abstime NULL) or until
 * abstime (CLOCK_REALTIME): 0 or ETIMEDOUT. */
static int wait_while(pthread_cond_t *cond, pthread_mutex_t *m, const struct timespec *abstime,
                      int (*blocked)(const pthread_rwlock_t *), const pthread_rwlock_t *rw)
{
    while (blocked(rw)) {
        int rc = abstime ? pthread_cond_timedwait(cond, m, abstime) : pthread_cond_wait(cond, m);
        if (rc == ETIMEDOUT && blocked(rw))
            return ETIMEDOUT;
    }
    return 0;
}

static int readers_blocked(const pthread_rwlock_t *rw)
{
    return rw->writer != 0;
}

static int writer_blocked(const pthread_rwlock_t *rw)
{
    return rw->writer != 0 || rw->readers > 0;
}

static int bad_time(const struct timespec *abstime)
{
    return abstime && (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L);
}

static int rdlock(pthread_rwlock_t *rw, const struct timespec *abstime, int is_try)
{
    if (bad_time(abstime))
        return EINVAL;
    pthread_mutex_lock(&rw->m);
    int rc = 0;
    if (rw->writer == pthread_self())
        rc = EDEADLK;
    else if (is_try)
        rc = readers_blocked(rw) ? EBUSY : 0;
    else
        rc = wait_while(&rw->readers_ok, &rw->m, abstime, readers_blocked, rw);
    if (rc == 0)
        rw->readers++;
    pthread_mutex_unlock(&rw->m);
    return rc;
}

static int wrlock(pthread_rwlock_t *rw, const struct timespec *abstime, int is_try)
{
    if (bad_time(abstime))
        return EINVAL;
    pthread_mutex_lock(&rw->m);
    int rc = 0;
    if (rw->writer == pthread_self()) {
        rc = EDEADLK;
    } else if (is_try) {
        rc = writer_blocked(rw) ? EBUSY : 0;
    } else {
        rw->writers_waiting++;
        rc = wait_while(&rw->writer_ok, &rw->m, abstime, writer_blocked, rw);
        rw->writers_waiting--;
    }
    if (rc == 0)
        rw->writer = pthread_self();
    pthread_mutex_unlock(&rw->m);
    return rc;
}

int pthread_rwlock_rdlock(pthread_rwlock_t *rw) { return rdlock(rw, NULL, 0); }
int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw) { return rdlock(rw, NULL, 1); }
int pthread_rwlock_wrlock(pthread_rwlock_t *rw) { return wrlock(rw, NULL, 0); }
int pthread_rwlock_trywrlock(pthread_rwlock_t *rw) { return wrlock(rw, NULL, 1); }

int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw, const struct timespec *abstime)
{
    return abstime ? rdlock(rw, abstime, 0) : EINVAL;
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw, const struct timespec *abstime)
{
    return abstime ? wrlock(rw, abstime, 0) : EINVAL;
}

int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
    pthread_mutex_lock(&rw->m);
    int rc = 0;
    if (rw->writer == pthread_self()) {
        rw->writer = 0;
    } else if (rw->readers > 0 && rw->writer == 0) {
        rw->readers--;
    } else {
        rc = EPERM;                     /* not held */
    }
    if (rc == 0 && rw->writer == 0) {
        pthread_cond_broadcast(&rw->readers_ok);
        if (rw->readers == 0 && rw->writers_waiting > 0)
            pthread_cond_signal(&rw->writer_ok);
    }
    pthread_mutex_unlock(&rw->m);
    return rc;
}

/* ---- barriers ---- */

int pthread_barrierattr_init(pthread_barrierattr_t *attr)
{
    attr->is_initialized = 1;
    return 0;
}

int pthread_barrierattr_destroy(pthread_barrierattr_t *attr)
{
    attr->is_initialized = 0;
    return 0;
}

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr, unsigned count)
{
    (void)attr;
    if (count == 0)
        return EINVAL;
    pthread_mutex_init(&b->m, NULL);
    pthread_cond_init(&b->round_over, NULL);
    b->count = count;
    b->arrived = 0;
    b->generation = 0;
    return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *b)
{
    return b->arrived ? EBUSY : 0;
}

/* The last to arrive ends the round and is the serial thread. */
int pthread_barrier_wait(pthread_barrier_t *b)
{
    pthread_mutex_lock(&b->m);
    unsigned generation = b->generation;
    int rc = 0;
    if (++b->arrived == b->count) {
        b->arrived = 0;
        b->generation++;
        pthread_cond_broadcast(&b->round_over);
        rc = PTHREAD_BARRIER_SERIAL_THREAD;
    } else {
        while (b->generation == generation)
            pthread_cond_wait(&b->round_over, &b->m);
    }
    pthread_mutex_unlock(&b->m);
    return rc;
}

/* ---- spin locks ---- */

int pthread_spin_init(pthread_spinlock_t *lock, int pshared)
{
    if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
        return EINVAL;
    *lock = 0;
    return 0;
}

int pthread_spin_destroy(pthread_spinlock_t *lock)
{
    return *lock ? EBUSY : 0;
}

int pthread_spin_trylock(pthread_spinlock_t *lock)
{
    return __atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE) ? EBUSY : 0;
}

/* Spins on a plain load; after a while it also yields the CPU, so a holder
 * preempted on the same CPU gets to run. */
int pthread_spin_lock(pthread_spinlock_t *lock)
{
    for (unsigned spins = 0; __atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE); ) {
        while (__atomic_load_n(lock, __ATOMIC_RELAXED)) {
            if (++spins % 256 == 0)
                sched_yield();
        }
    }
    return 0;
}

int pthread_spin_unlock(pthread_spinlock_t *lock)
{
    __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
    return 0;
}
