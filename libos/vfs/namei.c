/* The calls that act on names: stat, mkdir, rmdir, unlink, rename, link,
 * symlink, readlink, mknod, chmod, truncate, access, chdir, getcwd, and the
 * per-process context they work in (mounts: fstypes.c). */
#include <string.h>
#include <abi/errno.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <vfs/fs.h>
#include "vfs_internal.h"

int vfs_may_modify_dir(const struct cred *cred, struct vnode *dir)
{
    int rc = vnode_permission(dir, cred, W_OK | X_OK);
    if (rc < 0)
        return rc;
    return (dir->sb->flags & MOUNT_RDONLY) ? -EROFS : 0;
}

/* The sticky bit (/tmp): in such a directory only root, the directory's
 * owner and the entry's owner may remove or rename the entry name. A
 * missing entry is left for the filesystem to report. */
static int may_delete(const struct cred *cred, struct vnode *dir, const char *name)
{
    if (!(dir->mode & S_ISVTX) || cred->euid == 0 || cred->euid == dir->uid)
        return 0;
    struct vnode *vn;
    if (dir->ops->lookup(dir, name, strlen(name), &vn) < 0)
        return 0;
    int rc = vn->uid == cred->euid ? 0 : -EPERM;
    vnode_put(vn);
    return rc;
}

int vfs_ctx_init(struct vfs_ctx *ctx, struct cred cred)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->cwd_lock = (struct spinlock)SPINLOCK_INIT;
    ctx->own_ids = CRED_BOX_INIT(cred);
    ctx->ids = &ctx->own_ids;
    ctx->umask = 022;
    ctx->root = vfs_root();
    if (!ctx->root)
        return -ENOENT;
    vnode_get(ctx->root);
    ctx->cwd = ctx->root;
    ctx->fds = fdtable_create();
    if (!ctx->fds) {
        vfs_ctx_release(ctx);
        return -ENOMEM;
    }
    return 0;
}

int vfs_ctx_fork(struct vfs_ctx *child, struct vfs_ctx *parent)
{
    memset(child, 0, sizeof(*child));
    child->cwd_lock = (struct spinlock)SPINLOCK_INIT;
    child->fds = fdtable_clone(parent->fds);
    if (!child->fds)
        return -ENOMEM;
    struct cred cred;
    vfs_cred_get(parent, &cred);
    child->own_ids = CRED_BOX_INIT(cred);
    child->ids = &child->own_ids;
    child->umask = parent->umask;
    child->root = vfs_ctx_root(parent);
    child->cwd = vfs_ctx_cwd(parent);
    return 0;
}

void vfs_ctx_exec(struct vfs_ctx *ctx)
{
    fdtable_close_on_exec(ctx->fds);
}

/* The last thread of the process is gone: nobody else reads cwd or root. */
void vfs_ctx_release(struct vfs_ctx *ctx)
{
    fdtable_destroy(ctx->fds);
    vnode_put(ctx->cwd);
    vnode_put(ctx->root);
    memset(ctx, 0, sizeof(*ctx));
}

static int stat_path(struct vfs_ctx *ctx, const char *path, struct stat *st, unsigned flags)
{
    struct vnode *vn;
    int rc = vfs_lookup(ctx, NULL, path, flags, &vn);
    if (rc < 0)
        return rc;
    vnode_stat(vn, st);
    vnode_put(vn);
    return 0;
}

int vfs_stat(struct vfs_ctx *ctx, const char *path, struct stat *st)
{
    return stat_path(ctx, path, st, LOOKUP_FOLLOW);
}

int vfs_lstat(struct vfs_ctx *ctx, const char *path, struct stat *st)
{
    return stat_path(ctx, path, st, 0);
}

/* Creates a node of any type at path (mkdir, mknod, mkfifo, a socket's
 * bind); returns it held in *out when out is not NULL. */
