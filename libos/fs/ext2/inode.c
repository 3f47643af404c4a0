/* ext2 inodes: the in-core inode cache (one vnode per inode number while
 * anyone holds it), reading and writing inode-table slots, the block map
 * (direct, indirect, double and triple indirect) with allocation, freeing
 * blocks on truncate, and freeing an inode whose last link and last user
 * are gone. fs->lock held throughout unless said otherwise. */
#include <string.h>
#include <abi/errno.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include "ext2_internal.h"

static struct list *bucket_of(struct ext2_fs *fs, uint32_t ino)
{
    return &fs->icache[ino % EXT2_ICACHE_BUCKETS];
}

/* Where inode ino sits: block and byte offset in it. */
static int locate(struct ext2_fs *fs, uint32_t ino, uint32_t *block, uint32_t *offset)
{
    if (ino < 1 || ino > fs->super.s_inodes_count)
        return -EIO;
    uint32_t ipg = fs->super.s_inodes_per_group;
    uint32_t g = (ino - 1) / ipg;
    uint64_t byte = (uint64_t)((ino - 1) % ipg) * fs->inode_size;
    *block = fs->groups[g].bg_inode_table + (uint32_t)(byte / fs->block_size);
    *offset = (uint32_t)(byte % fs->block_size);
    return 0;
}

static uint64_t inode_size(struct ext2_fs *fs, const struct ext2_inode *raw)
{
    uint64_t size = raw->i_size;
    if (S_ISREG(raw->i_mode) && fs->super.s_rev_level >= EXT2_DYNAMIC_REV)
        size |= (uint64_t)raw->i_size_high << 32;
    return size;
}

uint64_t ext2_max_file_blocks(struct ext2_fs *fs)
{
    uint64_t p = fs->ptrs_per_block;
    return EXT2_NDIR_BLOCKS + p + p * p + p * p * p;
}

/* Is the inode as read from the disk usable? */
static bool inode_sane(struct ext2_fs *fs, const struct ext2_inode *raw)
{
    uint32_t type = raw->i_mode & S_IFMT;
    uint64_t size = inode_size(fs, raw);
    switch (type) {
    case S_IFREG:
        return size / fs->block_size <= ext2_max_file_blocks(fs);
    case S_IFDIR:
        return size <= (1ull << 32) - fs->block_size && size >= 12;
    case S_IFLNK:
        return size > 0 && size < PATH_MAX && size < fs->block_size;
    case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
        return true;
    default:
        return false;
    }
}

static void fill_vnode(struct ext2_fs *fs, struct vnode *vn, const struct ext2_inode *raw)
{
    vn->mode = raw->i_mode;
    vn->uid = raw->i_uid | (uint32_t)raw->l_i_uid_high << 16;
    vn->gid = raw->i_gid | (uint32_t)raw->l_i_gid_high << 16;
    vn->nlink = raw->i_links_count;
    vn->size = inode_size(fs, raw);
    vn->atime_ns = (int64_t)raw->i_atime * 1000000000;
    vn->mtime_ns = (int64_t)raw->i_mtime * 1000000000;
    vn->ctime_ns = (int64_t)raw->i_ctime * 1000000000;
    if (S_ISCHR(raw->i_mode) || S_ISBLK(raw->i_mode)) {
        /* i_block[0]: the old 16-bit number; else i_block[1] (the new). */
        vn->rdev = raw->i_block[0] ? raw->i_block[0] : raw->i_block[1];
    }
}

