/* Tandem's syscall numbers, shared by the kernel's table and the process
 * side's glue. The numbering is the project's own (ARCHITECTURE.md 2) and
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
 *   fcntl(fd, cmd, arg)
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

/* processes */
#define SYS_exit            1
#define SYS_exit_group      2
#define SYS_fork            3
#define SYS_execve          4
#define SYS_wait4           5
#define SYS_getpid          6
#define SYS_getppid         7
#define SYS_gettid          8
#define SYS_kill            9
#define SYS_tgkill          10
#define SYS_setsid          11
#define SYS_getsid          12
#define SYS_setpgid         13
#define SYS_getpgid         14
#define SYS_thread_create   15
#define SYS_thread_exit     16
#define SYS_futex           17
#define SYS_set_tls         18
#define SYS_getuid          19
#define SYS_getgid          20
#define SYS_uname           21
#define SYS_reboot          22
#define SYS_geteuid         23
#define SYS_getegid         24
#define SYS_setresuid       25
#define SYS_setresgid       26
#define SYS_getgroups       27
#define SYS_setgroups       28
#define SYS_prlimit         29

/* memory */
#define SYS_brk             30
#define SYS_mmap            31
#define SYS_munmap          32
#define SYS_mprotect        33

/* signals */
#define SYS_sigaction       40
#define SYS_sigprocmask     41
#define SYS_sigpending      42
#define SYS_sigsuspend      43
#define SYS_sigaltstack     44
#define SYS_sigreturn       45
#define SYS_alarm           46
#define SYS_setitimer       47
#define SYS_getitimer       48
#define SYS_pause           49

/* time */
#define SYS_clock_gettime   60
#define SYS_gettimeofday    61
#define SYS_nanosleep       62
#define SYS_times           63

/* files */
#define SYS_openat          80
#define SYS_close           81
#define SYS_read            82
#define SYS_write           83
#define SYS_pread           84
#define SYS_pwrite          85
#define SYS_readv           86
#define SYS_writev          87
#define SYS_lseek           88
#define SYS_dup             89
#define SYS_dup3            90
#define SYS_fcntl           91
#define SYS_fstatat         92
#define SYS_fstat           93
#define SYS_getdents        94
#define SYS_mkdirat         95
#define SYS_unlinkat        96
#define SYS_renameat        97
#define SYS_linkat          98
#define SYS_symlinkat       99
#define SYS_readlinkat      100
#define SYS_chdir           101
#define SYS_fchdir          102
#define SYS_getcwd          103
#define SYS_fchmodat        104
#define SYS_truncate        105
#define SYS_ftruncate       106
#define SYS_umask           107
#define SYS_faccessat       108
#define SYS_pipe2           109
#define SYS_mknodat         110
#define SYS_poll            111
#define SYS_select          112
#define SYS_ioctl           113
#define SYS_fsync           114
#define SYS_sync            115
#define SYS_mount           116
#define SYS_umount          117
#define SYS_fchmod          118
#define SYS_statfs          119
#define SYS_fstatfs         120
#define SYS_utimensat       121
#define SYS_fchownat        122
#define SYS_fchown          123

/* sockets */
#define SYS_socket          130
#define SYS_bind            131
#define SYS_listen          132
#define SYS_accept          133   /* accept4: (fd, addr, addrlen, flags) */
#define SYS_connect         134
#define SYS_sendto          135
#define SYS_recvfrom        136
#define SYS_shutdown        137
#define SYS_getsockopt      138
#define SYS_setsockopt      139
#define SYS_getsockname     140
#define SYS_getpeername     141
/* 142 was a placeholder, never implemented: stays unused */
#define SYS_sendmsg         143
#define SYS_recvmsg         144
#define SYS_socketpair      145

#define SYS_COUNT           160

#endif
