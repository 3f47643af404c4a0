/* pthread types for Tandem processes (libos/user/pthread*.c): replaces
 * newlib's, whose 32-bit handles suit RTEMS's object tables but not
 * futex-based objects living in process memory. */
#ifndef _SYS__PTHREADTYPES_H_
#define _SYS__PTHREADTYPES_H_

#include <sys/sched.h>

struct tandem_thread;
typedef struct tandem_thread *pthread_t;

#define PTHREAD_SCOPE_PROCESS 0
#define PTHREAD_SCOPE_SYSTEM  1
#define PTHREAD_INHERIT_SCHED  1
#define PTHREAD_EXPLICIT_SCHED 2
#define PTHREAD_CREATE_DETACHED 0
#define PTHREAD_CREATE_JOINABLE 1

typedef struct {
    size_t stacksize;       /* 0: the default */
    size_t guardsize;
    int detachstate;
    int is_initialized;
} pthread_attr_t;

#define PTHREAD_MUTEX_NORMAL     0
#define PTHREAD_MUTEX_RECURSIVE  1
#define PTHREAD_MUTEX_ERRORCHECK 2
#define PTHREAD_MUTEX_DEFAULT    PTHREAD_MUTEX_NORMAL

/* word: 0 free, 1 locked, 2 locked with waiters (the futex word) */
typedef struct {
    unsigned int word;
    int type;
    pthread_t owner;        /* recursive and errorcheck mutexes */
    unsigned int count;     /* recursion depth */
} pthread_mutex_t;
#define _PTHREAD_MUTEX_INITIALIZER { 0, PTHREAD_MUTEX_NORMAL, 0, 0 }
#define PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP { 0, PTHREAD_MUTEX_RECURSIVE, 0, 0 }
#define PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP { 0, PTHREAD_MUTEX_ERRORCHECK, 0, 0 }

typedef struct {
    int type;
    int is_initialized;
} pthread_mutexattr_t;

/* seq: bumped by every signal/broadcast (the futex word) */
typedef struct {
    unsigned int seq;
    int clock;              /* for pthread_cond_timedwait: CLOCK_REALTIME */
} pthread_cond_t;
#define _PTHREAD_COND_INITIALIZER { 0, 1 }

typedef struct {
    int clock;
    int is_initialized;
} pthread_condattr_t;

typedef unsigned int pthread_key_t;

/* Reader-writer locks: a mutex and two conditions (readers first, as
 * glibc's default). */
typedef struct {
    pthread_mutex_t m;
    pthread_cond_t readers_ok, writer_ok;
    unsigned int readers;           /* holding it to read */
    unsigned int writers_waiting;
    pthread_t writer;               /* holding it to write, or 0 */
} pthread_rwlock_t;
#define PTHREAD_RWLOCK_INITIALIZER \
    { _PTHREAD_MUTEX_INITIALIZER, _PTHREAD_COND_INITIALIZER, _PTHREAD_COND_INITIALIZER, 0, 0, 0 }

typedef struct {
    int is_initialized;
} pthread_rwlockattr_t;

/* Barriers: the count, those arrived, and a generation each round ends. */
typedef struct {
    pthread_mutex_t m;
    pthread_cond_t round_over;
    unsigned int count, arrived, generation;
} pthread_barrier_t;

typedef struct {
    int is_initialized;
} pthread_barrierattr_t;

/* Spin locks: 0 free, 1 taken. */
typedef volatile int pthread_spinlock_t;

/* state: 0 not run, 1 running, 2 done (the futex word) */
typedef struct {
    unsigned int state;
} pthread_once_t;
#define _PTHREAD_ONCE_INIT { 0 }

#endif
