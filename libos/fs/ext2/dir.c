/* ext2 directories: entries packed in blocks, each with a rec_len reaching
 * the next; a new entry reuses an unused one or the slack after a live one,
 * else goes in a new block; a removed entry merges into the one before it.
 * Every entry is checked before use (rec_len, name_len, inode number).
 * Hashed (dir_index) directories read as linear ones; changing one clears
 * its index flag, as the Linux ext2 driver does. fs->lock held. */
#include <string.h>
#include <abi/errno.h>
#include "ext2_internal.h"

#define NO_PREV UINT32_MAX

uint8_t ext2_file_type(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return EXT2_FT_REG_FILE;
    case S_IFDIR: return EXT2_FT_DIR;
    case S_IFCHR: return EXT2_FT_CHRDEV;
    case S_IFBLK: return EXT2_FT_BLKDEV;
    case S_IFIFO: return EXT2_FT_FIFO;
    case S_IFSOCK: return EXT2_FT_SOCK;
    case S_IFLNK: return EXT2_FT_SYMLINK;
    default: return EXT2_FT_UNKNOWN;
    }
}

static uint32_t mode_of_type(uint8_t type)
{
    static const uint32_t modes[] = {
        0, S_IFREG, S_IFDIR, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK, S_IFLNK,
    };
    return type < sizeof(modes) / sizeof(modes[0]) ? modes[type] : 0;
}

static struct ext2_dirent *entry_at(struct bcache_buf *buf, uint32_t offset)
{
    return (struct ext2_dirent *)(buf->data + offset);
}

/* Is the entry at offset well formed? */
static bool entry_ok(struct ext2_fs *fs, struct bcache_buf *buf, uint32_t offset)
{
    if (offset + EXT2_DIRENT_HEADER > fs->block_size)
        return false;
    struct ext2_dirent *de = entry_at(buf, offset);
    if (de->rec_len < EXT2_DIRENT_HEADER || de->rec_len % 4 ||
        offset + de->rec_len > fs->block_size)
        return false;
    if (de->inode == 0)
        return true;
    return de->name_len > 0 && EXT2_DIRENT_LEN(de->name_len) <= de->rec_len &&
           de->inode <= fs->super.s_inodes_count;
}

static void mark_changed(struct ext2_fs *fs, struct vnode *dir)
{
    ext2_info_of(dir)->raw.i_flags &= ~EXT2_INDEX_FL;
    dir->mtime_ns = dir->ctime_ns = (int64_t)ext2_now(fs) * 1000000000;
}

static uint64_t dir_blocks(struct ext2_fs *fs, struct vnode *dir)
{
    return dir->size / fs->block_size;
}

/* Reads directory block lblock; a hole is corruption. */
static int read_dir_block(struct ext2_fs *fs, struct vnode *dir, uint64_t lblock,
                          struct bcache_buf **out)
{
    uint32_t phys;
    int rc = ext2_bmap(fs, dir, lblock, false, &phys, NULL);
    if (rc < 0)
        return rc;
    if (phys == 0) {
        ext2_error(fs, "hole in directory", ext2_info_of(dir)->ino);
        return -EIO;
    }
    return ext2_read_block(fs, phys, out);
}

static int corrupt(struct ext2_fs *fs, struct vnode *dir)
{
    ext2_error(fs, "corrupt directory entry in inode", ext2_info_of(dir)->ino);
    return -EIO;
}

int ext2_dir_find(struct ext2_fs *fs, struct vnode *dir, const char *name, size_t len,
                  struct ext2_dir_slot *slot)
{
    for (uint64_t lb = 0; lb < dir_blocks(fs, dir); lb++) {
        struct bcache_buf *buf;
        int rc = read_dir_block(fs, dir, lb, &buf);
        if (rc < 0)
            return rc;
        uint32_t prev = NO_PREV;
        for (uint32_t off = 0; off < fs->block_size;) {
            if (!entry_ok(fs, buf, off)) {
                bcache_release(buf);
                return corrupt(fs, dir);
            }
            struct ext2_dirent *de = entry_at(buf, off);
            if (de->inode && de->name_len == len && memcmp(de->name, name, len) == 0) {
                slot->ino = de->inode;
                slot->file_type = fs->has_filetype ? de->file_type : 0;
                slot->lblock = lb;
                slot->offset = off;
                slot->prev_offset = prev;
                bcache_release(buf);
                return 0;
            }
            prev = off;
            off += de->rec_len;
        }
        bcache_release(buf);
    }
    return -ENOENT;
}

