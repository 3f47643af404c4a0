/* Processes without files (images without the VFS, e.g. hello-direct):
 * each process's only descriptors are the kernel console, opened on 0, 1
 * and 2 for init and inherited as fork and exec inherit descriptors. This
 * library gives the process layer that context (proc/files.h) and
 * answers the file calls a program's stdio makes on it, as the VFS's
 * dumb /dev/console does (libos/vfs/devices.c): write goes to the console
 * ('\n' as "\r\n"), fstat says a character device, ioctl is ENOTTY (so
 * isatty is false); read returns end-of-file (no input), lseek, pread and
 * pwrite ESPIPE; close, dup, dup3 and fcntl manage the descriptors. Every
 * other file call stays ENOSYS (docs/syscalls.md), and exec runs nothing
 * but the program linked into the image (there is no file to load). An
 * image links this or syscall_file with proc_vfs, never both (a second
 * registration panics). */
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/ioctl.h>
#include <abi/stat.h>
#include <abi/syscall.h>
#include <abi/uio.h>
#include <kern/spinlock.h>
#include <kern/subsys.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <plat/console.h>
#include <proc/calls.h>
#include <proc/files.h>
#include "syscall_internal.h"

#define CONSOLE_FDS 32          /* descriptors a process may have: bits of a word */
#define CONSOLE_CHUNK 256       /* bytes copied from the process per console write */

/* One process's descriptors; its threads share it (fork copies it). */
struct console_files {
    struct spinlock lock;       /* guards the fields below; a leaf */
    uint32_t is_open;           /* bit fd: fd is the console */
    uint32_t is_cloexec;        /* bit fd: FD_CLOEXEC */
    uint64_t fd_limit;          /* RLIMIT_NOFILE */
};

static struct console_files *files(void)
{
    return proc_files();
}

/* ---- the context (proc/files.h) ------------------------------------- */

/* A context with no descriptor open. */
static struct console_files *console_files_alloc(void)
{
    struct console_files *cf = kzalloc(sizeof(*cf));
    if (!cf)
        return NULL;
    cf->lock = (struct spinlock)SPINLOCK_INIT;
    cf->fd_limit = CONSOLE_FDS;
    return cf;
}

static int console_files_init(void **out, struct cred_box *ids)
{
    (void)ids;                  /* the console judges nobody */
    *out = console_files_alloc();
    return *out ? 0 : -ENOMEM;
}

static int console_files_open_console(void *ctx, const char *console)
{
    (void)console;              /* whatever its name, it is the console */
    struct console_files *cf = ctx;
    spin_lock(&cf->lock);
    cf->is_open |= 07;
    spin_unlock(&cf->lock);
    return 0;
}

static int console_files_fork(void **child, void *parent, struct cred_box *child_ids)
{
    (void)child_ids;
    struct console_files *from = parent;
    struct console_files *cf = console_files_alloc();
    if (!cf)
        return -ENOMEM;
    spin_lock(&from->lock);
    cf->is_open = from->is_open;
    cf->is_cloexec = from->is_cloexec;
    cf->fd_limit = from->fd_limit;
    spin_unlock(&from->lock);
    *child = cf;
    return 0;
}

static void console_files_exec(void *ctx)
{
    struct console_files *cf = ctx;
    spin_lock(&cf->lock);
    cf->is_open &= ~cf->is_cloexec;
    cf->is_cloexec = 0;
    spin_unlock(&cf->lock);
}

static void console_files_release(void *ctx)
{
    kfree(ctx);
}

static void console_files_set_fd_limit(void *ctx, uint64_t limit)
{
    struct console_files *cf = ctx;
    __atomic_store_n(&cf->fd_limit, limit, __ATOMIC_RELAXED);
}

static bool is_open(struct console_files *cf, long fd)
{
    return fd >= 0 && fd < CONSOLE_FDS &&
           (__atomic_load_n(&cf->is_open, __ATOMIC_RELAXED) & (1u << fd));
}

static long console_files_fd_flags(void *ctx, int fd)
{
    return is_open(ctx, fd) ? O_RDWR : -EBADF;
}

static int console_files_open_exec(void *ctx, const char *path, struct file **out)
{
    (void)ctx, (void)path, (void)out;
    return -ENOENT;             /* no file tree to load a program from */
}

