/* pthreads on kernel threads: create/join with a value, a mutex-protected
 * counter, recursive and errorcheck mutexes, condvar ping-pong, keys with
 * destructors, once, per-thread errno, detached threads. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

static void *return_arg_plus_one(void *arg)
{
    return (void *)((uintptr_t)arg + 1);
}

static void create_join_returns_value(void)
{
    pthread_t t;
    CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, return_arg_plus_one, (void *)41));
    void *ret = NULL;
    CHECK_EQ("pthread_join", 0, pthread_join(t, &ret));
    CHECK_EQ("value returned", 42, (uintptr_t)ret);
}

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
enum { THREADS = 4, ROUNDS = 20000 };

static void *count_up(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&counter_lock);
        long v = counter;
        if ((i & 255) == 0)
            sched_yield();          /* widen the window */
        counter = v + 1;
        pthread_mutex_unlock(&counter_lock);
    }
    return NULL;
}

static void mutex_counter_across_threads(void)
{
    pthread_t t[THREADS];
    counter = 0;
    for (int i = 0; i < THREADS; i++)
        CHECK_EQ("pthread_create", 0, pthread_create(&t[i], NULL, count_up, NULL));
    for (int i = 0; i < THREADS; i++)
        CHECK_EQ("pthread_join", 0, pthread_join(t[i], NULL));
    CHECK_EQ("counter", (long)THREADS * ROUNDS, counter);
}

static void recursive_and_errorcheck_mutex(void)
{
    pthread_mutexattr_t attr;
    pthread_mutex_t m;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&m, &attr);
    CHECK_EQ("lock", 0, pthread_mutex_lock(&m));
    CHECK_EQ("recursive lock", 0, pthread_mutex_lock(&m));
    CHECK_EQ("recursive trylock", 0, pthread_mutex_trylock(&m));
    CHECK_EQ("unlock 1", 0, pthread_mutex_unlock(&m));
    CHECK_EQ("unlock 2", 0, pthread_mutex_unlock(&m));
    CHECK_EQ("unlock 3", 0, pthread_mutex_unlock(&m));
    CHECK_EQ("unlock of an unlocked recursive mutex", EPERM, pthread_mutex_unlock(&m));
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&m, &attr);
    CHECK_EQ("lock", 0, pthread_mutex_lock(&m));
    CHECK_EQ("relock of an errorcheck mutex", EDEADLK, pthread_mutex_lock(&m));
    CHECK_EQ("unlock", 0, pthread_mutex_unlock(&m));
    CHECK_EQ("second unlock", EPERM, pthread_mutex_unlock(&m));
    pthread_mutex_t n = PTHREAD_MUTEX_INITIALIZER;
    CHECK_EQ("trylock", 0, pthread_mutex_trylock(&n));
    CHECK_EQ("trylock of a locked mutex", EBUSY, pthread_mutex_trylock(&n));
    pthread_mutex_unlock(&n);
}

static pthread_mutex_t pp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pp_cond = PTHREAD_COND_INITIALIZER;
static int pp_turn;             /* 0: ping's turn, 1: pong's */
static int pp_count;
enum { PINGPONGS = 1000 };

static void *pong(void *arg)
{
    (void)arg;
    for (int i = 0; i < PINGPONGS; i++) {
        pthread_mutex_lock(&pp_lock);
        while (pp_turn != 1)
            pthread_cond_wait(&pp_cond, &pp_lock);
        pp_count++;
        pp_turn = 0;
        pthread_cond_signal(&pp_cond);
        pthread_mutex_unlock(&pp_lock);
    }
    return NULL;
}

static void condvar_ping_pong(void)
{
    pthread_t t;
    pp_turn = 0;
    pp_count = 0;
    CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, pong, NULL));
    for (int i = 0; i < PINGPONGS; i++) {
        pthread_mutex_lock(&pp_lock);
        while (pp_turn != 0)
            pthread_cond_wait(&pp_cond, &pp_lock);
        pp_count++;
        pp_turn = 1;
        pthread_cond_signal(&pp_cond);
        pthread_mutex_unlock(&pp_lock);
    }
    CHECK_EQ("pthread_join", 0, pthread_join(t, NULL));
    CHECK_EQ("turns taken", 2 * PINGPONGS, pp_count);
}

static void cond_timedwait_times_out(void)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    /* start before the deadline is taken: a preemption between the two
     * reads (a busy host) must not shorten what is measured */
    long start = now_ms();
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 100000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&m);
    int rc;
    do
        rc = pthread_cond_timedwait(&c, &m, &deadline);
    while (rc == 0);
    pthread_mutex_unlock(&m);
    CHECK_EQ("pthread_cond_timedwait", ETIMEDOUT, rc);
    long waited = now_ms() - start;
    CHECK(waited >= 100, "timed out after %ld ms, before its 100 ms deadline", waited);
}

