/* ext2 mounting: reading and checking the superblock and the group
 * descriptors, the feature checks that decide read-only, sync (superblock
 * and descriptors back into their blocks, then the block cache), statfs,
 * clean unmount and power-off, and the VFS filesystem type. */
#include <string.h>
#include <abi/errno.h>
#include <kern/printk.h>
#include <kern/subsys.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <fs/ext2.h>
#include "ext2_internal.h"

bool ext2_block_ok(struct ext2_fs *fs, uint64_t block)
{
    return block >= fs->super.s_first_data_block && block < fs->super.s_blocks_count;
}

int ext2_read_block(struct ext2_fs *fs, uint32_t block, struct bcache_buf **out)
{
    if (!ext2_block_ok(fs, block)) {
        ext2_error(fs, "block number out of range", block);
        return -EIO;
    }
    int rc = bcache_read(fs->dev, fs->block_size, block, out);
    return rc == -EINVAL ? -EIO : rc;
}

/* Timestamps, in seconds: the wall clock (vfs_now_ns), but never earlier
 * than the latest time the image records (last write or mount) plus the
 * time since mount, so stamps never go back, even without a real-time
 * clock, and a deleted inode's dtime is never 0. */
uint32_t ext2_now(struct ext2_fs *fs)
{
    uint64_t now_ns = (uint64_t)vfs_now_ns();
    uint64_t wall_s = now_ns / 1000000000;
    uint64_t base_s = fs->time_base + (now_ns - fs->mount_ns) / 1000000000;
    uint64_t now_s = MAX(wall_s, base_s);
    return now_s > UINT32_MAX ? UINT32_MAX : (uint32_t)now_s;
}

/* A corrupt structure: reported once per call site kind, never fatal. */
void ext2_error(struct ext2_fs *fs, const char *what, uint64_t number)
{
    printk("ext2 %s: %s (%lu)\n", fs->dev->name, what, (unsigned long)number);
}

/* Writes the in-memory superblock and descriptors into their cached
 * blocks. fs->lock held. */
static int write_meta(struct ext2_fs *fs)
{
    if (fs->is_read_only)
        return 0;
    uint64_t free_blocks = 0, free_inodes = 0;
    for (uint32_t g = 0; g < fs->group_count; g++) {
        free_blocks += fs->groups[g].bg_free_blocks_count;
        free_inodes += fs->groups[g].bg_free_inodes_count;
    }
    fs->super.s_free_blocks_count = (uint32_t)free_blocks;
    fs->super.s_free_inodes_count = (uint32_t)free_inodes;
    fs->super.s_wtime = ext2_now(fs);

    struct bcache_buf *buf;
    uint32_t sb_block = EXT2_SUPER_OFFSET / fs->block_size;
    int rc = bcache_read(fs->dev, fs->block_size, sb_block, &buf);
    if (rc < 0)
        return rc;
    memcpy(buf->data + EXT2_SUPER_OFFSET % fs->block_size, &fs->super, sizeof(fs->super));
    bcache_mark_dirty(buf);
    bcache_release(buf);

    uint32_t per_block = fs->block_size / sizeof(struct ext2_group_desc);
    for (uint32_t i = 0; i < fs->desc_blocks; i++) {
        rc = bcache_read(fs->dev, fs->block_size, fs->super.s_first_data_block + 1 + i, &buf);
        if (rc < 0)
            return rc;
        uint32_t first = i * per_block;
        uint32_t n = MIN(per_block, fs->group_count - first);
        memcpy(buf->data, &fs->groups[first], n * sizeof(struct ext2_group_desc));
        bcache_mark_dirty(buf);
        bcache_release(buf);
    }
    fs->is_meta_dirty = false;
    return 0;
}

static int sync_locked(struct ext2_fs *fs)
{
    if (fs->is_read_only)
        return 0;
    int rc = write_meta(fs);
    int sync_rc = bcache_sync(fs->dev);
    return rc ? rc : sync_rc;
}

static int ext2_sync(struct superblock *sb)
{
    struct ext2_fs *fs = sb->fs_data;
    mutex_lock(&fs->lock);
    int rc = sync_locked(fs);
    mutex_unlock(&fs->lock);
    return rc;
}