int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct vnode **out)
{
    struct list *pos;
    list_for_each(pos, bucket_of(fs, ino)) {
        struct ext2_inode_info *ii = list_entry(pos, struct ext2_inode_info, hash_link);
        if (ii->ino == ino) {
            vnode_get(ii->vn);      /* never 0 here: see ext2_inactive */
            *out = ii->vn;
            return 0;
        }
    }
    uint32_t block, offset;
    if (locate(fs, ino, &block, &offset) < 0 || ino < EXT2_ROOT_INO ||
        (ino < fs->first_ino && ino != EXT2_ROOT_INO)) {
        ext2_error(fs, "inode number out of range", ino);
        return -EIO;
    }
    struct bcache_buf *buf;
    int rc = ext2_read_block(fs, block, &buf);
    if (rc < 0)
        return rc;
    struct ext2_inode_info *ii = kzalloc(sizeof(*ii));
    if (!ii) {
        bcache_release(buf);
        return -ENOMEM;
    }
    memcpy(&ii->raw, buf->data + offset, sizeof(ii->raw));
    bcache_release(buf);
    if (ii->raw.i_links_count == 0 || !inode_sane(fs, &ii->raw)) {
        ext2_error(fs, ii->raw.i_links_count ? "corrupt inode" : "entry names a free inode", ino);
        kfree(ii);
        return -EIO;
    }
    struct vnode *vn = vnode_alloc(fs->sb, &ext2_vnode_ops, ii->raw.i_mode, NULL);
    if (!vn) {
        kfree(ii);
        return -ENOMEM;
    }
    fill_vnode(fs, vn, &ii->raw);
    vn->ino = ino;
    vn->fs_data = ii;
    ii->ino = ino;
    ii->vn = vn;
    list_push_front(bucket_of(fs, ino), &ii->hash_link);
    *out = vn;
    return 0;
}

int ext2_write_inode(struct ext2_fs *fs, struct ext2_inode_info *ii, bool is_new)
{
    if (fs->is_read_only)
        return -EROFS;
    struct vnode *vn = ii->vn;
    struct ext2_inode *raw = &ii->raw;
    raw->i_mode = (uint16_t)vn->mode;
    raw->i_uid = (uint16_t)vn->uid;
    raw->l_i_uid_high = (uint16_t)(vn->uid >> 16);
    raw->i_gid = (uint16_t)vn->gid;
    raw->l_i_gid_high = (uint16_t)(vn->gid >> 16);
    raw->i_links_count = (uint16_t)vn->nlink;
    raw->i_atime = (uint32_t)(vn->atime_ns / 1000000000);
    raw->i_mtime = (uint32_t)(vn->mtime_ns / 1000000000);
    raw->i_ctime = (uint32_t)(vn->ctime_ns / 1000000000);
    uint32_t block, offset;
    int rc = locate(fs, ii->ino, &block, &offset);
    if (rc < 0)
        return rc;
    struct bcache_buf *buf;
    rc = ext2_read_block(fs, block, &buf);
    if (rc < 0)
        return rc;
    if (is_new)
        memset(buf->data + offset, 0, fs->inode_size);
    memcpy(buf->data + offset, raw, sizeof(*raw));
    bcache_mark_dirty(buf);
    bcache_release(buf);
    return 0;
}

/* The size lives in the vnode and in the raw inode; large regular files
 * need i_size_high and the large_file feature. */
void ext2_set_size(struct ext2_fs *fs, struct vnode *vn, uint64_t size)
{
    struct ext2_inode_info *ii = ext2_info_of(vn);
    vn->size = size;
    ii->raw.i_size = (uint32_t)size;
    if (S_ISREG(vn->mode)) {
        ii->raw.i_size_high = (uint32_t)(size >> 32);
        if (size >= (1ull << 31) &&
            !(fs->super.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE)) {
            fs->super.s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
            fs->is_meta_dirty = true;
        }
    }
}

