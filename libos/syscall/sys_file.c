/* File calls: each copies its user arguments into kernel memory and calls
 * the libos/vfs function of the same name with the process's vfs_ctx.
 * They are SYSCALL_FILE (abi/syscalls.def): this library (syscall_file),
 * which every image with the VFS links, registers them at boot.
 * Data moves through a bounce buffer of at most IO_CHUNK bytes per step.
 * The *at calls resolve a relative path from their directory fd, through
 * a view of the context whose cwd is that directory (renameat and linkat:
 * their relative paths must share one directory fd, -ENOTSUP otherwise). */
#include <string.h>
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/ioctl.h>
#include <abi/limits.h>
#include <abi/poll.h>
#include <abi/select.h>
#include <abi/stat.h>
#include <abi/statfs.h>
#include <abi/syscall.h>
#include <abi/termios.h>
#include <abi/uio.h>
#include <kern/subsys.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <mm/vm.h>
#include <plat/timer.h>
#include <vfs/vfs.h>
#include <proc/calls.h>
#include <sched/timer.h>
#include "syscall_internal.h"

#define IO_CHUNK (64 * 1024)
#define IOV_MAX_COUNT 1024

static struct vfs_ctx *ctx(void)
{
    return proc_files();
}

/* A single-path *at call's path and the context that resolves it: the
 * process's, or a view whose cwd is the directory dirfd names. */
struct at_target {
    char *path;
    struct vfs_ctx *ctx;
    struct vfs_ctx view;
};

static long at_begin(long dirfd, const char *upath, struct at_target *t)
{
    long rc = user_path(upath, &t->path);
    if (rc < 0)
        return rc;
    t->ctx = ctx();
    rc = vfs_at_view(t->ctx, (int)dirfd, t->path, &t->view);
    if (rc < 0) {
        kfree(t->path);
        return rc;
    }
    if (rc == 1)
        t->ctx = &t->view;
    return 0;
}

static void at_end(struct at_target *t)
{
    if (t->ctx == &t->view)
        vfs_at_view_release(&t->view);
    kfree(t->path);
}

SYS_DEFINE(openat)
{
    char *path;
    long rc = user_path((const char *)a[1], &path);
    if (rc < 0)
        return rc;
    rc = vfs_openat(ctx(), (int)a[0], path, (int)a[2], (uint32_t)a[3]);
    kfree(path);
    return rc;
}

SYS_DEFINE(close)
{
    return vfs_close(ctx(), (int)a[0]);
}

/* read/pread: one bounded read, then the copy out. */
static long do_read(int fd, uintptr_t ubuf, size_t len, bool has_offset, int64_t offset)
{
    if (!len)
        return has_offset ? vfs_pread(ctx(), fd, NULL, 0, offset) : vfs_read(ctx(), fd, NULL, 0);
    if (!user_range_ok(ubuf, len, VM_WRITE))
        return -EFAULT;
    size_t n = MIN(len, (size_t)IO_CHUNK);
    void *buf = kmalloc(n);
    if (!buf)
        return -ENOMEM;
    long rc = has_offset ? vfs_pread(ctx(), fd, buf, n, offset) : vfs_read(ctx(), fd, buf, n);
    if (rc > 0 && copy_to_user((void *)ubuf, buf, (size_t)rc) < 0)
        rc = -EFAULT;
    kfree(buf);
    return rc;
}

/* write/pwrite: chunk by chunk until done or short. */
static long do_write(int fd, uintptr_t ubuf, size_t len, bool has_offset, int64_t offset)
{
    if (!len)
        return has_offset ? vfs_pwrite(ctx(), fd, NULL, 0, offset) : vfs_write(ctx(), fd, NULL, 0);
    if (!user_range_ok(ubuf, len, VM_READ))
        return -EFAULT;
    size_t chunk = MIN(len, (size_t)IO_CHUNK);
    void *buf = kmalloc(chunk);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    long rc = 0;
    while (done < len) {
        size_t n = MIN(chunk, len - done);
        if (copy_from_user(buf, (const void *)(ubuf + done), n) < 0) {
            rc = -EFAULT;
            break;
        }
        rc = has_offset ? vfs_pwrite(ctx(), fd, buf, n, offset + (int64_t)done)
                        : vfs_write(ctx(), fd, buf, n);
        if (rc <= 0)
            break;
        done += (size_t)rc;
        if ((size_t)rc < n)
            break;
    }
    kfree(buf);
    return done ? (long)done : rc;
}

