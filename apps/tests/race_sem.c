/* Race: two producer threads post a semaphore while two consumer threads
 * wait on it with sem_wait (nothing else wakes them: sem_timedwait's
 * time-outs would hide a lost wake-up), for a bounded time.
 * Checked: every post is taken exactly once (the takes add up to the
 * posts once the producers stop and the rest is drained), no consumer
 * sleeps past a post (the drain ends), and the count ends at 0. A lost
 * wake-up leaves a consumer asleep beside a positive count: the drain's
 * bound then fails the test. Each consumer then takes one stop token. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <semaphore.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

#define RACE_MS 2000
#define PRODUCERS 2
#define CONSUMERS 2

static sem_t sem;
static int stop_producing, stop_consuming;
static unsigned long posted[PRODUCERS], taken[CONSUMERS];
static int errors;
static unsigned long empty_finds;   /* consumers that found the count at 0 */
static int consumers_left;

static void *produce(void *arg)
{
    unsigned long *n = arg;
    while (!__atomic_load_n(&stop_producing, __ATOMIC_ACQUIRE)) {
        if (sem_post(&sem) < 0) {
            __atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
            break;
        }
        (*n)++;
        sched_yield();              /* let the consumers catch up and sleep */
    }
    return NULL;
}

static void *consume(void *arg)
{
    unsigned long *n = arg;
    for (;;) {
        int rc = sem_trywait(&sem);
        if (rc < 0) {
            __atomic_fetch_add(&empty_finds, 1, __ATOMIC_RELAXED);
            rc = sem_wait(&sem);
        }
        if (rc == 0) {
            if (__atomic_load_n(&stop_consuming, __ATOMIC_ACQUIRE)) {
                __atomic_fetch_add(&consumers_left, 1, __ATOMIC_RELEASE);
                return NULL;            /* one of the stop tokens */
            }
            (*n)++;
            continue;
        }
        if (errno == EINTR)
            continue;
        __atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
        return NULL;
    }
}

static void posts_taken_once(void)
{
    CHECK_OK(sem_init(&sem, 0, 0));
    pthread_t p[PRODUCERS], c[CONSUMERS];
    for (int i = 0; i < CONSUMERS; i++)
        CHECK_EQ("create consumer", 0, pthread_create(&c[i], NULL, consume, &taken[i]));
    for (int i = 0; i < PRODUCERS; i++)
        CHECK_EQ("create producer", 0, pthread_create(&p[i], NULL, produce, &posted[i]));
    msleep(RACE_MS);                    /* hammer this long */
    __atomic_store_n(&stop_producing, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(p[i], NULL);
    unsigned long total = 0, got = 0;
    for (int i = 0; i < PRODUCERS; i++)
        total += posted[i];
    /* The consumers drain what is left; a bound for "never", not a timing. */
    long give_up = now_ms() + 60000;
    for (;;) {
        got = 0;
        for (int i = 0; i < CONSUMERS; i++)
            got += __atomic_load_n(&taken[i], __ATOMIC_RELAXED);
        if (got >= total || now_ms() > give_up)
            break;
        msleep(1);
    }
    CHECK(got == total, "%lu posts, %lu taken after the drain: a consumer slept past a post",
          total, got);
    /* One stop token at a time: a consumer that takes one leaves, and the
     * next token goes only once it has, so each must be woken by its own
     * post (a bound for "never", not a timing). */
    __atomic_store_n(&stop_consuming, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < CONSUMERS; i++) {
        CHECK_OK(sem_post(&sem));
        give_up = now_ms() + 60000;
        while (__atomic_load_n(&consumers_left, __ATOMIC_ACQUIRE) <= i && now_ms() < give_up)
            msleep(1);
        CHECK(consumers_left > i, "stop token %d: no sleeping consumer woke for it", i + 1);
    }
    for (int i = 0; i < CONSUMERS; i++)
        pthread_join(c[i], NULL);
    int v = -1;
    sem_getvalue(&sem, &v);
    CHECK_EQ("count at the end", 0, v);
    CHECK_EQ("errors", 0, errors);
    CHECK(total > 0, "no post in %d ms", RACE_MS);
    printf("# %lu posts, taken %lu + %lu, %lu waits at 0\n", total, taken[0], taken[1],
           empty_finds);
    /* without waits at 0 the sleeping path was not exercised */
    CHECK(empty_finds > 0, "no consumer ever found the count at 0");
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(posts_taken_once),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
