/* Processes, sessions and identities: fork, exec variants newlib lacks,
 * wait4/waitpid, process groups and sessions, uname (ids: cred.c). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <abi/time.h>
#include "internal.h"

extern char **environ;
void __malloc_lock(struct _reent *r);
void __malloc_unlock(struct _reent *r);
void __sfp_lock_acquire(void);
void __sfp_lock_release(void);

/* newlib's locks held by another thread at fork time would stay locked in
 * the child: take the malloc and stdio locks around the fork so that the
 * child gets them in a consistent, released state. */
pid_t fork(void)
{
    __malloc_lock(_REENT);
    __sfp_lock_acquire();
    long rc = tandem_syscall0(SYS_fork);
    if (rc == 0)                /* the child's only thread has a new tid */
        tandem_self()->tid = (int)tandem_syscall0(SYS_gettid);
    __sfp_lock_release();
    __malloc_unlock(_REENT);
    return (pid_t)tandem_result(rc);
}

pid_t vfork(void)
{
    return fork();
}

int execv(const char *path, char *const argv[])
{
    return execve(path, argv, environ);
}

/* execvp/execlp: search PATH (default /bin:/usr/bin) unless file has a
 * slash; ENOENT when no directory has it. */
int execvpe(const char *file, char *const argv[], char *const envp[])
{
    if (!*file) {
        errno = ENOENT;
        return -1;
    }
    if (strchr(file, '/'))
        return execve(file, argv, envp);
    const char *path = getenv("PATH");
    if (!path)
        path = "/bin:/usr/bin";
    size_t flen = strlen(file);
    int saw_eacces = 0;
    while (*path) {
        const char *end = strchr(path, ':');
        size_t dlen = end ? (size_t)(end - path) : strlen(path);
        char buf[4096];
        if (dlen + flen + 2 <= sizeof(buf)) {
            memcpy(buf, path, dlen);
            size_t n = dlen;
            if (n == 0)
                buf[n++] = '.';
            buf[n++] = '/';
            memcpy(buf + n, file, flen + 1);
            execve(buf, argv, envp);
            if (errno == EACCES)
                saw_eacces = 1;
            else if (errno != ENOENT && errno != ENOTDIR)
                return -1;
        }
        if (!end)
            break;
        path = end + 1;
    }
    errno = saw_eacces ? EACCES : ENOENT;
    return -1;
}

int execvp(const char *file, char *const argv[])
{
    return execvpe(file, argv, environ);
}

#define EXECL_MAX_ARGS 64

static int execl_common(const char *path, const char *arg0, va_list ap, int use_path,
                        int has_envp)
{
    char *argv[EXECL_MAX_ARGS + 1];
    int argc = 0;

    argv[argc++] = (char *)arg0;
    while (arg0) {
        char *a = va_arg(ap, char *);
        if (argc == EXECL_MAX_ARGS) {
            errno = E2BIG;
            return -1;
        }
        argv[argc++] = a;
        if (!a)
            break;
    }
    argv[argc] = NULL;
    char *const *envp = has_envp ? va_arg(ap, char *const *) : environ;
    return use_path ? execvpe(path, argv, envp) : execve(path, argv, envp);
}

int execl(const char *path, const char *arg0, ...)
{
    va_list ap;
    va_start(ap, arg0);
    int rc = execl_common(path, arg0, ap, 0, 0);
    va_end(ap);
    return rc;
}

int execlp(const char *file, const char *arg0, ...)
{
    va_list ap;
    va_start(ap, arg0);
    int rc = execl_common(file, arg0, ap, 1, 0);
    va_end(ap);
    return rc;
}

int execle(const char *path, const char *arg0, ...)
{
    va_list ap;
    va_start(ap, arg0);
    int rc = execl_common(path, arg0, ap, 0, 1);
    va_end(ap);
    return rc;
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
    return (pid_t)tandem_result(tandem_syscall4(SYS_wait4, pid, status, options, ru));
}

pid_t wait3(int *status, int options, struct rusage *ru)
{
    return wait4(-1, status, options, ru);
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    return wait4(pid, status, options, NULL);
}

