/* ext2's vnode operations: the VFS calls these with permissions, types and
 * read-only mounts already checked. Each takes fs->lock for its whole
 * duration (one lock per filesystem: simple, and the disk is the
 * bottleneck anyway). */
#include <string.h>
#include <abi/errno.h>
#include <kern/util.h>
#include "ext2_internal.h"

static int64_t now_ns(struct ext2_fs *fs)
{
    return (int64_t)ext2_now(fs) * 1000000000;
}

static int check_writable(struct ext2_fs *fs)
{
    return fs->is_read_only ? -EROFS : 0;
}

/* Writes the inodes an operation changed; the first error wins. */
static int write_both(struct ext2_fs *fs, struct vnode *a, struct vnode *b)
{
    int rc = a ? ext2_write_inode(fs, ext2_info_of(a), false) : 0;
    int rc2 = b && b != a ? ext2_write_inode(fs, ext2_info_of(b), false) : 0;
    return rc ? rc : rc2;
}

/* 0 when dir has no entry name (slot then tells where one may go),
 * -EEXIST when it has, else the lookup's error. */
static int name_must_be_free(struct ext2_fs *fs, struct vnode *dir, const char *name,
                             size_t len, struct ext2_dir_slot *slot)
{
    int rc = ext2_dir_find(fs, dir, name, len, slot);
    if (rc == 0)
        return -EEXIST;
    if (rc == -ENOENT)
        return 0;
    return rc;
}

/* 0 when the directory vn is empty, -ENOTEMPTY when not, else the error
 * reading it. */
static int dir_must_be_empty(struct ext2_fs *fs, struct vnode *vn)
{
    int rc = ext2_dir_is_empty(fs, vn);
    if (rc == 1)
        return 0;
    if (rc == 0)
        return -ENOTEMPTY;
    return rc;
}

static int ext2_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    struct ext2_fs *fs = ext2_fs_of(dir);
    mutex_lock(&fs->lock);
    struct ext2_dir_slot slot;
    int rc = dir->nlink == 0 ? -ENOENT : ext2_dir_find(fs, dir, name, len, &slot);
    if (rc == 0)
        rc = ext2_iget(fs, slot.ino, out);
    mutex_unlock(&fs->lock);
    return rc;
}

/* Undoes a half-made inode: no link, so the last put frees it. */
static void discard_new(struct vnode *vn)
{
    vn->nlink = 0;
    ext2_iput_locked(vn);
}

static int ext2_create(struct vnode *dir, const char *name, size_t len, uint32_t mode,
                       uint32_t rdev, const struct cred *cred, struct vnode **out)
{
    struct ext2_fs *fs = ext2_fs_of(dir);
    mutex_lock(&fs->lock);
    struct ext2_dir_slot slot;
    struct vnode *vn = NULL;
    int rc = check_writable(fs);
    if (rc == 0 && dir->nlink == 0)
        rc = -ENOENT;
    if (rc == 0 && S_ISDIR(mode) && dir->nlink >= EXT2_LINK_MAX)
        rc = -EMLINK;
    if (rc == 0) {
        rc = name_must_be_free(fs, dir, name, len, &slot);
    }
    if (rc == 0)
        rc = ext2_new_inode(fs, dir, mode, cred, &vn);
    if (rc < 0)
        goto out;
    struct ext2_inode_info *ii = ext2_info_of(vn);
    if (S_ISCHR(mode) || S_ISBLK(mode)) {
        vn->rdev = rdev;
        if (rdev <= 0xffff)
            ii->raw.i_block[0] = rdev;
        else
            ii->raw.i_block[1] = rdev;
    }
    if (S_ISDIR(mode)) {
        rc = ext2_dir_init(fs, vn, ext2_info_of(dir)->ino);
        if (rc < 0) {
            discard_new(vn);
            goto out;
        }
    }
    rc = ext2_dir_add(fs, dir, name, len, ii->ino, mode);
    if (rc < 0) {
        discard_new(vn);
        goto out;
    }
    vn->nlink = S_ISDIR(mode) ? 2 : 1;
    if (S_ISDIR(mode))
        dir->nlink++;
    rc = write_both(fs, vn, dir);
    if (rc == 0)
        *out = vn;
    else
        ext2_iput_locked(vn);   /* linked: stays on disk, as far as it got */
out:
    mutex_unlock(&fs->lock);
    return rc;
}

