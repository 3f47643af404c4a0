/* Vnodes: reference counting, permission checks and stat. A vnode lives as
 * long as someone holds a reference or its filesystem keeps it (a directory
 * entry); the filesystem's inactive operation decides when the last
 * reference goes. */
#include <stddef.h>
#include <string.h>
#include <abi/errno.h>
#include <kern/panic.h>
#include <mm/kmalloc.h>
#include <sched/timer.h>
#include <vfs/fs.h>

/* The layout must be newlib's, which both sides compile against. */
_Static_assert(sizeof(struct stat) == 104, "struct stat is newlib's (104 bytes)");
_Static_assert(offsetof(struct stat, st_size) == 16, "st_size at 16 as in newlib");
_Static_assert(offsetof(struct stat, st_atim) == 24, "st_atim at 24 as in newlib");
_Static_assert(offsetof(struct stat, st_blksize) == 72, "st_blksize at 72 as in newlib");

/* File times are wall-clock (CLOCK_REALTIME) nanoseconds. */
int64_t vfs_now_ns(void)
{
    return (int64_t)clock_realtime_ns();
}

struct vnode *vnode_alloc(struct superblock *sb, const struct vnode_ops *ops, uint32_t mode,
                          const struct cred *cred)
{
    struct vnode *vn = kzalloc(sizeof(*vn));
    if (!vn)
        return NULL;
    vn->sb = sb;
    vn->ops = ops;
    vn->refcount = 1;
    vn->mode = mode;
    vn->uid = cred ? cred->euid : 0;
    vn->gid = cred ? cred->egid : 0;
    vn->nlink = 0;
    spin_lock(&sb->lock);
    vn->ino = ++sb->next_ino;
    spin_unlock(&sb->lock);
    vn->mtime_ns = vn->ctime_ns = vn->atime_ns = vfs_now_ns();
    return vn;
}

void vnode_get(struct vnode *vn)
{
    spin_lock(&vn->sb->lock);
    assert(vn->refcount > 0);
    vn->refcount++;
    spin_unlock(&vn->sb->lock);
}

void vnode_put(struct vnode *vn)
{
    if (!vn)
        return;
    struct superblock *sb = vn->sb;
    spin_lock(&sb->lock);
    assert(vn->refcount > 0);
    if (sb->has_sleeping_inactive && vn->refcount == 1) {
        /* The filesystem drops the last reference under its own lock. */
        spin_unlock(&sb->lock);
        vn->ops->inactive(vn);
        return;
    }
    if (--vn->refcount == 0 && vn->ops->inactive)
        vn->ops->inactive(vn);      /* may free vn */
    spin_unlock(&sb->lock);
}

int vnode_permission(struct vnode *vn, const struct cred *cred, int amode)
{
    uint32_t mode = vn->mode;
    amode &= R_OK | W_OK | X_OK;
    if (cred->euid == 0) {
        /* root: everything, except executing a file nobody may execute */
        if ((amode & X_OK) && !S_ISDIR(mode) && !(mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
            return -EACCES;
        return 0;
    }
    /* owner, else group (effective or supplementary), else other */
    unsigned shift = cred->euid == vn->uid ? 6 : cred_in_group(cred, vn->gid) ? 3 : 0;
    unsigned granted = (mode >> shift) & 7;
    return ((unsigned)amode & ~granted) ? -EACCES : 0;
}

void vnode_stat(struct vnode *vn, struct stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = (int16_t)vn->sb->dev;
    st->st_ino = (uint16_t)vn->ino;
    st->st_mode = vn->mode;
    st->st_nlink = (uint16_t)vn->nlink;
    st->st_uid = (uint16_t)vn->uid;
    st->st_gid = (uint16_t)vn->gid;
    st->st_rdev = (int16_t)vn->rdev;
    st->st_size = (long)vn->size;
    st->st_atim.tv_sec = vn->atime_ns / 1000000000;
    st->st_atim.tv_nsec = vn->atime_ns % 1000000000;
    st->st_mtim.tv_sec = vn->mtime_ns / 1000000000;
    st->st_mtim.tv_nsec = vn->mtime_ns % 1000000000;
    st->st_ctim.tv_sec = vn->ctime_ns / 1000000000;
    st->st_ctim.tv_nsec = vn->ctime_ns % 1000000000;
    st->st_blksize = 4096;
    st->st_blocks = (long)((vn->size + 511) / 512);
}
