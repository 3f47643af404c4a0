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

/* filelock.c: advisory locks. A POSIX request: owner (a struct fdtable)
 * wants type (F_RDLCK, F_WRLCK; F_UNLCK: none) over bytes [start, end],
 * end OFFSET_MAX (INT64_MAX) for "to EOF and beyond". */
struct filelock_range {
    const void *owner;
    int pid;
    int type;
    int64_t start, end;
};
/* F_GETLK: fills req with the first lock of another owner that conflicts
 * (type, range and pid), or sets req->type to F_UNLCK. */
int filelock_posix_get(struct vnode *vn, struct filelock_range *req);
/* F_SETLK (-EAGAIN on a conflict) and F_SETLKW (is_wait: sleeps; -EINTR,
 * -EDEADLK); -ENOLCK without memory. */
int filelock_posix_set(struct vnode *vn, const struct filelock_range *req, bool is_wait);
/* owner closed a descriptor of vn: all its POSIX locks on vn go. */
void filelock_posix_release(struct vnode *vn, const void *owner);
/* flock: type F_RDLCK (LOCK_SH), F_WRLCK (LOCK_EX) or F_UNLCK; -EAGAIN
 * when !is_wait and another open file holds a conflicting lock. */
int filelock_flock(struct file *f, int type, bool is_wait);
/* The last reference to f is going: its flock lock goes. */
void filelock_file_release(struct file *f);

#endif