SYS_DEFINE(read)
{
    return do_read((int)a[0], a[1], a[2], false, 0);
}

SYS_DEFINE(write)
{
    return do_write((int)a[0], a[1], a[2], false, 0);
}

SYS_DEFINE(pread)
{
    return do_read((int)a[0], a[1], a[2], true, (int64_t)a[3]);
}

SYS_DEFINE(pwrite)
{
    return do_write((int)a[0], a[1], a[2], true, (int64_t)a[3]);
}

static long do_vector(int fd, uintptr_t uiov, long count, bool is_write)
{
    if (count < 0 || count > IOV_MAX_COUNT)
        return -EINVAL;
    struct iovec *iov = kmalloc(sizeof(*iov) * (size_t)(count ? count : 1));
    if (!iov)
        return -ENOMEM;
    long total = 0, rc = 0;
    if (copy_from_user(iov, (const void *)uiov, sizeof(*iov) * (size_t)count) < 0) {
        rc = -EFAULT;
        goto out;
    }
    for (long i = 0; i < count; i++) {
        size_t len = iov[i].iov_len;
        if (!len)
            continue;
        rc = is_write ? do_write(fd, (uintptr_t)iov[i].iov_base, len, false, 0)
                      : do_read(fd, (uintptr_t)iov[i].iov_base, len, false, 0);
        if (rc <= 0)
            break;
        total += rc;
        if ((size_t)rc < len)
            break;
    }
out:
    kfree(iov);
    return total ? total : rc;
}

SYS_DEFINE(readv)
{
    return do_vector((int)a[0], a[1], (long)a[2], false);
}

SYS_DEFINE(writev)
{
    return do_vector((int)a[0], a[1], (long)a[2], true);
}

SYS_DEFINE(lseek)
{
    return vfs_lseek(ctx(), (int)a[0], (int64_t)a[1], (int)a[2]);
}

SYS_DEFINE(dup)
{
    return vfs_dup(ctx(), (int)a[0]);
}

SYS_DEFINE(dup3)
{
    return vfs_dup3(ctx(), (int)a[0], (int)a[1], (int)a[2]);
}

SYS_DEFINE(fcntl)
{
    int cmd = (int)a[1];
    if (cmd != F_GETLK && cmd != F_SETLK && cmd != F_SETLKW)
        return vfs_fcntl(ctx(), (int)a[0], cmd, (long)a[2]);
    struct abi_flock fl;
    if (copy_from_user(&fl, (const void *)a[2], sizeof(fl)) < 0)
        return -EFAULT;
    long rc = vfs_fcntl_lock(ctx(), (int)a[0], cmd, &fl, proc_getpid());
    if (rc == 0 && cmd == F_GETLK && copy_to_user((void *)a[2], &fl, sizeof(fl)) < 0)
        return -EFAULT;
    return rc;
}

SYS_DEFINE(flock)
{
    return vfs_flock(ctx(), (int)a[0], (int)a[1]);
}

SYS_DEFINE(fstatat)
{
    struct at_target t;
    struct stat st;
    if (!user_range_ok(a[2], sizeof(st), VM_WRITE))
        return -EFAULT;
    long rc = at_begin((long)a[0], (const char *)a[1], &t);
    if (rc < 0)
        return rc;
    rc = (a[3] & AT_SYMLINK_NOFOLLOW) ? vfs_lstat(t.ctx, t.path, &st)
                                      : vfs_stat(t.ctx, t.path, &st);
    at_end(&t);
    if (rc == 0 && copy_to_user((void *)a[2], &st, sizeof(st)) < 0)
        rc = -EFAULT;
    return rc;
}

