/* Signals: handlers, masks during and after handlers, SA_NODEFER,
 * SA_RESETHAND, SA_SIGINFO, sigaltstack, sigsuspend, sigpending, SIGCHLD,
 * EINTR against SA_RESTART, alarm/setitimer, killing a spinning process,
 * stop and continue. */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

static volatile sig_atomic_t hits;
static volatile sig_atomic_t last_sig;
static sigset_t mask_in_handler;
static volatile int nested_depth, max_depth, raised_again;

static void count_handler(int sig)
{
    hits++;
    last_sig = sig;
    sigprocmask(SIG_BLOCK, NULL, &mask_in_handler);
}

static int install(int sig, void (*fn)(int), int flags, const sigset_t *extra)
{
    struct sigaction a;
    memset(&a, 0, sizeof(a));
    a.sa_handler = fn;
    a.sa_flags = flags;
    if (extra)
        a.sa_mask = *extra;
    else
        sigemptyset(&a.sa_mask);
    return sigaction(sig, &a, NULL);
}

static sigset_t current_mask(void)
{
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    return m;
}

static void handler_runs_on_raise(void)
{
    hits = 0;
    CHECK_OK(install(SIGUSR1, count_handler, 0, NULL));
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ("handler runs", 1, hits);
    CHECK_EQ("signal number passed", SIGUSR1, last_sig);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ("handler runs for kill(getpid())", 2, hits);
}

static void mask_during_handler_and_restored_after(void)
{
    sigset_t extra;
    sigemptyset(&extra);
    sigaddset(&extra, SIGUSR2);
    CHECK_OK(install(SIGUSR1, count_handler, 0, &extra));
    sigset_t before = current_mask();
    hits = 0;
    raise(SIGUSR1);
    CHECK_EQ("handler runs", 1, hits);
    CHECK(sigismember(&mask_in_handler, SIGUSR1) == 1, "SIGUSR1 not blocked in its handler");
    CHECK(sigismember(&mask_in_handler, SIGUSR2) == 1, "sa_mask's SIGUSR2 not blocked in handler");
    sigset_t after = current_mask();
    CHECK(after == before, "mask after the handler: expected 0x%lx, got 0x%lx",
          (unsigned long)before, (unsigned long)after);
}

static void nodefer_handler(int sig)
{
    nested_depth++;
    if (nested_depth > max_depth)
        max_depth = nested_depth;
    sigprocmask(SIG_BLOCK, NULL, &mask_in_handler);
    /* raise once more, from the first delivery only: under SA_NODEFER it
     * nests at once; without it, it waits until this handler returns */
    if (nested_depth == 1 && !raised_again) {
        raised_again = 1;
        raise(sig);
    }
    nested_depth--;
}

static void sa_nodefer_allows_nesting(void)
{
    nested_depth = max_depth = raised_again = 0;
    CHECK_OK(install(SIGUSR1, nodefer_handler, SA_NODEFER, NULL));
    raise(SIGUSR1);
    CHECK(sigismember(&mask_in_handler, SIGUSR1) == 0, "SIGUSR1 blocked despite SA_NODEFER");
    CHECK_EQ("handler nesting depth", 2, max_depth);
    nested_depth = max_depth = raised_again = 0;
    CHECK_OK(install(SIGUSR1, nodefer_handler, 0, NULL));
    raise(SIGUSR1);
    CHECK_EQ("nesting depth without SA_NODEFER (second delivery after return)", 1, max_depth);
}

static void sa_resethand_resets_to_default(void)
{
    hits = 0;
    CHECK_OK(install(SIGUSR1, count_handler, SA_RESETHAND, NULL));
    raise(SIGUSR1);
    CHECK_EQ("handler runs once", 1, hits);
    struct sigaction now;
    CHECK_OK(sigaction(SIGUSR1, NULL, &now));
    CHECK(now.sa_handler == SIG_DFL, "after SA_RESETHAND: expected SIG_DFL, got %p",
          (void *)now.sa_handler);
}

static siginfo_t saved_info;
static void info_handler(int sig, siginfo_t *info, void *ctx)
{
    (void)sig;
    (void)ctx;
    saved_info = *info;
    hits++;
}

static void sa_siginfo_fields_from_kill(void)
{
    struct sigaction a;
    memset(&a, 0, sizeof(a));
    a.sa_sigaction = info_handler;
    a.sa_flags = SA_SIGINFO;
    CHECK_OK(sigaction(SIGUSR2, &a, NULL));
    memset(&saved_info, 0, sizeof(saved_info));
    hits = 0;
    CHECK_OK(kill(getpid(), SIGUSR2));
    CHECK_EQ("handler runs", 1, hits);
    CHECK_EQ("si_signo", SIGUSR2, saved_info.si_signo);
    CHECK_EQ("si_code", SI_USER, saved_info.si_code);
    CHECK_EQ("si_pid", getpid(), saved_info.si_pid);
    CHECK_EQ("si_uid", getuid(), saved_info.si_uid);
}