int ext2_new_inode(struct ext2_fs *fs, struct vnode *dir, uint32_t mode, const struct cred *cred,
                   struct vnode **out)
{
    uint32_t ino;
    int rc = ext2_alloc_inode(fs, ext2_info_of(dir)->ino, S_ISDIR(mode), &ino);
    if (rc < 0)
        return rc;
    struct ext2_inode_info *ii = kzalloc(sizeof(*ii));
    struct vnode *vn = ii ? vnode_alloc(fs->sb, &ext2_vnode_ops, mode, cred) : NULL;
    if (!vn) {
        kfree(ii);
        ext2_free_inode(fs, ino, S_ISDIR(mode));
        return -ENOMEM;
    }
    if (dir->mode & S_ISGID) {      /* BSD group semantics, as Linux with grpid off */
        vn->gid = dir->gid;
        if (S_ISDIR(mode))
            vn->mode |= S_ISGID;
    }
    vn->ino = ino;
    vn->fs_data = ii;
    vn->nlink = 0;                  /* the caller links it */
    vn->atime_ns = vn->mtime_ns = vn->ctime_ns = (int64_t)ext2_now(fs) * 1000000000;
    ii->ino = ino;
    ii->vn = vn;
    ii->raw.i_generation = fs->next_generation++;
    ii->last_alloc = fs->groups[(ino - 1) / fs->super.s_inodes_per_group].bg_inode_table;
    list_push_front(bucket_of(fs, ino), &ii->hash_link);
    rc = ext2_write_inode(fs, ii, true);
    if (rc < 0) {
        ext2_iput_locked(vn);       /* nlink 0: frees the number */
        return rc;
    }
    *out = vn;
    return 0;
}

/* The path to logical block lblock: indices per level (depth 0: direct). */
static int block_path(struct ext2_fs *fs, uint64_t lblock, uint32_t idx[4], unsigned *depth)
{
    uint64_t p = fs->ptrs_per_block;
    if (lblock < EXT2_NDIR_BLOCKS) {
        idx[0] = (uint32_t)lblock;
        *depth = 0;
        return 0;
    }
    lblock -= EXT2_NDIR_BLOCKS;
    if (lblock < p) {
        idx[0] = EXT2_IND_BLOCK;
        idx[1] = (uint32_t)lblock;
        *depth = 1;
        return 0;
    }
    lblock -= p;
    if (lblock < p * p) {
        idx[0] = EXT2_DIND_BLOCK;
        idx[1] = (uint32_t)(lblock / p);
        idx[2] = (uint32_t)(lblock % p);
        *depth = 2;
        return 0;
    }
    lblock -= p * p;
    if (lblock < p * p * p) {
        idx[0] = EXT2_TIND_BLOCK;
        idx[1] = (uint32_t)(lblock / (p * p));
        idx[2] = (uint32_t)(lblock / p % p);
        idx[3] = (uint32_t)(lblock % p);
        *depth = 3;
        return 0;
    }
    return -EFBIG;
}

/* A new zeroed block near the inode's last one, counted in i_blocks. */
static int new_block(struct ext2_fs *fs, struct ext2_inode_info *ii, uint32_t *out)
{
    uint32_t sectors = fs->block_size / 512;
    if (ii->raw.i_blocks > UINT32_MAX - sectors)
        return -EFBIG;
    uint32_t block;
    int rc = ext2_alloc_block(fs, ii->last_alloc + 1, &block);
    if (rc < 0)
        return rc;
    struct bcache_buf *buf;
    rc = bcache_get_zeroed(fs->dev, fs->block_size, block, &buf);
    if (rc < 0) {
        ext2_free_block(fs, block);
        return rc;
    }
    bcache_release(buf);
    ii->raw.i_blocks += sectors;
    ii->last_alloc = block;
    *out = block;
    return 0;
}