SYS_DEFINE(fstat)
{
    struct stat st;
    if (!user_range_ok(a[1], sizeof(st), VM_WRITE))
        return -EFAULT;
    long rc = vfs_fstat(ctx(), (int)a[0], &st);
    if (rc == 0 && copy_to_user((void *)a[1], &st, sizeof(st)) < 0)
        rc = -EFAULT;
    return rc;
}

SYS_DEFINE(getdents)
{
    size_t len = MIN((size_t)a[2], (size_t)IO_CHUNK);
    if (!user_range_ok(a[1], len, VM_WRITE))
        return -EFAULT;
    void *buf = kmalloc(len ? len : 1);
    if (!buf)
        return -ENOMEM;
    long rc = vfs_getdents(ctx(), (int)a[0], buf, len);
    if (rc > 0 && copy_to_user((void *)a[1], buf, (size_t)rc) < 0)
        rc = -EFAULT;
    kfree(buf);
    return rc;
}

/* The path calls taking (dirfd, path, int arg). */
enum path_op { OP_MKDIR, OP_UNLINK, OP_CHMOD, OP_ACCESS, OP_MKNOD };

static long path_call(enum path_op op, const unsigned long *a)
{
    struct at_target t;
    long rc = at_begin((long)a[0], (const char *)a[1], &t);
    if (rc < 0)
        return rc;
    switch (op) {
    case OP_MKDIR:
        rc = vfs_mkdir(t.ctx, t.path, (uint32_t)a[2]);
        break;
    case OP_UNLINK:
        rc = (a[2] & AT_REMOVEDIR) ? vfs_rmdir(t.ctx, t.path) : vfs_unlink(t.ctx, t.path);
        break;
    case OP_CHMOD:
        rc = vfs_chmod(t.ctx, t.path, (uint32_t)a[2]);
        break;
    case OP_ACCESS:
        rc = vfs_faccess(t.ctx, t.path, (int)a[2], (int)a[3]);
        break;
    case OP_MKNOD:
        rc = vfs_mknod(t.ctx, t.path, (uint32_t)a[2], (uint32_t)a[3]);
        break;
    }
    at_end(&t);
    return rc;
}

SYS_DEFINE(mkdirat)
{
    return path_call(OP_MKDIR, a);
}

SYS_DEFINE(unlinkat)
{
    return path_call(OP_UNLINK, a);
}

SYS_DEFINE(fchmodat)
{
    return path_call(OP_CHMOD, a);
}

/* utimensat(dirfd, path, times, flags); path NULL: futimens(dirfd, times),
 * as Linux's system call does. */
SYS_DEFINE(utimensat)
{
    struct abi_timespec times[2];
    if (a[2] && copy_from_user(times, (const void *)a[2], sizeof(times)) < 0)
        return -EFAULT;
    const struct abi_timespec *maybe_times = a[2] ? times : NULL;
    if (a[3] & ~(unsigned long)AT_SYMLINK_NOFOLLOW)
        return -EINVAL;
    if (!a[1])
        return vfs_futimens(ctx(), (int)a[0], maybe_times);
    struct at_target t;
    long rc = at_begin((long)a[0], (const char *)a[1], &t);
    if (rc < 0)
        return rc;
    rc = vfs_utimens(t.ctx, t.path, maybe_times, a[3] & AT_SYMLINK_NOFOLLOW);
    at_end(&t);
    return rc;
}

/* An owner argument: -1 as 32 or 16 bits (newlib's uid_t) keeps it. */
static uint32_t owner_arg(unsigned long arg)
{
    uint32_t id = (uint32_t)arg;
    return id == CRED_ID_UNCHANGED || id == 0xffffu ? CRED_ID_UNCHANGED : id;
}