static bool console_files_is_ready(void)
{
    return true;
}

static const struct proc_files_ops console_files_ops = {
    .init = console_files_init,
    .open_console = console_files_open_console,
    .fork = console_files_fork,
    .exec = console_files_exec,
    .release = console_files_release,
    .set_fd_limit = console_files_set_fd_limit,
    .fd_flags = console_files_fd_flags,
    .open_exec = console_files_open_exec,
    .is_ready = console_files_is_ready,
    /* file_pread, file_stat, file_close: open_exec never gives a file */
};

/* ---- descriptors ---------------------------------------------------- */

/* Makes the lowest closed descriptor >= from a copy of the console;
 * cf->lock held. -EMFILE when none is left under the limit. */
static long fd_alloc_locked(struct console_files *cf, long from, bool is_cloexec)
{
    long limit = (long)MIN(cf->fd_limit, (uint64_t)CONSOLE_FDS);
    for (long fd = MAX(from, 0L); fd < limit; fd++) {
        if (!(cf->is_open & (1u << fd))) {
            cf->is_open |= 1u << fd;
            if (is_cloexec)
                cf->is_cloexec |= 1u << fd;
            else
                cf->is_cloexec &= ~(1u << fd);
            return fd;
        }
    }
    return -EMFILE;
}

static long dup_from(long fd, long from, bool is_cloexec)
{
    struct console_files *cf = files();
    spin_lock(&cf->lock);
    long rc = (fd >= 0 && fd < CONSOLE_FDS && (cf->is_open & (1u << fd)))
                  ? fd_alloc_locked(cf, from, is_cloexec) : -EBADF;
    spin_unlock(&cf->lock);
    return rc;
}

static long console_close(struct trap_frame *tf, const unsigned long *a)
{
    (void)tf;
    struct console_files *cf = files();
    long fd = (long)(int)a[0];
    if (fd < 0 || fd >= CONSOLE_FDS)
        return -EBADF;
    spin_lock(&cf->lock);
    long rc = (cf->is_open & (1u << fd)) ? 0 : -EBADF;
    cf->is_open &= ~(1u << fd);
    cf->is_cloexec &= ~(1u << fd);
    spin_unlock(&cf->lock);
    return rc;
}

static long console_dup(struct trap_frame *tf, const unsigned long *a)
{
    (void)tf;
    return dup_from((int)a[0], 0, false);
}

/* dup3(oldfd, newfd, flags): newfd, closed first if open, becomes the
 * console; flags O_CLOEXEC only, oldfd == newfd is EINVAL (Linux's). */
static long console_dup3(struct trap_frame *tf, const unsigned long *a)
{
    (void)tf;
    struct console_files *cf = files();
    long oldfd = (int)a[0], newfd = (int)a[1];
    int flags = (int)a[2];
    if (flags & ~O_CLOEXEC)
        return -EINVAL;
    if (oldfd == newfd)
        return -EINVAL;
    if (!is_open(cf, oldfd))
        return -EBADF;
    if (newfd < 0 || newfd >= CONSOLE_FDS ||
        (uint64_t)newfd >= __atomic_load_n(&cf->fd_limit, __ATOMIC_RELAXED))
        return -EBADF;
    spin_lock(&cf->lock);
    cf->is_open |= 1u << newfd;
    if (flags & O_CLOEXEC)
        cf->is_cloexec |= 1u << newfd;
    else
        cf->is_cloexec &= ~(1u << newfd);
    spin_unlock(&cf->lock);
    return newfd;
}

/* fcntl: duplication, FD_CLOEXEC, and the status flags: O_RDWR, and
 * F_SETFL's O_NONBLOCK/O_APPEND change nothing on a console that never
 * blocks (reads end at once) and cannot seek. */
