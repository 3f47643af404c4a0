/* The calls that act on descriptors: close, read/write and their p- and
 * v- variants, lseek, dup/dup2/dup3, fcntl, fstat, ftruncate, getdents. */
#include <string.h>
#include <abi/errno.h>
#include <abi/ioctl.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <vfs/fs.h>
#include "vfs_internal.h"

/* Linux's cap on one transfer: keeps byte counts inside a long. */
#define VFS_IO_MAX 0x7ffff000UL

static void (*sigpipe_hook)(void);

void vfs_set_sigpipe_hook(void (*hook)(void))
{
    sigpipe_hook = hook;
}

void vfs_sigpipe(void)
{
    if (sigpipe_hook)
        sigpipe_hook();
}

int vfs_close(struct vfs_ctx *ctx, int fd)
{
    struct file *f = fd_remove(ctx->fds, fd);
    if (!f)
        return -EBADF;
    file_put(f);
    return 0;
}

static bool is_readable(const struct file *f)
{
    return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool is_writable(const struct file *f)
{
    return (f->flags & O_ACCMODE) != O_RDONLY;
}

static long call_io(struct file *f, void *buf, size_t len, uint64_t *offset, bool is_write)
{
    if (!is_write)
        return f->ops->read(f, buf, len, offset);
    int rc = vfs_fsize_clamp(f->vn, *offset, &len);
    return rc < 0 ? rc : f->ops->write(f, buf, len, offset);
}

/* One read or write at the file's offset (at == NULL) or at *at
 * (pread/pwrite, which ignore O_APPEND as POSIX says). */
static long do_io(struct file *f, void *buf, size_t len, const int64_t *at, bool is_write)
{
    if (is_write ? !is_writable(f) : !is_readable(f))
        return -EBADF;
    if (is_write ? !f->ops->write : !f->ops->read)
        return -EINVAL;
    len = MIN(len, VFS_IO_MAX);
    long n;
    if (at) {
        if (!f->ops->is_seekable)
            return -ESPIPE;
        if (*at < 0)
            return -EINVAL;
        uint64_t offset = (uint64_t)*at;
        n = call_io(f, buf, len, &offset, is_write);
    } else if (f->ops->is_seekable) {
        mutex_lock(&f->pos_lock);
        uint64_t offset = f->offset;
        if (is_write && (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_APPEND))
            offset = f->vn->size;
        n = call_io(f, buf, len, &offset, is_write);    /* may sleep (disk) */
        f->offset = offset;
        mutex_unlock(&f->pos_lock);
    } else {
        uint64_t unused = 0;
        n = call_io(f, buf, len, &unused, is_write);   /* pipes, devices: may sleep */
    }
    if (n == -EPIPE && is_write)
        vfs_sigpipe();
    return n;
}

static long fd_io(struct vfs_ctx *ctx, int fd, void *buf, size_t len, const int64_t *at,
                  bool is_write)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    long n = do_io(f, buf, len, at, is_write);
    file_put(f);
    return n;
}

long vfs_file_pread(struct file *f, void *buf, size_t len, int64_t offset)
{
    return do_io(f, buf, len, &offset, false);
}

long vfs_read(struct vfs_ctx *ctx, int fd, void *buf, size_t len)
{
    return fd_io(ctx, fd, buf, len, NULL, false);
}

long vfs_write(struct vfs_ctx *ctx, int fd, const void *buf, size_t len)
{
    return fd_io(ctx, fd, (void *)buf, len, NULL, true);
}

long vfs_pread(struct vfs_ctx *ctx, int fd, void *buf, size_t len, int64_t offset)
{
    return fd_io(ctx, fd, buf, len, &offset, false);
}

long vfs_pwrite(struct vfs_ctx *ctx, int fd, const void *buf, size_t len, int64_t offset)
{
    return fd_io(ctx, fd, (void *)buf, len, &offset, true);
}

static long fd_iov(struct vfs_ctx *ctx, int fd, const struct iovec *iov, int iovcnt,
                   bool is_write)
{
    if (iovcnt < 0 || iovcnt > IOV_MAX || (iovcnt && !iov))
        return -EINVAL;
    size_t total = 0;
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].iov_len > VFS_IO_MAX - total)
            return -EINVAL;
        total += iov[i].iov_len;
    }
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    long done = 0;
    if (is_write ? !is_writable(f) : !is_readable(f))
        done = -EBADF;
    for (int i = 0; done >= 0 && i < iovcnt; i++) {
        if (iov[i].iov_len == 0)
            continue;
        long n = do_io(f, iov[i].iov_base, iov[i].iov_len, NULL, is_write);
        if (n < 0) {
            if (done == 0)
                done = n;
            break;
        }
        done += n;
        if ((size_t)n < iov[i].iov_len)
            break;
    }
    file_put(f);
    return done;
}

long vfs_readv(struct vfs_ctx *ctx, int fd, const struct iovec *iov, int iovcnt)
{
    return fd_iov(ctx, fd, iov, iovcnt, false);
}

long vfs_writev(struct vfs_ctx *ctx, int fd, const struct iovec *iov, int iovcnt)
{
    return fd_iov(ctx, fd, iov, iovcnt, true);
}

int64_t vfs_lseek(struct vfs_ctx *ctx, int fd, int64_t offset, int whence)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    int64_t rc;
    if (!f->ops->is_seekable) {
        rc = -ESPIPE;
    } else {
        mutex_lock(&f->pos_lock);
        int64_t base = whence == SEEK_SET ? 0
                     : whence == SEEK_CUR ? (int64_t)f->offset
                     : whence == SEEK_END ? (int64_t)f->vn->size : -1;
        if (base < 0 || (offset > 0 && base > INT64_MAX - offset) || base + offset < 0) {
            rc = -EINVAL;
        } else {
            f->offset = (uint64_t)(base + offset);
            rc = base + offset;
        }
        mutex_unlock(&f->pos_lock);
    }
    file_put(f);
    return rc;
}