static volatile uintptr_t handler_stack_addr;
static void stack_handler(int sig)
{
    volatile int local = sig;
    handler_stack_addr = (uintptr_t)&local;
    stack_t ss;
    sigaltstack(NULL, &ss);
    if (ss.ss_flags & SS_ONSTACK)
        hits++;
}

static void sigaltstack_used_with_sa_onstack(void)
{
    static char altstack[SIGSTKSZ] __attribute__((aligned(16)));
    stack_t ss = { .ss_sp = altstack, .ss_flags = 0, .ss_size = sizeof(altstack) }, old;
    CHECK_OK(sigaltstack(&ss, &old));
    hits = 0;
    CHECK_OK(install(SIGUSR1, stack_handler, SA_ONSTACK, NULL));
    raise(SIGUSR1);
    uintptr_t lo = (uintptr_t)altstack, hi = lo + sizeof(altstack);
    CHECK(handler_stack_addr >= lo && handler_stack_addr < hi,
          "handler's local at 0x%lx: expected inside the altstack [0x%lx, 0x%lx)",
          (unsigned long)handler_stack_addr, (unsigned long)lo, (unsigned long)hi);
    CHECK_EQ("SS_ONSTACK seen in the handler", 1, hits);
    /* without SA_ONSTACK: the normal stack */
    CHECK_OK(install(SIGUSR1, stack_handler, 0, NULL));
    raise(SIGUSR1);
    CHECK(handler_stack_addr < lo || handler_stack_addr >= hi,
          "handler without SA_ONSTACK ran on the altstack (0x%lx)", (unsigned long)handler_stack_addr);
    ss.ss_flags = SS_DISABLE;
    CHECK_OK(sigaltstack(&ss, NULL));
    stack_t small = { .ss_sp = altstack, .ss_flags = 0, .ss_size = 16 };
    CHECK_ERRNO(sigaltstack(&small, NULL), ENOMEM);
}

static void sigpending_reports_blocked_signal(void)
{
    sigset_t block, pending;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    hits = 0;
    CHECK_OK(install(SIGUSR1, count_handler, 0, NULL));
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
    raise(SIGUSR1);
    CHECK_EQ("handler runs while blocked", 0, hits);
    CHECK_OK(sigpending(&pending));
    CHECK(sigismember(&pending, SIGUSR1) == 1, "SIGUSR1 not in sigpending");
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &block, NULL));
    CHECK_EQ("handler runs once unblocked", 1, hits);
    CHECK_OK(sigpending(&pending));
    CHECK(sigismember(&pending, SIGUSR1) == 0, "SIGUSR1 still pending after delivery");
}

/* The signal arrives while blocked; sigsuspend unblocks and waits in one
 * step, so it is taken at once and sigsuspend returns EINTR with the old
 * mask back. */
static void sigsuspend_atomic_unblock_and_wait(void)
{
    sigset_t block, old, wait_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    hits = 0;
    CHECK_OK(install(SIGUSR1, count_handler, 0, NULL));
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, &old));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    wait_for(pid);                      /* the signal is pending now */
    CHECK_EQ("handler runs while blocked", 0, hits);
    wait_mask = old;
    sigdelset(&wait_mask, SIGUSR1);
    CHECK_ERRNO(sigsuspend(&wait_mask), EINTR);
    CHECK_EQ("handler runs in sigsuspend", 1, hits);
    sigset_t now = current_mask();
    CHECK(sigismember(&now, SIGUSR1) == 1, "mask not restored after sigsuspend");
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static volatile sig_atomic_t chld_code, chld_pid, chld_status;
static void chld_handler(int sig, siginfo_t *info, void *ctx)
{
    (void)sig;
    (void)ctx;
    chld_code = info->si_code;
    chld_pid = info->si_pid;
    chld_status = info->si_status;
    hits++;
}

static int install_chld(int flags)
{
    struct sigaction a;
    memset(&a, 0, sizeof(a));
    a.sa_sigaction = chld_handler;
    a.sa_flags = SA_SIGINFO | flags;
    return sigaction(SIGCHLD, &a, NULL);
}

static void wait_for_hits(int wanted, int timeout_ms)
{
    long deadline = now_ms() + timeout_ms;
    while (hits < wanted && now_ms() < deadline)
        msleep(5);
}

static void sigchld_on_child_exit(void)
{
    hits = 0;
    CHECK_OK(install_chld(0));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(5);
    wait_for_hits(1, 5000);
    CHECK_EQ("SIGCHLD handler runs", 1, hits);
    CHECK_EQ("si_code", CLD_EXITED, chld_code);
    CHECK_EQ("si_pid", pid, chld_pid);
    CHECK_EQ("si_status", 5, chld_status);
    wait_for(pid);
}