static pthread_key_t key;
static volatile int destructor_calls;
static volatile uintptr_t destructor_value;

static void key_destructor(void *value)
{
    destructor_calls++;
    destructor_value = (uintptr_t)value;
}

static void *use_key(void *arg)
{
    if (pthread_getspecific(key) != NULL)
        return (void *)1;
    pthread_setspecific(key, arg);
    return pthread_getspecific(key) == arg ? NULL : (void *)2;
}

static void keys_are_per_thread_with_destructors(void)
{
    destructor_calls = 0;
    CHECK_EQ("pthread_key_create", 0, pthread_key_create(&key, key_destructor));
    pthread_setspecific(key, (void *)7);
    pthread_t t;
    void *ret;
    CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, use_key, (void *)99));
    CHECK_EQ("pthread_join", 0, pthread_join(t, &ret));
    CHECK_EQ("thread's key check (1 saw ours, 2 lost its own)", 0, (uintptr_t)ret);
    CHECK_EQ("destructor calls", 1, destructor_calls);
    CHECK_EQ("destructor's value", 99, destructor_value);
    CHECK_EQ("main thread's value", 7, (uintptr_t)pthread_getspecific(key));
    CHECK_EQ("pthread_key_delete", 0, pthread_key_delete(key));
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static void once_init(void) { once_runs++; }
static void *call_once(void *arg) { (void)arg; pthread_once(&once, once_init); return NULL; }

static void once_runs_once(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK_EQ("pthread_create", 0, pthread_create(&t[i], NULL, call_once, NULL));
    call_once(NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    CHECK_EQ("init runs", 1, once_runs);
}

static void *set_errno(void *arg)
{
    errno = (int)(uintptr_t)arg;
    msleep(20);
    return (void *)(uintptr_t)errno;
}

static void errno_is_per_thread(void)
{
    pthread_t t;
    errno = 5;
    CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, set_errno, (void *)77));
    msleep(5);
    errno = 5;
    void *ret;
    pthread_join(t, &ret);
    CHECK_EQ("thread's errno", 77, (uintptr_t)ret);
    CHECK_EQ("main errno", 5, errno);
}

static volatile int detached_ran;
static void *detached_body(void *arg) { (void)arg; detached_ran = 1; return NULL; }

static void detached_threads_and_self(void)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    detached_ran = 0;
    pthread_t t;
    CHECK_EQ("pthread_create detached", 0, pthread_create(&t, &attr, detached_body, NULL));
    long deadline = now_ms() + 5000;
    while (!detached_ran && now_ms() < deadline)
        msleep(5);
    CHECK_EQ("detached thread ran", 1, detached_ran);
    CHECK(pthread_equal(pthread_self(), pthread_self()), "pthread_self differs from itself");
    CHECK(!pthread_equal(pthread_self(), t), "pthread_self equals another thread");
    CHECK_EQ("gettid of the main thread", getpid(), pthread_gettid_np(pthread_self()));
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static void *try_locks_from_another_thread(void *arg)
{
    long want_write = (long)arg;
    int rc = want_write ? pthread_rwlock_trywrlock(&rw) : pthread_rwlock_tryrdlock(&rw);
    if (rc == 0)
        pthread_rwlock_unlock(&rw);
    return (void *)(long)rc;
}

static long try_from_thread(long want_write)
{
    pthread_t t;
    void *rc = (void *)-1;
    if (pthread_create(&t, NULL, try_locks_from_another_thread, (void *)want_write) != 0 ||
        pthread_join(t, &rc) != 0)
        return -1;
    return (long)rc;
}

static void *timed_writer(void *arg)
{
    (void)arg;
    long start = now_ms();      /* first: a preemption must not shorten it */
    struct timespec at = tap_realtime_after_ms(100);
    int rc = pthread_rwlock_timedwrlock(&rw, &at);
    long elapsed = now_ms() - start;
    return (void *)(long)(rc == ETIMEDOUT && elapsed >= 95 ? 0 : 1000 + rc);
}

/* Read locks are shared (and may be taken again by a holder), a write lock
 * excludes both; the writer cannot read-lock what it holds (EDEADLK); a
 * timed write lock times out behind a reader; unlocking what one does not
 * hold is EPERM. */
