/* Path lookup: absolute and relative paths, ".", "..", mount crossing,
 * symlinks (at most SYMLOOP_MAX per lookup: ELOOP), trailing slashes
 * (the last component must then be a directory), ENAMETOOLONG for a path
 * of PATH_MAX bytes or more or a component above NAME_MAX. */
#include <stdbool.h>
#include <string.h>
#include <abi/errno.h>
#include <mm/kmalloc.h>
#include <vfs/fs.h>
#include "vfs_internal.h"

struct walk {
    struct vfs_ctx *ctx;
    const struct cred *cred;    /* one snapshot judges every component */
    unsigned links_followed;
};

static int walk_path(struct walk *w, struct vnode *dir, const char *path, unsigned flags,
                     struct vnode **out);

struct vnode *vfs_ctx_cwd(struct vfs_ctx *ctx)
{
    spin_lock(&ctx->cwd_lock);
    struct vnode *vn = ctx->cwd;
    vnode_get(vn);
    spin_unlock(&ctx->cwd_lock);
    return vn;
}

struct vnode *vfs_ctx_root(struct vfs_ctx *ctx)
{
    spin_lock(&ctx->cwd_lock);
    struct vnode *vn = ctx->root;
    vnode_get(vn);
    spin_unlock(&ctx->cwd_lock);
    return vn;
}

static bool is_root_for(struct walk *w, struct vnode *vn)
{
    if (w->ctx && w->ctx->root)
        return vn == w->ctx->root;
    struct vnode *root = vfs_root();
    bool is_root = vn == root;
    vnode_put(root);
    return is_root;
}

static struct vnode *start_root(struct walk *w)
{
    if (w->ctx && w->ctx->root)
        return vfs_ctx_root(w->ctx);
    return vfs_root();
}

/* One step from dir (held; consumed) through name. Returns the child held,
 * symlinks not followed. */
static int step(struct walk *w, struct vnode *dir, const char *name, size_t len,
                struct vnode **out)
{
    int rc;

    if (!S_ISDIR(dir->mode)) {
        vnode_put(dir);
        return -ENOTDIR;
    }
    rc = vnode_permission(dir, w->cred, X_OK);
    if (rc < 0) {
        vnode_put(dir);
        return rc;
    }
    if (len == 1 && name[0] == '.') {
        *out = dir;
        return 0;
    }
    if (len == 2 && name[0] == '.' && name[1] == '.') {
        if (is_root_for(w, dir)) {
            *out = dir;
            return 0;
        }
        dir = vfs_mount_covered(dir);
    }
    struct vnode *child;
    rc = dir->ops->lookup ? dir->ops->lookup(dir, name, len, &child) : -ENOTDIR;
    vnode_put(dir);
    if (rc < 0)
        return rc;
    *out = vfs_cross_mounts(child);
    return 0;
}

/* Replaces *vn, a symlink met during the walk of dir, by its target. */
static int follow_link(struct walk *w, struct vnode *dir, struct vnode **vn, unsigned flags)
{
    if (++w->links_followed > SYMLOOP_MAX)
        return -ELOOP;
    char *target = kmalloc(PATH_MAX);
    if (!target)
        return -ENOMEM;
    long n = (*vn)->ops->readlink ? (*vn)->ops->readlink(*vn, target, PATH_MAX - 1) : -EINVAL;
    if (n < 0) {
        kfree(target);
        return (int)n;
    }
    target[n] = '\0';
    struct vnode *resolved;
    vnode_get(dir);
    int rc = walk_path(w, dir, target, flags | LOOKUP_FOLLOW, &resolved);
    kfree(target);
    if (rc < 0)
        return rc;
    vnode_put(*vn);
    *vn = resolved;
    return 0;
}