static void sigchld_on_child_stop_unless_nocldstop(void)
{
    hits = 0;
    CHECK_OK(install_chld(0));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        raise(SIGSTOP);
        _exit(0);
    }
    wait_for_hits(1, 5000);
    CHECK_EQ("SIGCHLD on stop", 1, hits);
    CHECK_EQ("si_code", CLD_STOPPED, chld_code);
    CHECK_EQ("si_status", SIGSTOP, chld_status);
    int status;
    CHECK_EQ("waitpid WUNTRACED", pid, waitpid(pid, &status, WUNTRACED));
    kill(pid, SIGKILL);
    wait_for(pid);
    /* SA_NOCLDSTOP: only the exit */
    hits = 0;
    CHECK_OK(install_chld(SA_NOCLDSTOP));
    pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        raise(SIGSTOP);
        _exit(0);
    }
    CHECK_EQ("waitpid WUNTRACED", pid, waitpid(pid, &status, WUNTRACED));
    msleep(50);
    CHECK_EQ("SIGCHLD on stop with SA_NOCLDSTOP", 0, hits);
    kill(pid, SIGKILL);
    wait_for(pid);
}

static void alarm_handler(int sig) { (void)sig; hits++; }

/* A read on an empty pipe, interrupted by an alarm: EINTR without
 * SA_RESTART. */
static void read_interrupted_eintr_without_restart(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    hits = 0;
    CHECK_OK(install(SIGALRM, alarm_handler, 0, NULL));
    struct itimerval it = { .it_value = { 0, 100000 } };
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    char c;
    errno = 0;
    long got = read(fds[0], &c, 1);
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    CHECK_EQ("handler runs", 1, hits);
    CHECK(got == -1 && err == EINTR, "read: expected -1 EINTR, got %ld errno %d", got, err);
}

/* With SA_RESTART the read goes on after the handler and returns the byte
 * a child writes later. */
static void read_restarted_with_sa_restart(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    hits = 0;
    CHECK_OK(install(SIGALRM, alarm_handler, SA_RESTART, NULL));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        msleep(300);
        write(fds[1], "r", 1);
        _exit(0);
    }
    struct itimerval it = { .it_value = { 0, 100000 } };
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    char c = 0;
    errno = 0;
    long got = read(fds[0], &c, 1);
    int err = errno;
    wait_for(pid);
    close(fds[0]);
    close(fds[1]);
    CHECK_EQ("handler runs", 1, hits);
    CHECK(got == 1 && c == 'r', "read: expected 1 byte 'r', got %ld (errno %d)", got, err);
}

static void alarm_and_itimer(void)
{
    hits = 0;
    CHECK_OK(install(SIGALRM, alarm_handler, 0, NULL));
    CHECK_EQ("alarm(5) with none set", 0, alarm(5));
    unsigned left = alarm(0);
    CHECK(left >= 4 && left <= 5, "alarm(0) after alarm(5): expected 4..5, got %u", left);
    struct itimerval it = { .it_value = { 10, 0 } }, now;
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    CHECK_OK(getitimer(ITIMER_REAL, &now));
    CHECK(now.it_value.tv_sec >= 9 && now.it_value.tv_sec <= 10,
          "getitimer: expected 9..10 s left, got %ld", (long)now.it_value.tv_sec);
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    CHECK_OK(setitimer(ITIMER_REAL, &off, NULL));
    long start = now_ms();
    alarm(1);
    while (hits == 0 && now_ms() - start < 5000)
        pause();
    CHECK_EQ("SIGALRM from alarm(1)", 1, hits);
    long elapsed = now_ms() - start;
    CHECK(elapsed >= 990, "alarm(1) fired after %ld ms, expected >= 1000", elapsed);
}

static void pause_returns_eintr(void)
{
    hits = 0;
    CHECK_OK(install(SIGALRM, alarm_handler, 0, NULL));
    struct itimerval it = { .it_value = { 0, 50000 } };
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    CHECK_ERRNO(pause(), EINTR);
    CHECK_EQ("handler runs", 1, hits);
}

static void kill_spinning_child(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        for (;;)
            ;
    }
    msleep(50);
    CHECK_OK(kill(pid, SIGKILL));
    int status = wait_for(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
          "spinning child: expected killed by SIGKILL, got %s", status_str(status));
    pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        for (;;)
            ;
    }
    msleep(50);
    CHECK_OK(kill(pid, SIGINT));
    status = wait_for(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT,
          "spinning child: expected killed by SIGINT, got %s", status_str(status));
}

/* A child that only calls getpid: in direct mode that is a leaf call
 * (kern/uspace.h), answered with no signal check, so signals must come
 * in through the interrupts between calls. A handled one and one whose
 * default action ends it. The child closes its end of a pipe once it is
 * in the loop (after 1000 calls), so the signal finds it there. */
static volatile sig_atomic_t usr1_seen;

