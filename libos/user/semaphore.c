/* POSIX unnamed semaphores (<semaphore.h>): a count in a futex word. A
 * waiter that finds it 0 counts itself in waiters and sleeps while the
 * word is still 0; sem_post adds one and wakes one if anyone counted
 * itself. Both orders are sequentially consistent: either the poster sees
 * the waiter, or the waiter's futex sees the new count and does not
 * sleep. */
#include <errno.h>
#include <semaphore.h>
#include <time.h>
#include "internal.h"

int sem_init(sem_t *sem, int pshared, unsigned value)
{
    if (value > SEM_VALUE_MAX) {
        errno = EINVAL;
        return -1;
    }
    if (pshared) {              /* no shared memory yet */
        errno = ENOSYS;
        return -1;
    }
    sem->value = value;
    sem->waiters = 0;
    return 0;
}

int sem_destroy(sem_t *sem)
{
    (void)sem;
    return 0;
}

static int try_take(sem_t *sem)
{
    uint32_t v = __atomic_load_n(&sem->value, __ATOMIC_RELAXED);
    while (v > 0)
        if (__atomic_compare_exchange_n(&sem->value, &v, v - 1, 0, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return 1;
    return 0;
}

/* A waiter that leaves without taking (a signal, the timeout) may have
 * been the one a post woke: it wakes another, so no sleeper stays asleep
 * beside a count above 0. */
static void pass_wake_on(sem_t *sem)
{
    if (__atomic_load_n(&sem->value, __ATOMIC_SEQ_CST) > 0 &&
        __atomic_load_n(&sem->waiters, __ATOMIC_SEQ_CST) > 0)
        tandem_futex_wake(&sem->value, 1);
}

/* abstime: CLOCK_REALTIME, or NULL to wait for ever. */
static int sem_wait_until(sem_t *sem, const struct timespec *abstime)
{
    if (abstime && (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L)) {
        errno = EINVAL;
        return -1;
    }
    for (;;) {
        if (try_take(sem))
            return 0;
        struct timespec rel, *timeout = NULL;
        if (abstime) {
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            rel.tv_sec = abstime->tv_sec - now.tv_sec;
            rel.tv_nsec = abstime->tv_nsec - now.tv_nsec;
            if (rel.tv_nsec < 0) {
                rel.tv_nsec += 1000000000L;
                rel.tv_sec--;
            }
            if (rel.tv_sec < 0) {
                pass_wake_on(sem);
                errno = ETIMEDOUT;
                return -1;
            }
            timeout = &rel;
        }
        __atomic_fetch_add(&sem->waiters, 1, __ATOMIC_SEQ_CST);
        int rc = 0;
        if (__atomic_load_n(&sem->value, __ATOMIC_SEQ_CST) == 0)
            rc = tandem_futex_wait(&sem->value, 0, timeout);
        __atomic_fetch_sub(&sem->waiters, 1, __ATOMIC_SEQ_CST);
        if (rc == -EINTR) {             /* a signal handler ran (POSIX) */
            pass_wake_on(sem);
            errno = EINTR;
            return -1;
        }
        /* a wake-up, a changed count (-EAGAIN) or the timeout: look again */
    }
}

int sem_wait(sem_t *sem)
{
    return sem_wait_until(sem, NULL);
}

int sem_timedwait(sem_t *sem, const struct timespec *abstime)
{
    if (!abstime) {
        errno = EINVAL;
        return -1;
    }
    return sem_wait_until(sem, abstime);
}

int sem_trywait(sem_t *sem)
{
    if (try_take(sem))
        return 0;
    errno = EAGAIN;
    return -1;
}

int sem_post(sem_t *sem)
{
    uint32_t v = __atomic_load_n(&sem->value, __ATOMIC_RELAXED);
    do {
        if (v >= SEM_VALUE_MAX) {
            errno = EOVERFLOW;
            return -1;
        }
    } while (!__atomic_compare_exchange_n(&sem->value, &v, v + 1, 0, __ATOMIC_SEQ_CST,
                                          __ATOMIC_RELAXED));
    if (__atomic_load_n(&sem->waiters, __ATOMIC_SEQ_CST) > 0)
        tandem_futex_wake(&sem->value, 1);
    return 0;
}

int sem_getvalue(sem_t *sem, int *value)
{
    *value = (int)__atomic_load_n(&sem->value, __ATOMIC_RELAXED);
    return 0;
}

/* Named semaphores live in shared memory: not yet. */
sem_t *sem_open(const char *name, int oflag, ...)
{
    (void)name;
    (void)oflag;
    errno = ENOSYS;
    return SEM_FAILED;
}

int sem_close(sem_t *sem)
{
    (void)sem;
    errno = ENOSYS;
    return -1;
}

int sem_unlink(const char *name)
{
    (void)name;
    errno = ENOSYS;
    return -1;
}