/* Walks path from dir (held; consumed). */
static int walk_path(struct walk *w, struct vnode *dir, const char *path, unsigned flags,
                     struct vnode **out)
{
    if (path[0] == '\0') {
        vnode_put(dir);
        return -ENOENT;
    }
    if (path[0] == '/') {
        vnode_put(dir);
        dir = start_root(w);
        if (!dir)
            return -ENOENT;
    }
    const char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        if (*p == '\0')
            break;              /* "/", "a/" (the trailing slash case is below) */
        const char *name = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - name);
        if (len > NAME_MAX) {
            vnode_put(dir);
            return -ENAMETOOLONG;
        }
        const char *rest = p;
        while (*rest == '/')
            rest++;
        bool is_last = *rest == '\0';
        bool has_slash = *p == '/';

        struct vnode *child;
        vnode_get(dir);
        int rc = step(w, dir, name, len, &child);
        if (rc < 0) {
            vnode_put(dir);
            return rc;
        }
        if (S_ISLNK(child->mode) && (!is_last || has_slash || (flags & LOOKUP_FOLLOW))) {
            rc = follow_link(w, dir, &child, flags);
            if (rc < 0) {
                vnode_put(child);
                vnode_put(dir);
                return rc;
            }
        }
        vnode_put(dir);
        dir = child;
        if (is_last && has_slash && !S_ISDIR(dir->mode)) {
            vnode_put(dir);
            return -ENOTDIR;
        }
    }
    if ((flags & LOOKUP_DIRECTORY) && !S_ISDIR(dir->mode)) {
        vnode_put(dir);
        return -ENOTDIR;
    }
    *out = dir;
    return 0;
}

static int check_path(const char *path)
{
    if (!path)
        return -EFAULT;
    if (strnlen(path, PATH_MAX) >= PATH_MAX)
        return -ENAMETOOLONG;
    return 0;
}

static struct vnode *start_dir(struct walk *w, struct vnode *start)
{
    if (start) {
        vnode_get(start);
        return start;
    }
    if (w->ctx && w->ctx->cwd)
        return vfs_ctx_cwd(w->ctx);
    return vfs_root();
}

void vfs_cred_get(struct vfs_ctx *ctx, struct cred *out)
{
    cred_box_get(ctx->ids, out);
}

/* ctx's credentials, or root's for a kernel lookup without a context. */
static void cred_of(struct vfs_ctx *ctx, struct cred *out)
{
    if (ctx)
        vfs_cred_get(ctx, out);
    else
        *out = CRED_ROOT;
}

int vfs_lookup(struct vfs_ctx *ctx, struct vnode *start, const char *path, unsigned flags,
               struct vnode **out)
{
    struct cred cred;
    cred_of(ctx, &cred);
    return vfs_lookup_as(ctx, &cred, start, path, flags, out);
}

int vfs_lookup_parent(struct vfs_ctx *ctx, struct vnode *start, const char *path,
                      struct vnode **dir, char *name, bool *has_trailing_slash)
{
    struct cred cred;
    cred_of(ctx, &cred);
    return vfs_lookup_parent_as(ctx, &cred, start, path, dir, name, has_trailing_slash);
}

int vfs_lookup_as(struct vfs_ctx *ctx, const struct cred *cred, struct vnode *start,
                  const char *path, unsigned flags, struct vnode **out)
{
    int rc = check_path(path);
    if (rc < 0)
        return rc;
    struct walk w = { ctx, cred, 0 };
    struct vnode *dir = start_dir(&w, start);
    if (!dir)
        return -ENOENT;
    return walk_path(&w, dir, path, flags, out);
}

int vfs_lookup_parent_as(struct vfs_ctx *ctx, const struct cred *cred, struct vnode *start,
                         const char *path, struct vnode **dir, char *name,
                         bool *has_trailing_slash)
{
    int rc = check_path(path);
    if (rc < 0)
        return rc;
    if (path[0] == '\0')
        return -ENOENT;
    size_t end = strlen(path);
    size_t last_end = end;
    while (last_end > 0 && path[last_end - 1] == '/')
        last_end--;
    if (has_trailing_slash)
        *has_trailing_slash = last_end < end;
    size_t last_start = last_end;
    while (last_start > 0 && path[last_start - 1] != '/')
        last_start--;
    size_t len = last_end - last_start;
    if (len > NAME_MAX)
        return -ENAMETOOLONG;
    if (len == 0) {             /* only slashes: the root itself */
        name[0] = '.';
        name[1] = '\0';
        last_start = 1;
    } else {
        memcpy(name, path + last_start, len);
        name[len] = '\0';
    }

    struct walk w = { ctx, cred, 0 };
    struct vnode *d = start_dir(&w, start);
    if (!d)
        return -ENOENT;
    if (last_start == 0) {      /* "name": the start directory */
        if (!S_ISDIR(d->mode)) {
            vnode_put(d);
            return -ENOTDIR;
        }
        *dir = d;
        return 0;
    }
    /* The directory part, with its final slash ("a/b/" or "/"). */
    char *prefix = kmalloc(last_start + 1);
    if (!prefix) {
        vnode_put(d);
        return -ENOMEM;
    }
    memcpy(prefix, path, last_start);
    prefix[last_start] = '\0';
    rc = walk_path(&w, d, prefix, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, dir);
    kfree(prefix);
    return rc;
}
