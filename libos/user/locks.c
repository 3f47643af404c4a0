/* Futexes, the three-state futex mutex, and newlib's retargetable locks
 * over it: the ten __retarget_lock_* functions and the nine static
 * __lock___* objects newlib names (TOOLCHAIN.md). Recursive locks record
 * their owner as the thread block (unchanged in a fork child). */
#include <errno.h>
#include <stdlib.h>
#include <sys/lock.h>
#include <abi/futex.h>
#include "internal.h"

int tandem_futex_wait(uint32_t *word, uint32_t expected, const struct timespec *rel_timeout)
{
    return (int)tandem_syscall4(SYS_futex, word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, expected,
                                rel_timeout);
}

int tandem_futex_wake(uint32_t *word, int count)
{
    return (int)tandem_syscall4(SYS_futex, word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, count, 0);
}

static uint32_t cas(uint32_t *word, uint32_t expected, uint32_t desired)
{
    __atomic_compare_exchange_n(word, &expected, desired, 0, __ATOMIC_ACQUIRE,
                                __ATOMIC_RELAXED);
    return expected;
}

void tandem_lock(uint32_t *word)
{
    uint32_t c = cas(word, 0, 1);

    if (c == 0)
        return;
    if (c != 2)
        c = __atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        tandem_futex_wait(word, 2, NULL);
        c = __atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE);
    }
}

int tandem_trylock(uint32_t *word)
{
    return cas(word, 0, 1) == 0;
}

void tandem_unlock(uint32_t *word)
{
    if (__atomic_fetch_sub(word, 1, __ATOMIC_RELEASE) != 1) {
        __atomic_store_n(word, 0, __ATOMIC_RELEASE);
        tandem_futex_wake(word, 1);
    }
}

/* newlib's lock object: the futex word, and for recursive use the owner
 * and depth (only the owner touches them). */
struct __lock {
    uint32_t word;
    struct tandem_thread *owner;
    unsigned depth;
};

struct __lock __lock___sinit_recursive_mutex;
struct __lock __lock___sfp_recursive_mutex;
struct __lock __lock___atexit_recursive_mutex;
struct __lock __lock___at_quick_exit_mutex;
struct __lock __lock___malloc_recursive_mutex;
struct __lock __lock___env_recursive_mutex;
struct __lock __lock___tz_mutex;
struct __lock __lock___dd_hash_mutex;
struct __lock __lock___arc4random_mutex;

/* Dynamic locks (one per FILE) come from calloc; when it fails the lock is
 * NULL and every operation on it does nothing, as newlib's own
 * single-threaded build would. */
void __retarget_lock_init(_LOCK_T *lock)
{
    *lock = calloc(1, sizeof(struct __lock));
}

void __retarget_lock_init_recursive(_LOCK_T *lock)
{
    *lock = calloc(1, sizeof(struct __lock));
}

void __retarget_lock_close(_LOCK_T lock)
{
    free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock)
{
    free(lock);
}

void __retarget_lock_acquire(_LOCK_T lock)
{
    if (lock)
        tandem_lock(&lock->word);
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
    return lock ? tandem_trylock(&lock->word) : 1;
}

void __retarget_lock_release(_LOCK_T lock)
{
    if (lock)
        tandem_unlock(&lock->word);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
    if (!lock)
        return;
    struct tandem_thread *self = tandem_self();
    if (lock->owner == self) {
        lock->depth++;
        return;
    }
    tandem_lock(&lock->word);
    lock->owner = self;
    lock->depth = 1;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
    if (!lock)
        return 1;
    struct tandem_thread *self = tandem_self();
    if (lock->owner == self) {
        lock->depth++;
        return 1;
    }
    if (!tandem_trylock(&lock->word))
        return 0;
    lock->owner = self;
    lock->depth = 1;
    return 1;
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
    if (!lock || --lock->depth > 0)
        return;
    lock->owner = NULL;
    tandem_unlock(&lock->word);
}