static int make_node(struct vfs_ctx *ctx, const char *path, uint32_t mode, uint32_t rdev,
                     struct vnode **out)
{
    struct vnode *dir, *vn;
    char name[NAME_MAX + 1];
    bool trailing_slash;
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    int rc = vfs_lookup_parent_as(ctx, &cred, NULL, path, &dir, name, &trailing_slash);
    if (rc < 0)
        return rc;
    if (vfs_is_dot_or_dotdot(name))
        rc = -EEXIST;
    else if (trailing_slash && !S_ISDIR(mode))
        rc = -ENOENT;
    else
        rc = vnode_permission(dir, &cred, W_OK | X_OK);
    if (rc == 0 && (dir->sb->flags & MOUNT_RDONLY)) {
        /* an existing name is reported before the read-only mount */
        struct vnode *existing;
        rc = dir->ops->lookup(dir, name, strlen(name), &existing) == 0 ? -EEXIST : -EROFS;
        if (rc == -EEXIST)
            vnode_put(existing);
    }
    if (rc == 0)
        rc = dir->ops->create ? dir->ops->create(dir, name, strlen(name), mode, rdev,
                                                 &cred, &vn)
                              : -EPERM;
    vnode_put(dir);
    if (rc == 0 && out)
        *out = vn;
    else if (rc == 0)
        vnode_put(vn);
    return rc;
}

int vfs_mkdir(struct vfs_ctx *ctx, const char *path, uint32_t mode)
{
    return make_node(ctx, path, S_IFDIR | (mode & ~ctx->umask & 01777), 0, NULL);
}

int vfs_mknod(struct vfs_ctx *ctx, const char *path, uint32_t mode, uint32_t rdev)
{
    uint32_t type = mode & S_IFMT;
    if (type == 0)
        type = S_IFREG;
    if (type != S_IFREG && type != S_IFCHR && type != S_IFIFO)
        return -EINVAL;
    if (type == S_IFCHR && ctx->ids->cred.euid != 0)
        return -EPERM;
    return make_node(ctx, path, type | (mode & ~ctx->umask & 07777), rdev, NULL);
}

int vfs_mksock(struct vfs_ctx *ctx, const char *path, uint32_t mode, struct vnode **out)
{
    return make_node(ctx, path, S_IFSOCK | (mode & ~ctx->umask & 0777), 0, out);
}

int vfs_mkfifo(struct vfs_ctx *ctx, const char *path, uint32_t mode)
{
    return vfs_mknod(ctx, path, S_IFIFO | (mode & 07777), 0);
}

static int remove_name(struct vfs_ctx *ctx, const char *path, bool is_rmdir)
{
    struct vnode *dir;
    char name[NAME_MAX + 1];
    bool trailing_slash;
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    int rc = vfs_lookup_parent_as(ctx, &cred, NULL, path, &dir, name, &trailing_slash);
    if (rc < 0)
        return rc;
    if (strcmp(name, ".") == 0)
        rc = is_rmdir ? -EINVAL : -EISDIR;
    else if (strcmp(name, "..") == 0)
        rc = is_rmdir ? -ENOTEMPTY : -EISDIR;
    else if ((rc = vfs_may_modify_dir(&cred, dir)) == 0)
        rc = may_delete(&cred, dir, name);
    if (rc == 0 && !is_rmdir && trailing_slash) {
        /* "file/" names a directory or nothing */
        struct vnode *vn;
        rc = dir->ops->lookup(dir, name, strlen(name), &vn);
        if (rc == 0) {
            rc = S_ISDIR(vn->mode) ? -EISDIR : -ENOTDIR;
            vnode_put(vn);
        }
    }
    if (rc == 0)
        rc = dir->ops->unlink ? dir->ops->unlink(dir, name, strlen(name), is_rmdir) : -EPERM;
    vnode_put(dir);
    return rc;
}

int vfs_rmdir(struct vfs_ctx *ctx, const char *path)
{
    return remove_name(ctx, path, true);
}

int vfs_unlink(struct vfs_ctx *ctx, const char *path)
{
    return remove_name(ctx, path, false);
}

int vfs_rename(struct vfs_ctx *ctx, const char *from, const char *to)
{
    struct vnode *from_dir, *to_dir;
    char from_name[NAME_MAX + 1], to_name[NAME_MAX + 1];
    bool from_slash, to_slash;
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    int rc = vfs_lookup_parent_as(ctx, &cred, NULL, from, &from_dir, from_name, &from_slash);
    if (rc < 0)
        return rc;
    rc = vfs_lookup_parent_as(ctx, &cred, NULL, to, &to_dir, to_name, &to_slash);
    if (rc < 0) {
        vnode_put(from_dir);
        return rc;
    }
    if (vfs_is_dot_or_dotdot(from_name) || vfs_is_dot_or_dotdot(to_name))
        rc = -EINVAL;
    else if (from_dir->sb != to_dir->sb)
        rc = -EXDEV;
    else if ((rc = vfs_may_modify_dir(&cred, from_dir)) == 0 &&
             (rc = vfs_may_modify_dir(&cred, to_dir)) == 0 &&
             (rc = may_delete(&cred, from_dir, from_name)) == 0)
        rc = may_delete(&cred, to_dir, to_name);      /* a replaced target */
    if (rc == 0 && (from_slash || to_slash)) {
        struct vnode *vn;
        rc = from_dir->ops->lookup(from_dir, from_name, strlen(from_name), &vn);
        if (rc == 0) {
            rc = S_ISDIR(vn->mode) ? 0 : -ENOTDIR;
            vnode_put(vn);
        }
    }
    if (rc == 0)
        rc = from_dir->ops->rename ? from_dir->ops->rename(from_dir, from_name,
                                                           strlen(from_name), to_dir, to_name,
                                                           strlen(to_name))
                                   : -EPERM;
    vnode_put(from_dir);
    vnode_put(to_dir);
    return rc;
}

