/* ext2 block and inode allocation: the bitmaps, the free counts in the
 * group descriptors (the superblock's totals are summed from them at sync)
 * and used_dirs_count. Blocks are taken near a goal (the file's last block)
 * so files stay contiguous; inodes in the parent's group. fs->lock held. */
#include <string.h>
#include <abi/errno.h>
#include "ext2_internal.h"

/* Finds a clear bit in [start, limit) of bitmap, or returns limit. */
static uint32_t find_clear(const uint8_t *bitmap, uint32_t start, uint32_t limit)
{
    for (uint32_t bit = start; bit < limit; bit++) {
        if ((bit & 7) == 0 && bit + 8 <= limit && bitmap[bit / 8] == 0xff) {
            bit += 7;
            continue;
        }
        if (!(bitmap[bit / 8] & (1u << (bit & 7))))
            return bit;
    }
    return limit;
}

/* Blocks in group g (the last group may be short). */
static uint32_t blocks_in_group(struct ext2_fs *fs, uint32_t g)
{
    uint32_t first = fs->super.s_first_data_block + g * fs->super.s_blocks_per_group;
    uint32_t left = fs->super.s_blocks_count - first;
    return left < fs->super.s_blocks_per_group ? left : fs->super.s_blocks_per_group;
}

/* Like find_clear over group g's block bitmap, but a clear bit for a
 * metadata block (a corrupt bitmap) is never handed out: it is set, so
 * the bitmap tells the truth again, and the search goes on. */
static uint32_t find_data_bit(struct ext2_fs *fs, uint32_t g, struct bcache_buf *bitmap,
                              uint32_t start, uint32_t limit)
{
    uint32_t first = fs->super.s_first_data_block + g * fs->super.s_blocks_per_group;
    for (uint32_t bit = find_clear(bitmap->data, start, limit); bit < limit;
         bit = find_clear(bitmap->data, bit + 1, limit)) {
        if (ext2_data_block_ok(fs, first + bit))
            return bit;
        ext2_error(fs, "block bitmap marks a metadata block free", first + bit);
        bitmap->data[bit / 8] |= (uint8_t)(1u << (bit & 7));
        bcache_mark_dirty(bitmap);
        if (fs->groups[g].bg_free_blocks_count)
            fs->groups[g].bg_free_blocks_count--;
        fs->is_meta_dirty = true;
    }
    return limit;
}

int ext2_alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
    struct ext2_super *s = &fs->super;
    if (!ext2_block_ok(fs, goal))
        goal = s->s_first_data_block;
    uint32_t goal_group = (goal - s->s_first_data_block) / s->s_blocks_per_group;
    uint32_t goal_bit = (goal - s->s_first_data_block) % s->s_blocks_per_group;
    for (uint32_t i = 0; i <= fs->group_count; i++) {
        uint32_t g = (goal_group + i) % fs->group_count;
        struct ext2_group_desc *gd = &fs->groups[g];
        if (gd->bg_free_blocks_count == 0)
            continue;
        struct bcache_buf *buf;
        int rc = ext2_read_block(fs, gd->bg_block_bitmap, &buf);
        if (rc < 0)
            return rc;
        uint32_t limit = blocks_in_group(fs, g);
        uint32_t start = i == 0 ? goal_bit : 0;
        uint32_t bit = find_data_bit(fs, g, buf, start, limit);
        if (bit == limit && start)
            bit = find_data_bit(fs, g, buf, 0, start);
        if (bit >= limit) {
            /* The count said free, the bitmap says full: trust the bitmap. */
            bcache_release(buf);
            ext2_error(fs, "group free block count is wrong", g);
            gd->bg_free_blocks_count = 0;
            fs->is_meta_dirty = true;
            continue;
        }
        buf->data[bit / 8] |= (uint8_t)(1u << (bit & 7));
        bcache_mark_dirty(buf);
        bcache_release(buf);
        gd->bg_free_blocks_count--;
        fs->is_meta_dirty = true;
        *out = s->s_first_data_block + g * s->s_blocks_per_group + bit;
        return 0;
    }
    return -ENOSPC;
}

