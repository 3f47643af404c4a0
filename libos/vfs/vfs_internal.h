/* Helpers shared by the VFS's own files (not for filesystems). */
#ifndef VFS_INTERNAL_H
#define VFS_INTERNAL_H

#include <stdbool.h>
#include <string.h>
#include <vfs/fs.h>

extern const struct file_ops vnode_file_ops;

static inline bool vfs_is_dot_or_dotdot(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* The context's working directory and root, each returned held (taken
 * under ctx->cwd_lock: another thread may chdir meanwhile). */
struct vnode *vfs_ctx_cwd(struct vfs_ctx *ctx);
struct vnode *vfs_ctx_root(struct vfs_ctx *ctx);

int vfs_at_start(struct vfs_ctx *ctx, int dirfd, const char *path, struct vnode **start);
/* May cred add or remove entries of dir? -EACCES, -EROFS or 0. */
int vfs_may_modify_dir(const struct cred *cred, struct vnode *dir);
const struct file_ops *devfs_device_ops(uint32_t rdev, void **driver_data);
int vfs_truncate_vnode(struct vnode *vn, int64_t length);
/* limits.c: RLIMIT_FSIZE for a write of *len bytes at offset into vn
 * (regular files only): shortens *len to end at the limit, or returns
 * -EFBIG (and raises SIGXFSZ) when offset is already at or past it. */
int vfs_fsize_clamp(const struct vnode *vn, uint64_t offset, size_t *len);
/* The same for a truncate to length (only a growing one is checked). */
int vfs_fsize_check(const struct vnode *vn, uint64_t length);

#endif