int vfs_link(struct vfs_ctx *ctx, const char *existing, const char *newpath)
{
    struct vnode *target, *dir;
    char name[NAME_MAX + 1];
    bool trailing_slash;
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    int rc = vfs_lookup_as(ctx, &cred, NULL, existing, 0, &target);
    if (rc < 0)
        return rc;
    if (S_ISDIR(target->mode)) {
        vnode_put(target);
        return -EPERM;
    }
    rc = vfs_lookup_parent_as(ctx, &cred, NULL, newpath, &dir, name, &trailing_slash);
    if (rc < 0) {
        vnode_put(target);
        return rc;
    }
    if (vfs_is_dot_or_dotdot(name))
        rc = -EEXIST;
    else if (trailing_slash)
        rc = -ENOENT;
    else if (dir->sb != target->sb)
        rc = -EXDEV;
    else
        rc = vfs_may_modify_dir(&cred, dir);
    if (rc == 0)
        rc = dir->ops->link ? dir->ops->link(dir, name, strlen(name), target) : -EPERM;
    vnode_put(dir);
    vnode_put(target);
    return rc;
}

int vfs_symlink(struct vfs_ctx *ctx, const char *target, const char *linkpath)
{
    if (!target)
        return -EFAULT;
    if (target[0] == '\0')
        return -ENOENT;
    if (strnlen(target, PATH_MAX) >= PATH_MAX)
        return -ENAMETOOLONG;
    struct vnode *dir;
    char name[NAME_MAX + 1];
    bool trailing_slash;
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    int rc = vfs_lookup_parent_as(ctx, &cred, NULL, linkpath, &dir, name, &trailing_slash);
    if (rc < 0)
        return rc;
    if (vfs_is_dot_or_dotdot(name))
        rc = -EEXIST;
    else if (trailing_slash)
        rc = -ENOENT;
    else
        rc = vfs_may_modify_dir(&cred, dir);
    if (rc == 0)
        rc = dir->ops->symlink ? dir->ops->symlink(dir, name, strlen(name), target, &cred)
                               : -EPERM;
    vnode_put(dir);
    return rc;
}

long vfs_readlink(struct vfs_ctx *ctx, const char *path, char *buf, size_t size)
{
    if (size == 0)
        return -EINVAL;
    struct vnode *vn;
    int rc = vfs_lookup(ctx, NULL, path, 0, &vn);
    if (rc < 0)
        return rc;
    long n = S_ISLNK(vn->mode) && vn->ops->readlink ? vn->ops->readlink(vn, buf, size)
                                                     : -EINVAL;
    vnode_put(vn);
    return n;
}

static int set_cwd(struct vfs_ctx *ctx, const struct cred *cred, struct vnode *vn)
{
    if (!S_ISDIR(vn->mode))
        return -ENOTDIR;
    int rc = vnode_permission(vn, cred, X_OK);
    if (rc < 0)
        return rc;
    vnode_get(vn);
    spin_lock(&ctx->cwd_lock);
    struct vnode *old = ctx->cwd;
    ctx->cwd = vn;
    spin_unlock(&ctx->cwd_lock);
    vnode_put(old);             /* may sleep (ext2 inactive): not under the lock */
    return 0;
}

int vfs_chdir(struct vfs_ctx *ctx, const char *path)
{
    struct vnode *vn;
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    int rc = vfs_lookup_as(ctx, &cred, NULL, path, LOOKUP_FOLLOW, &vn);
    if (rc < 0)
        return rc;
    rc = set_cwd(ctx, &cred, vn);
    vnode_put(vn);
    return rc;
}

int vfs_fchdir(struct vfs_ctx *ctx, int fd)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    int rc = f->vn ? set_cwd(ctx, &cred, f->vn) : -ENOTDIR;
    file_put(f);
    return rc;
}

