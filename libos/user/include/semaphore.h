/* POSIX unnamed semaphores over a futex word (libos/user/semaphore.c).
 * Process-shared ones (pshared != 0) need shared memory, which Tandem does
 * not have yet: sem_init refuses them with ENOSYS, and the named calls
 * (sem_open, sem_close, sem_unlink) fail with ENOSYS; so
 * _POSIX_SEMAPHORES stays -1 (<unistd.h>). */
#ifndef TANDEM_SEMAPHORE_H
#define TANDEM_SEMAPHORE_H

#include <stdint.h>
#include <time.h>

typedef struct {
    uint32_t value;             /* the count; the futex word */
    uint32_t waiters;           /* threads about to sleep or asleep */
} sem_t;

#define SEM_FAILED ((sem_t *)0)
#define SEM_VALUE_MAX 0x7fffffff

int sem_init(sem_t *sem, int pshared, unsigned value);
int sem_destroy(sem_t *sem);
int sem_wait(sem_t *sem);
int sem_trywait(sem_t *sem);
int sem_timedwait(sem_t *sem, const struct timespec *abstime);
int sem_post(sem_t *sem);
int sem_getvalue(sem_t *sem, int *value);
sem_t *sem_open(const char *name, int oflag, ...);
int sem_close(sem_t *sem);
int sem_unlink(const char *name);

#endif
