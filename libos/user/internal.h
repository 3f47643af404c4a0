/* libos/user's private interfaces: the thread block every thread's thread
 * pointer points at, the futex-based lock under newlib's locks and the
 * pthread mutexes, and errno helpers. */
#ifndef USER_INTERNAL_H
#define USER_INTERNAL_H

#include <pthread.h>
#include <reent.h>
#include <stdint.h>
#include <time.h>
#include <tandem/syscall.h>

/* One per thread, at the top of its mmap'd stack (the main thread's is
 * static). The thread pointer (SYS_set_tls) points at it; self must stay
 * first: amd64 reads it as %fs:0. */
struct tandem_thread {
    struct tandem_thread *self;
    uint32_t alive;             /* 1 until the kernel clears it at exit */
    int tid;
    void *(*start)(void *);
    void *arg;
    void *retval;
    void *map_base;             /* stack mapping, NULL for the main thread */
    size_t map_size;
    int is_detached;            /* under tandem_threads_lock */
    int has_exited;
    struct tandem_thread *next_dead;
    void *specific[PTHREAD_KEYS_MAX];
    struct _reent *reent;       /* newlib's per-thread state */
    struct _reent reent_storage;
};

/* The calling thread's block (the main thread's until SYS_set_tls works). */
struct tandem_thread *tandem_self(void);
extern struct tandem_thread tandem_main_thread;
void tandem_threads_init(void);

/* Arch files (libos/user/<arch>/thread.S): read the thread pointer; the
 * first code a new thread runs (aligns the stack, calls
 * tandem_thread_main(arg)). */
struct tandem_thread *tandem_thread_pointer(void);
void tandem_thread_entry(void);
_Noreturn void tandem_thread_main(struct tandem_thread *t);

/* Futexes (abi/futex.h) and a three-state futex mutex (Drepper, "Futexes
 * are tricky", mutex 2): 0 free, 1 locked, 2 locked with waiters. */
int tandem_futex_wait(uint32_t *word, uint32_t expected, const struct timespec *rel_timeout);
int tandem_futex_wake(uint32_t *word, int count);
void tandem_lock(uint32_t *word);
int tandem_trylock(uint32_t *word);     /* 1 when taken */
void tandem_unlock(uint32_t *word);

/* The auxiliary vector's AT_SECURE (start.c): exec changed the ids. */
extern unsigned long tandem_auxv_secure;

#endif
