/* Race: a signal sent to a thread that is on its way back to user mode.
 * The return path looks at the thread's signal state without proc_lock
 * first (libos/proc/signal.c, has_return_work) and returns at once when it
 * sees nothing; a signal posted just after that look must still arrive,
 * through the sender's interrupt of the thread's CPU. One thread makes
 * syscalls in a loop (getpid: the return path thousands of times a
 * second), then spins in user mode without any; another sends it SIGUSR1
 * with tgkill, one at a time, and waits for the handler to count it. A
 * lost signal shows as a wait that runs out (the test fails; it does not
 * hang: every wait is bounded). */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <tandem/syscall.h>
#include "tap.h"

#define ROUND_MS 1200                   /* per phase */
#define WAIT_MS 2000                    /* for one signal to be taken */

pid_t gettid(void);

static volatile pid_t target_tid;
static volatile int phase;              /* 0 starting, 1 syscalls, 2 user spin, 3 done */
static volatile long taken;             /* handler runs */

static void on_usr1(int sig)
{
    (void)sig;
    __atomic_add_fetch(&taken, 1, __ATOMIC_RELAXED);
}

static void *target_main(void *arg)
{
    (void)arg;
    target_tid = gettid();
    while (phase < 3) {
        if (phase == 1)
            getpid();
    }
    return NULL;
}

/* Sends one SIGUSR1 after another for ROUND_MS, each once the previous one
 * was taken; returns how many, or -1 when one was not taken in WAIT_MS. */
static long send_round(pid_t pid)
{
    long sent = 0, start = now_ms();
    while (now_ms() - start < ROUND_MS) {
        long before = __atomic_load_n(&taken, __ATOMIC_RELAXED);
        if (tandem_syscall3(SYS_tgkill, pid, target_tid, SIGUSR1) != 0)
            return -1;
        sent++;
        long waited = now_ms();
        while (__atomic_load_n(&taken, __ATOMIC_RELAXED) == before) {
            if (now_ms() - waited > WAIT_MS)
                return -1;
            sched_yield();
        }
    }
    return sent;
}

static void signal_reaches_a_thread_returning_to_user_mode(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    pthread_t t;
    CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, target_main, NULL));
    while (!target_tid)
        sched_yield();
    pid_t pid = getpid();
    phase = 1;
    long in_syscalls = send_round(pid);
    phase = 2;
    long in_user = in_syscalls < 0 ? -1 : send_round(pid);
    phase = 3;
    pthread_join(t, NULL);
    tap_note("%ld signals taken while the target made syscalls, %ld while it spun",
             in_syscalls, in_user);
    CHECK(in_syscalls > 0, "a signal to a thread making syscalls was not taken within %d ms",
          WAIT_MS);
    CHECK(in_user > 0, "a signal to a thread spinning in user mode was not taken within %d ms",
          WAIT_MS);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(signal_reaches_a_thread_returning_to_user_mode),
    };
    return tap_main(argc, argv, tests, 1);
}