static void usr1_handler(int sig)
{
    (void)sig;
    usr1_seen = 1;
}

/* Forks a child that calls getpid until SIGUSR1's handler ran (then exits
 * 7), with the handler when handled; returns once it is in the loop. */
static pid_t fork_getpid_loop(bool handled)
{
    int ready[2];
    if (pipe(ready) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        if (handled)
            signal(SIGUSR1, usr1_handler);
        close(ready[0]);
        for (unsigned long i = 0; !usr1_seen; i++) {
            getpid();
            if (i == 1000)
                close(ready[1]);
        }
        _exit(7);
    }
    close(ready[1]);
    char byte;
    if (pid > 0 && read(ready[0], &byte, 1) != 0)
        pid = -1;
    close(ready[0]);
    return pid;
}

static void signals_reach_a_getpid_loop(void)
{
    pid_t pid = fork_getpid_loop(true);
    CHECK_OK(pid);
    CHECK_OK(kill(pid, SIGUSR1));
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7,
          "getpid loop with a SIGUSR1 handler: expected exited 7, got %s", status_str(status));
    pid = fork_getpid_loop(false);
    CHECK_OK(pid);
    CHECK_OK(kill(pid, SIGTERM));
    status = wait_for(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
          "getpid loop: expected killed by SIGTERM, got %s", status_str(status));
}

static void sigstop_sigcont_spinning_child(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        for (;;)
            ;
    }
    int status;
    CHECK_OK(kill(pid, SIGSTOP));
    CHECK_EQ("waitpid WUNTRACED", pid, waitpid(pid, &status, WUNTRACED));
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP, "expected stopped by SIGSTOP, got %s",
          status_str(status));
    CHECK_OK(kill(pid, SIGCONT));
    CHECK_EQ("waitpid WCONTINUED", pid, waitpid(pid, &status, WCONTINUED));
    CHECK(WIFCONTINUED(status), "expected continued, got status 0x%x", status);
    CHECK_OK(kill(pid, SIGTSTP));
    CHECK_EQ("waitpid WUNTRACED after SIGTSTP", pid, waitpid(pid, &status, WUNTRACED));
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTSTP, "expected stopped by SIGTSTP, got %s",
          status_str(status));
    CHECK_OK(kill(pid, SIGKILL));           /* kills a stopped process */
    status = wait_for(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "expected killed, got %s",
          status_str(status));
}

static void ignored_signal_is_discarded(void)
{
    CHECK_OK(install(SIGUSR1, SIG_IGN, 0, NULL));
    CHECK_OK(raise(SIGUSR1));
    sigset_t pending;
    sigpending(&pending);
    CHECK(sigismember(&pending, SIGUSR1) == 0, "ignored SIGUSR1 left pending");
    /* SIGCHLD default is ignore: a child's exit does not kill us */
    CHECK_OK(install(SIGCHLD, SIG_DFL, 0, NULL));
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    wait_for(pid);
}

/* A blocked signal is never discarded on arrival, even one ignored by
 * default or by SIG_IGN (POSIX, Linux): sigpending shows it; unblocked,
 * it is then dropped, and setting SIG_IGN drops it at once. */
static void blocked_ignored_signal_stays_pending(void)
{
    static const int sigs[] = { SIGCHLD, SIGURG, SIGWINCH, SIGCONT };
    sigset_t block, pending, old;
    sigemptyset(&block);
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaddset(&block, sigs[i]);
    sigaddset(&block, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, &old));
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        CHECK_OK(install(sigs[i], SIG_DFL, 0, NULL));
    CHECK_OK(install(SIGUSR1, SIG_IGN, 0, NULL));
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        CHECK_OK(kill(getpid(), sigs[i]));
    CHECK_OK(raise(SIGUSR1));
    CHECK_OK(sigpending(&pending));
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        CHECK(sigismember(&pending, sigs[i]) == 1, "blocked signal %d (default ignore) not pending",
              sigs[i]);
    CHECK(sigismember(&pending, SIGUSR1) == 1, "blocked SIGUSR1 (SIG_IGN) not pending");
    /* SIG_IGN discards a pending one, blocked or not */
    CHECK_OK(install(SIGURG, SIG_IGN, 0, NULL));
    CHECK_OK(sigpending(&pending));
    CHECK(sigismember(&pending, SIGURG) == 0, "SIGURG still pending after SIG_IGN");
    /* unblocked with the default action: dropped, nothing happens */
    CHECK_OK(sigprocmask(SIG_SETMASK, &old, NULL));
    CHECK_OK(sigpending(&pending));
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        CHECK(sigismember(&pending, sigs[i]) == 0, "signal %d still pending once unblocked",
              sigs[i]);
    CHECK(sigismember(&pending, SIGUSR1) == 0, "SIGUSR1 still pending once unblocked");
    CHECK_OK(install(SIGURG, SIG_DFL, 0, NULL));
    CHECK_OK(install(SIGUSR1, SIG_DFL, 0, NULL));
}

