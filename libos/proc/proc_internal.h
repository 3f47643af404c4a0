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
#include <kern/cred.h>
#include <proc/calls.h>
#include <proc/files.h>
#include <proc/proc.h>

struct vm_space;

extern struct spinlock proc_lock;

enum proc_state {
    PROC_ALIVE,
    PROC_ZOMBIE,            /* exited, waiting for its parent's wait4 */
};

/*
 * What protects each field of a process and of its threads, a letter per
 * field in the comments below (as FreeBSD's sys/proc.h):
 *   c  constant from creation (fork, thread creation) until freed
 *   p  proc_lock
 *   v  written under proc_vm_mutex (exec, exit); the process's own
 *      threads read it without (docs/procfs.md)
 *   a  atomic accesses only
 *   t  its own thread only (a process field: one of its threads, e.g.
 *      exec); others do not read it, or only as a snapshot for /proc
 *   s  has a lock of its own (a waitq's, the timer's, the cred_box's,
 *      the files context's: see proc/files.h)
 * Functions that need a lock held assert it (spin_assert_held).
 */
struct proc {
    int pid;                        /* c */
    int pgid, sid;                  /* p */
    enum proc_state state;          /* p */
    struct proc *parent;            /* p: NULL for init */
    struct list children;           /* p: struct proc.sibling */
    struct list sibling;            /* p */
    struct list all_link;           /* p: all_procs */
    int wait_status;                /* p: valid in PROC_ZOMBIE */
    bool is_exiting;                /* p: exit_group or a fatal signal began */
    bool is_unkillable;             /* c: init: no default-action signals */
    bool is_stopped;                /* p */
    int stop_sig;                   /* p */
    bool has_stop_report;           /* p: for WUNTRACED */
    bool has_cont_report;           /* p: for WCONTINUED */
    struct waitq child_wq;          /* s: this process waits here in wait4 */
    struct waitq stop_wq;           /* s: stopped threads sleep here */
    struct vm_space *vm;            /* v */
    struct cred_box ids;            /* s: who it is (kern/cred.h) */
    void *files;                    /* s: its files context (proc/files.h);
                                       set at creation; p: set to NULL when
                                       released, at the end */
    struct abi_sigaction actions[NSIG];     /* p */
    abi_sigset_t pending;           /* p: process-directed */
    struct abi_siginfo pending_info[SIGRTMIN];  /* p: standard signals' */
    struct list rt_queue;           /* p: struct sig_queued, real-time */
    unsigned rt_queued;             /* p: queued here and in its threads */
    struct list threads;            /* p: struct proc_thread.link */
    unsigned thread_count;          /* p */
    struct waitq thread_exit_wq;    /* s: exec waits here for the others */
    struct timer alarm_timer;       /* s: ITIMER_REAL */
    uint64_t alarm_deadline_ns;     /* p: 0: disarmed */
    uint64_t alarm_interval_ns;     /* p */
    uint64_t start_ns;              /* c */
    uint64_t children_ns;           /* p: lifetime of reaped children */
    uint64_t cpu_ns;                /* a: CPU time of its threads */
    uint64_t children_cpu_ns;       /* p: CPU time of reaped children */
    struct abi_rlimit rlimits[RLIM_NLIMITS];  /* p: rlim_cur also read atomically */
    char name[16];                  /* t: exec; /proc copies it under p */
    struct proc_cmdline *cmdline;   /* p: argv of the last exec, for /proc;
                                     * NULL once a zombie */
};