static int ext2_statfs(struct superblock *sb, struct vfs_statfs *st)
{
    struct ext2_fs *fs = sb->fs_data;
    mutex_lock(&fs->lock);
    uint64_t free_blocks = 0, free_inodes = 0;
    for (uint32_t g = 0; g < fs->group_count; g++) {
        free_blocks += fs->groups[g].bg_free_blocks_count;
        free_inodes += fs->groups[g].bg_free_inodes_count;
    }
    st->block_size = fs->block_size;
    st->blocks = fs->super.s_blocks_count - fs->super.s_first_data_block;
    st->blocks_free = free_blocks;
    st->blocks_avail = free_blocks > fs->super.s_r_blocks_count
                           ? free_blocks - fs->super.s_r_blocks_count : 0;
    st->files = fs->super.s_inodes_count;
    st->files_free = free_inodes;
    st->name_max = 255;
    st->flags = sb->flags & MOUNT_RDONLY;
    mutex_unlock(&fs->lock);
    return 0;
}

/* Restores the state found at mount (clean unless it was not) and syncs. */
static int mark_clean(struct ext2_fs *fs)
{
    if (fs->is_read_only)
        return 0;
    fs->super.s_state = fs->mount_state;
    return sync_locked(fs);
}

static void fs_free(struct ext2_fs *fs)
{
    kfree(fs->meta);
    kfree(fs->groups);
    kfree(fs->sb);
    kfree(fs);
}

static int ext2_unmount(struct superblock *sb)
{
    struct ext2_fs *fs = sb->fs_data;
    mutex_lock(&fs->lock);
    /* Busy when any inode but the root is in core, or the root has more
     * than the superblock's own reference. */
    spin_lock(&sb->lock);
    bool is_busy = sb->root->refcount > 1;
    spin_unlock(&sb->lock);
    for (unsigned i = 0; i < EXT2_ICACHE_BUCKETS && !is_busy; i++) {
        struct list *pos;
        list_for_each(pos, &fs->icache[i])
            if (list_entry(pos, struct ext2_inode_info, hash_link)->vn != sb->root)
                is_busy = true;
    }
    if (is_busy) {
        mutex_unlock(&fs->lock);
        return -EBUSY;
    }
    int rc = 0;
    struct ext2_inode_info *root = ext2_info_of(sb->root);
    if (!fs->is_read_only)
        rc = ext2_write_inode(fs, root, false);
    if (rc == 0)
        rc = mark_clean(fs);
    if (rc < 0) {
        /* Write-back failed: stay mounted (and marked in use) so nothing
         * is lost; umount can be retried. */
        fs->super.s_state &= (uint16_t)~EXT2_VALID_FS;
        mutex_unlock(&fs->lock);
        return rc;
    }
    ext2_release_inode(sb->root);
    mutex_unlock(&fs->lock);
    bcache_invalidate(fs->dev);
    fs_free(fs);
    return 0;
}

static int ext2_shutdown(struct superblock *sb)
{
    struct ext2_fs *fs = sb->fs_data;
    mutex_lock(&fs->lock);
    int rc = mark_clean(fs);
    mutex_unlock(&fs->lock);
    return rc;
}

static const struct superblock_ops ext2_sb_ops = {
    .sync = ext2_sync,
    .statfs = ext2_statfs,
    .unmount = ext2_unmount,
    .shutdown = ext2_shutdown,
};

/* A superblock or descriptor table we refuse: says which number is wrong. */
static int bad_image(struct ext2_fs *fs, const char *what, uint64_t number)
{
    ext2_error(fs, what, number);
    return -EINVAL;
}

/* Checks the superblock's numbers against each other and the device, so
 * that nothing derived from them (group count, descriptor table size,
 * inode locations, bitmap bit ranges) can overflow or point outside the
 * image; fills the derived fields. Sizes are computed in 64 bits. */
