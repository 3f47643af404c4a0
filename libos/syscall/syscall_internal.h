/* Private to libos/syscall: the handler signature and the helpers every
 * handler uses to reach user memory. */
#ifndef SYSCALL_INTERNAL_H
#define SYSCALL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mm/vm.h>
#include <plat/uaccess.h>
#include <plat/uspace.h>

/* A handler gets the frame (fork, execve, sigreturn need it) and the six
 * argument registers. */
typedef long (*syscall_fn)(struct trap_frame *tf, const unsigned long *a);

#define SYS_DEFINE(name) long sys_##name(struct trap_frame *tf, const unsigned long *a)

/* True when a user buffer of len bytes at addr is mapped with prot (so an
 * output can be produced before it is copied out). */
bool user_range_ok(uintptr_t addr, size_t len, unsigned prot);
/* Copies a user path into a kmalloc'd PATH_MAX buffer (*out, kfree it). */
long user_path(const char *upath, char **out);

/* Every handler, by file. */
#define SYS_DECLARE(name) SYS_DEFINE(name)
/* sys_proc.c */
SYS_DECLARE(exit); SYS_DECLARE(exit_group); SYS_DECLARE(fork); SYS_DECLARE(execve);
SYS_DECLARE(wait4); SYS_DECLARE(getpid); SYS_DECLARE(getppid); SYS_DECLARE(gettid);
SYS_DECLARE(kill); SYS_DECLARE(tgkill); SYS_DECLARE(setsid); SYS_DECLARE(getsid);
SYS_DECLARE(setpgid); SYS_DECLARE(getpgid); SYS_DECLARE(thread_create);
SYS_DECLARE(thread_exit); SYS_DECLARE(futex); SYS_DECLARE(set_tls); SYS_DECLARE(getuid);
SYS_DECLARE(getgid); SYS_DECLARE(uname); SYS_DECLARE(reboot);
SYS_DECLARE(prlimit);
/* sys_mem.c */
SYS_DECLARE(brk); SYS_DECLARE(mmap); SYS_DECLARE(munmap); SYS_DECLARE(mprotect);
/* sys_signal.c */
SYS_DECLARE(sigaction); SYS_DECLARE(sigprocmask); SYS_DECLARE(sigpending);
SYS_DECLARE(sigsuspend); SYS_DECLARE(sigaltstack); SYS_DECLARE(sigreturn);
SYS_DECLARE(alarm); SYS_DECLARE(setitimer); SYS_DECLARE(getitimer); SYS_DECLARE(pause);
/* sys_time.c */
SYS_DECLARE(clock_gettime); SYS_DECLARE(gettimeofday); SYS_DECLARE(nanosleep);
SYS_DECLARE(times);
/* sys_file.c */
SYS_DECLARE(openat); SYS_DECLARE(close); SYS_DECLARE(read); SYS_DECLARE(write);
SYS_DECLARE(pread); SYS_DECLARE(pwrite); SYS_DECLARE(readv); SYS_DECLARE(writev);
SYS_DECLARE(lseek); SYS_DECLARE(dup); SYS_DECLARE(dup3); SYS_DECLARE(fcntl);
SYS_DECLARE(fstatat); SYS_DECLARE(fstat); SYS_DECLARE(getdents); SYS_DECLARE(mkdirat);
SYS_DECLARE(unlinkat); SYS_DECLARE(renameat); SYS_DECLARE(linkat); SYS_DECLARE(symlinkat);
SYS_DECLARE(readlinkat); SYS_DECLARE(chdir); SYS_DECLARE(fchdir); SYS_DECLARE(getcwd);
SYS_DECLARE(fchmodat); SYS_DECLARE(truncate); SYS_DECLARE(ftruncate); SYS_DECLARE(umask);
SYS_DECLARE(faccessat); SYS_DECLARE(pipe2); SYS_DECLARE(mknodat); SYS_DECLARE(poll);
SYS_DECLARE(select); SYS_DECLARE(fsync); SYS_DECLARE(sync); SYS_DECLARE(mount);
SYS_DECLARE(umount); SYS_DECLARE(ioctl); SYS_DECLARE(fchmod); SYS_DECLARE(statfs);
SYS_DECLARE(fstatfs); SYS_DECLARE(utimensat);
/* sys_cred.c */
SYS_DECLARE(geteuid); SYS_DECLARE(getegid); SYS_DECLARE(setresuid); SYS_DECLARE(setresgid);
SYS_DECLARE(getgroups); SYS_DECLARE(setgroups); SYS_DECLARE(fchownat); SYS_DECLARE(fchown);
/* sys_socket.c */
SYS_DECLARE(socket); SYS_DECLARE(socketpair); SYS_DECLARE(bind); SYS_DECLARE(listen);
SYS_DECLARE(accept); SYS_DECLARE(connect); SYS_DECLARE(sendto); SYS_DECLARE(recvfrom);
SYS_DECLARE(sendmsg); SYS_DECLARE(recvmsg); SYS_DECLARE(shutdown); SYS_DECLARE(getsockopt);
SYS_DECLARE(setsockopt); SYS_DECLARE(getsockname); SYS_DECLARE(getpeername);

#endif
