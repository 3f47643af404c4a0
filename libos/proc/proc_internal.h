/* Private to libos/proc: processes, their threads, and the signal state
 * (what other libraries may call is in proc/proc.h and proc/calls.h).
 *
 * Locking: proc_lock (a spinlock, always taken with interrupts off: the
 * alarm timer sends signals from interrupt context) protects the process
 * tree, process groups and sessions, process states, thread lists, and all
 * signal state (actions, masks, pending sets). It is a condition lock in
 * docs/locking.md's order (level 2): wait queues, thread state and run
 * queues nest inside it. Never copy user memory or sleep (other than
 * through waitq_sleep) while holding it. */
#ifndef PROC_INTERNAL_H
#define PROC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <abi/resource.h>
#include <abi/signal.h>
#include <abi/time.h>
#include <kern/list.h>
#include <kern/spinlock.h>
#include <plat/uspace.h>
#include <sched/thread.h>
#include <sched/timer.h>
#include <sched/wait.h>
#include <vfs/vfs.h>
#include <proc/calls.h>

struct vm_space;

extern struct spinlock proc_lock;

enum proc_state {
    PROC_ALIVE,
    PROC_ZOMBIE,            /* exited, waiting for its parent's wait4 */
};

struct proc {
    int pid;
    int pgid, sid;
    enum proc_state state;
    struct proc *parent;            /* NULL for init */
    struct list children;           /* struct proc.sibling */
    struct list sibling;
    struct list all_link;           /* all_procs */
    int wait_status;                /* valid in PROC_ZOMBIE */
    bool is_exiting;                /* exit_group or a fatal signal began */
    bool is_unkillable;             /* init: no default-action signals */
    bool is_stopped;
    int stop_sig;
    bool has_stop_report;           /* for WUNTRACED */
    bool has_cont_report;           /* for WCONTINUED */
    struct waitq child_wq;          /* this process waits here in wait4 */
    struct waitq stop_wq;           /* stopped threads sleep here */
    struct vm_space *vm;
    struct vfs_ctx files;
    struct abi_sigaction actions[NSIG];
    abi_sigset_t pending;           /* process-directed */
    struct abi_siginfo pending_info[NSIG];
    struct list threads;            /* struct proc_thread.link */
    unsigned thread_count;
    struct waitq thread_exit_wq;    /* exec waits here for the others */
    struct timer alarm_timer;       /* ITIMER_REAL */
    uint64_t alarm_deadline_ns;     /* 0: disarmed */
    uint64_t alarm_interval_ns;
    uint64_t start_ns;
    uint64_t children_ns;           /* lifetime of reaped children */
    uint64_t cpu_ns;                /* CPU time of its threads (atomic adds) */
    uint64_t children_cpu_ns;       /* CPU time of reaped children */
    struct abi_rlimit rlimits[RLIM_NLIMITS];  /* rlim_cur also read atomically */
    char name[16];
    struct proc_cmdline *cmdline;   /* argv of the last exec, for /proc; NULL
                                     * once a zombie (proc_lock) */
};

struct proc_thread {
    /* Architecture user state (FP/SIMD, TLS): first, for its alignment. */
    uint8_t user_state[ARCH_USER_STATE_SIZE] __attribute__((aligned(64)));
    struct thread *kthread;
    struct proc *proc;
    struct list link;               /* proc.threads */
    int tid;
    abi_sigset_t mask;
    abi_sigset_t pending;           /* thread-directed (tgkill, faults) */
    struct abi_siginfo pending_info[NSIG];
    abi_sigset_t saved_mask;        /* sigsuspend: restored after the handler */
    bool has_saved_mask;
    struct abi_stack altstack;
    uintptr_t clear_word;           /* thread_exit: zeroed and woken */
    bool is_restartable;            /* the syscall just ended with -EINTR */
    bool is_exiting;
    struct waitq sig_wq;            /* pause, sigsuspend */
    /* How the thread first enters user mode. */
    void *start_frame;              /* fork: a copy of the parent's frame */
    size_t start_frame_bytes;
    uintptr_t start_pc, start_sp, start_arg;   /* thread_create */
    uint64_t run_since_ns;          /* when it last got a CPU (switch_in) */
    uint64_t cpu_ns;                /* its CPU time before that slice */
};