static int ext2_symlink(struct vnode *dir, const char *name, size_t len, const char *target,
                        const struct cred *cred)
{
    struct ext2_fs *fs = ext2_fs_of(dir);
    size_t target_len = strlen(target);
    if (target_len >= fs->block_size)
        return -ENAMETOOLONG;
    mutex_lock(&fs->lock);
    struct ext2_dir_slot slot;
    struct vnode *vn = NULL;
    int rc = check_writable(fs);
    if (rc == 0 && dir->nlink == 0)
        rc = -ENOENT;
    if (rc == 0) {
        rc = name_must_be_free(fs, dir, name, len, &slot);
    }
    if (rc == 0)
        rc = ext2_new_inode(fs, dir, S_IFLNK | 0777, cred, &vn);
    if (rc < 0)
        goto out;
    struct ext2_inode_info *ii = ext2_info_of(vn);
    if (target_len <= EXT2_FAST_SYMLINK_MAX) {
        memcpy(ii->raw.i_block, target, target_len);    /* a fast symlink */
    } else {
        uint32_t phys;
        struct bcache_buf *buf;
        rc = ext2_bmap(fs, vn, 0, true, &phys, NULL);
        if (rc == 0)
            rc = ext2_read_block(fs, phys, &buf);
        if (rc < 0) {
            discard_new(vn);
            goto out;
        }
        memcpy(buf->data, target, target_len);
        bcache_mark_dirty(buf);
        bcache_release(buf);
    }
    ext2_set_size(fs, vn, target_len);
    rc = ext2_dir_add(fs, dir, name, len, ii->ino, S_IFLNK);
    if (rc < 0) {
        discard_new(vn);
        goto out;
    }
    vn->nlink = 1;
    rc = write_both(fs, vn, dir);
    ext2_iput_locked(vn);
out:
    mutex_unlock(&fs->lock);
    return rc;
}

static int ext2_link(struct vnode *dir, const char *name, size_t len, struct vnode *target)
{
    struct ext2_fs *fs = ext2_fs_of(dir);
    mutex_lock(&fs->lock);
    struct ext2_dir_slot slot;
    int rc = check_writable(fs);
    if (rc == 0 && (dir->nlink == 0 || target->nlink == 0))
        rc = -ENOENT;
    if (rc == 0 && target->nlink >= EXT2_LINK_MAX)
        rc = -EMLINK;
    if (rc == 0) {
        rc = name_must_be_free(fs, dir, name, len, &slot);
    }
    if (rc == 0)
        rc = ext2_dir_add(fs, dir, name, len, ext2_info_of(target)->ino, target->mode);
    if (rc == 0) {
        target->nlink++;
        target->ctime_ns = now_ns(fs);
        rc = write_both(fs, target, dir);
    }
    mutex_unlock(&fs->lock);
    return rc;
}

static int ext2_unlink(struct vnode *dir, const char *name, size_t len, bool is_rmdir)
{
    struct ext2_fs *fs = ext2_fs_of(dir);
    mutex_lock(&fs->lock);
    struct ext2_dir_slot slot;
    struct vnode *vn = NULL;
    int rc = check_writable(fs);
    if (rc == 0)
        rc = ext2_dir_find(fs, dir, name, len, &slot);
    if (rc == 0)
        rc = ext2_iget(fs, slot.ino, &vn);
    if (rc < 0)
        goto out;
    if (is_rmdir && !S_ISDIR(vn->mode))
        rc = -ENOTDIR;
    else if (!is_rmdir && S_ISDIR(vn->mode))
        rc = -EISDIR;
    else if (is_rmdir && vn->mounted_here)
        rc = -EBUSY;
    else if (is_rmdir) {
        rc = dir_must_be_empty(fs, vn);
    }
    if (rc == 0)
        rc = ext2_dir_remove(fs, dir, &slot);
    if (rc == 0) {
        if (is_rmdir) {
            vn->nlink = 0;
            if (dir->nlink > 2)
                dir->nlink--;
        } else if (vn->nlink > 0) {
            vn->nlink--;
        }
        vn->ctime_ns = now_ns(fs);
        rc = write_both(fs, vn, dir);
    }
    ext2_iput_locked(vn);       /* frees it if that was the last link and use */
out:
    mutex_unlock(&fs->lock);
    return rc;
}

