/* Signals: sigaction and the mask calls over the kernel's (abi/signal.h),
 * the sigset helpers (functions as well as newlib's macros), and the
 * classic signal()/raise()/alarm()/pause(). Defining signal and raise here
 * keeps newlib's no-syscall emulation (libc/signal/signal.c) out of the
 * link. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include <abi/time.h>
#include "internal.h"

_Static_assert(sizeof(sigset_t) == sizeof(abi_sigset_t), "sigset_t is 64 bits");

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    return (int)tandem_result(tandem_syscall3(SYS_sigaction, sig, act, old));
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    return (int)tandem_result(tandem_syscall3(SYS_sigprocmask, how, set, old));
}

/* The kernel's mask is per thread: the same call serves both. */
int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
    long rc = tandem_syscall3(SYS_sigprocmask, how, set, old);
    return rc < 0 ? (int)-rc : 0;
}

int sigpending(sigset_t *set)
{
    return (int)tandem_result(tandem_syscall1(SYS_sigpending, set));
}

int sigsuspend(const sigset_t *mask)
{
    return (int)tandem_result(tandem_syscall1(SYS_sigsuspend, mask));
}

int sigaltstack(const stack_t *ss, stack_t *old)
{
    return (int)tandem_result(tandem_syscall2(SYS_sigaltstack, ss, old));
}

/* Real-time signals: sigqueue sends a value; the waits take a pending
 * signal of the set without a handler (the set should be blocked). */
int sigqueue(pid_t pid, int sig, const union sigval value)
{
    uint64_t v = 0;
    _Static_assert(sizeof(value) == sizeof(v), "union sigval is 64 bits");
    memcpy(&v, &value, sizeof(v));
    return (int)tandem_result(tandem_syscall3(SYS_sigqueue, pid, sig, v));
}

int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout)
{
    return (int)tandem_result(tandem_syscall3(SYS_sigtimedwait, set, info, timeout));
}

int sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
    return sigtimedwait(set, info, NULL);
}

/* POSIX: the error number, not -1 and errno; EINTR is waited through. */
int sigwait(const sigset_t *set, int *sig)
{
    long rc;
    do
        rc = tandem_syscall3(SYS_sigtimedwait, set, NULL, NULL);
    while (rc == -EINTR);
    if (rc < 0)
        return (int)-rc;
    *sig = (int)rc;
    return 0;
}

int pause(void)
{
    return (int)tandem_result(tandem_syscall0(SYS_pause));
}

int killpg(pid_t pgrp, int sig)
{
    if (pgrp <= 1) {
        errno = EINVAL;
        return -1;
    }
    return kill(-pgrp, sig);
}

int raise(int sig)
{
    /* to the calling thread, as POSIX asks of a threaded process */
    int tid = tandem_self()->tid;

    if (tid <= 0)
        return kill(getpid(), sig);
    return (int)tandem_result(tandem_syscall3(SYS_tgkill, getpid(), tid, sig));
}

int _raise_r(struct _reent *r, int sig)
{
    (void)r;
    return raise(sig);
}

int pthread_kill(pthread_t thread, int sig)
{
    long rc = tandem_syscall3(SYS_tgkill, getpid(), thread->tid, sig);
    return rc < 0 ? (int)-rc : 0;
}

/* BSD semantics, as glibc's signal(): handlers stay installed and
 * interrupted calls restart. */