static void fill_entry(struct ext2_fs *fs, struct ext2_dirent *de, const char *name, size_t len,
                       uint32_t ino, uint32_t mode)
{
    de->inode = ino;
    de->name_len = (uint8_t)len;
    de->file_type = fs->has_filetype ? ext2_file_type(mode) : 0;
    memcpy(de->name, name, len);
}

int ext2_dir_add(struct ext2_fs *fs, struct vnode *dir, const char *name, size_t len,
                 uint32_t ino, uint32_t mode)
{
    uint32_t need = EXT2_DIRENT_LEN(len);
    uint64_t blocks = dir_blocks(fs, dir);
    for (uint64_t lb = 0; lb < blocks; lb++) {
        struct bcache_buf *buf;
        int rc = read_dir_block(fs, dir, lb, &buf);
        if (rc < 0)
            return rc;
        for (uint32_t off = 0; off < fs->block_size;) {
            if (!entry_ok(fs, buf, off)) {
                bcache_release(buf);
                return corrupt(fs, dir);
            }
            struct ext2_dirent *de = entry_at(buf, off);
            uint32_t used = de->inode ? EXT2_DIRENT_LEN(de->name_len) : 0;
            if (de->rec_len >= used + need) {
                if (used) {         /* split the slack off the live entry */
                    struct ext2_dirent *fresh = entry_at(buf, off + used);
                    fresh->rec_len = (uint16_t)(de->rec_len - used);
                    de->rec_len = (uint16_t)used;
                    de = fresh;
                }
                fill_entry(fs, de, name, len, ino, mode);
                bcache_mark_dirty(buf);
                bcache_release(buf);
                mark_changed(fs, dir);
                return 0;
            }
            off += de->rec_len;
        }
        bcache_release(buf);
    }
    /* No room: a new block holding just this entry. */
    if (dir->size + fs->block_size > (1ull << 32) - fs->block_size)
        return -EFBIG;
    uint32_t phys;
    bool is_new;
    int rc = ext2_bmap(fs, dir, blocks, true, &phys, &is_new);
    if (rc < 0)
        return rc;
    struct bcache_buf *buf;
    rc = ext2_read_block(fs, phys, &buf);
    if (rc < 0)
        return rc;
    memset(buf->data, 0, fs->block_size);
    struct ext2_dirent *de = entry_at(buf, 0);
    de->rec_len = (uint16_t)fs->block_size;
    fill_entry(fs, de, name, len, ino, mode);
    bcache_mark_dirty(buf);
    bcache_release(buf);
    ext2_set_size(fs, dir, dir->size + fs->block_size);
    mark_changed(fs, dir);
    return 0;
}

int ext2_dir_remove(struct ext2_fs *fs, struct vnode *dir, const struct ext2_dir_slot *slot)
{
    struct bcache_buf *buf;
    int rc = read_dir_block(fs, dir, slot->lblock, &buf);
    if (rc < 0)
        return rc;
    struct ext2_dirent *de = entry_at(buf, slot->offset);
    if (slot->prev_offset != NO_PREV) {
        struct ext2_dirent *prev = entry_at(buf, slot->prev_offset);
        prev->rec_len = (uint16_t)(prev->rec_len + de->rec_len);
    } else {
        de->inode = 0;
    }
    bcache_mark_dirty(buf);
    bcache_release(buf);
    mark_changed(fs, dir);
    return 0;
}

