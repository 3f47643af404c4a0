/* The newlib syscall layer: the reentrant stubs newlib calls (_read_r,
 * _write_r, ...) and the plain names programs call (read, write, ...; the
 * x86_64-elf newlib has none, the aarch64-elf one has them in objects that
 * ours keep out of the link). Each is one syscall through the gate; errors
 * come back as negative errno and set errno. */
#include <errno.h>
#include <fcntl.h>
#include <reent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <abi/time.h>
#include "internal.h"

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

int _fcntl_r(struct _reent *r, int fd, int cmd, int arg)
{
    return (int)result_r(r, tandem_syscall3(SYS_fcntl, fd, cmd, arg));
}

/* A terminal is a file that answers TCGETS (abi/ioctl.h). */
int _isatty_r(struct _reent *r, int fd)
{
    unsigned char termios_buf[64];
    long rc = tandem_syscall3(SYS_ioctl, fd, 0x5401 /* TCGETS */, termios_buf);

    if (rc == -ENOSYS) {        /* no ioctl yet: character devices are */
        struct stat st;

        if (_fstat_r(r, fd, &st) < 0)
            return 0;
        if (S_ISCHR(st.st_mode))
            return 1;
        rc = -ENOTTY;
    }
    if (rc < 0) {
        r->_errno = rc == -EBADF ? EBADF : ENOTTY;
        return 0;
    }
    return 1;
}

/* The program break: brk(0) asks for the current break; brk(addr) asks
 * for a new one and returns the break in effect afterwards. Under the
 * malloc lock when malloc calls it; other callers are on their own, as on
 * every system. */
static uintptr_t brk_current;

void *_sbrk_r(struct _reent *r, ptrdiff_t increment)
{
    if (!brk_current)
        brk_current = (uintptr_t)tandem_syscall1(SYS_brk, 0);
    uintptr_t old = brk_current;
    uintptr_t wanted = old + (uintptr_t)increment;
    uintptr_t got = (uintptr_t)tandem_syscall1(SYS_brk, wanted);
    if (got != wanted) {
        r->_errno = ENOMEM;
        return (void *)-1;
    }
    brk_current = got;
    return (void *)old;
}

int brk(void *addr)
{
    uintptr_t got = (uintptr_t)tandem_syscall1(SYS_brk, addr);

    if (got != (uintptr_t)addr) {
        errno = ENOMEM;
        return -1;
    }
    brk_current = got;
    return 0;
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

/* The kernel counts nanoseconds; newlib's clock() wants CLOCKS_PER_SEC
 * ticks (1000 on x86_64-elf, 100 on aarch64-elf). */
#define NS_PER_TICK (1000000000UL / CLOCKS_PER_SEC)

clock_t _times_r(struct _reent *r, struct tms *buf)
{
    struct abi_tms_ns t;
    long rc = tandem_syscall1(SYS_times, &t);

    if (rc < 0 && rc > -4096)
        return (clock_t)result_r(r, rc);
    if (buf) {
        buf->tms_utime = (clock_t)(t.utime_ns / NS_PER_TICK);
        buf->tms_stime = (clock_t)(t.stime_ns / NS_PER_TICK);
        buf->tms_cutime = (clock_t)(t.cutime_ns / NS_PER_TICK);
        buf->tms_cstime = (clock_t)(t.cstime_ns / NS_PER_TICK);
    }
    return (clock_t)((unsigned long)rc / NS_PER_TICK);
}

int _gettimeofday_r(struct _reent *r, struct timeval *tv, void *tz)
{
    (void)tz;
    return (int)result_r(r, tandem_syscall2(SYS_gettimeofday, tv, 0));
}

/* The plain names. */
_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t n) { return (_READ_WRITE_RETURN_TYPE)_read_r(_REENT, fd, buf, n); }
_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t n) { return (_READ_WRITE_RETURN_TYPE)_write_r(_REENT, fd, buf, n); }
int close(int fd) { return _close_r(_REENT, fd); }
off_t lseek(int fd, off_t off, int whence) { return _lseek_r(_REENT, fd, off, whence); }
int fstat(int fd, struct stat *st) { return _fstat_r(_REENT, fd, st); }
int stat(const char *path, struct stat *st) { return _stat_r(_REENT, path, st); }
int link(const char *old, const char *new) { return _link_r(_REENT, old, new); }
int unlink(const char *path) { return _unlink_r(_REENT, path); }
int mkdir(const char *path, mode_t mode) { return _mkdir_r(_REENT, path, (int)mode); }
int isatty(int fd) { return _isatty_r(_REENT, fd); }
void *sbrk(ptrdiff_t increment) { return _sbrk_r(_REENT, increment); }
pid_t getpid(void) { return _getpid_r(_REENT); }
int kill(pid_t pid, int sig) { return _kill_r(_REENT, pid, sig); }
pid_t wait(int *status) { return _wait_r(_REENT, status); }
pid_t _wait(int *status) { return _wait_r(_REENT, status); }
clock_t times(struct tms *buf) { return _times_r(_REENT, buf); }
int execve(const char *path, char *const argv[], char *const envp[])
{
    return _execve_r(_REENT, path, argv, envp);
}
int gettimeofday(struct timeval *tv, void *tz) { return _gettimeofday_r(_REENT, tv, tz); }

int open(const char *path, int flags, ...)
{
    va_list ap;
    int mode = 0;

    if (flags & O_CREAT) {
        va_start(ap, flags);
        mode = va_arg(ap, int);
        va_end(ap);
    }
    return _open_r(_REENT, path, flags, mode);
}

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    long arg;

    va_start(ap, cmd);
    arg = va_arg(ap, long);     /* an int, none, or struct flock * (F_GETLK...) */
    va_end(ap);
    return (int)tandem_result(tandem_syscall3(SYS_fcntl, fd, cmd, arg));
}