/* -EINVAL when dir is moving or below it (walking up the ".." entries). */
static int check_not_inside(struct ext2_fs *fs, struct vnode *dir, uint32_t moving_ino)
{
    struct vnode *cur = dir;
    vnode_get(cur);
    int rc = 0;
    for (uint32_t steps = 0;; steps++) {
        uint32_t ino = ext2_info_of(cur)->ino;
        if (ino == moving_ino) {
            rc = -EINVAL;
            break;
        }
        if (ino == EXT2_ROOT_INO)
            break;
        if (steps > fs->super.s_inodes_count) {
            rc = -EIO;          /* a ".." loop: corrupt */
            break;
        }
        struct ext2_dir_slot slot;
        struct vnode *parent;
        rc = ext2_dir_find(fs, cur, "..", 2, &slot);
        if (rc == 0)
            rc = ext2_iget(fs, slot.ino, &parent);
        if (rc == 0 && !S_ISDIR(parent->mode)) {
            ext2_iput_locked(parent);
            rc = -EIO;
        }
        if (rc < 0) {
            rc = rc == -ENOENT ? -EIO : rc;
            break;
        }
        ext2_iput_locked(cur);
        cur = parent;
    }
    ext2_iput_locked(cur);
    return rc;
}

static int ext2_rename(struct vnode *from_dir, const char *from, size_t from_len,
                       struct vnode *to_dir, const char *to, size_t to_len)
{
    struct ext2_fs *fs = ext2_fs_of(from_dir);
    mutex_lock(&fs->lock);
    struct ext2_dir_slot src_slot, dst_slot;
    struct vnode *vn = NULL, *victim = NULL;
    int rc = check_writable(fs);
    if (rc == 0)
        rc = ext2_dir_find(fs, from_dir, from, from_len, &src_slot);
    if (rc == 0)
        rc = ext2_iget(fs, src_slot.ino, &vn);
    if (rc < 0)
        goto out;
    rc = ext2_dir_find(fs, to_dir, to, to_len, &dst_slot);
    if (rc == 0) {
        if (dst_slot.ino == src_slot.ino) {
            rc = 0;             /* the same file: nothing to do */
            goto out;
        }
        rc = ext2_iget(fs, dst_slot.ino, &victim);
    } else if (rc == -ENOENT) {
        rc = 0;
    }
    if (rc < 0)
        goto out;
    bool is_dir = S_ISDIR(vn->mode);
    if (to_dir->nlink == 0)
        rc = -ENOENT;
    else if (is_dir && to_dir != from_dir)
        rc = check_not_inside(fs, to_dir, src_slot.ino);
    if (rc == 0 && is_dir && !victim && to_dir != from_dir && to_dir->nlink >= EXT2_LINK_MAX)
        rc = -EMLINK;
    if (rc == 0 && victim) {
        if (is_dir && !S_ISDIR(victim->mode))
            rc = -ENOTDIR;
        else if (!is_dir && S_ISDIR(victim->mode))
            rc = -EISDIR;
        else if (victim->mounted_here)
            rc = -EBUSY;
        else if (S_ISDIR(victim->mode)) {
            rc = dir_must_be_empty(fs, victim);
        }
    }
    if (rc < 0)
        goto out;

