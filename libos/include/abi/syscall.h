/* Tandem's syscall numbers (SYS_*, made from the list in abi/syscalls.def),
 * shared by the kernel's table and the process side's glue. The numbering is the project's own (ARCHITECTURE.md 2) and
 * identical on both architectures. Arguments travel in registers as on
 * Linux (amd64: rax = number, rdi, rsi, rdx, r10, r8, r9; arm64: x8 =
 * number, x0..x5); the result is a value or a negative errno.
 * Numbers are never reused; a retired call keeps its slot as ENOSYS. */
/* Argument conventions (Linux's orders and semantics unless said; written
 * by the process side, libos/user, which calls each of these exactly so).
 * Structures are the ones in the abi/ header named.
 *   exit(status)                 ends the calling thread (the last thread's
 *                                exit ends the process with status)
 *   exit_group(status)           ends every thread of the process
 *   fork()                       child gets 0; copies the calling thread only
 *   execve(path, argv, envp)     -ENOENT for a missing file
 *   wait4(pid, int *status, options, struct abi_rusage *ru)  abi/wait.h;
 *                                pid -1 any, 0 own group, < -1 group -pid;
 *                                WNOHANG with no change returns 0
 *   kill(pid, sig)               pid > 0, 0 (own group), -1 (all but init
 *                                and self), < -1 (group -pid); sig 0 probes
 *   tgkill(pid, tid, sig)        one thread (pthread_kill)
 *   setsid(), getsid(pid), setpgid(pid, pgid), getpgid(pid)  (pid 0: self)
 *   thread_create(entry, stack, tls, arg)  returns the new tid; the thread
 *                                starts at entry with sp = stack (16-byte
 *                                aligned), arg in the first argument register
 *                                (rdi / x0), thread pointer = tls; it shares
 *                                the address space, files and handlers and
 *                                starts with the creator's signal mask
 *   thread_exit(uint32_t *clear_word)  ends the calling thread; when
 *                                clear_word is not NULL the kernel stores 0
 *                                there and does FUTEX_WAKE(clear_word, all)
 *                                after the thread stopped using its user
 *                                stack (pthread_join waits on it); the last
 *                                thread's exit ends the process with 0
 *   futex(uint32_t *addr, op, val, const struct abi_timespec *rel_timeout)
 *                                abi/futex.h
 *   set_tls(void *tp)            sets the calling thread's thread pointer
 *                                (amd64 fs base, arm64 tpidr_el0); fork
 *                                keeps it
 *   getuid(), getgid()           the real ids
 *   geteuid(), getegid()         the effective ids
 *   setresuid(ruid, euid, suid), setresgid(rgid, egid, sgid)  Linux's rules;
 *                                -1 (32 or 16 bits) keeps an id; ids above
 *                                65534 are EINVAL
 *   getgroups(size, gid_t *list), setgroups(size, const gid_t *list)
 *                                supplementary groups as newlib's 16-bit
 *                                gid_t; at most 32; setgroups needs euid 0
 *   uname(struct utsname *)      abi/utsname.h
 *   reboot(how)                  Linux's RB_* magic values (sys/reboot.h):
 *                                syncs, then resets or powers off; EPERM
 *                                for non-root, EINVAL for other values
 *   prlimit(pid, resource, const struct abi_rlimit *new, struct abi_rlimit
 *                                *old)  abi/resource.h; pid 0 is the
 *                                caller; new and old may be NULL; EINVAL
 *                                for a bad resource or soft > hard, EPERM
 *                                to raise a hard limit without root
 *   brk(addr)                    returns the break in effect afterwards;
 *                                brk(0) returns the current one
 *   mmap(addr, len, prot, flags, fd, off)  abi/mman.h; returns the address
 *                                or -errno (MAP_ANONYMOUS|MAP_PRIVATE at
 *                                least; fd -1 for anonymous)
 *   munmap(addr, len), mprotect(addr, len, prot)
 *   sigaction(sig, const struct abi_sigaction *act, struct abi_sigaction
 *                                *old)  abi/signal.h (newlib's layout; no
 *                                restorer: handlers return to the gate's
 *                                sigreturn trampoline); -EINVAL for SIGKILL,
 *                                SIGSTOP or sig outside 1..NSIG-1
 *   sigprocmask(how, const abi_sigset_t *set, abi_sigset_t *old)  how is
 *                                newlib's SIG_SETMASK 0, SIG_BLOCK 1,
 *                                SIG_UNBLOCK 2; per thread
 *   sigpending(abi_sigset_t *set)
 *   sigsuspend(const abi_sigset_t *mask)  always -EINTR
 *   sigaltstack(const struct abi_stack *ss, struct abi_stack *old)
 *   sigreturn()                  only from the gate's trampoline
 *   alarm(seconds)               returns the seconds left of the previous
 *   setitimer(which, const struct abi_itimerval *new, struct abi_itimerval
 *                                *old), getitimer(which, struct
 *                                abi_itimerval *)  abi/time.h (ITIMER_REAL)
 *   pause()                      always -EINTR
 *   sigqueue(pid, sig, value)    kill of one process with si_code SI_QUEUE
 *                                and si_value value; EAGAIN when the
 *                                process's queue of real-time signals is
 *                                full
 *   sigtimedwait(const abi_sigset_t *set, struct abi_siginfo *info,
 *                const struct abi_timespec *timeout)  takes a pending
 *                                signal of set without running a handler:
 *                                returns its number (info may be NULL);
 *                                EAGAIN when timeout (NULL: none) passes,
 *                                EINTR for a signal not in set
 *   clock_gettime(clockid, struct abi_timespec *)  newlib's clock ids:
 *                                CLOCK_REALTIME 1, CLOCK_MONOTONIC 4
 *   gettimeofday(struct abi_timeval *tv, NULL)  the process side passes
 *                                NULL for the timezone
 *   nanosleep(const struct abi_timespec *req, struct abi_timespec *rem)
 *   times(struct abi_tms_ns *)   nanoseconds; returns monotonic ns
 *   openat(dirfd, path, flags, mode)  abi/fcntl.h (AT_FDCWD is -2)
 *   close(fd), read(fd, buf, n), write(fd, buf, n)
 *   pread(fd, buf, n, off), pwrite(fd, buf, n, off)
 *   readv(fd, const struct iovec *, cnt), writev(...)  abi/uio.h
 *   lseek(fd, off, whence)       returns the new offset
 *   dup(fd), dup3(old, new, flags)  flags 0 or O_CLOEXEC; dup2 is dup3
 *                                with 0 after checking old == new itself
 *   fcntl(fd, cmd, arg)          F_GETLK, F_SETLK, F_SETLKW: arg is a
 *                                struct abi_flock * (abi/fcntl.h)
 *   flock(fd, operation)         LOCK_SH, LOCK_EX, LOCK_UN [| LOCK_NB]
 *   fstatat(dirfd, path, struct stat *, flags)  abi/stat.h;
 *                                AT_SYMLINK_NOFOLLOW for lstat
 *   fstat(fd, struct stat *)
 *   getdents(fd, buf, size)      struct dirent64 records (abi/dirent.h);
 *                                returns bytes, 0 at the end
 *   mkdirat(dirfd, path, mode), unlinkat(dirfd, path, flags: AT_REMOVEDIR)
 *   renameat(olddirfd, old, newdirfd, new)
 *   linkat(olddirfd, old, newdirfd, new, flags)
 *   symlinkat(target, newdirfd, linkpath)
 *   readlinkat(dirfd, path, buf, size)  returns the length, no NUL
 *   chdir(path), fchdir(fd)
 *   getcwd(buf, size)            returns the length including the NUL
 *                                (Linux's syscall), -ERANGE when too small
 *   fchmodat(dirfd, path, mode, flags), fchmod(fd, mode)
 *   fchownat(dirfd, path, uid, gid, flags), fchown(fd, uid, gid)  Linux's
 *                                rules; -1 keeps an id; flags:
 *                                AT_SYMLINK_NOFOLLOW
 *   statfs(path, struct abi_statfs *), fstatfs(fd, struct abi_statfs *)
 *                                abi/statfs.h (Linux's 64-bit layout)
 *   truncate(path, len), ftruncate(fd, len)
 *   umask(mask)                  returns the previous mask
 *   faccessat(dirfd, path, mode, flags)
 *   pipe2(int fds[2], flags)     flags: O_CLOEXEC, O_NONBLOCK
 *   mknodat(dirfd, path, mode, dev)
 *   poll(struct pollfd *, nfds, timeout_ms)  abi/poll.h; -1 waits forever
 *   select(nfds, abi_fd_set *r, abi_fd_set *w, abi_fd_set *e, struct
 *                                abi_timeval *timeout)  abi/select.h;
 *                                Linux's: the timeout is updated
 *   ioctl(fd, request, arg)      abi/ioctl.h, abi/termios.h
 *   fsync(fd), sync()
 *   mount(source, target, fstype, flags, data), umount(target, flags)
 *   socket calls                 see abi/socket.h
 * Every pointer may be bad: -EFAULT, never a crash. */
#ifndef ABI_SYSCALL_H
#define ABI_SYSCALL_H

#include <stddef.h>

/* SYS_<name> for every call of abi/syscalls.def. Constants, not macros:
 * code that needs a number inside a string (inline assembly) keeps its own
 * copy checked by a _Static_assert against these. */
/* abi/syscalls.def's flags: an -EINTR from the handler may be restarted;
 * the handler is in an optional library, which registers it at boot (the
 * socket calls: an image without sockets answers ENOSYS); the same for the
 * file calls, whose library (syscall_file) comes with the VFS. */
#define SYSCALL_RESTART 1u
#define SYSCALL_OPTIONAL 2u
#define SYSCALL_FILE 4u

enum abi_syscall_nr {
#define SYSCALL(nr, name, flags) SYS_##name = nr,
#include <abi/syscalls.def>
    SYS_COUNT = 160,            /* one past the highest number a call may get */
};

/* The call's name ("read" for SYS_read), NULL for a number with no call. */
static inline const char *abi_syscall_name(long nr)
{
    switch (nr) {
#define SYSCALL(nr, name, flags) case nr: return #name;
#include <abi/syscalls.def>
    }
    return NULL;
}

#endif