int ext2_bmap(struct ext2_fs *fs, struct vnode *vn, uint64_t lblock, bool create, uint32_t *phys,
              bool *is_new)
{
    struct ext2_inode_info *ii = ext2_info_of(vn);
    uint32_t idx[4];
    unsigned depth;
    int rc = block_path(fs, lblock, idx, &depth);
    if (rc < 0)
        return rc;
    if (is_new)
        *is_new = false;
    uint32_t block = ii->raw.i_block[idx[0]];
    if (block == 0) {
        if (!create) {
            *phys = 0;
            return 0;
        }
        rc = new_block(fs, ii, &block);
        if (rc < 0)
            return rc;
        ii->raw.i_block[idx[0]] = block;
        if (depth == 0 && is_new)
            *is_new = true;
    } else if (!ext2_data_block_ok(fs, block)) {
        ext2_error(fs, "inode block pointer out of range or into metadata", ii->ino);
        return -EIO;
    }
    for (unsigned level = 1; level <= depth; level++) {
        struct bcache_buf *buf;
        rc = ext2_read_block(fs, block, &buf);
        if (rc < 0)
            return rc;
        uint32_t *entries = (uint32_t *)buf->data;
        uint32_t next = entries[idx[level]];
        if (next == 0) {
            if (!create) {
                bcache_release(buf);
                *phys = 0;
                return 0;
            }
            rc = new_block(fs, ii, &next);
            if (rc < 0) {
                bcache_release(buf);
                return rc;
            }
            entries[idx[level]] = next;
            bcache_mark_dirty(buf);
            if (level == depth && is_new)
                *is_new = true;
        } else if (!ext2_data_block_ok(fs, next)) {
            bcache_release(buf);
            ext2_error(fs, "indirect block pointer out of range or into metadata", ii->ino);
            return -EIO;
        }
        bcache_release(buf);
        block = next;
    }
    *phys = block;
    return 0;
}

static void release_block(struct ext2_fs *fs, struct ext2_inode_info *ii, uint32_t block)
{
    uint32_t sectors = fs->block_size / 512;
    ext2_free_block(fs, block);
    ii->raw.i_blocks = ii->raw.i_blocks >= sectors ? ii->raw.i_blocks - sectors : 0;
}

/* Frees the blocks of the tree under block (level 0: a data block; 1: an
 * indirect block...) whose index within the tree is >= from. Returns 1 when
 * the whole tree went (the caller clears its pointer), 0, or -EIO. */
static int free_tree(struct ext2_fs *fs, struct ext2_inode_info *ii, uint32_t block,
                     unsigned level, uint64_t from)
{
    if (!ext2_data_block_ok(fs, block)) {
        ext2_error(fs, "block pointer out of range or into metadata", ii->ino);
        return -EIO;
    }
    if (level == 0) {
        release_block(fs, ii, block);
        return 1;
    }
    uint64_t child_span = 1;
    for (unsigned i = 1; i < level; i++)
        child_span *= fs->ptrs_per_block;
    struct bcache_buf *buf;
    int rc = ext2_read_block(fs, block, &buf);
    if (rc < 0)
        return rc;
    uint32_t *entries = (uint32_t *)buf->data;
    int result = 0;
    for (uint32_t i = (uint32_t)(from / child_span); i < fs->ptrs_per_block; i++) {
        if (entries[i] == 0)
            continue;
        uint64_t child_from = i == from / child_span ? from % child_span : 0;
        rc = free_tree(fs, ii, entries[i], level - 1, child_from);
        if (rc < 0)
            result = rc;
        if (rc == 1) {
            entries[i] = 0;
            bcache_mark_dirty(buf);
        }
    }
    bcache_release(buf);
    if (from == 0 && result == 0) {
        release_block(fs, ii, block);
        return 1;
    }
    return result;
}

int ext2_truncate_blocks(struct ext2_fs *fs, struct vnode *vn, uint64_t new_size)
{
    struct ext2_inode_info *ii = ext2_info_of(vn);
    if (S_ISLNK(vn->mode) && ii->raw.i_blocks == 0)
        return 0;                   /* a fast symlink: i_block holds text */
    if (S_ISCHR(vn->mode) || S_ISBLK(vn->mode) || S_ISFIFO(vn->mode) || S_ISSOCK(vn->mode))
        return 0;
    uint64_t keep = (new_size + fs->block_size - 1) / fs->block_size;
    int result = 0;
    /* Zero the rest of a kept partial block, so growing reads zeros. */
    if (new_size % fs->block_size) {
        uint32_t phys;
        int rc = ext2_bmap(fs, vn, new_size / fs->block_size, false, &phys, NULL);
        if (rc == 0 && phys) {
            struct bcache_buf *buf;
            rc = ext2_read_block(fs, phys, &buf);
            if (rc == 0) {
                uint32_t at = (uint32_t)(new_size % fs->block_size);
                memset(buf->data + at, 0, fs->block_size - at);
                bcache_mark_dirty(buf);
                bcache_release(buf);
            }
        }
        if (rc < 0)
            result = rc;
    }
    for (uint32_t i = (uint32_t)MIN(keep, (uint64_t)EXT2_NDIR_BLOCKS); i < EXT2_NDIR_BLOCKS; i++) {
        if (ii->raw.i_block[i]) {
            int rc = free_tree(fs, ii, ii->raw.i_block[i], 0, 0);
            if (rc == 1)
                ii->raw.i_block[i] = 0;
            else if (rc < 0)
                result = rc;
        }
    }
    uint64_t p = fs->ptrs_per_block, base = EXT2_NDIR_BLOCKS, span = p;
    for (unsigned level = 1; level <= 3; level++) {
        uint32_t *slot = &ii->raw.i_block[EXT2_NDIR_BLOCKS + level - 1];
        if (*slot && keep < base + span) {
            uint64_t from = keep > base ? keep - base : 0;
            int rc = free_tree(fs, ii, *slot, level, from);
            if (rc == 1)
                *slot = 0;
            else if (rc < 0)
                result = rc;
        }
        base += span;
        span *= p;
    }
    return result;
}