pid_t getppid(void) { return (pid_t)tandem_result(tandem_syscall0(SYS_getppid)); }
pid_t gettid(void) { return (pid_t)tandem_result(tandem_syscall0(SYS_gettid)); }
pid_t setsid(void) { return (pid_t)tandem_result(tandem_syscall0(SYS_setsid)); }
pid_t getsid(pid_t pid) { return (pid_t)tandem_result(tandem_syscall1(SYS_getsid, pid)); }
int setpgid(pid_t pid, pid_t pgid)
{
    return (int)tandem_result(tandem_syscall2(SYS_setpgid, pid, pgid));
}
pid_t getpgid(pid_t pid) { return (pid_t)tandem_result(tandem_syscall1(SYS_getpgid, pid)); }
pid_t getpgrp(void) { return getpgid(0); }
int setpgrp(void) { return setpgid(0, 0); }

int uname(struct utsname *buf)
{
    return (int)tandem_result(tandem_syscall1(SYS_uname, buf));
}

int gethostname(char *name, size_t len)
{
    struct utsname u;

    if (uname(&u) < 0)
        return -1;
    if (strlen(u.nodename) >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(name, u.nodename);
    return 0;
}

int getpagesize(void)
{
    return 4096;
}

long sysconf(int name)
{
    switch (name) {
    case _SC_PAGESIZE:
        return 4096;
    case _SC_CLK_TCK:
        return CLOCKS_PER_SEC;
    case _SC_OPEN_MAX: {
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur > 0x7fffffff)
            return 256;
        return (long)rl.rlim_cur;
    }
    case _SC_ARG_MAX:
        return 128 * 1024;
    case _SC_NGROUPS_MAX:
        return 32;              /* the kernel's CRED_NGROUPS_MAX */
    case _SC_NPROCESSORS_CONF:
    case _SC_NPROCESSORS_ONLN:
        return 1;
    /* Options (<unistd.h>): the value of the macro; -1 with errno as it
     * was for one not supported (POSIX). */
    case _SC_VERSION:
        return _POSIX_VERSION;
    case _SC_MEMORY_PROTECTION:
        return _POSIX_MEMORY_PROTECTION;
    case _SC_SAVED_IDS:
        return _POSIX_SAVED_IDS;
    case _SC_FSYNC:
        return _POSIX_FSYNC;
    case _SC_JOB_CONTROL:
        return _POSIX_JOB_CONTROL;
    case _SC_THREADS:
        return _POSIX_THREADS;
    case _SC_TIMERS:
        return _POSIX_TIMERS;
    case _SC_MONOTONIC_CLOCK:
        return _POSIX_MONOTONIC_CLOCK;
    case _SC_CPUTIME:
        return _POSIX_CPUTIME;
    case _SC_THREAD_CPUTIME:
        return _POSIX_THREAD_CPUTIME;
    case _SC_REALTIME_SIGNALS:
        return _POSIX_REALTIME_SIGNALS;
    case _SC_RTSIG_MAX:
        return SIGRTMAX - SIGRTMIN + 1;
    case _SC_SIGQUEUE_MAX:
        return 256;             /* the kernel's SIG_QUEUE_MAX (proc/signal.c) */
    case _SC_BARRIERS:
        return _POSIX_BARRIERS;
    case _SC_SPIN_LOCKS:
        return _POSIX_SPIN_LOCKS;
    case _SC_READER_WRITER_LOCKS:
        return _POSIX_READER_WRITER_LOCKS;
    case _SC_SEMAPHORES:
    case _SC_MAPPED_FILES:
    case _SC_SHARED_MEMORY_OBJECTS:
    case _SC_TIMEOUTS:
    case _SC_CLOCK_SELECTION:
    case _SC_MESSAGE_PASSING:
        return -1;
    default:
        errno = EINVAL;
        return -1;
    }
}

int getrusage(int who, struct rusage *ru)
{
    struct abi_tms_ns t;
    long rc = tandem_syscall1(SYS_times, &t);

    if (rc < 0 && rc > -4096)
        return (int)tandem_result(rc);
    uint64_t user = who == RUSAGE_CHILDREN ? t.cutime_ns : t.utime_ns;
    uint64_t sys = who == RUSAGE_CHILDREN ? t.cstime_ns : t.stime_ns;
    ru->ru_utime.tv_sec = (time_t)(user / 1000000000u);
    ru->ru_utime.tv_usec = (suseconds_t)(user % 1000000000u / 1000);
    ru->ru_stime.tv_sec = (time_t)(sys / 1000000000u);
    ru->ru_stime.tv_usec = (suseconds_t)(sys % 1000000000u / 1000);
    return 0;
}
