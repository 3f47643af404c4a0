/* Signals for Tandem processes. Replaces newlib's <sys/signal.h>, whose
 * struct sigaction has no sa_sigaction and whose siginfo_t has no sender,
 * status or address: the layouts and constants are abi/signal.h's (the
 * kernel's), with newlib's names, numbers and struct sigaction layout. */
#ifndef _SYS_SIGNAL_H
#define _SYS_SIGNAL_H

#include "_ansi.h"
#include <sys/cdefs.h>
#include <sys/features.h>
#include <sys/types.h>
#include <sys/_sigset.h>
#include <sys/_timespec.h>
#include <abi/signal.h>

#ifdef __cplusplus
extern "C" {
#endif

#if !defined(_SIGSET_T_DECLARED)
#define _SIGSET_T_DECLARED
typedef __sigset_t sigset_t;
#endif

union sigval {
    int sival_int;
    void *sival_ptr;
};

struct sigevent {
    int sigev_notify;
    int sigev_signo;
    union sigval sigev_value;
    void (*sigev_notify_function)(union sigval);
    void *sigev_notify_attributes;
};
#define SIGEV_NONE   1
#define SIGEV_SIGNAL 2
#define SIGEV_THREAD 3

/* struct abi_siginfo with POSIX names */
typedef struct {
    int si_signo;
    int si_errno;
    int si_code;
    pid_t si_pid;
    uid_t si_uid;
    unsigned short __si_uid_pad;    /* newlib's uid_t is 16 bits */
    int si_status;
    void *si_addr;
    union sigval si_value;
    unsigned long __si_reserved[11];
} siginfo_t;

typedef void (*_sig_func_ptr)(int);

struct sigaction {
    union {
        _sig_func_ptr __sa_handler;
        void (*__sa_sigaction)(int, siginfo_t *, void *);
    } __sa_u;
    sigset_t sa_mask;
    int sa_flags;
};
#define sa_handler   __sa_u.__sa_handler
#define sa_sigaction __sa_u.__sa_sigaction

typedef struct sigaltstack {
    void *ss_sp;
    int ss_flags;
    size_t ss_size;
} stack_t;

int sigprocmask(int, const sigset_t *, sigset_t *);
int pthread_sigmask(int, const sigset_t *, sigset_t *);
int kill(pid_t, int);
int killpg(pid_t, int);
int sigaction(int, const struct sigaction *, struct sigaction *);
int sigaddset(sigset_t *, const int);
int sigdelset(sigset_t *, const int);
int sigismember(const sigset_t *, int);
int sigfillset(sigset_t *);
int sigemptyset(sigset_t *);
int sigpending(sigset_t *);
int sigsuspend(const sigset_t *);
int sigaltstack(const stack_t *__restrict, stack_t *__restrict);
int pthread_kill(pthread_t, int);
int siginterrupt(int, int);

/* Real-time signals (SIGRTMIN..SIGRTMAX, abi/signal.h) and the waits. */
struct timespec;
int sigqueue(pid_t, int, const union sigval);
int sigtimedwait(const sigset_t *__restrict, siginfo_t *__restrict,
                 const struct timespec *__restrict);
int sigwaitinfo(const sigset_t *__restrict, siginfo_t *__restrict);
int sigwait(const sigset_t *__restrict, int *__restrict);

/* The X/Open calls (libos/user/signal.c). sigset with SIG_HOLD blocks sig;
 * sigpause is X/Open's: it unblocks sig and waits for a signal. */
#define SIG_HOLD ((_sig_func_ptr)2)
_sig_func_ptr sigset(int, _sig_func_ptr);
int sighold(int);
int sigrelse(int);
int sigignore(int);
int sigpause(int);

#ifdef __cplusplus
}
#endif

#ifndef _SIGNAL_H_
#include <signal.h>
#endif
#endif
