/* ext2's inside: the mounted filesystem, in-core inodes, and the functions
 * its files share. Locking: fs->lock (a mutex) protects everything here —
 * the superblock and group descriptor copies, the bitmaps, every in-core
 * inode and the contents of every cached block of the device — and is held
 * across disk I/O. Lock order: fs->lock, then the block cache's lock, then
 * the VFS superblock spinlock (vnode reference counts). */
#ifndef EXT2_INTERNAL_H
#define EXT2_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <block/blockdev.h>
#include <kern/list.h>
#include <sched/sync.h>
#include <vfs/bcache.h>
#include <vfs/fs.h>
#include "ext2_disk.h"

#define EXT2_ICACHE_BUCKETS 64u
#define EXT2_LINK_MAX 65000u
#define EXT2_FAST_SYMLINK_MAX 59u       /* bytes that fit in i_block, NUL excluded */

/* Blocks [start, end) that hold metadata: a superblock copy with its
 * descriptors, a bitmap, an inode table. */
struct ext2_extent {
    uint32_t start, end;
};

struct ext2_fs {
    struct superblock *sb;
    struct blockdev *dev;
    struct mutex lock;
    struct ext2_super super;            /* the primary superblock, in memory */
    struct ext2_group_desc *groups;     /* all descriptors, in memory */
    uint32_t group_count;
    uint32_t desc_blocks;
    uint32_t block_size;
    uint32_t ptrs_per_block;
    uint32_t inode_size;
    uint32_t first_ino;
    uint32_t inode_table_blocks;        /* per group */
    uint32_t reserved_gdt_blocks;       /* after each descriptor copy */
    struct ext2_extent *meta;           /* every metadata extent, sorted, disjoint */
    uint32_t meta_count;
    uint16_t mount_state;               /* s_state before we mounted */
    bool is_read_only;
    bool has_filetype;
    bool is_meta_dirty;                 /* super or descriptors changed */
    uint32_t next_generation;
    uint32_t time_base;                 /* seconds: the image's last write time */
    uint64_t mount_ns;                  /* vfs_now_ns() at mount */
    struct list icache[EXT2_ICACHE_BUCKETS];
};

/* An in-core inode: the vnode's fs_data. Lives while the vnode does. */
struct ext2_inode_info {
    struct ext2_inode raw;              /* the first 128 bytes on disk */
    uint32_t ino;
    uint32_t last_alloc;                /* block allocation goal */
    struct vnode *vn;
    struct list hash_link;
};

static inline struct ext2_fs *ext2_fs_of(struct vnode *vn)
{
    return vn->sb->fs_data;
}

static inline struct ext2_inode_info *ext2_info_of(struct vnode *vn)
{
    return vn->fs_data;
}

/* super.c */
bool ext2_block_ok(struct ext2_fs *fs, uint64_t block);
/* A block a file may own: in range and not metadata. A file's pointer
 * that fails this is corruption (-EIO), never followed or freed. */
bool ext2_data_block_ok(struct ext2_fs *fs, uint64_t block);
int ext2_read_block(struct ext2_fs *fs, uint32_t block, struct bcache_buf **out);
uint32_t ext2_now(struct ext2_fs *fs);
void ext2_error(struct ext2_fs *fs, const char *what, uint64_t number);

/* alloc.c */
int ext2_alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out);
void ext2_free_block(struct ext2_fs *fs, uint32_t block);
int ext2_alloc_inode(struct ext2_fs *fs, uint32_t parent_ino, bool is_dir, uint32_t *out);
void ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool is_dir);

/* inode.c */
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct vnode **out);
void ext2_iput_locked(struct vnode *vn);
int ext2_write_inode(struct ext2_fs *fs, struct ext2_inode_info *ii, bool is_new);
int ext2_new_inode(struct ext2_fs *fs, struct vnode *dir, uint32_t mode, const struct cred *cred,
                   struct vnode **out);
int ext2_bmap(struct ext2_fs *fs, struct vnode *vn, uint64_t lblock, bool create, uint32_t *phys,
              bool *is_new);
int ext2_truncate_blocks(struct ext2_fs *fs, struct vnode *vn, uint64_t new_size);
void ext2_set_size(struct ext2_fs *fs, struct vnode *vn, uint64_t size);
uint64_t ext2_max_file_blocks(struct ext2_fs *fs);
void ext2_release_inode(struct vnode *vn);
void ext2_inactive(struct vnode *vn);

/* dir.c */
struct ext2_dir_slot {
    uint32_t ino;
    uint8_t file_type;
    uint64_t lblock;                    /* directory block */
    uint32_t offset;                    /* of the entry in it */
    uint32_t prev_offset;               /* of the one before, or UINT32_MAX */
};
int ext2_dir_find(struct ext2_fs *fs, struct vnode *dir, const char *name, size_t len,
                  struct ext2_dir_slot *slot);
int ext2_dir_add(struct ext2_fs *fs, struct vnode *dir, const char *name, size_t len,
                 uint32_t ino, uint32_t mode);
int ext2_dir_remove(struct ext2_fs *fs, struct vnode *dir, const struct ext2_dir_slot *slot);
int ext2_dir_retarget(struct ext2_fs *fs, struct vnode *dir, const struct ext2_dir_slot *slot,
                      uint32_t ino, uint32_t mode);
int ext2_dir_is_empty(struct ext2_fs *fs, struct vnode *dir);
int ext2_dir_init(struct ext2_fs *fs, struct vnode *dir, uint32_t parent_ino);
int ext2_dir_readdir(struct ext2_fs *fs, struct vnode *dir, uint64_t *pos,
                     int (*emit)(void *arg, const char *name, size_t len, uint64_t ino,
                                 uint32_t mode), void *arg);
uint8_t ext2_file_type(uint32_t mode);

/* vnops.c */
extern const struct vnode_ops ext2_vnode_ops;

#endif