static int check_super(struct ext2_fs *fs)
{
    struct ext2_super *s = &fs->super;
    if (s->s_magic != EXT2_SUPER_MAGIC)
        return -EINVAL;
    if (s->s_rev_level > EXT2_DYNAMIC_REV)
        return bad_image(fs, "unknown revision", s->s_rev_level);
    if (s->s_log_block_size > 2)
        return bad_image(fs, "block size not 1, 2 or 4 KiB: log", s->s_log_block_size);
    fs->block_size = 1024u << s->s_log_block_size;
    fs->ptrs_per_block = fs->block_size / 4;
    if (s->s_rev_level == EXT2_GOOD_OLD_REV) {
        fs->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
        fs->first_ino = EXT2_GOOD_OLD_FIRST_INO;
    } else {
        fs->inode_size = s->s_inode_size;
        fs->first_ino = s->s_first_ino;
        if (fs->inode_size < EXT2_GOOD_OLD_INODE_SIZE || fs->inode_size > fs->block_size ||
            (fs->inode_size & (fs->inode_size - 1)))
            return bad_image(fs, "bad inode size", fs->inode_size);
    }
    uint32_t bits = fs->block_size * 8;     /* what one bitmap block covers */
    if (s->s_blocks_per_group < 8 || s->s_blocks_per_group > bits)
        return bad_image(fs, "bad blocks per group", s->s_blocks_per_group);
    if (s->s_inodes_per_group < fs->block_size / fs->inode_size || s->s_inodes_per_group > bits)
        return bad_image(fs, "bad inodes per group", s->s_inodes_per_group);
    if (s->s_first_data_block != (fs->block_size == 1024 ? 1u : 0u))
        return bad_image(fs, "bad first data block", s->s_first_data_block);
    if (s->s_blocks_count <= s->s_first_data_block + 1)
        return bad_image(fs, "too few blocks", s->s_blocks_count);
    if ((uint64_t)s->s_blocks_count * fs->block_size >
        fs->dev->sector_count * BLOCKDEV_SECTOR_SIZE)
        return bad_image(fs, "block count beyond the device", s->s_blocks_count);
    uint64_t groups = ((uint64_t)s->s_blocks_count - s->s_first_data_block +
                       s->s_blocks_per_group - 1) / s->s_blocks_per_group;
    fs->group_count = (uint32_t)groups;     /* <= s_blocks_count */
    /* Every group has s_inodes_per_group inodes, as mke2fs makes them (and
     * Linux's ext4 insists): the allocator's per-group limits rely on it. */
    if (groups * s->s_inodes_per_group != s->s_inodes_count)
        return bad_image(fs, "inode count is not groups x inodes per group", s->s_inodes_count);
    if (s->s_inodes_count < fs->first_ino || fs->first_ino <= EXT2_ROOT_INO)
        return bad_image(fs, "bad first inode", fs->first_ino);
    uint64_t desc_blocks = (groups * sizeof(struct ext2_group_desc) + fs->block_size - 1) /
                           fs->block_size;
    fs->reserved_gdt_blocks = 0;
    if (s->s_rev_level >= EXT2_DYNAMIC_REV &&
        (s->s_feature_compat & EXT2_FEATURE_COMPAT_RESIZE_INODE))
        fs->reserved_gdt_blocks = s->s_reserved_gdt_blocks;
    if (fs->reserved_gdt_blocks > fs->ptrs_per_block)
        return bad_image(fs, "bad reserved descriptor blocks", fs->reserved_gdt_blocks);
    /* The superblock and the descriptors (and their reserve) sit in the
     * first group, which bounds the group count by the group size. */
    if (1 + desc_blocks + fs->reserved_gdt_blocks > s->s_blocks_per_group ||
        s->s_first_data_block + 1 + desc_blocks > s->s_blocks_count)
        return bad_image(fs, "group descriptors do not fit in the first group", groups);
    fs->desc_blocks = (uint32_t)desc_blocks;
    fs->inode_table_blocks = (uint32_t)(((uint64_t)s->s_inodes_per_group * fs->inode_size +
                                         fs->block_size - 1) / fs->block_size);
    return 0;
}

/* Whether group g holds a copy of the superblock and descriptors: all of
 * them; with sparse_super groups 0, 1 and the powers of 3, 5 and 7; with
 * sparse_super2 group 0 and the (at most two) groups the superblock names. */
static bool group_has_super(struct ext2_fs *fs, uint32_t g)
{
    const struct ext2_super *s = &fs->super;
    if (g == 0)
        return true;
    if (s->s_rev_level >= EXT2_DYNAMIC_REV &&
        (s->s_feature_compat & EXT2_FEATURE_COMPAT_SPARSE_SUPER2))
        return g == s->s_backup_bgs[0] || g == s->s_backup_bgs[1];
    if (!(s->s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER) || g == 1)
        return true;
    for (uint32_t base = 3; base <= 7; base += 2) {
        uint64_t power = base;
        while (power < g)
            power *= base;
        if (power == g)
            return true;
    }
    return false;
}

/* Heapsort by start (the kernel has no qsort): O(n log n) for any group
 * count, no recursion, no extra memory. */