/* Children of a parent with SA_NOCLDWAIT, or with SIGCHLD set to SIG_IGN,
 * leave no zombie: wait finds no child (ECHILD) once they are gone; a
 * SIGCHLD handler with SA_NOCLDWAIT still runs. */
static void nocldwait_leaves_no_zombie(void)
{
    for (int round = 0; round < 2; round++) {
        hits = 0;
        if (round == 0)
            CHECK_OK(install_chld(SA_NOCLDWAIT | SA_RESTART));
        else
            CHECK_OK(install(SIGCHLD, SIG_IGN, 0, NULL));
        int fds[2];
        CHECK_OK(pipe(fds));
        pid_t pid = fork();
        CHECK_OK(pid);
        if (pid == 0) {
            close(fds[0]);
            _exit(3);               /* closes the write end as it goes */
        }
        close(fds[1]);
        char c;
        CHECK_EQ("EOF once the child is gone", 0, read(fds[0], &c, 1));
        close(fds[0]);
        /* It may still be finishing its exit: wait blocks for that, then
         * finds nothing to report. */
        int status = 0;
        errno = 0;
        CHECK_EQ("wait with only an auto-reaped child", -1, waitpid(-1, &status, 0));
        CHECK_EQ("errno ECHILD", ECHILD, errno);
        if (round == 0) {
            wait_for_hits(1, 5000);
            CHECK_EQ("SIGCHLD handler runs with SA_NOCLDWAIT", 1, hits);
        }
    }
    CHECK_OK(install(SIGCHLD, SIG_DFL, 0, NULL));
    /* with the default action again, a child is a zombie until waited for */
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(4);
    int status = 0;
    CHECK_EQ("waitpid of a default child", pid, waitpid(pid, &status, 0));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 4, "status 0x%x, expected exit 4", status);
}

static void sigaltstack_bad_flags(void)
{
    static char altstack[SIGSTKSZ] __attribute__((aligned(16)));
    stack_t ss = { .ss_sp = altstack, .ss_flags = SS_DISABLE | SS_ONSTACK,
                   .ss_size = sizeof(altstack) };
    CHECK_ERRNO(sigaltstack(&ss, NULL), EINVAL);
    ss.ss_flags = 0x100;
    CHECK_ERRNO(sigaltstack(&ss, NULL), EINVAL);
    ss.ss_flags = SS_ONSTACK;           /* taken as 0, as on Linux */
    CHECK_OK(sigaltstack(&ss, NULL));
    ss.ss_flags = SS_DISABLE;
    CHECK_OK(sigaltstack(&ss, NULL));
}

/* The state letter of /proc/<pid>/stat ('?' when unreadable). */
static char proc_state(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return '?';
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    char *paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' ? paren[2] : '?';
}

/* The child says it is about to sleep, then sleeps; the parent waits until
 * it sleeps (state S), then signals it with what how names. Returns the
 * child's wait status, or -1. */
static int sleeping_child(int how, int sleep_ms)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        struct sigaction a;
        memset(&a, 0, sizeof(a));
        a.sa_handler = count_handler;
        a.sa_flags = SA_RESTART;
        sigaction(SIGUSR1, &a, NULL);
        close(fds[0]);
        long start = now_ms();
        write(fds[1], "x", 1);
        struct timespec req = { sleep_ms / 1000, (long)(sleep_ms % 1000) * 1000000 };
        int rc = nanosleep(&req, NULL);
        long elapsed = now_ms() - start;
        if (how == SIGUSR1)             /* a handler: EINTR, SA_RESTART or not */
            _exit(rc == -1 && errno == EINTR ? 0 : 1);
        if (rc != 0)
            _exit(2);                   /* ended early by the stop */
        _exit(elapsed >= sleep_ms ? 0 : 3);
    }
    close(fds[1]);
    char c;
    read(fds[0], &c, 1);
    close(fds[0]);
    long give_up = now_ms() + 30000;    /* a bound, not a timing */
    while (proc_state(pid) != 'S' && now_ms() < give_up)
        msleep(1);
    int status = 0;
    if (how == SIGUSR1) {
        kill(pid, SIGUSR1);
    } else {
        kill(pid, SIGSTOP);
        if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
            return -1;
        kill(pid, SIGCONT);
    }
    return wait_for(pid);
}

/* A nanosleep interrupted by a stop and a continue (no handler runs)
 * carries on to its end, as on Linux; one interrupted by a handler fails
 * with EINTR even under SA_RESTART. */
static void nanosleep_resumes_after_stop(void)
{
    CHECK_OK(tap_ensure_proc());
    int status = sleeping_child(SIGSTOP, 800);
    CHECK(status >= 0, "could not run the sleeping child");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "child: %s (2: nanosleep failed after SIGSTOP+SIGCONT, 3: returned early)",
          status_str(status));
    status = sleeping_child(SIGUSR1, 20000);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "child: %s (1: nanosleep not EINTR after a SA_RESTART handler)", status_str(status));
}

