/* The newlib syscall layer: the reentrant stubs newlib calls (_read_r,
 * _write_r, ...), each a thin wrapper over one syscall through the gate.
 * Defining the _r layer works for both targets' stub naming conventions
 * (TOOLCHAIN.md). Errors come back as negative errno and set errno. */
#include <errno.h>
#include <fcntl.h>
#include <reent.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <unistd.h>
#include <tandem/syscall.h>

#ifndef AT_FDCWD
#define AT_FDCWD (-100)
#endif

static long result_r(struct _reent *r, long rc)
{
    if (rc < 0) {
        r->_errno = (int)-rc;
        return -1;
    }
    return rc;
}

long tandem_result(long rc)
{
    return result_r(_REENT, rc);
}

_ssize_t _read_r(struct _reent *r, int fd, void *buf, size_t n)
{
    return result_r(r, tandem_syscall3(SYS_read, fd, buf, n));
}

_ssize_t _write_r(struct _reent *r, int fd, const void *buf, size_t n)
{
    return result_r(r, tandem_syscall3(SYS_write, fd, buf, n));
}

int _open_r(struct _reent *r, const char *path, int flags, int mode)
{
    return (int)result_r(r, tandem_syscall4(SYS_openat, AT_FDCWD, path, flags, mode));
}

int _close_r(struct _reent *r, int fd)
{
    return (int)result_r(r, tandem_syscall1(SYS_close, fd));
}

_off_t _lseek_r(struct _reent *r, int fd, _off_t offset, int whence)
{
    return result_r(r, tandem_syscall3(SYS_lseek, fd, offset, whence));
}

int _fstat_r(struct _reent *r, int fd, struct stat *st)
{
    return (int)result_r(r, tandem_syscall2(SYS_fstat, fd, st));
}

int _stat_r(struct _reent *r, const char *path, struct stat *st)
{
    return (int)result_r(r, tandem_syscall4(SYS_fstatat, AT_FDCWD, path, st, 0));
}

int _link_r(struct _reent *r, const char *old, const char *new)
{
    return (int)result_r(r, tandem_syscall(SYS_linkat, AT_FDCWD, (long)old, AT_FDCWD,
                                           (long)new, 0, 0));
}

int _unlink_r(struct _reent *r, const char *path)
{
    return (int)result_r(r, tandem_syscall3(SYS_unlinkat, AT_FDCWD, path, 0));
}

int _rename_r(struct _reent *r, const char *old, const char *new)
{
    return (int)result_r(r, tandem_syscall4(SYS_renameat, AT_FDCWD, old, AT_FDCWD, new));
}

int _mkdir_r(struct _reent *r, const char *path, int mode)
{
    return (int)result_r(r, tandem_syscall3(SYS_mkdirat, AT_FDCWD, path, mode));
}

int _isatty_r(struct _reent *r, int fd)
{
    struct stat st;

    if (_fstat_r(r, fd, &st) < 0)
        return 0;
    if (!S_ISCHR(st.st_mode)) {
        r->_errno = ENOTTY;
        return 0;
    }
    return 1;
}

int isatty(int fd)
{
    return _isatty_r(_REENT, fd);
}

/* The program break: brk(0) asks for the current break; brk(addr) asks
 * for a new one and returns the break in effect afterwards. */
void *_sbrk_r(struct _reent *r, ptrdiff_t increment)
{
    static uintptr_t current;

    if (!current)
        current = (uintptr_t)tandem_syscall1(SYS_brk, 0);
    uintptr_t old = current;
    uintptr_t wanted = old + (uintptr_t)increment;
    uintptr_t got = (uintptr_t)tandem_syscall1(SYS_brk, wanted);
    if (got != wanted) {
        r->_errno = ENOMEM;
        return (void *)-1;
    }
    current = got;
    return (void *)old;
}

_Noreturn void _exit(int status)
{
    for (;;)
        tandem_syscall1(SYS_exit_group, status);
}

int _getpid_r(struct _reent *r)
{
    return (int)result_r(r, tandem_syscall0(SYS_getpid));
}

int _kill_r(struct _reent *r, int pid, int sig)
{
    return (int)result_r(r, tandem_syscall2(SYS_kill, pid, sig));
}

int _fork_r(struct _reent *r)
{
    return (int)result_r(r, tandem_syscall0(SYS_fork));
}

int _execve_r(struct _reent *r, const char *path, char *const *argv, char *const *envp)
{
    return (int)result_r(r, tandem_syscall3(SYS_execve, path, argv, envp));
}

int _wait_r(struct _reent *r, int *status)
{
    return (int)result_r(r, tandem_syscall4(SYS_wait4, -1, status, 0, 0));
}

clock_t _times_r(struct _reent *r, struct tms *buf)
{
    return (clock_t)result_r(r, tandem_syscall1(SYS_times, buf));
}

int _gettimeofday_r(struct _reent *r, struct timeval *tv, void *tz)
{
    return (int)result_r(r, tandem_syscall2(SYS_gettimeofday, tv, tz));
}

int _fcntl_r(struct _reent *r, int fd, int cmd, int arg)
{
    return (int)result_r(r, tandem_syscall3(SYS_fcntl, fd, cmd, arg));
}