static void rwlock_readers_share_writers_exclude(void)
{
    CHECK_EQ("rdlock", 0, pthread_rwlock_rdlock(&rw));
    CHECK_EQ("rdlock again", 0, pthread_rwlock_rdlock(&rw));
    CHECK_EQ("another reader", 0, try_from_thread(0));
    CHECK_EQ("a writer meanwhile", EBUSY, try_from_thread(1));
    pthread_t t;
    void *rc = NULL;
    CHECK_EQ("create", 0, pthread_create(&t, NULL, timed_writer, NULL));
    CHECK_EQ("join", 0, pthread_join(t, &rc));
    CHECK_EQ("timedwrlock behind a reader (0: ETIMEDOUT after its time)", 0, (long)rc);
    CHECK_EQ("unlock", 0, pthread_rwlock_unlock(&rw));
    CHECK_EQ("unlock", 0, pthread_rwlock_unlock(&rw));
    CHECK_EQ("unlock of nothing", EPERM, pthread_rwlock_unlock(&rw));
    CHECK_EQ("wrlock", 0, pthread_rwlock_wrlock(&rw));
    CHECK_EQ("a reader meanwhile", EBUSY, try_from_thread(0));
    CHECK_EQ("a writer meanwhile", EBUSY, try_from_thread(1));
    CHECK_EQ("the writer reads", EDEADLK, pthread_rwlock_rdlock(&rw));
    CHECK_EQ("the writer writes again", EDEADLK, pthread_rwlock_wrlock(&rw));
    CHECK_EQ("unlock", 0, pthread_rwlock_unlock(&rw));
    CHECK_EQ("a writer after", 0, try_from_thread(1));
    struct timespec bad = { 0, 1000000000L };
    CHECK_EQ("bad time", EINVAL, pthread_rwlock_timedrdlock(&rw, &bad));
    CHECK_EQ("destroy", 0, pthread_rwlock_destroy(&rw));
}

#define BARRIER_THREADS 4
#define BARRIER_ROUNDS 50
static pthread_barrier_t barrier;
static int serials[BARRIER_ROUNDS], arrivals[BARRIER_ROUNDS];
static pthread_mutex_t arrivals_lock = PTHREAD_MUTEX_INITIALIZER;

static void *barrier_body(void *arg)
{
    (void)arg;
    for (int round = 0; round < BARRIER_ROUNDS; round++) {
        pthread_mutex_lock(&arrivals_lock);
        arrivals[round]++;
        pthread_mutex_unlock(&arrivals_lock);
        int rc = pthread_barrier_wait(&barrier);
        if (rc == PTHREAD_BARRIER_SERIAL_THREAD) {
            /* everyone of this round is in: the counts must be full */
            pthread_mutex_lock(&arrivals_lock);
            if (arrivals[round] != BARRIER_THREADS)
                serials[round] = -100;
            else
                serials[round]++;
            pthread_mutex_unlock(&arrivals_lock);
        } else if (rc != 0) {
            return (void *)1;
        }
    }
    return NULL;
}

/* Four threads meet fifty times: one serial thread a round, and nobody
 * leaves a round before all arrived. */
static void barrier_rounds(void)
{
    CHECK_EQ("count 0", EINVAL, pthread_barrier_init(&barrier, NULL, 0));
    CHECK_EQ("init", 0, pthread_barrier_init(&barrier, NULL, BARRIER_THREADS));
    pthread_t t[BARRIER_THREADS];
    for (int i = 0; i < BARRIER_THREADS; i++)
        CHECK_EQ("create", 0, pthread_create(&t[i], NULL, barrier_body, NULL));
    for (int i = 0; i < BARRIER_THREADS; i++) {
        void *rc = (void *)-1;
        CHECK_EQ("join", 0, pthread_join(t[i], &rc));
        CHECK(rc == NULL, "thread %d: barrier_wait failed", i);
    }
    for (int round = 0; round < BARRIER_ROUNDS; round++)
        CHECK(serials[round] == 1, "round %d: %d serial threads (-100: one left early)", round,
              serials[round]);
    CHECK_EQ("destroy", 0, pthread_barrier_destroy(&barrier));
}

static void spin_lock_basics(void)
{
    pthread_spinlock_t s;
    CHECK_EQ("init", 0, pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE));
    CHECK_EQ("bad pshared", EINVAL, pthread_spin_init(&s, 7));
    CHECK_EQ("lock", 0, pthread_spin_lock(&s));
    CHECK_EQ("trylock held", EBUSY, pthread_spin_trylock(&s));
    CHECK_EQ("destroy held", EBUSY, pthread_spin_destroy(&s));
    CHECK_EQ("unlock", 0, pthread_spin_unlock(&s));
    CHECK_EQ("trylock free", 0, pthread_spin_trylock(&s));
    CHECK_EQ("unlock", 0, pthread_spin_unlock(&s));
    CHECK_EQ("destroy", 0, pthread_spin_destroy(&s));
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(create_join_returns_value),
        TAP_TEST(mutex_counter_across_threads),
        TAP_TEST(recursive_and_errorcheck_mutex),
        TAP_TEST(condvar_ping_pong),
        TAP_TEST(cond_timedwait_times_out),
        TAP_TEST(keys_are_per_thread_with_destructors),
        TAP_TEST(once_runs_once),
        TAP_TEST(errno_is_per_thread),
        TAP_TEST(detached_threads_and_self),
        TAP_TEST(rwlock_readers_share_writers_exclude),
        TAP_TEST(barrier_rounds),
        TAP_TEST(spin_lock_basics),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
