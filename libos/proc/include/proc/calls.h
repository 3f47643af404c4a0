/* The process layer's calls for the syscall layer (libos/syscall): every
 * process, thread, signal and identity call as a kernel function over the
 * calling thread's process. Arguments are kernel memory unless named u*
 * (then the callee copies them itself); results are values or negative
 * errno. The process and thread structures stay private to libos/proc. */
#ifndef PROC_CALLS_H
#define PROC_CALLS_H

#include <stdbool.h>
#include <stdint.h>
#include <abi/resource.h>
#include <abi/signal.h>
#include <abi/time.h>
#include <plat/trap.h>

struct cred_box;

/* The calling thread's process and thread. */
bool proc_has_current(void);            /* false in a kernel thread; interrupts off */
/* Its files context (proc/files.h): a struct vfs_ctx where the VFS gives
 * processes their files, the console's own context without it. */
void *proc_files(void);
struct cred_box *proc_ids(void);        /* its credentials (kern/cred.h) */
/* fd's open flags, as fcntl(F_GETFL) answers them (mmap's check), or
 * -EBADF. */
long proc_fd_flags(int fd);
int proc_getpid(void);
int proc_getppid(void);                 /* 0 for init */
int proc_gettid(void);
/* The syscall in progress returned -EINTR and SA_RESTART applies to it. */
void proc_mark_restartable(void);
/* An interrupted nanosleep: it restarts, to end at deadline_ns, unless a
 * handler runs (then EINTR, whatever SA_RESTART says, as on Linux). The
 * restarted call takes that deadline with proc_take_sleep_deadline. */
void proc_sleep_interrupted(uint64_t deadline_ns);
bool proc_take_sleep_deadline(uint64_t *deadline_ns);
void proc_set_tls(uintptr_t tp);
/* CPU time so far of the calling thread (is_process false) or its whole
 * process, the running slice included; and that of its reaped children. */
uint64_t proc_cpu_time_ns(bool is_process);
uint64_t proc_children_cpu_ns(void);

/* proc.c */
_Noreturn void proc_exit_group(int wait_status);
/* exit and thread_exit: ends the calling thread, and the process with
 * wait_status when it is the last one. clear_word (0: none; ignored unless
 * a 4-byte aligned user address) is zeroed and woken once the thread has
 * left its user stack (pthread_join). */
_Noreturn void proc_exit_thread(int wait_status, uintptr_t clear_word);
long proc_fork(struct trap_frame *tf);
long proc_wait4(int pid, int *status, int options);
long proc_thread_create(uintptr_t entry, uintptr_t stack, uintptr_t tls, uintptr_t arg);
int proc_setsid(void);
int proc_setpgid(int pid, int pgid);
int proc_getpgid(int pid);
int proc_getsid(int pid);

/* exec.c: a caller's user-space path/argv/envp; on success tf starts the
 * new image. */
long proc_execve_user(struct trap_frame *tf, const char *upath, uintptr_t uargv,
                      uintptr_t uenvp);

/* signal.c */
int sig_kill(int pid, int sig);
int sig_tgkill(int pid, int tid, int sig);
int sig_queue(int pid, int sig, uint64_t value);
/* Takes a pending signal of set (returns its number, *info its siginfo)
 * without running a handler; -EAGAIN once timeout_ns (NULL: none) has
 * passed, -EINTR for another signal. */
long sig_timedwait(abi_sigset_t set, struct abi_siginfo *info, const uint64_t *timeout_ns);
long sig_action(int sig, const struct abi_sigaction *act, struct abi_sigaction *old);
long sig_procmask(int how, const abi_sigset_t *set, abi_sigset_t *old);
abi_sigset_t sig_pending_set(void);
long sig_suspend(abi_sigset_t mask);
long sig_pause(void);
long sig_altstack(const struct abi_stack *ss, struct abi_stack *old, uintptr_t user_sp);
long sig_return(struct trap_frame *tf);
long sig_setitimer(int which, const struct abi_itimerval *nv, struct abi_itimerval *old);
long sig_getitimer(int which, struct abi_itimerval *cur);
long sig_alarm(unsigned seconds);

/* rlimit.c */
long proc_prlimit(int pid, int resource, const struct abi_rlimit *nl, struct abi_rlimit *old);

/* futex.c */
long futex_wait(uintptr_t uaddr, uint32_t val, uint64_t deadline_ns);
long futex_wake(uintptr_t uaddr, unsigned count);

#endif