static void sift_down(struct ext2_extent *e, uint32_t root, uint32_t n)
{
    for (;;) {
        uint32_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && e[child + 1].start > e[child].start)
            child++;
        if (e[root].start >= e[child].start)
            return;
        struct ext2_extent t = e[root];
        e[root] = e[child];
        e[child] = t;
        root = child;
    }
}

static void sort_extents(struct ext2_extent *e, uint32_t n)
{
    for (uint32_t i = n / 2; i-- > 0;)
        sift_down(e, i, n);
    for (uint32_t end = n; end-- > 1;) {
        struct ext2_extent t = e[0];
        e[0] = e[end];
        e[end] = t;
        sift_down(e, 0, end);
    }
}

/* Checks each descriptor and builds fs->meta, the sorted list of every
 * metadata extent. Extents must lie in the image and must not overlap: a
 * bitmap inside an inode table, or two groups sharing a bitmap, would let
 * one structure's writes corrupt another. */
static int check_groups(struct ext2_fs *fs)
{
    struct ext2_super *s = &fs->super;
    uint64_t count = 0;
    for (uint32_t g = 0; g < fs->group_count; g++)
        count += 3 + group_has_super(fs, g);
    fs->meta = kmalloc(count * sizeof(*fs->meta));
    if (!fs->meta)
        return -ENOMEM;
    uint32_t n = 0;
    for (uint32_t g = 0; g < fs->group_count; g++) {
        struct ext2_group_desc *gd = &fs->groups[g];
        if (!ext2_block_ok(fs, gd->bg_block_bitmap) || !ext2_block_ok(fs, gd->bg_inode_bitmap) ||
            !ext2_block_ok(fs, gd->bg_inode_table) ||
            (uint64_t)gd->bg_inode_table + fs->inode_table_blocks > s->s_blocks_count ||
            gd->bg_free_blocks_count > s->s_blocks_per_group ||
            gd->bg_free_inodes_count > s->s_inodes_per_group)
            return bad_image(fs, "bad group descriptor", g);
        if (group_has_super(fs, g)) {
            uint64_t first = s->s_first_data_block + (uint64_t)g * s->s_blocks_per_group;
            uint64_t end = first + 1 + fs->desc_blocks + fs->reserved_gdt_blocks;
            if (end > s->s_blocks_count)
                return bad_image(fs, "superblock copy beyond the last block", g);
            fs->meta[n++] = (struct ext2_extent){ (uint32_t)first, (uint32_t)end };
        }
        fs->meta[n++] = (struct ext2_extent){ gd->bg_block_bitmap, gd->bg_block_bitmap + 1 };
        fs->meta[n++] = (struct ext2_extent){ gd->bg_inode_bitmap, gd->bg_inode_bitmap + 1 };
        fs->meta[n++] = (struct ext2_extent){ gd->bg_inode_table,
                                              gd->bg_inode_table + fs->inode_table_blocks };
    }
    sort_extents(fs->meta, n);
    for (uint32_t i = 1; i < n; i++)
        if (fs->meta[i].start < fs->meta[i - 1].end)
            return bad_image(fs, "group metadata blocks overlap at", fs->meta[i].start);
    fs->meta_count = n;
    return 0;
}

bool ext2_data_block_ok(struct ext2_fs *fs, uint64_t block)
{
    if (!ext2_block_ok(fs, block))
        return false;
    /* the last extent starting at or before block */
    uint32_t low = 0, high = fs->meta_count;
    while (low < high) {
        uint32_t mid = low + (high - low) / 2;
        if (fs->meta[mid].start <= block)
            low = mid + 1;
        else
            high = mid;
    }
    return low == 0 || block >= fs->meta[low - 1].end;
}

static int ext2_mount(const char *source, unsigned flags, uint64_t size_limit_bytes,
                      struct superblock **out)
{
    (void)size_limit_bytes;
    if (!source)
        return -EINVAL;
    struct blockdev *dev = blockdev_find(source);
    if (!dev)
        return -ENXIO;
    struct ext2_fs *fs = kzalloc(sizeof(*fs));
    if (!fs)
        return -ENOMEM;
    fs->dev = dev;
    mutex_init(&fs->lock);
    for (unsigned i = 0; i < EXT2_ICACHE_BUCKETS; i++)
        list_init(&fs->icache[i]);