/* fchownat(dirfd, path, uid, gid, flags): AT_SYMLINK_NOFOLLOW is lchown. */
SYS_DEFINE(fchownat)
{
    if (a[4] & ~(unsigned long)AT_SYMLINK_NOFOLLOW)
        return -EINVAL;
    struct at_target t;
    long rc = at_begin((long)a[0], (const char *)a[1], &t);
    if (rc < 0)
        return rc;
    rc = vfs_chown(t.ctx, t.path, owner_arg(a[2]), owner_arg(a[3]),
                   a[4] & AT_SYMLINK_NOFOLLOW);
    at_end(&t);
    return rc;
}

SYS_DEFINE(fchown)
{
    return vfs_fchown(ctx(), (int)a[0], owner_arg(a[1]), owner_arg(a[2]));
}

SYS_DEFINE(fchmod)
{
    return vfs_fchmod(ctx(), (int)a[0], (uint32_t)a[1]);
}

/* Linux's f_type for a filesystem type name. */
static int64_t statfs_magic(const char *fstype)
{
    static const struct {
        const char *name;
        int64_t magic;
    } magics[] = {
        { "ext2", ABI_EXT2_SUPER_MAGIC }, { "ramfs", ABI_RAMFS_MAGIC },
        { "proc", ABI_PROC_SUPER_MAGIC }, { "devfs", ABI_TMPFS_MAGIC },
        { "devpts", ABI_DEVPTS_SUPER_MAGIC },
    };
    for (size_t i = 0; fstype && i < ARRAY_SIZE(magics); i++) {
        if (strcmp(fstype, magics[i].name) == 0)
            return magics[i].magic;
    }
    return 0;
}

/* statfs(path, buf) or, with path NULL, fstatfs(fd, buf). */
static long statfs_call(const char *upath, int fd, uintptr_t ubuf)
{
    struct abi_statfs out;
    if (!user_range_ok(ubuf, sizeof(out), VM_WRITE))
        return -EFAULT;
    struct vfs_statfs st;
    long rc;
    if (upath) {
        char *path;
        rc = user_path(upath, &path);
        if (rc < 0)
            return rc;
        rc = vfs_statfs(ctx(), path, &st);
        kfree(path);
    } else {
        rc = vfs_fstatfs(ctx(), fd, &st);
    }
    if (rc < 0)
        return rc;
    memset(&out, 0, sizeof(out));
    out.f_type = statfs_magic(st.fstype);
    out.f_bsize = out.f_frsize = (int64_t)st.block_size;
    out.f_blocks = st.blocks;
    out.f_bfree = st.blocks_free;
    out.f_bavail = st.blocks_avail;
    out.f_files = st.files;
    out.f_ffree = st.files_free;
    out.f_fsid[0] = (int32_t)st.dev;
    out.f_namelen = st.name_max;
    out.f_flags = ABI_ST_VALID | ((st.flags & MOUNT_RDONLY) ? ABI_ST_RDONLY : 0);
    return copy_to_user((void *)ubuf, &out, sizeof(out));
}

SYS_DEFINE(statfs)
{
    if (!a[0])
        return -EFAULT;
    return statfs_call((const char *)a[0], -1, a[1]);
}

SYS_DEFINE(fstatfs)
{
    return statfs_call(NULL, (int)a[0], a[1]);
}

SYS_DEFINE(faccessat)
{
    return path_call(OP_ACCESS, a);
}

SYS_DEFINE(mknodat)
{
    return path_call(OP_MKNOD, a);
}

/* Two paths: renameat(olddirfd, old, newdirfd, new), linkat(..., flags).
 * A relative path resolves from its directory fd; the relative ones must
 * share one (a view has one cwd): -ENOTSUP otherwise. */