    /* The new name first (the step that can run out of space), then the
     * old one goes. */
    if (victim)
        rc = ext2_dir_retarget(fs, to_dir, &dst_slot, src_slot.ino, vn->mode);
    else
        rc = ext2_dir_add(fs, to_dir, to, to_len, src_slot.ino, vn->mode);
    if (rc < 0)
        goto out;
    rc = ext2_dir_find(fs, from_dir, from, from_len, &src_slot);   /* may have moved */
    if (rc == 0)
        rc = ext2_dir_remove(fs, from_dir, &src_slot);
    if (rc < 0)
        goto out;
    if (victim) {
        if (S_ISDIR(victim->mode)) {
            victim->nlink = 0;
            if (to_dir->nlink > 2)
                to_dir->nlink--;
        } else if (victim->nlink > 0) {
            victim->nlink--;
        }
        victim->ctime_ns = now_ns(fs);
        rc = ext2_write_inode(fs, ext2_info_of(victim), false);
    }
    if (is_dir && to_dir != from_dir) {
        struct ext2_dir_slot dotdot;
        int rc2 = ext2_dir_find(fs, vn, "..", 2, &dotdot);
        if (rc2 == 0)
            rc2 = ext2_dir_retarget(fs, vn, &dotdot, ext2_info_of(to_dir)->ino, S_IFDIR);
        if (from_dir->nlink > 2)
            from_dir->nlink--;
        to_dir->nlink++;
        if (rc == 0)
            rc = rc2;
    }
    vn->ctime_ns = now_ns(fs);
    int rc3 = write_both(fs, from_dir, to_dir);
    int rc4 = ext2_write_inode(fs, ext2_info_of(vn), false);
    if (rc == 0)
        rc = rc3 ? rc3 : rc4;
out:
    if (victim)
        ext2_iput_locked(victim);
    if (vn)
        ext2_iput_locked(vn);
    mutex_unlock(&fs->lock);
    return rc;
}

static int ext2_readdir(struct vnode *dir, uint64_t *pos,
                        int (*emit)(void *arg, const char *name, size_t len, uint64_t ino,
                                    uint32_t mode), void *arg)
{
    struct ext2_fs *fs = ext2_fs_of(dir);
    mutex_lock(&fs->lock);
    int rc = ext2_dir_readdir(fs, dir, pos, emit, arg);
    mutex_unlock(&fs->lock);
    return rc;
}

static long ext2_readlink(struct vnode *vn, char *buf, size_t size)
{
    struct ext2_fs *fs = ext2_fs_of(vn);
    struct ext2_inode_info *ii = ext2_info_of(vn);
    mutex_lock(&fs->lock);
    long rc;
    size_t len = (size_t)vn->size;
    uint32_t xattr_sectors = ii->raw.i_file_acl ? fs->block_size / 512 : 0;
    if (ii->raw.i_blocks - xattr_sectors == 0) {
        if (len > EXT2_FAST_SYMLINK_MAX) {
            ext2_error(fs, "fast symlink too long", ii->ino);
            rc = -EIO;
        } else {
            rc = (long)MIN(len, size);
            memcpy(buf, ii->raw.i_block, (size_t)rc);
        }
    } else {
        uint32_t phys;
        struct bcache_buf *b;
        rc = ext2_bmap(fs, vn, 0, false, &phys, NULL);
        if (rc == 0 && phys == 0)
            rc = -EIO;
        if (rc == 0)
            rc = ext2_read_block(fs, phys, &b);
        if (rc == 0) {
            rc = (long)MIN(len, size);
            memcpy(buf, b->data, (size_t)rc);
            bcache_release(b);
        }
    }
    mutex_unlock(&fs->lock);
    return rc;
}