struct name_search {
    uint64_t ino;
    char *name;                 /* NAME_MAX + 1 bytes */
    bool is_found;
};

static int match_ino(void *arg, const char *name, size_t len, uint64_t ino, uint32_t mode)
{
    struct name_search *s = arg;
    (void)mode;
    if (ino != s->ino || (len == 1 && name[0] == '.') ||
        (len == 2 && name[0] == '.' && name[1] == '.'))
        return 0;
    memcpy(s->name, name, len);
    s->name[len] = '\0';
    s->is_found = true;
    return 1;
}

long vfs_getcwd(struct vfs_ctx *ctx, char *buf, size_t size)
{
    char *path = kmalloc(PATH_MAX + NAME_MAX + 1);
    if (!path)
        return -ENOMEM;
    char *name = path + PATH_MAX;
    size_t start = PATH_MAX - 1;
    path[start] = '\0';
    long rc = 0;

    struct vnode *vn = vfs_ctx_cwd(ctx);
    while (vn != ctx->root) {
        vn = vfs_mount_covered(vn);
        if (vn == ctx->root)
            break;
        struct vnode *parent;
        rc = vn->ops->lookup(vn, "..", 2, &parent);
        if (rc < 0)
            break;              /* a removed directory: ENOENT */
        struct name_search s = { vn->ino, name, false };
        uint64_t pos = 0;
        if (parent == vn) {
            vnode_put(parent);
            rc = -ENOENT;
            break;
        }
        parent->ops->readdir(parent, &pos, match_ino, &s);
        vnode_put(vn);
        vn = parent;
        size_t len = strlen(name);
        if (!s.is_found) {
            rc = -ENOENT;
            break;
        }
        if (len + 1 > start) {
            rc = -ENAMETOOLONG;
            break;
        }
        start -= len;
        memcpy(path + start, name, len);
        path[--start] = '/';
    }
    vnode_put(vn);
    if (rc == 0) {
        if (start == PATH_MAX - 1)
            path[--start] = '/';
        size_t len = PATH_MAX - 1 - start;
        if (len + 1 > size)
            rc = -ERANGE;
        else {
            memcpy(buf, path + start, len + 1);
            rc = (long)len + 1;
        }
    }
    kfree(path);
    return rc;
}

/* chmod and fchmod: the owner or root changes the permission bits. As on
 * Linux, a non-root owner outside the file's group loses S_ISGID. */
static int chmod_vnode(const struct cred *cred, struct vnode *vn, uint32_t mode)
{
    if (cred->euid != 0 && cred->euid != vn->uid)
        return -EPERM;
    if (vn->sb->flags & MOUNT_RDONLY)
        return -EROFS;
    if (cred->euid != 0 && !S_ISDIR(vn->mode) && !cred_in_group(cred, vn->gid))
        mode &= ~(uint32_t)S_ISGID;
    spin_lock(&vn->sb->lock);
    vn->mode = (vn->mode & S_IFMT) | (mode & 07777);
    vn->ctime_ns = vfs_now_ns();
    spin_unlock(&vn->sb->lock);
    return vn->ops->write_attrs ? vn->ops->write_attrs(vn) : 0;
}

int vfs_chmod(struct vfs_ctx *ctx, const char *path, uint32_t mode)
{
    struct vnode *vn;
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    int rc = vfs_lookup_as(ctx, &cred, NULL, path, LOOKUP_FOLLOW, &vn);
    if (rc < 0)
        return rc;
    rc = chmod_vnode(&cred, vn, mode);
    vnode_put(vn);
    return rc;
}

int vfs_fchmod(struct vfs_ctx *ctx, int fd, uint32_t mode)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    int rc = f->vn ? chmod_vnode(&cred, f->vn, mode) : -EINVAL;    /* a pipe */
    file_put(f);
    return rc;
}

/* chown, lchown, fchown and fchownat (Linux's rules): only root gives a
 * file away; its owner may change its group to one of the owner's groups;
 * CRED_ID_UNCHANGED keeps an id (the owner may "change" it to itself).
 * Like Linux (root included), a change clears S_ISUID on anything but a
 * directory, and S_ISGID when group execute is set. */
