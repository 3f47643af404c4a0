/* Opening: open/openat, the generic file operations of regular files and
 * directories, and the choice of file operations by vnode type. */
#include <string.h>
#include <abi/errno.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <vfs/fs.h>
#include "vfs_internal.h"

static long vnode_file_read(struct file *f, void *buf, size_t len, uint64_t *offset)
{
    if (S_ISDIR(f->vn->mode))
        return -EISDIR;
    if (!f->vn->ops->read)
        return -EINVAL;
    long n = f->vn->ops->read(f->vn, buf, len, *offset);
    if (n > 0)
        *offset += (uint64_t)n;
    return n;
}

static long vnode_file_write(struct file *f, const void *buf, size_t len, uint64_t *offset)
{
    if (!f->vn->ops->write)
        return -EINVAL;
    long n = f->vn->ops->write(f->vn, buf, len, *offset);
    if (n > 0)
        *offset += (uint64_t)n;
    return n;
}

static unsigned vnode_file_poll(struct file *f, struct poll_waiter *pw)
{
    (void)f;
    (void)pw;
    return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;   /* never blocks */
}

const struct file_ops vnode_file_ops = {
    .read = vnode_file_read,
    .write = vnode_file_write,
    .poll = vnode_file_poll,
    .is_seekable = true,
};

int file_open_vnode(struct vnode *vn, int flags, struct file **out)
{
    const struct file_ops *ops;
    void *private_data = NULL;

    if (vn->ops->fops)
        ops = vn->ops->fops;
    else if (S_ISREG(vn->mode) || S_ISDIR(vn->mode) || S_ISLNK(vn->mode))
        ops = &vnode_file_ops;
    else if (S_ISFIFO(vn->mode))
        ops = &fifo_file_ops;
    else if (S_ISCHR(vn->mode))
        ops = devfs_device_ops(vn->rdev, &private_data);
    else
        ops = NULL;
    if (!ops)
        return -ENXIO;

    /* O_NOCTTY reaches the device's open (a terminal is acquired as the
     * controlling terminal without it), then leaves the file's flags. */
    struct file *f = file_alloc(vn, NULL, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC |
                                                    O_NOFOLLOW | O_DIRECTORY));
    if (!f)
        return -ENOMEM;
    f->private_data = private_data;
    if (ops->open) {
        int rc = ops->open(f);
        if (rc < 0) {
            file_put(f);        /* f->ops is still NULL: no release */
            return rc;
        }
    }
    f->flags &= ~O_NOCTTY;
    if (!f->ops)
        f->ops = ops;   /* an open may hand the file to another device (/dev/tty) */
    *out = f;
    return 0;
}

/* Resolves the directory a *at call starts from: NULL for the cwd. */
int vfs_at_start(struct vfs_ctx *ctx, int dirfd, const char *path, struct vnode **start)
{
    *start = NULL;
    if (!path)
        return -EFAULT;
    if (path[0] == '/' || dirfd == AT_FDCWD)
        return 0;
    struct file *f = fd_get(ctx->fds, dirfd);
    if (!f)
        return -EBADF;
    struct vnode *vn = f->vn;
    if (!vn || !S_ISDIR(vn->mode)) {
        file_put(f);
        return -ENOTDIR;
    }
    vnode_get(vn);
    file_put(f);
    *start = vn;
    return 0;
}

int vfs_at_view(struct vfs_ctx *ctx, int dirfd, const char *path, struct vfs_ctx *view)
{
    struct vnode *start;
    int rc = vfs_at_start(ctx, dirfd, path, &start);
    if (rc < 0 || !start)
        return rc;
    *view = *ctx;
    view->cwd_lock = (struct spinlock)SPINLOCK_INIT;   /* not a copy of ctx's state */
    view->cwd = start;          /* the reference vfs_at_start took */
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    view->own_ids = CRED_BOX_INIT(cred);        /* the view's own copy */
    view->ids = &view->own_ids;
    return 1;
}

void vfs_at_view_release(struct vfs_ctx *view)
{
    vnode_put(view->cwd);
}

/* Finds or creates the file open names. Returns it held, and whether this
 * call created it. */
