/* pthread mutexes (normal, recursive, errorcheck), condition variables
 * and once, all over futex words in process memory (internal.h). */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include "internal.h"

int pthread_mutexattr_init(pthread_mutexattr_t *attr)
{
    attr->type = PTHREAD_MUTEX_DEFAULT;
    attr->is_initialized = 1;
    return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *attr)
{
    attr->is_initialized = 0;
    return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type)
{
    if (type != PTHREAD_MUTEX_NORMAL && type != PTHREAD_MUTEX_RECURSIVE &&
        type != PTHREAD_MUTEX_ERRORCHECK)
        return EINVAL;
    attr->type = type;
    return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type)
{
    *type = attr->type;
    return 0;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
    m->word = 0;
    m->type = attr ? attr->type : PTHREAD_MUTEX_DEFAULT;
    m->owner = NULL;
    m->count = 0;
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
    return m->word ? EBUSY : 0;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
    if (m->type != PTHREAD_MUTEX_NORMAL) {
        pthread_t self = tandem_self();
        if (m->owner == self) {
            if (m->type == PTHREAD_MUTEX_ERRORCHECK)
                return EDEADLK;
            m->count++;
            return 0;
        }
        tandem_lock(&m->word);
        m->owner = self;
        m->count = 1;
        return 0;
    }
    tandem_lock(&m->word);
    return 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
    if (m->type == PTHREAD_MUTEX_RECURSIVE && m->owner == tandem_self()) {
        m->count++;
        return 0;
    }
    if (!tandem_trylock(&m->word))
        return EBUSY;
    if (m->type != PTHREAD_MUTEX_NORMAL) {
        m->owner = tandem_self();
        m->count = 1;
    }
    return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
    if (m->type != PTHREAD_MUTEX_NORMAL) {
        if (m->owner != tandem_self())
            return EPERM;
        if (--m->count > 0)
            return 0;
        m->owner = NULL;
    }
    tandem_unlock(&m->word);
    return 0;
}

int pthread_condattr_init(pthread_condattr_t *attr)
{
    attr->clock = (int)CLOCK_REALTIME;
    attr->is_initialized = 1;
    return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *attr)
{
    attr->is_initialized = 0;
    return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock)
{
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return EINVAL;
    attr->clock = (int)clock;
    return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock)
{
    *clock = attr->clock;
    return 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
    c->seq = 0;
    c->clock = attr ? attr->clock : (int)CLOCK_REALTIME;
    return 0;
}

int pthread_cond_destroy(pthread_cond_t *c)
{
    (void)c;
    return 0;
}

/* Waiters sleep on seq as they saw it before unlocking the mutex; a
 * signal bumps seq first, so a wake-up between the unlock and the sleep is
 * not lost (the futex sees a changed word and returns at once). Spurious
 * wake-ups are allowed, as POSIX says. */
static int cond_wait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
    uint32_t seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
    pthread_t self = tandem_self();
    unsigned depth = m->count;
    int rc = 0;

    if (m->type != PTHREAD_MUTEX_NORMAL) {
        if (m->owner != self)
            return EPERM;
        m->count = 0;
        m->owner = NULL;
    }
    tandem_unlock(&m->word);

    if (abstime) {
        struct timespec now, rel;
        clock_gettime(c->clock, &now);
        rel.tv_sec = abstime->tv_sec - now.tv_sec;
        rel.tv_nsec = abstime->tv_nsec - now.tv_nsec;
        if (rel.tv_nsec < 0) {
            rel.tv_nsec += 1000000000;
            rel.tv_sec--;
        }
        if (rel.tv_sec < 0)
            rc = ETIMEDOUT;
        else if (tandem_futex_wait(&c->seq, seq, &rel) == -ETIMEDOUT)
            rc = ETIMEDOUT;
    } else {
        tandem_futex_wait(&c->seq, seq, NULL);
    }

    /* relock as contended: other waiters may be queued behind us */
    while (__atomic_exchange_n(&m->word, 2, __ATOMIC_ACQUIRE) != 0)
        tandem_futex_wait(&m->word, 2, NULL);
    if (m->type != PTHREAD_MUTEX_NORMAL) {
        m->owner = self;
        m->count = depth;
    }
    return rc;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    return cond_wait(c, m, NULL);
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
    if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000)
        return EINVAL;
    return cond_wait(c, m, abstime);
}

int pthread_cond_signal(pthread_cond_t *c)
{
    __atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
    tandem_futex_wake(&c->seq, 1);
    return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
    __atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
    tandem_futex_wake(&c->seq, 0x7fffffff);
    return 0;
}

enum { ONCE_NEW, ONCE_RUNNING, ONCE_DONE };

int pthread_once(pthread_once_t *once, void (*init)(void))
{
    uint32_t state = ONCE_NEW;

    if (__atomic_load_n(&once->state, __ATOMIC_ACQUIRE) == ONCE_DONE)
        return 0;
    if (__atomic_compare_exchange_n(&once->state, &state, ONCE_RUNNING, 0, __ATOMIC_ACQUIRE,
                                    __ATOMIC_ACQUIRE)) {
        init();
        __atomic_store_n(&once->state, ONCE_DONE, __ATOMIC_RELEASE);
        tandem_futex_wake(&once->state, 0x7fffffff);
        return 0;
    }
    while ((state = __atomic_load_n(&once->state, __ATOMIC_ACQUIRE)) == ONCE_RUNNING)
        tandem_futex_wait(&once->state, ONCE_RUNNING, NULL);
    return 0;
}