int ext2_dir_retarget(struct ext2_fs *fs, struct vnode *dir, const struct ext2_dir_slot *slot,
                      uint32_t ino, uint32_t mode)
{
    struct bcache_buf *buf;
    int rc = read_dir_block(fs, dir, slot->lblock, &buf);
    if (rc < 0)
        return rc;
    struct ext2_dirent *de = entry_at(buf, slot->offset);
    de->inode = ino;
    if (fs->has_filetype)
        de->file_type = ext2_file_type(mode);
    bcache_mark_dirty(buf);
    bcache_release(buf);
    mark_changed(fs, dir);
    return 0;
}

/* 1 when dir holds only "." and "..", 0 when not, or -errno. */
int ext2_dir_is_empty(struct ext2_fs *fs, struct vnode *dir)
{
    for (uint64_t lb = 0; lb < dir_blocks(fs, dir); lb++) {
        struct bcache_buf *buf;
        int rc = read_dir_block(fs, dir, lb, &buf);
        if (rc < 0)
            return rc;
        for (uint32_t off = 0; off < fs->block_size;) {
            if (!entry_ok(fs, buf, off)) {
                bcache_release(buf);
                return corrupt(fs, dir);
            }
            struct ext2_dirent *de = entry_at(buf, off);
            bool is_dot = (de->name_len == 1 && de->name[0] == '.') ||
                          (de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.');
            if (de->inode && !is_dot) {
                bcache_release(buf);
                return 0;
            }
            off += de->rec_len;
        }
        bcache_release(buf);
    }
    return 1;
}

/* The first block of a new directory: "." and "..". */
int ext2_dir_init(struct ext2_fs *fs, struct vnode *dir, uint32_t parent_ino)
{
    uint32_t phys;
    int rc = ext2_bmap(fs, dir, 0, true, &phys, NULL);
    if (rc < 0)
        return rc;
    struct bcache_buf *buf;
    rc = ext2_read_block(fs, phys, &buf);
    if (rc < 0)
        return rc;
    memset(buf->data, 0, fs->block_size);
    struct ext2_dirent *dot = entry_at(buf, 0);
    dot->rec_len = 12;
    fill_entry(fs, dot, ".", 1, ext2_info_of(dir)->ino, S_IFDIR);
    struct ext2_dirent *dotdot = entry_at(buf, 12);
    dotdot->rec_len = (uint16_t)(fs->block_size - 12);
    fill_entry(fs, dotdot, "..", 2, parent_ino, S_IFDIR);
    bcache_mark_dirty(buf);
    bcache_release(buf);
    ext2_set_size(fs, dir, fs->block_size);
    return 0;
}

/* *pos is a byte offset in the directory: resuming re-walks its block
 * from the start, so an offset left inside a merged entry stays safe. */
int ext2_dir_readdir(struct ext2_fs *fs, struct vnode *dir, uint64_t *pos,
                     int (*emit)(void *arg, const char *name, size_t len, uint64_t ino,
                                 uint32_t mode), void *arg)
{
    for (uint64_t lb = *pos / fs->block_size; lb < dir_blocks(fs, dir); lb++) {
        struct bcache_buf *buf;
        int rc = read_dir_block(fs, dir, lb, &buf);
        if (rc < 0)
            return rc;
        uint64_t base = lb * fs->block_size;
        for (uint32_t off = 0; off < fs->block_size;) {
            if (!entry_ok(fs, buf, off)) {
                bcache_release(buf);
                return corrupt(fs, dir);
            }
            struct ext2_dirent *de = entry_at(buf, off);
            uint64_t next = base + off + de->rec_len;
            if (base + off >= *pos) {
                if (de->inode) {
                    uint32_t mode = fs->has_filetype ? mode_of_type(de->file_type) : 0;
                    if (emit(arg, de->name, de->name_len, de->inode, mode)) {
                        bcache_release(buf);
                        return 0;
                    }
                }
                *pos = next;
            }
            off += de->rec_len;
        }
        bcache_release(buf);
        if (*pos < base + fs->block_size)
            *pos = base + fs->block_size;
    }
    return 0;
}