int vfs_dup(struct vfs_ctx *ctx, int fd)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    int rc = fd_install(ctx->fds, f, 0, false);
    if (rc < 0)
        file_put(f);
    return rc;
}

int vfs_dup3(struct vfs_ctx *ctx, int oldfd, int newfd, int flags)
{
    if (flags & ~O_CLOEXEC)
        return -EINVAL;
    if (oldfd == newfd)
        return -EINVAL;
    struct file *f = fd_get(ctx->fds, oldfd);
    if (!f)
        return -EBADF;
    int rc = fd_replace(ctx->fds, newfd, f, (flags & O_CLOEXEC) != 0);
    if (rc < 0)
        file_put(f);
    return rc;
}

int vfs_dup2(struct vfs_ctx *ctx, int oldfd, int newfd)
{
    if (oldfd == newfd) {
        struct file *f = fd_get(ctx->fds, oldfd);
        if (!f)
            return -EBADF;
        file_put(f);
        return newfd;
    }
    return vfs_dup3(ctx, oldfd, newfd, 0);
}

int vfs_fcntl(struct vfs_ctx *ctx, int fd, int cmd, long arg)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    int rc;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (arg < 0 || arg >= fd_limit(ctx->fds)) {
            rc = -EINVAL;
            break;
        }
        file_get(f);
        rc = fd_install(ctx->fds, f, (int)arg, cmd == F_DUPFD_CLOEXEC);
        if (rc < 0)
            file_put(f);
        break;
    case F_GETFD:
        rc = fd_get_cloexec(ctx->fds, fd);
        break;
    case F_SETFD:
        rc = fd_set_cloexec(ctx->fds, fd, (arg & FD_CLOEXEC) != 0);
        break;
    case F_GETFL:
        spin_lock(&f->lock);
        rc = f->flags;
        spin_unlock(&f->lock);
        break;
    case F_SETFL: {
        const int changeable = O_APPEND | O_NONBLOCK;
        spin_lock(&f->lock);
        f->flags = (f->flags & ~changeable) | ((int)arg & changeable);
        spin_unlock(&f->lock);
        rc = 0;
        break;
    }
    default:
        rc = -EINVAL;
        break;
    }
    file_put(f);
    return rc;
}

long vfs_ioctl(struct vfs_ctx *ctx, int fd, unsigned long request, unsigned long arg)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    long rc;
    if (request == FIONBIO) {
        if (!arg) {
            rc = -EFAULT;
        } else {
            spin_lock(&f->lock);
            if (*(const int *)arg)
                f->flags |= O_NONBLOCK;
            else
                f->flags &= ~O_NONBLOCK;
            spin_unlock(&f->lock);
            rc = 0;
        }
    } else {
        rc = f->ops && f->ops->ioctl ? f->ops->ioctl(f, request, arg) : -ENOTTY;
    }
    file_put(f);
    return rc;
}

int vfs_fstat(struct vfs_ctx *ctx, int fd, struct stat *st)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    vnode_stat(f->vn, st);
    file_put(f);
    return 0;
}

int vfs_ftruncate(struct vfs_ctx *ctx, int fd, int64_t length)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    int rc = !is_writable(f) ? -EBADF : vfs_truncate_vnode(f->vn, length);
    file_put(f);
    return rc;
}

struct dirent_buf {
    char *buf;
    size_t size, used;
    uint64_t next_pos;
    bool is_full;
};

static uint8_t dirent_type(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFDIR: return DT_DIR;
    case S_IFREG: return DT_REG;
    case S_IFLNK: return DT_LNK;
    case S_IFCHR: return DT_CHR;
    case S_IFBLK: return DT_BLK;
    case S_IFIFO: return DT_FIFO;
    case S_IFSOCK: return DT_SOCK;
    default: return DT_UNKNOWN;
    }
}

static int emit_dirent(void *arg, const char *name, size_t len, uint64_t ino, uint32_t mode)
{
    struct dirent_buf *d = arg;
    size_t reclen = ALIGN_UP(offsetof(struct dirent64, d_name) + len + 1, (size_t)8);
    if (d->used + reclen > d->size) {
        d->is_full = true;
        return 1;
    }
    struct dirent64 *de = (struct dirent64 *)(void *)(d->buf + d->used);
    memset(de, 0, reclen);
    de->d_ino = ino;
    de->d_off = (int64_t)++d->next_pos;
    de->d_reclen = (uint16_t)reclen;
    de->d_type = dirent_type(mode);
    memcpy(de->d_name, name, len);
    d->used += reclen;
    return 0;
}

long vfs_getdents(struct vfs_ctx *ctx, int fd, void *buf, size_t len)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    long rc;
    if (!S_ISDIR(f->vn->mode) || !f->vn->ops->readdir) {
        rc = -ENOTDIR;
    } else {
        mutex_lock(&f->pos_lock);
        uint64_t pos = f->offset;
        struct dirent_buf d = { buf, len, 0, pos, false };
        rc = f->vn->ops->readdir(f->vn, &pos, emit_dirent, &d);    /* may sleep (disk) */
        if (rc == 0) {
            f->offset = pos;
            rc = (long)d.used;
            if (d.used == 0 && d.is_full)
                rc = -EINVAL;   /* the next record does not fit */
        }
        mutex_unlock(&f->pos_lock);
    }
    file_put(f);
    return rc;
}
