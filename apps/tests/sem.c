/* POSIX unnamed semaphores (<semaphore.h>): counts, trywait, timedwait's
 * timeout and bad times, EINTR from a signal handler, a post waking a
 * waiting thread, the value limit, and the calls not supported yet
 * (process-shared and named ones) failing with ENOSYS. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

static void counts_and_trywait(void)
{
    sem_t s;
    int v = -1;
    CHECK_OK(sem_init(&s, 0, 2));
    CHECK_OK(sem_getvalue(&s, &v));
    CHECK_EQ("initial value", 2, v);
    CHECK_OK(sem_trywait(&s));
    CHECK_OK(sem_wait(&s));
    CHECK_ERRNO(sem_trywait(&s), EAGAIN);
    CHECK_OK(sem_post(&s));
    CHECK_OK(sem_getvalue(&s, &v));
    CHECK_EQ("after a post", 1, v);
    CHECK_OK(sem_destroy(&s));
    CHECK_ERRNO(sem_init(&s, 0, (unsigned)SEM_VALUE_MAX + 1), EINVAL);
    CHECK_OK(sem_init(&s, 0, SEM_VALUE_MAX));
    CHECK_ERRNO(sem_post(&s), EOVERFLOW);
    CHECK_ERRNO(sem_init(&s, 1, 0), ENOSYS);
    errno = 0;
    CHECK(sem_open("/x", 0) == SEM_FAILED && errno == ENOSYS, "sem_open: errno %d", errno);
    CHECK_ERRNO(sem_unlink("/x"), ENOSYS);
}

static void timedwait_times_out(void)
{
    sem_t s;
    CHECK_OK(sem_init(&s, 0, 0));
    /* the start first: a preemption between the two reads must not
     * shorten what is measured */
    long start = now_ms();
    struct timespec at = tap_realtime_after_ms(150);
    CHECK_ERRNO(sem_timedwait(&s, &at), ETIMEDOUT);
    CHECK(now_ms() - start >= 145, "ETIMEDOUT after %ld ms of 150", now_ms() - start);
    struct timespec bad = { at.tv_sec, 1000000000L };
    CHECK_ERRNO(sem_timedwait(&s, &bad), EINVAL);
    struct timespec past = { 0, 0 };
    CHECK_ERRNO(sem_timedwait(&s, &past), ETIMEDOUT);
    CHECK_OK(sem_post(&s));
    CHECK_OK(sem_timedwait(&s, &past));             /* available: no wait */
}

static volatile int alarms;
static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

/* A handler interrupts sem_wait (EINTR), SA_RESTART or not, as on Linux. */
static void wait_interrupted_by_handler(void)
{
    sem_t s;
    CHECK_OK(sem_init(&s, 0, 0));
    struct sigaction a;
    memset(&a, 0, sizeof(a));
    a.sa_handler = on_alarm;
    a.sa_flags = SA_RESTART;
    CHECK_OK(sigaction(SIGALRM, &a, NULL));
    alarms = 0;
    struct itimerval it = { { 0, 0 }, { 0, 50000 } };
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    CHECK_ERRNO(sem_wait(&s), EINTR);
    CHECK_EQ("handler ran", 1, alarms);
    signal(SIGALRM, SIG_DFL);
}

static sem_t ping, pong;

static void *ponger(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        if (sem_wait(&ping) < 0)
            return (void *)1;
        if (sem_post(&pong) < 0)
            return (void *)2;
    }
    return NULL;
}

/* Two threads hand a token back and forth: every post wakes the sleeper. */
static void post_wakes_a_waiting_thread(void)
{
    CHECK_OK(sem_init(&ping, 0, 0));
    CHECK_OK(sem_init(&pong, 0, 0));
    pthread_t t;
    CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, ponger, NULL));
    for (int i = 0; i < 200; i++) {
        CHECK_OK(sem_post(&ping));
        CHECK_OK(sem_wait(&pong));
    }
    void *rc = (void *)-1;
    CHECK_EQ("pthread_join", 0, pthread_join(t, &rc));
    CHECK(rc == NULL, "ponger failed (%ld)", (long)rc);
    int v = -1;
    sem_getvalue(&ping, &v);
    CHECK_EQ("ping left", 0, v);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(counts_and_trywait),
        TAP_TEST(timedwait_times_out),
        TAP_TEST(wait_interrupted_by_handler),
        TAP_TEST(post_wakes_a_waiting_thread),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
