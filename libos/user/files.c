/* The file calls newlib lacks, each one syscall (abi/syscall.h gives the
 * argument orders): descriptors, paths, pipes, poll/select, ioctl,
 * mounts. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include "internal.h"

#define R(call) tandem_result(call)

int dup(int fd) { return (int)R(tandem_syscall1(SYS_dup, fd)); }

int dup2(int oldfd, int newfd)
{
    if (oldfd == newfd) {       /* dup3 refuses this; dup2 checks oldfd */
        if (fcntl(oldfd, F_GETFD) < 0)
            return -1;
        return newfd;
    }
    return (int)R(tandem_syscall3(SYS_dup3, oldfd, newfd, 0));
}

int dup3(int oldfd, int newfd, int flags)
{
    return (int)R(tandem_syscall3(SYS_dup3, oldfd, newfd, flags));
}

/* BSD locks on the open file (<sys/file.h>: LOCK_SH, LOCK_EX, LOCK_UN,
 * LOCK_NB); fcntl's record locks go through glue.c's fcntl. */
int flock(int fd, int operation) { return (int)R(tandem_syscall2(SYS_flock, fd, operation)); }

int pipe(int fds[2]) { return (int)R(tandem_syscall2(SYS_pipe2, fds, 0)); }
int pipe2(int fds[2], int flags) { return (int)R(tandem_syscall2(SYS_pipe2, fds, flags)); }

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    return R(tandem_syscall4(SYS_pread, fd, buf, n, off));
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    return R(tandem_syscall4(SYS_pwrite, fd, buf, n, off));
}

ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
    return R(tandem_syscall3(SYS_readv, fd, iov, cnt));
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    return R(tandem_syscall3(SYS_writev, fd, iov, cnt));
}

int openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    int mode = 0;

    if (flags & O_CREAT) {
        va_start(ap, flags);
        mode = va_arg(ap, int);
        va_end(ap);
    }
    return (int)R(tandem_syscall4(SYS_openat, dirfd, path, flags, mode));
}

int creat(const char *path, mode_t mode)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int lstat(const char *path, struct stat *st)
{
    return (int)R(tandem_syscall4(SYS_fstatat, AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW));
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
    return (int)R(tandem_syscall4(SYS_fstatat, dirfd, path, st, flags));
}

int access(const char *path, int mode)
{
    return (int)R(tandem_syscall4(SYS_faccessat, AT_FDCWD, path, mode, 0));
}

int faccessat(int dirfd, const char *path, int mode, int flags)
{
    return (int)R(tandem_syscall4(SYS_faccessat, dirfd, path, mode, flags));
}

/* Owners: (uid_t)-1, 16 bits in newlib, is the kernel's -1 ("unchanged"). */
static long owner_arg(unsigned id)
{
    return id == (uid_t)-1 ? -1L : (long)id;
}

int fchownat(int dirfd, const char *path, uid_t owner, gid_t group, int flags)
{
    return (int)R(tandem_syscall(SYS_fchownat, dirfd, (long)path, owner_arg(owner),
                                 owner_arg(group), flags, 0));
}

int chown(const char *path, uid_t owner, gid_t group)
{
    return fchownat(AT_FDCWD, path, owner, group, 0);
}

int lchown(const char *path, uid_t owner, gid_t group)
{
    return fchownat(AT_FDCWD, path, owner, group, AT_SYMLINK_NOFOLLOW);
}

int fchown(int fd, uid_t owner, gid_t group)
{
    return (int)R(tandem_syscall3(SYS_fchown, fd, owner_arg(owner), owner_arg(group)));
}

int rmdir(const char *path)
{
    return (int)R(tandem_syscall3(SYS_unlinkat, AT_FDCWD, path, AT_REMOVEDIR));
}

int unlinkat(int dirfd, const char *path, int flags)
{
    return (int)R(tandem_syscall3(SYS_unlinkat, dirfd, path, flags));
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
    return (int)R(tandem_syscall3(SYS_mkdirat, dirfd, path, mode));
}

int renameat(int olddirfd, const char *old, int newdirfd, const char *new)
{
    return (int)R(tandem_syscall4(SYS_renameat, olddirfd, old, newdirfd, new));
}

int symlink(const char *target, const char *linkpath)
{
    return (int)R(tandem_syscall3(SYS_symlinkat, target, AT_FDCWD, linkpath));
}

int symlinkat(const char *target, int dirfd, const char *linkpath)
{
    return (int)R(tandem_syscall3(SYS_symlinkat, target, dirfd, linkpath));
}

ssize_t readlink(const char *path, char *buf, size_t size)
{
    return R(tandem_syscall4(SYS_readlinkat, AT_FDCWD, path, buf, size));
}

ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
    return R(tandem_syscall4(SYS_readlinkat, dirfd, path, buf, size));
}

int chdir(const char *path) { return (int)R(tandem_syscall1(SYS_chdir, path)); }
int fchdir(int fd) { return (int)R(tandem_syscall1(SYS_fchdir, fd)); }

/* getcwd(NULL, 0) allocates, as glibc's does. */
char *getcwd(char *buf, size_t size)
{
    char *mem = NULL;

    if (!buf) {
        if (size == 0)
            size = 4096;
        buf = mem = malloc(size);
        if (!buf) {
            errno = ENOMEM;
            return NULL;
        }
    }
    if (R(tandem_syscall2(SYS_getcwd, buf, size)) < 0) {
        free(mem);
        return NULL;
    }
    return buf;
}

int chmod(const char *path, mode_t mode)
{
    return (int)R(tandem_syscall4(SYS_fchmodat, AT_FDCWD, path, mode, 0));
}

int fchmod(int fd, mode_t mode) { return (int)R(tandem_syscall2(SYS_fchmod, fd, mode)); }

int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
    return (int)R(tandem_syscall4(SYS_fchmodat, dirfd, path, mode, flags));
}

int truncate(const char *path, off_t len) { return (int)R(tandem_syscall2(SYS_truncate, path, len)); }
int ftruncate(int fd, off_t len) { return (int)R(tandem_syscall2(SYS_ftruncate, fd, len)); }

mode_t umask(mode_t mask) { return (mode_t)tandem_syscall1(SYS_umask, mask); }

int mknod(const char *path, mode_t mode, dev_t dev)
{
    return (int)R(tandem_syscall4(SYS_mknodat, AT_FDCWD, path, mode, dev));
}

int mkfifo(const char *path, mode_t mode)
{
    return mknod(path, (mode & 07777) | S_IFIFO, 0);
}

int fsync(int fd) { return (int)R(tandem_syscall1(SYS_fsync, fd)); }
int fdatasync(int fd) { return fsync(fd); }
void sync(void) { tandem_syscall0(SYS_sync); }

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    return (int)R(tandem_syscall3(SYS_poll, fds, nfds, timeout_ms));
}

int select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *timeout)
{
    return (int)R(tandem_syscall(SYS_select, nfds, (long)r, (long)w, (long)e, (long)timeout, 0));
}

int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    long arg;

    va_start(ap, request);
    arg = va_arg(ap, long);
    va_end(ap);
    return (int)R(tandem_syscall3(SYS_ioctl, fd, request, arg));
}

int mount(const char *source, const char *target, const char *fstype, unsigned long flags,
          const void *data)
{
    return (int)R(tandem_syscall(SYS_mount, (long)source, (long)target, (long)fstype,
                                 (long)flags, (long)data, 0));
}

int umount2(const char *target, int flags)
{
    return (int)R(tandem_syscall2(SYS_umount, target, flags));
}

int umount(const char *target) { return umount2(target, 0); }