/* The X/Open calls: sighold/sigrelse block and unblock, sigset installs
 * (unblocking) or holds and answers SIG_HOLD for a blocked signal,
 * sigignore ignores, sigpause waits with sig unblocked and puts the mask
 * back. */
static void xopen_sigset_sighold_sigpause(void)
{
    sigset_t pending, mask;
    hits = 0;
    CHECK(sigset(SIGUSR1, count_handler) != SIG_ERR, "sigset: errno %d", errno);
    CHECK_OK(sighold(SIGUSR1));
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ("handler runs while held", 0, hits);
    CHECK_OK(sigpending(&pending));
    CHECK(sigismember(&pending, SIGUSR1) == 1, "held SIGUSR1 not pending");
    CHECK_OK(sigrelse(SIGUSR1));
    CHECK_EQ("handler runs once released", 1, hits);
    /* sigset(SIG_HOLD): blocked, the handler kept and returned */
    CHECK(sigset(SIGUSR1, SIG_HOLD) == count_handler, "sigset(SIG_HOLD): not the old handler");
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &mask));
    CHECK(sigismember(&mask, SIGUSR1) == 1, "SIGUSR1 not blocked after sigset(SIG_HOLD)");
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ("handler runs while held by sigset", 1, hits);
    /* sigpause: the pending one is taken inside it; the mask comes back */
    CHECK_ERRNO(sigpause(SIGUSR1), EINTR);
    CHECK_EQ("handler runs in sigpause", 2, hits);
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &mask));
    CHECK(sigismember(&mask, SIGUSR1) == 1, "sigpause did not restore the mask");
    /* sigset of a handler on a held signal: SIG_HOLD back, unblocked */
    CHECK(sigset(SIGUSR1, count_handler) == SIG_HOLD, "sigset on a held signal: not SIG_HOLD");
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &mask));
    CHECK(sigismember(&mask, SIGUSR1) == 0, "SIGUSR1 still blocked after sigset");
    CHECK_OK(sigignore(SIGUSR1));
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ("handler runs after sigignore", 2, hits);
    struct sigaction old;
    CHECK_OK(sigaction(SIGUSR1, NULL, &old));
    CHECK(old.sa_handler == SIG_IGN, "sigignore did not set SIG_IGN");
    CHECK_ERRNO(sighold(0), EINVAL);
    CHECK_ERRNO(sigrelse(NSIG), EINVAL);
    CHECK(sigset(-1, SIG_HOLD) == SIG_ERR && errno == EINVAL, "sigset(-1): errno %d", errno);
    CHECK_OK(install(SIGUSR1, SIG_DFL, 0, NULL));
}

/* ---- real-time signals ---- */

struct rt_seen {
    int signo, code, value;
    pid_t pid;
};
static struct rt_seen rt_log[16];
static volatile int rt_count;

static void rt_handler(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    if (rt_count < 16)
        rt_log[rt_count] = (struct rt_seen){ sig, info->si_code, info->si_value.sival_int,
                                             info->si_pid };
    rt_count++;
}

/* The handler blocks the signals of the order test while it runs: a
 * delivery may otherwise nest a later signal's handler inside an earlier
 * one's before the earlier one logs (an interrupt's return delivers the
 * next pending signal), and the log would show them reversed. */
static int install_rt(int sig)
{
    struct sigaction a;
    memset(&a, 0, sizeof(a));
    a.sa_sigaction = rt_handler;
    a.sa_flags = SA_SIGINFO;
    sigemptyset(&a.sa_mask);
    sigaddset(&a.sa_mask, SIGRTMIN);
    sigaddset(&a.sa_mask, SIGRTMIN + 1);
    sigaddset(&a.sa_mask, SIGUSR2);
    return sigaction(sig, &a, NULL);
}

/* Real-time signals queue every send with its value and come lowest
 * number first, in sending order within one number; a standard signal
 * sent twice while blocked comes once. */
