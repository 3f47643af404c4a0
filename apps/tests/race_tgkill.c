/* Race: tgkill against the exit of its target thread. One thread creates
 * and joins threads in a loop, every other one a target; another thread
 * tgkills the current target until it is gone. A signal sent to a thread
 * that exited must go nowhere. Before the fix tgkill wrote the pending set
 * of a thread it had found under proc_lock after dropping the lock, so a
 * freed thread's memory, perhaps reused for the next thread, could be
 * written: that would show here as a SIGUSR1 taken by a thread nobody
 * signalled. The window is a few instructions: without kmalloc_debug the
 * old code showed here only in some runs. Its boot tests run with
 * kmalloc_debug=1 (docs/kmalloc-debug.md), where a freed proc_thread reads
 * as poison: the old code then panicked following pt->proc in every run
 * made (14 of 14: 2 and 4 CPUs, amd64 and arm64). */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <tandem/syscall.h>
#include "tap.h"

#define RACE_MS 2500
#define TARGET_LIFE_MS 15

pid_t gettid(void);

static volatile pid_t target_tid;       /* the thread the killer aims at */
static volatile int is_done;
static volatile long wrong_receivers;   /* a thread got SIGUSR1 not aimed at it */
static volatile long right_receivers;
static volatile long sends, misses;     /* written by the killer only */

static void on_usr1(int sig)
{
    (void)sig;
    if (gettid() == target_tid)
        __atomic_add_fetch(&right_receivers, 1, __ATOMIC_RELAXED);
    else
        __atomic_add_fetch(&wrong_receivers, 1, __ATOMIC_RELAXED);
}

static void unblock_usr1(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* A target: stays busy for a few scheduler quanta (a killer preempted in
 * the middle of a tgkill waits meanwhile), then exits while the killer
 * may be in the middle of a send to it. */
static void *target_main(void *arg)
{
    (void)arg;
    unblock_usr1();
    long start = now_ms();
    while (now_ms() - start < TARGET_LIFE_MS && !is_done)
        ;
    return NULL;
}

/* Never aimed at: any SIGUSR1 it takes is a stale send. It lives until the
 * killer has made two more calls, so a send begun for the last target
 * (its kernel structure perhaps reused for this thread) has finished. */
static void *bystander_main(void *arg)
{
    (void)arg;
    long calls = sends + misses;
    unblock_usr1();
    while (sends + misses < calls + 2 && !is_done)
        sched_yield();
    return NULL;
}

static void *killer_main(void *arg)
{
    (void)arg;
    pid_t pid = getpid();
    while (!is_done) {
        pid_t tid = target_tid;
        if (tid <= 0)
            continue;
        if (tandem_syscall3(SYS_tgkill, pid, tid, SIGUSR1) == 0) {
            sends++;
        } else {
            misses++;
            sched_yield();          /* gone: let the creator go on */
        }
    }
    return NULL;
}

static void tgkill_during_thread_exit_reaches_no_other_thread(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    /* Created threads start blocked (the creator's mask) and unblock. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    pthread_t killer;
    CHECK_EQ("pthread_create killer", 0, pthread_create(&killer, NULL, killer_main, NULL));
    long rounds = 0, start = now_ms();
    while (now_ms() - start < RACE_MS) {
        pthread_t t;
        if (pthread_create(&t, NULL, target_main, NULL) != 0)
            break;
        target_tid = pthread_gettid_np(t);
        pthread_join(t, NULL);
        if (pthread_create(&t, NULL, bystander_main, NULL) != 0)
            break;
        pthread_join(t, NULL);
        rounds++;
    }
    is_done = 1;
    pthread_join(killer, NULL);
    tap_note("%ld rounds, %ld sends, %ld misses, %ld received", rounds, sends, misses,
             right_receivers);
    CHECK(rounds > 0, "no thread could be created");
    CHECK_EQ("SIGUSR1 taken by threads nobody signalled", 0, wrong_receivers);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(tgkill_during_thread_exit_reaches_no_other_thread),
    };
    return tap_main(argc, argv, tests, 1);
}