static int chown_vnode(const struct cred *cred, struct vnode *vn, uint32_t uid, uint32_t gid)
{
    if ((uid != CRED_ID_UNCHANGED && uid > CRED_ID_MAX) ||
        (gid != CRED_ID_UNCHANGED && gid > CRED_ID_MAX))
        return -EINVAL;
    if (cred->euid != 0) {
        bool is_owner = cred->euid == vn->uid;
        if (uid != CRED_ID_UNCHANGED && !(is_owner && uid == vn->uid))
            return -EPERM;
        if (gid != CRED_ID_UNCHANGED && !(is_owner && (gid == vn->gid || cred_in_group(cred, gid))))
            return -EPERM;
    }
    if (vn->sb->flags & MOUNT_RDONLY)
        return -EROFS;
    spin_lock(&vn->sb->lock);
    if (uid != CRED_ID_UNCHANGED)
        vn->uid = uid;
    if (gid != CRED_ID_UNCHANGED)
        vn->gid = gid;
    if (!S_ISDIR(vn->mode)) {
        vn->mode &= ~(uint32_t)S_ISUID;
        if (vn->mode & S_IXGRP)
            vn->mode &= ~(uint32_t)S_ISGID;
    }
    vn->ctime_ns = vfs_now_ns();
    spin_unlock(&vn->sb->lock);
    return vn->ops->write_attrs ? vn->ops->write_attrs(vn) : 0;
}

int vfs_chown(struct vfs_ctx *ctx, const char *path, uint32_t uid, uint32_t gid,
              bool is_nofollow)
{
    struct vnode *vn;
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    int rc = vfs_lookup_as(ctx, &cred, NULL, path, is_nofollow ? 0 : LOOKUP_FOLLOW, &vn);
    if (rc < 0)
        return rc;
    rc = chown_vnode(&cred, vn, uid, gid);
    vnode_put(vn);
    return rc;
}

int vfs_fchown(struct vfs_ctx *ctx, int fd, uint32_t uid, uint32_t gid)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    int rc = f->vn ? chown_vnode(&cred, f->vn, uid, gid) : -EINVAL;     /* a pipe */
    file_put(f);
    return rc;
}

/* truncate and ftruncate once the vnode is known writable. */
int vfs_truncate_vnode(struct vnode *vn, int64_t length)
{
    if (length < 0)
        return -EINVAL;
    if (S_ISDIR(vn->mode))
        return -EISDIR;
    if (!S_ISREG(vn->mode) || !vn->ops->truncate)
        return -EINVAL;
    if (vn->sb->flags & MOUNT_RDONLY)
        return -EROFS;
    int rc = vfs_fsize_check(vn, (uint64_t)length);
    return rc < 0 ? rc : vn->ops->truncate(vn, (uint64_t)length);
}

int vfs_truncate(struct vfs_ctx *ctx, const char *path, int64_t length)
{
    struct vnode *vn;
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    int rc = vfs_lookup_as(ctx, &cred, NULL, path, LOOKUP_FOLLOW, &vn);
    if (rc < 0)
        return rc;
    if (S_ISDIR(vn->mode))
        rc = -EISDIR;
    else
        rc = vnode_permission(vn, &cred, W_OK);
    if (rc == 0)
        rc = vfs_truncate_vnode(vn, length);
    vnode_put(vn);
    return rc;
}

uint32_t vfs_umask(struct vfs_ctx *ctx, uint32_t mask)
{
    uint32_t old = ctx->umask;
    ctx->umask = mask & 0777;
    return old;
}

int vfs_faccess(struct vfs_ctx *ctx, const char *path, int amode, int flags)
{
    if (amode & ~(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW))
        return -EINVAL;
    /* access(2) asks for the real ids (a set-uid program checking what its
     * caller may do); AT_EACCESS for the effective ones. The whole lookup
     * is judged by them, as on Linux. */
    struct cred cred;
    vfs_cred_get(ctx, &cred);
    if (!(flags & AT_EACCESS)) {
        cred.euid = cred.uid;
        cred.egid = cred.gid;
    }
    struct vnode *vn;
    int rc = vfs_lookup_as(ctx, &cred, NULL, path,
                           (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &vn);
    if (rc < 0)
        return rc;
    rc = vnode_permission(vn, &cred, amode);
    if (rc == 0 && (amode & W_OK) && (vn->sb->flags & MOUNT_RDONLY) &&
        (S_ISREG(vn->mode) || S_ISDIR(vn->mode) || S_ISLNK(vn->mode)))
        rc = -EROFS;
    vnode_put(vn);
    return rc;
}

int vfs_access(struct vfs_ctx *ctx, const char *path, int amode)
{
    return vfs_faccess(ctx, path, amode, 0);
}