static void rt_signals_queued_in_order_with_values(void)
{
    CHECK(SIGRTMAX - SIGRTMIN + 1 >= 8, "only %d real-time signals", SIGRTMAX - SIGRTMIN + 1);
    CHECK_OK(install_rt(SIGRTMIN));
    CHECK_OK(install_rt(SIGRTMIN + 1));
    CHECK_OK(install_rt(SIGUSR2));
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGRTMIN);
    sigaddset(&block, SIGRTMIN + 1);
    sigaddset(&block, SIGUSR2);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, &old));
    rt_count = 0;
    CHECK_OK(sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 10 }));
    CHECK_OK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 20 }));
    CHECK_OK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 21 }));
    CHECK_OK(kill(getpid(), SIGRTMIN));
    CHECK_OK(sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 30 }));
    CHECK_OK(sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 31 }));
    CHECK_EQ("handlers run while blocked", 0, rt_count);
    CHECK_OK(sigprocmask(SIG_SETMASK, &old, NULL));
    CHECK_EQ("deliveries", 5, rt_count);
    static const struct rt_seen want[] = {
        { SIGUSR2, SI_QUEUE, 30, 0 }, { SIGRTMIN, SI_QUEUE, 20, 0 }, { SIGRTMIN, SI_QUEUE, 21, 0 },
        { SIGRTMIN, SI_USER, 0, 0 }, { SIGRTMIN + 1, SI_QUEUE, 10, 0 },
    };
    for (int i = 0; i < 5; i++) {
        CHECK(rt_log[i].signo == want[i].signo && rt_log[i].code == want[i].code &&
              (want[i].code != SI_QUEUE || rt_log[i].value == want[i].value),
              "delivery %d: signal %d code %d value %d, expected %d %d %d", i, rt_log[i].signo,
              rt_log[i].code, rt_log[i].value, want[i].signo, want[i].code, want[i].value);
        CHECK_EQ("si_pid", getpid(), rt_log[i].pid);
    }
    CHECK_OK(install(SIGRTMIN, SIG_DFL, 0, NULL));
    CHECK_OK(install(SIGRTMIN + 1, SIG_DFL, 0, NULL));
    CHECK_OK(install(SIGUSR2, SIG_DFL, 0, NULL));
}

/* sigwaitinfo/sigtimedwait/sigwait take a blocked pending signal without a
 * handler; a timeout gives EAGAIN after at least its time; a signal from
 * another process wakes sigwait; another signal with a handler gives
 * EINTR. */
static void sigwait_family_takes_blocked_signals(void)
{
    CHECK_OK(tap_ensure_proc());
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN + 2);
    sigaddset(&set, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &set, &old));
    CHECK_OK(sigqueue(getpid(), SIGRTMIN + 2, (union sigval){ .sival_int = 7 }));
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    CHECK_EQ("sigwaitinfo", SIGRTMIN + 2, sigwaitinfo(&set, &info));
    CHECK_EQ("si_value", 7, info.si_value.sival_int);
    CHECK_EQ("si_code", SI_QUEUE, info.si_code);
    CHECK_EQ("si_pid", getpid(), info.si_pid);
    sigset_t pending;
    CHECK_OK(sigpending(&pending));
    CHECK(!sigismember(&pending, SIGRTMIN + 2), "taken signal still pending");
    struct timespec ts = { 0, 150 * 1000000L };
    long start = now_ms();
    CHECK_ERRNO(sigtimedwait(&set, &info, &ts), EAGAIN);
    CHECK(now_ms() - start >= 145, "EAGAIN after %ld ms of a 150 ms timeout", now_ms() - start);
    ts = (struct timespec){ 0, 0 };
    CHECK_ERRNO(sigtimedwait(&set, NULL, &ts), EAGAIN);                 /* a poll */
    ts = (struct timespec){ 0, 1000000000L };
    CHECK_ERRNO(sigtimedwait(&set, NULL, &ts), EINVAL);
    /* from a child, once we wait (state S) */
    pid_t me = getpid(), pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        long give_up = now_ms() + 30000;
        while (proc_state(me) != 'S' && now_ms() < give_up)
            msleep(1);
        _exit(kill(me, SIGUSR1) == 0 ? 0 : 1);
    }
    int sig = 0;
    CHECK_EQ("sigwait", 0, sigwait(&set, &sig));
    CHECK_EQ("signal from the child", SIGUSR1, sig);
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %s", status_str(status));
    /* another signal, with a handler, ends the wait with EINTR */
    hits = 0;
    CHECK_OK(install(SIGUSR2, count_handler, 0, NULL));
    pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        long give_up = now_ms() + 30000;
        while (proc_state(me) != 'S' && now_ms() < give_up)
            msleep(1);
        _exit(kill(me, SIGUSR2) == 0 ? 0 : 1);
    }
    ts = (struct timespec){ 60, 0 };
    CHECK_ERRNO(sigtimedwait(&set, &info, &ts), EINTR);
    CHECK_EQ("handler of the other signal", 1, hits);
    wait_for(pid);
    CHECK_OK(sigprocmask(SIG_SETMASK, &old, NULL));
    CHECK_OK(install(SIGUSR2, SIG_DFL, 0, NULL));
}

/* A process's queue is bounded: sigqueue gets EAGAIN past it (at least
 * _POSIX_SIGQUEUE_MAX, 32); SIG_IGN empties it. */