static long two_paths(const unsigned long *a, bool is_link)
{
    char *from, *to;
    long rc = user_path((const char *)a[1], &from);
    if (rc < 0)
        return rc;
    rc = user_path((const char *)a[3], &to);
    if (rc < 0) {
        kfree(from);
        return rc;
    }
    bool is_from_relative = from[0] != '/', is_to_relative = to[0] != '/';
    int dirfd = is_from_relative ? (int)a[0] : is_to_relative ? (int)a[2] : AT_FDCWD;
    if (is_from_relative && is_to_relative && (int)a[0] != (int)a[2])
        rc = -ENOTSUP;
    struct vfs_ctx view, *c = ctx();
    if (rc == 0) {
        rc = vfs_at_view(c, dirfd, ".", &view);
        if (rc == 1) {
            c = &view;
            rc = 0;
        }
    }
    if (rc == 0)
        rc = is_link ? vfs_link(c, from, to) : vfs_rename(c, from, to);
    if (c == &view)
        vfs_at_view_release(&view);
    kfree(to);
    kfree(from);
    return rc;
}

SYS_DEFINE(renameat)
{
    return two_paths(a, false);
}

SYS_DEFINE(linkat)
{
    return two_paths(a, true);
}

SYS_DEFINE(symlinkat)
{
    char *target;
    struct at_target t;
    long rc = user_path((const char *)a[0], &target);
    if (rc < 0)
        return rc;
    rc = at_begin((long)a[1], (const char *)a[2], &t);
    if (rc == 0) {
        rc = vfs_symlink(t.ctx, target, t.path);
        at_end(&t);
    }
    kfree(target);
    return rc;
}

SYS_DEFINE(readlinkat)
{
    size_t size = MIN((size_t)a[3], (size_t)PATH_MAX);
    if (!user_range_ok(a[2], size, VM_WRITE))
        return -EFAULT;
    struct at_target t;
    long rc = at_begin((long)a[0], (const char *)a[1], &t);
    if (rc < 0)
        return rc;
    char *buf = kmalloc(size ? size : 1);
    if (buf) {
        rc = vfs_readlink(t.ctx, t.path, buf, size);
        if (rc > 0 && copy_to_user((void *)a[2], buf, (size_t)rc) < 0)
            rc = -EFAULT;
        kfree(buf);
    } else {
        rc = -ENOMEM;
    }
    at_end(&t);
    return rc;
}

SYS_DEFINE(chdir)
{
    char *path;
    long rc = user_path((const char *)a[0], &path);
    if (rc < 0)
        return rc;
    rc = vfs_chdir(ctx(), path);
    kfree(path);
    return rc;
}

SYS_DEFINE(fchdir)
{
    return vfs_fchdir(ctx(), (int)a[0]);
}

SYS_DEFINE(getcwd)
{
    size_t size = MIN((size_t)a[1], (size_t)PATH_MAX);
    if (!user_range_ok(a[0], size, VM_WRITE))
        return -EFAULT;
    char *buf = kmalloc(PATH_MAX);
    if (!buf)
        return -ENOMEM;
    long rc = vfs_getcwd(ctx(), buf, size);
    if (rc > 0 && copy_to_user((void *)a[0], buf, (size_t)rc) < 0)
        rc = -EFAULT;
    kfree(buf);
    return rc;
}

SYS_DEFINE(truncate)
{
    char *path;
    long rc = user_path((const char *)a[0], &path);
    if (rc < 0)
        return rc;
    rc = vfs_truncate(ctx(), path, (int64_t)a[1]);
    kfree(path);
    return rc;
}

SYS_DEFINE(ftruncate)
{
    return vfs_ftruncate(ctx(), (int)a[0], (int64_t)a[1]);
}

SYS_DEFINE(umask)
{
    return vfs_umask(ctx(), (uint32_t)a[0]);
}

SYS_DEFINE(pipe2)
{
    int fds[2];
    if (!user_range_ok(a[0], sizeof(fds), VM_WRITE))
        return -EFAULT;
    long rc = vfs_pipe2(ctx(), fds, (int)a[1]);
    if (rc == 0 && copy_to_user((void *)a[0], fds, sizeof(fds)) < 0) {
        vfs_close(ctx(), fds[0]);
        vfs_close(ctx(), fds[1]);
        rc = -EFAULT;
    }
    return rc;
}