_sig_func_ptr signal(int sig, _sig_func_ptr handler)
{
    struct sigaction act, old;

    memset(&act, 0, sizeof(act));
    act.sa_handler = handler;
    act.sa_flags = SA_RESTART;
    if (sigaction(sig, &act, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

_sig_func_ptr _signal_r(struct _reent *r, int sig, _sig_func_ptr handler)
{
    (void)r;
    return signal(sig, handler);
}

/* ---- X/Open: sigset, sighold, sigrelse, sigignore, sigpause ---- */
/* (The set calls in parentheses: the functions below, which check sig,
 * not newlib's macros.) */

static int mask_one(int how, int sig)
{
    sigset_t set;
    (sigemptyset)(&set);
    if ((sigaddset)(&set, sig) < 0)
        return -1;
    return sigprocmask(how, &set, NULL);
}

int sighold(int sig) { return mask_one(SIG_BLOCK, sig); }
int sigrelse(int sig) { return mask_one(SIG_UNBLOCK, sig); }
int sigignore(int sig) { return signal(sig, SIG_IGN) == SIG_ERR ? -1 : 0; }

/* SIG_HOLD: sig is blocked, its action kept. Otherwise sig gets disp (no
 * extra mask, no flags) and is unblocked. Returns SIG_HOLD if sig was
 * blocked before, else its previous action; SIG_ERR on error. */
_sig_func_ptr sigset(int sig, _sig_func_ptr disp)
{
    struct sigaction act, old;
    sigset_t set, was;
    (sigemptyset)(&set);
    if ((sigaddset)(&set, sig) < 0 || sigaction(sig, NULL, &old) < 0)
        return SIG_ERR;
    if (disp == SIG_HOLD) {
        if (sigprocmask(SIG_BLOCK, &set, &was) < 0)
            return SIG_ERR;
        return (sigismember)(&was, sig) ? SIG_HOLD : old.sa_handler;
    }
    memset(&act, 0, sizeof(act));
    act.sa_handler = disp;
    if (sigaction(sig, &act, NULL) < 0 || sigprocmask(SIG_UNBLOCK, &set, &was) < 0)
        return SIG_ERR;
    return (sigismember)(&was, sig) ? SIG_HOLD : old.sa_handler;
}

int sigpause(int sig)
{
    sigset_t mask;
    if (sigprocmask(SIG_BLOCK, NULL, &mask) < 0 || (sigdelset)(&mask, sig) < 0)
        return -1;
    return sigsuspend(&mask);
}

int siginterrupt(int sig, int flag)
{
    struct sigaction act;

    if (sigaction(sig, NULL, &act) < 0)
        return -1;
    if (flag)
        act.sa_flags &= ~SA_RESTART;
    else
        act.sa_flags |= SA_RESTART;
    return sigaction(sig, &act, NULL);
}

#undef sigemptyset
#undef sigfillset
#undef sigaddset
#undef sigdelset
#undef sigismember

static int bad_signal(int sig)
{
    if (sig <= 0 || sig >= NSIG) {
        errno = EINVAL;
        return 1;
    }
    return 0;
}

int sigemptyset(sigset_t *set) { *set = 0; return 0; }
int sigfillset(sigset_t *set) { *set = (sigset_t)~ABI_SIGBIT(0); return 0; }

int sigaddset(sigset_t *set, const int sig)
{
    if (bad_signal(sig))
        return -1;
    *set |= (sigset_t)ABI_SIGBIT(sig);
    return 0;
}

int sigdelset(sigset_t *set, const int sig)
{
    if (bad_signal(sig))
        return -1;
    *set &= ~(sigset_t)ABI_SIGBIT(sig);
    return 0;
}

int sigismember(const sigset_t *set, int sig)
{
    if (bad_signal(sig))
        return -1;
    return (*set & (sigset_t)ABI_SIGBIT(sig)) != 0;
}

unsigned alarm(unsigned seconds)
{
    long rc = tandem_syscall1(SYS_alarm, seconds);
    return rc < 0 ? 0 : (unsigned)rc;
}

int setitimer(int which, const struct itimerval *value, struct itimerval *old)
{
    return (int)tandem_result(tandem_syscall3(SYS_setitimer, which, value, old));
}

int getitimer(int which, struct itimerval *value)
{
    return (int)tandem_result(tandem_syscall2(SYS_getitimer, which, value));
}

useconds_t ualarm(useconds_t usecs, useconds_t interval)
{
    struct itimerval it = {
        .it_interval = { .tv_sec = interval / 1000000, .tv_usec = interval % 1000000 },
        .it_value = { .tv_sec = usecs / 1000000, .tv_usec = usecs % 1000000 },
    };
    struct itimerval old;

    if (setitimer(ITIMER_REAL, &it, &old) < 0)
        return (useconds_t)-1;
    return (useconds_t)(old.it_value.tv_sec * 1000000 + old.it_value.tv_usec);
}