/* Largest trap frame the process layer keeps (fork copies at most this
 * much from the parent's kernel stack). */
#define PROC_FRAME_MAX 1024

/* proc.c */
struct proc_thread *proc_thread_current(void);
struct proc *proc_current(void);
struct proc *proc_find(int pid);                /* proc_lock held */
struct proc *proc_iter(struct proc *prev);      /* proc_lock held */
int proc_alloc_id(void);
struct proc *proc_alloc(void);
struct proc_thread *proc_thread_alloc(struct proc *p);
/* Starts pt's kernel thread; it enters user mode as start_* say. */
int proc_thread_start(struct proc_thread *pt, const char *name);
_Noreturn void proc_thread_exit(void);
void proc_begin_exit_locked(struct proc *p, int wait_status);   /* proc_lock held */
void proc_notify_parent(struct proc *child, int code, int status);   /* proc_lock held */

/* job.c: SIGHUP + SIGCONT to pgid when it is orphaned and has a stopped
 * member (POSIX). proc_lock held. */
void proc_job_hup_orphaned_locked(int pgid);
/* job.c: whether no member of pgid has a parent in another group of the
 * same session (POSIX's orphaned process group); proc_lock held. */
bool proc_job_pgrp_is_orphaned_locked(int pgid);

/* exec.c: kernel-memory strings; on success tf starts the new image. */
int proc_exec(struct trap_frame *tf, const char *path, char *const argv[],
              char *const envp[]);

/* Loads path into a throw-away space (the loader's tests). */
int proc_exec_try_load(struct vfs_ctx *ctx, const char *path);

/* signal.c */
int sig_send_proc(struct proc *p, int sig, const struct abi_siginfo *info); /* lock held */
int sig_send_thread(struct proc_thread *pt, int sig, const struct abi_siginfo *info);
void sig_update_pending(struct proc_thread *pt);    /* lock held */
void sig_reset_on_exec(struct proc *p, struct proc_thread *pt);
void sig_alarm_cancel(struct proc *p);
void sig_pipe_hook(void);

/* rlimit.c */
void proc_rlimit_init(struct proc *p);                  /* the defaults (init) */
void proc_rlimit_register(void);                       /* the VFS's hooks */
uint64_t proc_rlimit_cur(struct proc *p, int resource); /* soft; any context */
/* RLIMIT_AS and RLIMIT_DATA of p onto vm (fork, exec, prlimit). */
void proc_rlimit_apply_vm(struct proc *p, struct vm_space *vm);
bool proc_nproc_allows_one_more(struct proc *p);        /* proc_lock held */


/* procfs_source.c: what /proc shows of processes (vfs/procfs.h).
 * proc_vm_mutex: a process's vm pointer changes, and a replaced or
 * released space is destroyed, only under it, so /proc can measure
 * another process's space; taken before the space's own lock. */
struct mutex;
extern struct mutex proc_vm_mutex;
struct proc_cmdline;
/* A shared copy of len bytes of NUL-separated arguments (NULL when memory
 * is short); get and put count references (both accept NULL; put may run
 * under proc_lock). */
struct proc_cmdline *proc_cmdline_make(const char *args, size_t len);
struct proc_cmdline *proc_cmdline_get(struct proc_cmdline *cmdline);
void proc_cmdline_put(struct proc_cmdline *cmdline);
/* Registers the process layer as /proc's source (proc_start_init). */
void proc_procfs_register(void);
void proc_oom_register(void);        /* oom.c */

#endif
