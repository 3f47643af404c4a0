/* File times set on request: utimensat and futimens. The filesystems stamp
 * times themselves as files change (create, write, link counts, renames);
 * here a process sets the access and modification times, explicitly or to
 * now, and the change time follows. */
#include <abi/errno.h>
#include <vfs/fs.h>

#define NS_PER_SEC 1000000000L

static bool is_valid_time(const struct abi_timespec *ts)
{
    if (ts->tv_nsec == ABI_UTIME_NOW || ts->tv_nsec == ABI_UTIME_OMIT)
        return true;
    return ts->tv_nsec >= 0 && ts->tv_nsec < NS_PER_SEC && ts->tv_sec >= 0;
}

static bool is_explicit(const struct abi_timespec *ts)
{
    return ts->tv_nsec != ABI_UTIME_NOW && ts->tv_nsec != ABI_UTIME_OMIT;
}

/* Linux's rules: the owner or root may set any time; setting both to
 * "now" is also allowed to whoever may write the file. */
static int check_may_set(const struct cred *cred, struct vnode *vn,
                         const struct abi_timespec *times)
{
    if (vn->sb->flags & MOUNT_RDONLY)
        return -EROFS;
    if (cred->euid == 0 || cred->euid == vn->uid)
        return 0;
    if (times && (is_explicit(&times[0]) || is_explicit(&times[1])))
        return -EPERM;
    return vnode_permission(vn, cred, W_OK);
}

/* The new value of one time: now, explicit, or unchanged (old). */
static int64_t pick_time(const struct abi_timespec *ts, int64_t old, int64_t now)
{
    if (!ts || ts->tv_nsec == ABI_UTIME_NOW)
        return now;
    if (ts->tv_nsec == ABI_UTIME_OMIT)
        return old;
    return ts->tv_sec * NS_PER_SEC + ts->tv_nsec;
}

static int utimens_vnode(const struct cred *cred, struct vnode *vn,
                         const struct abi_timespec *times)
{
    if (times && (!is_valid_time(&times[0]) || !is_valid_time(&times[1])))
        return -EINVAL;
    if (times && times[0].tv_nsec == ABI_UTIME_OMIT && times[1].tv_nsec == ABI_UTIME_OMIT)
        return 0;           /* nothing to change, as on Linux */
    int rc = check_may_set(cred, vn, times);
    if (rc < 0)
        return rc;
    int64_t now = vfs_now_ns();
    spin_lock(&vn->sb->lock);
    vn->atime_ns = pick_time(times ? &times[0] : NULL, vn->atime_ns, now);
    vn->mtime_ns = pick_time(times ? &times[1] : NULL, vn->mtime_ns, now);
    vn->ctime_ns = now;
    spin_unlock(&vn->sb->lock);
    return vn->ops->write_attrs ? vn->ops->write_attrs(vn) : 0;
}

int vfs_utimens(struct vfs_ctx *ctx, const char *path, const struct abi_timespec *times,
                bool is_nofollow)
{
    struct vnode *vn;
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    int rc = vfs_lookup_as(ctx, &cred, NULL, path, is_nofollow ? 0 : LOOKUP_FOLLOW, &vn);
    if (rc < 0)
        return rc;
    rc = utimens_vnode(&cred, vn, times);
    vnode_put(vn);
    return rc;
}

int vfs_futimens(struct vfs_ctx *ctx, int fd, const struct abi_timespec *times)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    int rc = f->vn ? utimens_vnode(&cred, f->vn, times) : -EINVAL;   /* a pipe */
    file_put(f);
    return rc;
}