    /* The superblock is read raw (not through the cache, whose entries are
     * keyed by the block size we do not know yet). */
    int rc = -EINVAL;
    if (dev->sector_count < (EXT2_SUPER_OFFSET + sizeof(fs->super)) / BLOCKDEV_SECTOR_SIZE)
        goto fail;
    rc = blockdev_rw(dev, false, EXT2_SUPER_OFFSET / BLOCKDEV_SECTOR_SIZE,
                     sizeof(fs->super) / BLOCKDEV_SECTOR_SIZE, &fs->super);
    if (rc < 0)
        goto fail;
    rc = check_super(fs);
    if (rc < 0) {
        printk("ext2 %s: not an ext2 filesystem we can read\n", dev->name);
        goto fail;
    }
    struct ext2_super *s = &fs->super;
    if (s->s_rev_level >= EXT2_DYNAMIC_REV) {
        if (s->s_feature_incompat & ~EXT2_SUPPORTED_INCOMPAT) {
            printk("ext2 %s: unsupported incompatible features %#x\n", dev->name,
                   s->s_feature_incompat & ~EXT2_SUPPORTED_INCOMPAT);
            rc = -EINVAL;
            goto fail;
        }
        if (s->s_feature_ro_compat & ~EXT2_SUPPORTED_RO_COMPAT) {
            printk("ext2 %s: unsupported features %#x: mounting read-only\n", dev->name,
                   s->s_feature_ro_compat & ~EXT2_SUPPORTED_RO_COMPAT);
            flags |= MOUNT_RDONLY;
        }
        fs->has_filetype = s->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
    }
    if (dev->is_read_only)
        flags |= MOUNT_RDONLY;
    fs->is_read_only = flags & MOUNT_RDONLY;

    fs->groups = kmalloc((size_t)fs->desc_blocks * fs->block_size);
    rc = -ENOMEM;
    if (!fs->groups)
        goto fail;
    for (uint32_t i = 0; i < fs->desc_blocks; i++) {
        struct bcache_buf *buf;
        rc = bcache_read(dev, fs->block_size, s->s_first_data_block + 1 + i, &buf);
        if (rc < 0)
            goto fail;
        memcpy((uint8_t *)fs->groups + (size_t)i * fs->block_size, buf->data, fs->block_size);
        bcache_release(buf);
    }
    rc = check_groups(fs);
    if (rc < 0)
        goto fail;

    rc = -ENOMEM;
    fs->sb = sb_create("ext2", flags & MOUNT_RDONLY);
    if (!fs->sb)
        goto fail;
    fs->sb->fs_data = fs;
    fs->sb->ops = &ext2_sb_ops;
    fs->sb->has_sleeping_inactive = true;
    fs->time_base = MAX(MAX(s->s_wtime, s->s_mtime), 1u);
    fs->mount_ns = (uint64_t)vfs_now_ns();
    fs->next_generation = ext2_now(fs);
    mutex_lock(&fs->lock);
    rc = ext2_iget(fs, EXT2_ROOT_INO, &fs->sb->root);
    if (rc == 0 && !S_ISDIR(fs->sb->root->mode)) {
        ext2_iput_locked(fs->sb->root);
        rc = -EINVAL;
    }
    if (rc == 0 && !fs->is_read_only) {
        fs->mount_state = s->s_state;
        if (!(s->s_state & EXT2_VALID_FS) || (s->s_state & EXT2_ERROR_FS))
            printk("ext2 %s: mounting a filesystem that was not checked clean\n", dev->name);
        s->s_state &= (uint16_t)~EXT2_VALID_FS;
        s->s_mnt_count++;
        s->s_mtime = ext2_now(fs);
        rc = sync_locked(fs);
        if (rc < 0)
            ext2_iput_locked(fs->sb->root);
    }
    mutex_unlock(&fs->lock);
    if (rc < 0)
        goto fail;
    printk("ext2 %s: %u KiB blocks, %u groups, %s\n", dev->name, fs->block_size / 1024,
           fs->group_count, fs->is_read_only ? "read-only" : "read-write");
    *out = fs->sb;
    return 0;
fail:
    bcache_invalidate(dev);
    fs_free(fs);
    return rc;
}

static void ext2_discard(struct superblock *sb)
{
    if (ext2_unmount(sb) < 0)
        printk("ext2: a mount that could not be attached is left in memory\n");
}

struct vfs_fstype ext2_fstype = {
    .name = "ext2",
    .mount = ext2_mount,
    .discard = ext2_discard,
};

static int ext2_register(void)
{
    return vfs_register_fstype(&ext2_fstype);
}
SUBSYS_REGISTER(ext2, SUBSYS_STAGE_LINKS, ext2_register, NULL);