static long ext2_read(struct vnode *vn, void *buf, size_t len, uint64_t offset)
{
    struct ext2_fs *fs = ext2_fs_of(vn);
    mutex_lock(&fs->lock);
    size_t done = 0;
    int rc = 0;
    if (offset < vn->size) {
        len = (size_t)MIN((uint64_t)len, vn->size - offset);
        while (done < len) {
            uint64_t at = offset + done;
            uint32_t in = (uint32_t)(at % fs->block_size);
            size_t n = MIN(len - done, (size_t)(fs->block_size - in));
            uint32_t phys;
            rc = ext2_bmap(fs, vn, at / fs->block_size, false, &phys, NULL);
            if (rc < 0)
                break;
            if (phys == 0) {
                memset((char *)buf + done, 0, n);      /* a hole */
            } else {
                struct bcache_buf *b;
                rc = ext2_read_block(fs, phys, &b);
                if (rc < 0)
                    break;
                memcpy((char *)buf + done, b->data + in, n);
                bcache_release(b);
            }
            done += n;
        }
    }
    mutex_unlock(&fs->lock);
    return done ? (long)done : rc;
}

static long ext2_write(struct vnode *vn, const void *buf, size_t len, uint64_t offset)
{
    struct ext2_fs *fs = ext2_fs_of(vn);
    uint64_t max_bytes = ext2_max_file_blocks(fs) * fs->block_size;
    if (offset >= max_bytes)
        return len ? -EFBIG : 0;
    len = (size_t)MIN((uint64_t)len, max_bytes - offset);
    mutex_lock(&fs->lock);
    size_t done = 0;
    int rc = check_writable(fs);
    while (rc == 0 && done < len) {
        uint64_t at = offset + done;
        uint32_t in = (uint32_t)(at % fs->block_size);
        size_t n = MIN(len - done, (size_t)(fs->block_size - in));
        uint32_t phys;
        bool is_new;
        rc = ext2_bmap(fs, vn, at / fs->block_size, true, &phys, &is_new);
        if (rc < 0)
            break;
        struct bcache_buf *b;
        rc = ext2_read_block(fs, phys, &b);     /* a new block is cached, zeroed */
        if (rc < 0)
            break;
        memcpy(b->data + in, (const char *)buf + done, n);
        bcache_mark_dirty(b);
        bcache_release(b);
        done += n;
    }
    if (done) {
        if (offset + done > vn->size)
            ext2_set_size(fs, vn, offset + done);
        vn->mtime_ns = vn->ctime_ns = now_ns(fs);
    }
    int write_rc = done ? ext2_write_inode(fs, ext2_info_of(vn), false) : 0;
    mutex_unlock(&fs->lock);
    if (done)
        return write_rc < 0 ? write_rc : (long)done;
    return rc == -EFBIG && len == 0 ? 0 : rc;
}

static int ext2_truncate(struct vnode *vn, uint64_t length)
{
    struct ext2_fs *fs = ext2_fs_of(vn);
    if (length / fs->block_size > ext2_max_file_blocks(fs))
        return -EFBIG;
    mutex_lock(&fs->lock);
    int rc = check_writable(fs);
    if (rc == 0) {
        if (length < vn->size)
            rc = ext2_truncate_blocks(fs, vn, length);
        ext2_set_size(fs, vn, length);
        vn->mtime_ns = vn->ctime_ns = now_ns(fs);
        int write_rc = ext2_write_inode(fs, ext2_info_of(vn), false);
        if (rc == 0)
            rc = write_rc;
    }
    mutex_unlock(&fs->lock);
    return rc;
}

/* chmod and utimensat changed the vnode: the inode follows. */
static int ext2_write_attrs(struct vnode *vn)
{
    struct ext2_fs *fs = ext2_fs_of(vn);
    mutex_lock(&fs->lock);
    int rc = check_writable(fs);
    if (rc == 0)
        rc = ext2_write_inode(fs, ext2_info_of(vn), false);
    mutex_unlock(&fs->lock);
    return rc;
}

const struct vnode_ops ext2_vnode_ops = {
    .lookup = ext2_lookup,
    .create = ext2_create,
    .symlink = ext2_symlink,
    .link = ext2_link,
    .unlink = ext2_unlink,
    .rename = ext2_rename,
    .readdir = ext2_readdir,
    .readlink = ext2_readlink,
    .read = ext2_read,
    .write = ext2_write,
    .truncate = ext2_truncate,
    .write_attrs = ext2_write_attrs,
    .inactive = ext2_inactive,
};