struct proc_thread {
    /* Architecture user state (FP/SIMD, TLS): first, for its alignment. */
    uint8_t user_state[ARCH_USER_STATE_SIZE] __attribute__((aligned(64)));   /* t */
    struct thread *kthread;         /* c */
    struct proc *proc;              /* c */
    struct list link;               /* p: proc.threads */
    int tid;                        /* c */
    abi_sigset_t mask;              /* p */
    abi_sigset_t pending;           /* p: thread-directed (tgkill, faults) */
    struct abi_siginfo pending_info[SIGRTMIN];  /* p: standard signals' */
    struct list rt_queue;           /* p: struct sig_queued, real-time */
    abi_sigset_t saved_mask;        /* p: sigsuspend: restored after the handler */
    bool has_saved_mask;            /* p */
    struct abi_stack altstack;      /* t */
    uintptr_t clear_word;           /* t: thread_exit: zeroed and woken */
    bool is_restartable;            /* t: the syscall just ended with -EINTR */
    bool is_restart_nohand;         /* t: ... and restarts only if no handler runs */
    bool has_sleep_deadline;        /* t: nanosleep interrupted: sleep_deadline_ns */
    uint64_t sleep_deadline_ns;     /* t: when the restarted nanosleep ends */
    bool is_exiting;                /* p */
    struct waitq sig_wq;            /* s: pause, sigsuspend */
    /* How the thread first enters user mode (c: set before it starts). */
    void *start_frame;              /* c: fork: a copy of the parent's frame */
    size_t start_frame_bytes;       /* c */
    uintptr_t start_pc, start_sp, start_arg;   /* c: thread_create */
    uint64_t run_since_ns;          /* t: when it last got a CPU (switch_in) */
    uint64_t cpu_ns;                /* t: its CPU time before that slice */
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
/* The same for a program linked into the image (argv[0] names it). */
int proc_exec_embedded(struct trap_frame *tf, const struct embedded_program *program,
                       char *const argv[], char *const envp[]);

/* Loads path into a throw-away space, as root (the loader's tests). */
int proc_exec_try_load(void *files, const char *path);

/* signal.c */
int sig_send_proc(struct proc *p, int sig, const struct abi_siginfo *info); /* lock held */
int sig_send_thread(struct proc_thread *pt, int sig, const struct abi_siginfo *info);
void sig_update_pending(struct proc_thread *pt);    /* lock held */
/* Frees the real-time signals queued on q (a thread's or the process's
 * rt_queue) that are sig, or all of them for sig 0; lock held. */
void sig_queue_discard(struct proc *p, struct list *q, int sig);
void sig_reset_on_exec(struct proc *p, struct proc_thread *pt);
void sig_alarm_cancel(struct proc *p);
void sig_pipe_hook(void);
/* Before every return to user mode, interrupts off: delivers signals,
 * stops, exits (registered as the kernel's return work, kern/uspace.h). */
void sig_return_work(struct trap_frame *tf);

/* rlimit.c */
void proc_rlimit_init(struct proc *p);                  /* the defaults (init) */
uint64_t proc_rlimit_cur(struct proc *p, int resource); /* soft; any context */
/* RLIMIT_AS and RLIMIT_DATA of p onto vm (fork, exec, prlimit). */
void proc_rlimit_apply_vm(struct proc *p, struct vm_space *vm);
bool proc_nproc_allows_one_more(struct proc *p);        /* proc_lock held */
/* RLIMIT_FSIZE for the VFS's hooks (vfs_set_fsize_hooks): the calling
 * process's limit, and SIGXFSZ when a write would pass it. */
uint64_t proc_fsize_limit(void);
void proc_fsize_exceeded(void);

/* files.c: the registered files ops (proc/files.h); NULL until one
 * library registers them. */
extern const struct proc_files_ops *proc_files_ops;


/* cmdline.c. proc_vm_mutex: a process's vm pointer changes, and a
 * replaced or released space is destroyed, only under it, so /proc and
 * the OOM killer can measure another process's space; taken before the
 * space's own lock. */
struct mutex;
extern struct mutex proc_vm_mutex;
struct proc_cmdline {
    unsigned refcount;          /* atomic */
    size_t len;
    char data[];
};
/* A shared copy of len bytes of NUL-separated arguments (NULL when memory
 * is short); get and put count references (both accept NULL; put may run
 * under proc_lock). */
struct proc_cmdline *proc_cmdline_make(const char *args, size_t len);
struct proc_cmdline *proc_cmdline_get(struct proc_cmdline *cmdline);
void proc_cmdline_put(struct proc_cmdline *cmdline);
/* procfs_source.c (with the VFS): registers the process layer as /proc's
 * source (vfs/procfs.h), at boot from files_vfs.c. */
void proc_procfs_register(void);
void proc_oom_register(void);        /* oom.c */

/* job.c: the TTY layer's session hooks (proc/job.h); NULL without one. */
const struct proc_job_tty_ops *proc_job_tty(void);

#endif