static long console_fcntl(struct trap_frame *tf, const unsigned long *a)
{
    (void)tf;
    struct console_files *cf = files();
    long fd = (int)a[0];
    int cmd = (int)a[1];
    if (!is_open(cf, fd))
        return -EBADF;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        long from = (long)(int)a[2];
        if (from < 0)
            return -EINVAL;
        return dup_from(fd, from, cmd == F_DUPFD_CLOEXEC);
    }
    case F_GETFD:
        return (__atomic_load_n(&cf->is_cloexec, __ATOMIC_RELAXED) & (1u << fd)) ? FD_CLOEXEC
                                                                                 : 0;
    case F_SETFD:
        spin_lock(&cf->lock);
        if (a[2] & FD_CLOEXEC)
            cf->is_cloexec |= 1u << fd;
        else
            cf->is_cloexec &= ~(1u << fd);
        spin_unlock(&cf->lock);
        return 0;
    case F_GETFL:
        return O_RDWR;
    case F_SETFL:
        return 0;
    }
    return -EINVAL;
}

/* ---- I/O ------------------------------------------------------------ */

/* Writes len bytes of process memory at ubuf to the console. */
static long console_put(const char *ubuf, size_t len)
{
    char chunk[CONSOLE_CHUNK];
    for (size_t done = 0; done < len;) {
        size_t n = MIN(len - done, sizeof(chunk));
        if (copy_from_user(chunk, ubuf + done, n) < 0)
            return done ? (long)done : -EFAULT;
        plat_console_write(chunk, n);
        done += n;
    }
    return (long)len;
}

static long console_write(struct trap_frame *tf, const unsigned long *a)
{
    (void)tf;
    if (!is_open(files(), (int)a[0]))
        return -EBADF;
    if ((long)a[2] < 0)
        return -EINVAL;
    return console_put((const char *)a[1], a[2]);
}

static long console_writev(struct trap_frame *tf, const unsigned long *a)
{
    (void)tf;
    int iovcnt = (int)a[2];
    if (!is_open(files(), (int)a[0]))
        return -EBADF;
    if (iovcnt < 0 || iovcnt > IOV_MAX)
        return -EINVAL;
    long total = 0;
    for (int i = 0; i < iovcnt; i++) {
        struct iovec iov;
        if (copy_from_user(&iov, (const struct iovec *)a[1] + i, sizeof(iov)) < 0)
            return total ? total : -EFAULT;
        if ((long)iov.iov_len < 0)
            return total ? total : -EINVAL;
        long n = console_put(iov.iov_base, iov.iov_len);
        if (n < 0)
            return total ? total : n;
        total += n;
    }
    return total;
}

/* read and readv: end-of-file, the console gives processes no input. */
static long console_read(struct trap_frame *tf, const unsigned long *a)
{
    (void)tf;
    return is_open(files(), (int)a[0]) ? 0 : -EBADF;
}

/* lseek, pread, pwrite: a console cannot seek. */
static long console_spipe(struct trap_frame *tf, const unsigned long *a)
{
    (void)tf;
    return is_open(files(), (int)a[0]) ? -ESPIPE : -EBADF;
}

static long console_fstat(struct trap_frame *tf, const unsigned long *a)
{
    (void)tf;
    if (!is_open(files(), (int)a[0]))
        return -EBADF;
    struct stat st = { .st_mode = S_IFCHR | 0600, .st_nlink = 1, .st_blksize = 1024 };
    return copy_to_user((void *)a[1], &st, sizeof(st));
}

/* ioctl: not a terminal (there is no line discipline), FIONBIO aside. */
static long console_ioctl(struct trap_frame *tf, const unsigned long *a)
{
    (void)tf;
    if (!is_open(files(), (int)a[0]))
        return -EBADF;
    return a[1] == FIONBIO ? 0 : -ENOTTY;
}

static int console_files_register(void)
{
    proc_files_register(&console_files_ops);
    syscall_register(SYS_read, console_read);
    syscall_register(SYS_readv, console_read);
    syscall_register(SYS_write, console_write);
    syscall_register(SYS_writev, console_writev);
    syscall_register(SYS_pread, console_spipe);
    syscall_register(SYS_pwrite, console_spipe);
    syscall_register(SYS_lseek, console_spipe);
    syscall_register(SYS_close, console_close);
    syscall_register(SYS_dup, console_dup);
    syscall_register(SYS_dup3, console_dup3);
    syscall_register(SYS_fcntl, console_fcntl);
    syscall_register(SYS_fstat, console_fstat);
    syscall_register(SYS_ioctl, console_ioctl);
    return 0;
}
SUBSYS_REGISTER(syscall_console, SUBSYS_STAGE_LINKS, console_files_register, NULL);
