/* Signals as the kernel and processes share them. Signal numbers, SIG_BLOCK
 * & co. and stack_t are newlib's (sys/signal.h); newlib has no sa_sigaction,
 * no SA_* flags beyond SA_NOCLDSTOP and a 16-byte siginfo_t, so those are the
 * project's own (the process side's <sys/signal.h> builds on this file and
 * libos/user/layout.c checks it against newlib's layouts). */
#ifndef ABI_SIGNAL_H
#define ABI_SIGNAL_H

#include <stddef.h>
#include <stdint.h>

/* newlib's numbering (not Linux's: SIGCHLD is 20, SIGUSR1 30) */
#define SIGHUP    1
#define SIGINT    2
#define SIGQUIT   3
#define SIGILL    4
#define SIGTRAP   5
#define SIGIOT    6
#define SIGABRT   6
#define SIGEMT    7
#define SIGFPE    8
#define SIGKILL   9
#define SIGBUS    10
#define SIGSEGV   11
#define SIGSYS    12
#define SIGPIPE   13
#define SIGALRM   14
#define SIGTERM   15
#define SIGURG    16
#define SIGSTOP   17
#define SIGTSTP   18
#define SIGCONT   19
#define SIGCHLD   20
#define SIGCLD    20
#define SIGTTIN   21
#define SIGTTOU   22
#define SIGIO     23
#define SIGPOLL   SIGIO
#define SIGXCPU   24
#define SIGXFSZ   25
#define SIGVTALRM 26
#define SIGPROF   27
#define SIGWINCH  28
#define SIGLOST   29
#define SIGUSR1   30
#define SIGUSR2   31
/* Real-time signals: queued with their values, delivered lowest first
 * after the standard ones (POSIX; Linux has 34..64 for glibc's use). */
#define SIGRTMIN  32
#define SIGRTMAX  63
#define NSIG      64        /* signals are 1..NSIG-1 */

/* A signal set is 64 bits; signal n is bit (1 << n) (newlib's convention,
 * bit 0 unused; not Linux's 1 << (n - 1)). */
typedef uint64_t abi_sigset_t;
#define ABI_SIGBIT(n) ((abi_sigset_t)1 << (n))

/* sigprocmask how: newlib's values (Linux has BLOCK 0, UNBLOCK 1, SETMASK 2) */
#define SIG_SETMASK 0
#define SIG_BLOCK   1
#define SIG_UNBLOCK 2

/* handler values */
#define ABI_SIG_DFL 0UL
#define ABI_SIG_IGN 1UL

/* sa_flags: the project's values (all fit an int) */
#define SA_NOCLDSTOP 0x0001     /* no SIGCHLD when a child stops/continues */
#define SA_NOCLDWAIT 0x0002     /* children do not become zombies */
#define SA_SIGINFO   0x0004     /* handler(sig, siginfo_t *, ucontext *) */
#define SA_ONSTACK   0x0008     /* run on the sigaltstack stack */
#define SA_RESTART   0x0010     /* restart interrupted syscalls */
#define SA_NODEFER   0x0020     /* do not block the signal in its handler */
#define SA_RESETHAND 0x0040     /* reset to SIG_DFL on delivery */

/* struct sigaction: newlib's layout, 24 bytes on both architectures. The
 * handler slot holds sa_handler or sa_sigaction (the same pointer). There
 * is no sa_restorer: handlers return to the gate's sigreturn trampoline. */
struct abi_sigaction {
    uintptr_t handler;          /* offset 0 */
    abi_sigset_t mask;          /* offset 8: blocked during the handler */
    int flags;                  /* offset 16 */
};

/* stack_t (newlib's layout, 24 bytes) and its flags */
struct abi_stack {
    uintptr_t ss_sp;            /* offset 0 */
    int ss_flags;               /* offset 8 */
    size_t ss_size;             /* offset 16 */
};
#define SS_ONSTACK  1
#define SS_DISABLE  2
#define MINSIGSTKSZ 4096        /* a frame holds 1 KiB of FP state */
#define SIGSTKSZ    16384

/* siginfo_t: the project's flat layout, 128 bytes. Fields a signal does not
 * use are zero. */
struct abi_siginfo {
    int32_t si_signo;           /* 0 */
    int32_t si_errno;           /* 4 */
    int32_t si_code;            /* 8: SI_*, or CLD_*, SEGV_*, ... */
    int32_t si_pid;             /* 12: sender (SI_USER) or child (SIGCHLD) */
    uint32_t si_uid;            /* 16 */
    int32_t si_status;          /* 20: SIGCHLD: exit status or signal */
    uint64_t si_addr;           /* 24: faulting address (SEGV, BUS, ILL, FPE) */
    uint64_t si_value;          /* 32: union sigval */
    uint64_t si_reserved[11];   /* 40..127 */
};

/* si_code: newlib's SI_* values, Linux's for the rest */
#define SI_USER    1            /* kill, raise */
#define SI_QUEUE   2
#define SI_TIMER   3            /* alarm, setitimer */
#define SI_ASYNCIO 4
#define SI_MESGQ   5
#define SI_TKILL   6            /* tgkill (pthread_kill) */
#define SI_KERNEL  0x80         /* sent by the kernel (SIGPIPE, ...) */

#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_DUMPED    3
#define CLD_TRAPPED   4
#define CLD_STOPPED   5
#define CLD_CONTINUED 6

#define SEGV_MAPERR 1           /* no mapping at the address */
#define SEGV_ACCERR 2           /* mapping does not allow the access */
#define BUS_ADRALN  1
#define BUS_ADRERR  2
#define ILL_ILLOPC  1
#define FPE_INTDIV  1

#endif