static int open_vnode(struct vfs_ctx *ctx, const struct cred *cred, struct vnode *start,
                      const char *path, int flags, uint32_t mode, struct vnode **out,
                      bool *created)
{
    unsigned lookup_flags = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
    if (flags & O_DIRECTORY)
        lookup_flags |= LOOKUP_DIRECTORY;
    *created = false;

    for (int attempt = 0; attempt < 2; attempt++) {
        int rc = vfs_lookup_as(ctx, cred, start, path, lookup_flags, out);
        if (rc == 0)
            return (flags & O_CREAT) && (flags & O_EXCL) ? (vnode_put(*out), -EEXIST) : 0;
        if (rc != -ENOENT || !(flags & O_CREAT))
            return rc;

        struct vnode *dir;
        char name[NAME_MAX + 1];
        bool trailing_slash;
        rc = vfs_lookup_parent_as(ctx, cred, start, path, &dir, name, &trailing_slash);
        if (rc < 0)
            return rc;
        if (trailing_slash || vfs_is_dot_or_dotdot(name))
            rc = -EISDIR;
        else
            rc = vfs_may_modify_dir(cred, dir);
        if (rc == 0)
            rc = dir->ops->create ? dir->ops->create(dir, name, strlen(name),
                                                     S_IFREG | (mode & ~ctx->umask & 07777),
                                                     0, cred, out)
                                  : -EPERM;
        vnode_put(dir);
        if (rc == 0) {
            *created = true;
            return 0;
        }
        if (rc != -EEXIST || (flags & O_EXCL))
            return rc;
        /* Someone created it meanwhile: open theirs. */
    }
    return -EEXIST;
}

/* is_exec: exec's open, which asks execute permission instead of read (a
 * mode 0711 program runs) and a regular file. Returns the open file (one
 * reference) in *out, with no descriptor. */
static int open_file(struct vfs_ctx *ctx, int dirfd, const char *path, int flags, uint32_t mode,
                     bool is_exec, struct file **out)
{
    int accmode = flags & O_ACCMODE;
    if (accmode == O_ACCMODE)
        return -EINVAL;
    bool wants_write = accmode != O_RDONLY;

    struct vnode *start, *vn;
    bool created;
    struct cred cred;           /* one set of ids judges the whole open */
    vfs_cred_get(ctx, &cred);
    int rc = vfs_at_start(ctx, dirfd, path, &start);
    if (rc < 0)
        return rc;
    rc = open_vnode(ctx, &cred, start, path, flags, mode, &vn, &created);
    vnode_put(start);
    if (rc < 0)
        return rc;

    if (S_ISLNK(vn->mode))
        rc = -ELOOP;            /* O_NOFOLLOW on a symlink */
    else if (S_ISDIR(vn->mode) && (wants_write || (flags & O_TRUNC)))
        rc = -EISDIR;
    else if (is_exec && !S_ISREG(vn->mode))
        rc = -EACCES;
    else if (!created) {
        int amode = (accmode != O_WRONLY ? R_OK : 0) | (wants_write ? W_OK : 0);
        if (is_exec)
            amode = X_OK;
        rc = vnode_permission(vn, &cred, amode);
        if (rc == 0 && wants_write && (vn->sb->flags & MOUNT_RDONLY) &&
            (S_ISREG(vn->mode) || S_ISDIR(vn->mode)))
            rc = -EROFS;
    }
    if (rc == 0 && (flags & O_TRUNC) && wants_write && S_ISREG(vn->mode) && !created)
        rc = vn->ops->truncate ? vn->ops->truncate(vn, 0) : -EINVAL;

    if (rc == 0)
        rc = file_open_vnode(vn, flags, out);
    vnode_put(vn);
    return rc;
}

static int open_at(struct vfs_ctx *ctx, int dirfd, const char *path, int flags, uint32_t mode)
{
    struct file *f;
    int rc = open_file(ctx, dirfd, path, flags, mode, false, &f);
    if (rc < 0)
        return rc;
    rc = fd_install(ctx->fds, f, 0, (flags & O_CLOEXEC) != 0);
    if (rc < 0)
        file_put(f);
    return rc;
}

int vfs_openat(struct vfs_ctx *ctx, int dirfd, const char *path, int flags, uint32_t mode)
{
    return open_at(ctx, dirfd, path, flags, mode);
}

int vfs_open_exec(struct vfs_ctx *ctx, const char *path, struct file **out)
{
    return open_file(ctx, AT_FDCWD, path, O_RDONLY, 0, true, out);
}

void vfs_file_close(struct file *f)
{
    file_put(f);
}

void vfs_file_stat(struct file *f, struct stat *st)
{
    vnode_stat(f->vn, st);
}

int vfs_open(struct vfs_ctx *ctx, const char *path, int flags, uint32_t mode)
{
    return vfs_openat(ctx, AT_FDCWD, path, flags, mode);
}
