/* Write-back and space: sync, fsync, statfs, and the power-off hook that
 * leaves every disk filesystem synced and marked clean. */
#include <abi/errno.h>
#include <kern/printk.h>
#include <sched/sync.h>
#include <vfs/fs.h>

#define SYNC_MAX_MOUNTS 64

extern struct mutex vfs_mount_mutex;

/* Calls op (sync or shutdown) on every mounted filesystem that has it. */
static int for_each_mount(bool is_shutdown)
{
    struct superblock *sbs[SYNC_MAX_MOUNTS];
    mutex_lock(&vfs_mount_mutex);
    size_t n = vfs_mounted_superblocks(sbs, SYNC_MAX_MOUNTS);
    if (n > SYNC_MAX_MOUNTS)
        n = SYNC_MAX_MOUNTS;
    int result = 0;
    for (size_t i = 0; i < n; i++) {
        const struct superblock_ops *ops = sbs[i]->ops;
        int (*op)(struct superblock *) = !ops ? NULL : is_shutdown ? ops->shutdown : ops->sync;
        int rc = op ? op(sbs[i]) : 0;
        if (rc < 0 && result == 0)
            result = rc;
    }
    mutex_unlock(&vfs_mount_mutex);
    return result;
}

int vfs_sync(void)
{
    return for_each_mount(false);
}

void vfs_shutdown(void)
{
    int rc = for_each_mount(true);
    if (rc < 0)
        printk("vfs: write-back at power-off failed (%d)\n", rc);
}

int vfs_fsync(struct vfs_ctx *ctx, int fd)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    int rc = -EINVAL;
    if (f->vn) {
        const struct superblock_ops *ops = f->vn->sb->ops;
        rc = ops && ops->sync ? ops->sync(f->vn->sb) : 0;
    }
    file_put(f);
    return rc;
}

/* The statfs of the filesystem vn lives on. */
static int statfs_vnode(struct vnode *vn, struct vfs_statfs *st)
{
    const struct superblock_ops *ops = vn->sb->ops;
    int rc = 0;
    if (ops && ops->statfs) {
        rc = ops->statfs(vn->sb, st);
    } else {
        /* In-memory filesystems: no fixed size to report. */
        *st = (struct vfs_statfs){ .block_size = 4096, .name_max = NAME_MAX };
    }
    st->flags = vn->sb->flags & MOUNT_RDONLY;
    st->fstype = vn->sb->fstype;
    st->dev = vn->sb->dev;
    return rc;
}

int vfs_statfs(struct vfs_ctx *ctx, const char *path, struct vfs_statfs *st)
{
    struct vnode *vn;
    int rc = vfs_lookup(ctx, NULL, path, LOOKUP_FOLLOW, &vn);
    if (rc < 0)
        return rc;
    rc = statfs_vnode(vn, st);
    vnode_put(vn);
    return rc;
}

int vfs_fstatfs(struct vfs_ctx *ctx, int fd, struct vfs_statfs *st)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    int rc = f->vn ? statfs_vnode(f->vn, st) : -ENOSYS;
    file_put(f);
    return rc;
}