SYS_DEFINE(poll)
{
    size_t nfds = a[1];
    if (nfds > 4096)
        return -EINVAL;
    size_t bytes = nfds * sizeof(struct pollfd);
    if (nfds && !user_range_ok(a[0], bytes, VM_READ | VM_WRITE))
        return -EFAULT;
    struct pollfd *fds = kmalloc(bytes ? bytes : 1);
    if (!fds)
        return -ENOMEM;
    long rc = copy_from_user(fds, (const void *)a[0], bytes);
    if (rc == 0) {
        long timeout_ms = (int)a[2];
        int64_t timeout_ns = timeout_ms < 0 ? -1 : timeout_ms * 1000000LL;
        rc = vfs_poll(ctx(), fds, nfds, timeout_ns);
        if (rc >= 0 && copy_to_user((void *)a[0], fds, bytes) < 0)
            rc = -EFAULT;
    }
    kfree(fds);
    return rc;
}

SYS_DEFINE(select)
{
    int nfds = (int)a[0];
    if (nfds < 0 || nfds > ABI_FD_SETSIZE)
        return -EINVAL;
    abi_fd_set sets[3];
    for (int i = 0; i < 3; i++)
        if (a[1 + i] && copy_from_user(&sets[i], (const void *)a[1 + i], sizeof(sets[i])) < 0)
            return -EFAULT;
    int64_t timeout_ns = -1;
    struct abi_timeval tv;
    uint64_t deadline = 0;
    if (a[4]) {
        if (copy_from_user(&tv, (const void *)a[4], sizeof(tv)) < 0)
            return -EFAULT;
        uint64_t rel_ns;        /* past TIME_MAX_REL_NS: for ever */
        if (tv.tv_usec < 0 || tv.tv_usec >= 1000000 ||
            time_to_ns(tv.tv_sec, (int64_t)tv.tv_usec * 1000, &rel_ns) == -EINVAL)
            return -EINVAL;
        timeout_ns = (int64_t)rel_ns;
        deadline = plat_time_ns() + rel_ns;
    }
    long rc = vfs_select(ctx(), nfds, a[1] ? &sets[0] : NULL, a[2] ? &sets[1] : NULL,
                         a[3] ? &sets[2] : NULL, timeout_ns);
    if (rc < 0)
        return rc;
    for (int i = 0; i < 3; i++)
        if (a[1 + i] && copy_to_user((void *)a[1 + i], &sets[i], sizeof(sets[i])) < 0)
            return -EFAULT;
    if (a[4]) {
        uint64_t now = plat_time_ns(), left = deadline > now ? deadline - now : 0;
        tv.tv_sec = (int64_t)(left / 1000000000ULL);
        tv.tv_usec = (long)((left % 1000000000ULL) / 1000);
        if (copy_to_user((void *)a[4], &tv, sizeof(tv)) < 0)
            return -EFAULT;
    }
    return rc;
}

SYS_DEFINE(fsync)
{
    return vfs_fsync(ctx(), (int)a[0]);
}

SYS_DEFINE(sync)
{
    return vfs_sync();
}

SYS_DEFINE(mount)
{
    char *target, *fstype = NULL, *source = NULL;
    long rc = user_path((const char *)a[1], &target);
    if (rc < 0)
        return rc;
    rc = user_path((const char *)a[2], &fstype);
    if (rc == 0 && a[0])
        rc = user_path((const char *)a[0], &source);
    if (rc == 0) {
        unsigned flags = a[3] & 1 ? MOUNT_RDONLY : 0;
        if (source && source[0] && strcmp(source, "none") != 0 && strcmp(fstype, "ext2") == 0)
            rc = vfs_mount_source(ctx(), fstype, source, target, flags);
        else
            rc = vfs_mount(ctx(), fstype, target, flags, 0);
    }
    kfree(source);
    kfree(fstype);
    kfree(target);
    return rc;
}