static void rt_queue_bounded_and_discarded(void)
{
    sigset_t set, old, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN + 3);
    CHECK_OK(sigprocmask(SIG_BLOCK, &set, &old));
    CHECK_OK(install_rt(SIGRTMIN + 3));
    int queued = 0;
    while (queued < 100000 && sigqueue(getpid(), SIGRTMIN + 3, (union sigval){ 0 }) == 0)
        queued++;
    CHECK_EQ("errno at the limit", EAGAIN, errno);
    CHECK(queued >= 32 && queued == sysconf(_SC_SIGQUEUE_MAX),
          "%d queued before EAGAIN, sysconf says %ld", queued, sysconf(_SC_SIGQUEUE_MAX));
    CHECK_OK(install(SIGRTMIN + 3, SIG_IGN, 0, NULL));
    CHECK_OK(sigpending(&pending));
    CHECK(!sigismember(&pending, SIGRTMIN + 3), "still pending after SIG_IGN");
    CHECK_OK(sigprocmask(SIG_SETMASK, &old, NULL));
    /* ignored and not blocked: accepted and dropped */
    CHECK_OK(sigqueue(getpid(), SIGRTMIN + 3, (union sigval){ 0 }));
    CHECK_OK(sigpending(&pending));
    CHECK(!sigismember(&pending, SIGRTMIN + 3), "an ignored signal pending");
    CHECK_OK(install(SIGRTMIN + 3, SIG_DFL, 0, NULL));
    CHECK_ERRNO(sigqueue(getpid(), NSIG, (union sigval){ 0 }), EINVAL);
    CHECK_ERRNO(sigqueue(-1, SIGRTMIN, (union sigval){ 0 }), ESRCH);
}

static void sigkill_and_sigstop_cannot_be_caught(void)
{
    struct sigaction a;
    memset(&a, 0, sizeof(a));
    a.sa_handler = count_handler;
    CHECK_ERRNO(sigaction(SIGKILL, &a, NULL), EINVAL);
    CHECK_ERRNO(sigaction(SIGSTOP, &a, NULL), EINVAL);
    CHECK_ERRNO(sigaction(0, &a, NULL), EINVAL);
    CHECK_ERRNO(sigaction(NSIG, &a, NULL), EINVAL);
    /* blocking them is silently ignored */
    sigset_t all, now;
    sigfillset(&all);
    CHECK_OK(sigprocmask(SIG_SETMASK, &all, NULL));
    sigprocmask(SIG_SETMASK, NULL, &now);
    CHECK(!sigismember(&now, SIGKILL) && !sigismember(&now, SIGSTOP),
          "SIGKILL or SIGSTOP blocked: mask 0x%lx", (unsigned long)now);
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
}

static void kill_bad_arguments(void)
{
    CHECK_ERRNO(kill(getpid(), NSIG), EINVAL);
    CHECK_ERRNO(kill(getpid(), -1), EINVAL);
    CHECK_ERRNO(kill(999999, 0), ESRCH);
    CHECK_OK(kill(getpid(), 0));
}

static void default_action_terminates(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        raise(SIGUSR2);
        _exit(0);
    }
    int status = wait_for(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR2,
          "raise(SIGUSR2) with SIG_DFL: expected killed by SIGUSR2, got %s", status_str(status));
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(handler_runs_on_raise),
        TAP_TEST(mask_during_handler_and_restored_after),
        TAP_TEST(sa_nodefer_allows_nesting),
        TAP_TEST(sa_resethand_resets_to_default),
        TAP_TEST(sa_siginfo_fields_from_kill),
        TAP_TEST(sigaltstack_used_with_sa_onstack),
        TAP_TEST(sigpending_reports_blocked_signal),
        TAP_TEST(sigsuspend_atomic_unblock_and_wait),
        TAP_TEST(sigchld_on_child_exit),
        TAP_TEST(sigchld_on_child_stop_unless_nocldstop),
        TAP_TEST(read_interrupted_eintr_without_restart),
        TAP_TEST(read_restarted_with_sa_restart),
        TAP_TEST(alarm_and_itimer),
        TAP_TEST(pause_returns_eintr),
        TAP_TEST(kill_spinning_child),
        TAP_TEST(signals_reach_a_getpid_loop),
        TAP_TEST(sigstop_sigcont_spinning_child),
        TAP_TEST(ignored_signal_is_discarded),
        TAP_TEST(blocked_ignored_signal_stays_pending),
        TAP_TEST(nocldwait_leaves_no_zombie),
        TAP_TEST(sigaltstack_bad_flags),
        TAP_TEST(nanosleep_resumes_after_stop),
        TAP_TEST(xopen_sigset_sighold_sigpause),
        TAP_TEST(rt_signals_queued_in_order_with_values),
        TAP_TEST(sigwait_family_takes_blocked_signals),
        TAP_TEST(rt_queue_bounded_and_discarded),
        TAP_TEST(sigkill_and_sigstop_cannot_be_caught),
        TAP_TEST(kill_bad_arguments),
        TAP_TEST(default_action_terminates),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
