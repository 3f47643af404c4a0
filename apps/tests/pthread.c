/* pthreads on kernel threads: create/join with a value, a mutex-protected
 * counter, recursive and errorcheck mutexes, condvar ping-pong, keys with
 * destructors, once, per-thread errno, detached threads. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
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
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