SYS_DEFINE(umount)
{
    char *target;
    long rc = user_path((const char *)a[0], &target);
    if (rc < 0)
        return rc;
    rc = vfs_umount(ctx(), target);
    kfree(target);
    return rc;
}

/* ioctl: the requests abi/ioctl.h lists, each with what its argument is
 * (a value, or a structure copied in and/or out through a kernel buffer);
 * the file's ioctl operation sees only kernel memory. Any other request
 * gets -ENOTTY (-EBADF for a bad descriptor): no driver ever sees a raw
 * user pointer. */
#define IOCTL_VALUE 0u
#define IOCTL_IN 1u
#define IOCTL_OUT 2u
static const struct {
    unsigned long request;
    unsigned direction;
    unsigned size;
} ioctl_args[] = {
    { TCGETS, IOCTL_OUT, sizeof(struct termios) },
    { TCSETS, IOCTL_IN, sizeof(struct termios) },
    { TCSETSW, IOCTL_IN, sizeof(struct termios) },
    { TCSETSF, IOCTL_IN, sizeof(struct termios) },
    { TCSBRK, IOCTL_VALUE, 0 },
    { TCXONC, IOCTL_VALUE, 0 },
    { TCFLSH, IOCTL_VALUE, 0 },
    { TIOCSCTTY, IOCTL_VALUE, 0 },
    { TIOCNOTTY, IOCTL_VALUE, 0 },
    { TIOCGPGRP, IOCTL_OUT, sizeof(int) },
    { TIOCSPGRP, IOCTL_IN, sizeof(int) },
    { TIOCOUTQ, IOCTL_OUT, sizeof(int) },
    { TIOCGWINSZ, IOCTL_OUT, sizeof(struct winsize) },
    { TIOCSWINSZ, IOCTL_IN, sizeof(struct winsize) },
    { FIONREAD, IOCTL_OUT, sizeof(int) },
    { FIONBIO, IOCTL_IN, sizeof(int) },
    { TIOCGSID, IOCTL_OUT, sizeof(int) },
    { TIOCGPTN, IOCTL_OUT, sizeof(unsigned) },
    { TIOCSPTLCK, IOCTL_IN, sizeof(int) },
};

SYS_DEFINE(ioctl)
{
    int fd = (int)a[0];
    unsigned long request = (unsigned)a[1];     /* Linux: an unsigned int */
    long rc = vfs_fcntl(ctx(), fd, F_GETFD, 0);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < ARRAY_SIZE(ioctl_args); i++) {
        if (ioctl_args[i].request != request)
            continue;
        if (ioctl_args[i].direction == IOCTL_VALUE)
            return vfs_ioctl(ctx(), fd, request, a[2]);
        unsigned char arg[64];
        size_t size = ioctl_args[i].size;
        _Static_assert(sizeof(struct termios) <= sizeof(arg), "ioctl buffer");
        memset(arg, 0, sizeof(arg));
        if ((ioctl_args[i].direction & IOCTL_IN) &&
            copy_from_user(arg, (const void *)a[2], size) < 0)
            return -EFAULT;
        if ((ioctl_args[i].direction & IOCTL_OUT) &&
            !user_range_ok((uintptr_t)a[2], size, VM_WRITE))
            return -EFAULT;
        rc = vfs_ioctl(ctx(), fd, request, (unsigned long)arg);
        if (rc >= 0 && (ioctl_args[i].direction & IOCTL_OUT) &&
            copy_to_user((void *)a[2], arg, size) < 0)
            return -EFAULT;
        return rc;
    }
    return -ENOTTY;
}

static int file_calls_register(void)
{
#define SYSCALL(nr, name, flags) \
    if ((flags) & SYSCALL_FILE) \
        syscall_register(nr, sys_##name);
#include <abi/syscalls.def>
    return 0;
}
SUBSYS_REGISTER(syscall_file, SUBSYS_STAGE_LINKS, file_calls_register, NULL);
