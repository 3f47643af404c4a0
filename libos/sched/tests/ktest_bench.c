/* bench_ctxsw (run as ktest=bench_ctxsw by scripts/bench ctxsw): two
 * kernel threads ping-pong through a pair of semaphores; each round trip
 * is two thread switches. */
#include <stdint.h>
#include <kern/printk.h>
#include <plat/timer.h>
#include <sched/sync.h>
#include <sched/thread.h>
#include <ktest.h>

#define ROUNDS 20000

static struct semaphore ping, pong;

static int ponger(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        sem_wait(&ping, 0);
        sem_post(&pong);
    }
    return 0;
}

static int pinger(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        sem_post(&ping);
        sem_wait(&pong, 0);
    }
    return 0;
}

KTEST(bench_ctxsw, KTEST_NAMED_ONLY)
{
    sem_init(&ping, 0);
    sem_init(&pong, 0);
    uint64_t start = plat_time_ns();
    struct thread *a = thread_create("pinger", pinger, NULL);
    struct thread *b = thread_create("ponger", ponger, NULL);
    KTEST_EXPECT(a && b, "thread_create failed");
    thread_join(a, NULL);
    thread_join(b, NULL);
    uint64_t elapsed = plat_time_ns() - start;
    printk("ctxsw: %llu ns per switch (%d round trips in %llu us)\n",
           (unsigned long long)(elapsed / (2 * ROUNDS)), ROUNDS,
           (unsigned long long)(elapsed / 1000));
    return 0;
}