/* Drops the extended-attribute block reference of an inode being freed. */
static void release_xattr_block(struct ext2_fs *fs, struct ext2_inode_info *ii)
{
    uint32_t block = ii->raw.i_file_acl;
    if (!block)
        return;
    ii->raw.i_file_acl = 0;
    if (!ext2_data_block_ok(fs, block)) {
        ext2_error(fs, "attribute block out of range or in metadata", ii->ino);
        return;
    }
    struct bcache_buf *buf;
    if (ext2_read_block(fs, block, &buf) < 0)
        return;
    struct ext2_xattr_header *h = (struct ext2_xattr_header *)buf->data;
    bool is_last = h->h_magic != EXT2_XATTR_MAGIC || h->h_refcount <= 1;
    if (!is_last) {
        h->h_refcount--;
        bcache_mark_dirty(buf);
    }
    bcache_release(buf);
    if (is_last)
        release_block(fs, ii, block);
    else
        ii->raw.i_blocks -= MIN(ii->raw.i_blocks, fs->block_size / 512);
}

/* Takes the inode out of the cache and frees its memory (not the vnode's
 * disk inode). */
void ext2_release_inode(struct vnode *vn)
{
    struct ext2_inode_info *ii = ext2_info_of(vn);
    list_remove(&ii->hash_link);
    kfree(ii);
    kfree(vn);
}

/* The last reference went: free the disk inode when no link is left,
 * else write it back (chmod changed only the vnode). */
static void last_reference(struct ext2_fs *fs, struct vnode *vn)
{
    struct ext2_inode_info *ii = ext2_info_of(vn);
    if (!fs->is_read_only) {
        if (vn->nlink == 0) {
            ext2_truncate_blocks(fs, vn, 0);
            release_xattr_block(fs, ii);
            ext2_set_size(fs, vn, 0);
            ii->raw.i_dtime = ext2_now(fs);
            vn->ctime_ns = (int64_t)ii->raw.i_dtime * 1000000000;
            ext2_write_inode(fs, ii, false);
            ext2_free_inode(fs, ii->ino, S_ISDIR(vn->mode));
        } else {
            ext2_write_inode(fs, ii, false);
        }
    }
    ext2_release_inode(vn);
}

void ext2_iput_locked(struct vnode *vn)
{
    struct superblock *sb = vn->sb;
    spin_lock(&sb->lock);
    bool is_last = --vn->refcount == 0;
    spin_unlock(&sb->lock);
    if (is_last)
        last_reference(ext2_fs_of(vn), vn);
}

/* vnode_put's last reference (has_sleeping_inactive): called unlocked with
 * the reference still counted, so ext2_iget never meets a dying vnode. */
void ext2_inactive(struct vnode *vn)
{
    struct ext2_fs *fs = ext2_fs_of(vn);
    mutex_lock(&fs->lock);
    ext2_iput_locked(vn);
    mutex_unlock(&fs->lock);
}