void ext2_free_block(struct ext2_fs *fs, uint32_t block)
{
    struct ext2_super *s = &fs->super;
    if (!ext2_data_block_ok(fs, block)) {
        ext2_error(fs, "freeing a metadata block or one out of range", block);
        return;
    }
    uint32_t g = (block - s->s_first_data_block) / s->s_blocks_per_group;
    uint32_t bit = (block - s->s_first_data_block) % s->s_blocks_per_group;
    struct bcache_buf *buf;
    if (ext2_read_block(fs, fs->groups[g].bg_block_bitmap, &buf) < 0)
        return;             /* the block leaks; e2fsck will find it */
    uint8_t mask = (uint8_t)(1u << (bit & 7));
    if (!(buf->data[bit / 8] & mask)) {
        ext2_error(fs, "freeing a free block", block);
    } else {
        buf->data[bit / 8] &= (uint8_t)~mask;
        bcache_mark_dirty(buf);
        fs->groups[g].bg_free_blocks_count++;
        fs->is_meta_dirty = true;
    }
    bcache_release(buf);
}

int ext2_alloc_inode(struct ext2_fs *fs, uint32_t parent_ino, bool is_dir, uint32_t *out)
{
    struct ext2_super *s = &fs->super;
    uint32_t ipg = s->s_inodes_per_group;
    uint32_t start_group = parent_ino ? (parent_ino - 1) / ipg : 0;
    if (start_group >= fs->group_count)
        start_group = 0;
    if (is_dir) {
        /* Spread directories: the first group from the parent's on with at
         * least the average free blocks. */
        uint64_t total = 0;
        for (uint32_t g = 0; g < fs->group_count; g++)
            total += fs->groups[g].bg_free_blocks_count;
        uint64_t average = total / fs->group_count;
        for (uint32_t i = 0; i < fs->group_count; i++) {
            uint32_t g = (start_group + i) % fs->group_count;
            if (fs->groups[g].bg_free_inodes_count &&
                fs->groups[g].bg_free_blocks_count >= average) {
                start_group = g;
                break;
            }
        }
    }
    for (uint32_t i = 0; i < fs->group_count; i++) {
        uint32_t g = (start_group + i) % fs->group_count;
        struct ext2_group_desc *gd = &fs->groups[g];
        if (gd->bg_free_inodes_count == 0)
            continue;
        struct bcache_buf *buf;
        int rc = ext2_read_block(fs, gd->bg_inode_bitmap, &buf);
        if (rc < 0)
            return rc;
        uint32_t limit = ipg;
        if ((uint64_t)(g + 1) * ipg > s->s_inodes_count)
            limit = s->s_inodes_count - g * ipg;
        uint32_t first = 0;
        if (g * ipg + 1 < fs->first_ino)
            first = fs->first_ino - 1 - g * ipg;     /* reserved inodes */
        uint32_t bit = first < limit ? find_clear(buf->data, first, limit) : limit;
        if (bit >= limit) {
            bcache_release(buf);
            ext2_error(fs, "group free inode count is wrong", g);
            gd->bg_free_inodes_count = 0;
            fs->is_meta_dirty = true;
            continue;
        }
        buf->data[bit / 8] |= (uint8_t)(1u << (bit & 7));
        bcache_mark_dirty(buf);
        bcache_release(buf);
        gd->bg_free_inodes_count--;
        if (is_dir)
            gd->bg_used_dirs_count++;
        fs->is_meta_dirty = true;
        *out = g * ipg + bit + 1;
        return 0;
    }
    return -ENOSPC;
}

void ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool is_dir)
{
    uint32_t ipg = fs->super.s_inodes_per_group;
    if (ino < 1 || ino > fs->super.s_inodes_count) {
        ext2_error(fs, "freeing an inode out of range", ino);
        return;
    }
    uint32_t g = (ino - 1) / ipg, bit = (ino - 1) % ipg;
    struct bcache_buf *buf;
    if (ext2_read_block(fs, fs->groups[g].bg_inode_bitmap, &buf) < 0)
        return;
    uint8_t mask = (uint8_t)(1u << (bit & 7));
    if (!(buf->data[bit / 8] & mask)) {
        ext2_error(fs, "freeing a free inode", ino);
    } else {
        buf->data[bit / 8] &= (uint8_t)~mask;
        bcache_mark_dirty(buf);
        fs->groups[g].bg_free_inodes_count++;
        if (is_dir && fs->groups[g].bg_used_dirs_count)
            fs->groups[g].bg_used_dirs_count--;
        fs->is_meta_dirty = true;
    }
    bcache_release(buf);
}
