/* Structural fuzzing of ext2 on the host (under ASan and UBSan): damaged
 * copies of mke2fs images made by changing one field at a time (superblock
 * counts and geometry, group descriptors, bitmaps, inode sizes, block
 * pointers direct and indirect, link counts, modes, directory entries),
 * then seeded combinations of them, each mounted and exercised (lookup,
 * readdir, read, write, create, truncate, rename, unlink). Every call must
 * return success or a clean errno, unmount must succeed, and where the
 * damage points into metadata no write may land there: files the damage
 * did not touch read back intact after a remount. Also: an image claiming
 * 2^27 groups (the 32-bit descriptor-table overflow) and a large-geometry
 * image (sparse file). Usage:
 *   host-ext2-fuzz IMAGE_1K IMAGE_4K LARGE_IMAGE WORKDIR
 * The images hold keep.txt, small.txt, big.bin (indirect blocks), dir/a.txt
 * and a slow symlink "link" (tests/host/ext2_check.py makes them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <abi/errno.h>
#include <block/blockdev.h>
#include <fs/ext2.h>
#include <vfs/bcache.h>
#include <vfs/fs.h>
#include "ext2_disk.h"
#include "ext2_host.h"
#include "stubs.h"

static struct vfs_ctx ctx;
static const char *case_name = "setup";

#define OK(expr)                                                              \
    do {                                                                      \
        long rc_ = (long)(expr);                                              \
        CHECK(rc_ >= 0, "[%s] %s: expected success, got %ld", case_name, #expr, rc_); \
    } while (0)

/* Results a damaged filesystem may give: success or one of these. */
static long clean(long rc, const char *what)
{
    static const long allowed[] = { EIO, ENOENT, ENOTDIR, EISDIR, ENOSPC, EEXIST, ENOTEMPTY,
                                    EFBIG, EINVAL, ENAMETOOLONG, EMLINK, ELOOP, EROFS,
                                    EOVERFLOW, ENOMEM, EPERM };
    if (rc >= 0)
        return rc;
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        if (rc == -allowed[i])
            return rc;
    CHECK(0, "[%s] %s: unexpected error %ld", case_name, what, rc);
    return rc;
}

/* ---- the image, parsed ---- */

struct image {
    uint8_t *data;
    size_t size;
    struct ext2_super *sb;
    uint32_t block_size;
    struct ext2_group_desc *groups;
    uint32_t group_count;
};

static void parse(struct image *im, uint8_t *data, size_t size)
{
    im->data = data;
    im->size = size;
    im->sb = (struct ext2_super *)(data + 1024);
    im->block_size = 1024u << im->sb->s_log_block_size;
    im->groups = (struct ext2_group_desc *)(data + (size_t)(im->sb->s_first_data_block + 1) *
                                                       im->block_size);
    im->group_count = (im->sb->s_blocks_count - im->sb->s_first_data_block +
                       im->sb->s_blocks_per_group - 1) / im->sb->s_blocks_per_group;
}

static uint8_t *block_at(struct image *im, uint32_t block)
{
    CHECK((uint64_t)(block + 1) * im->block_size <= im->size, "block %u outside", block);
    return im->data + (size_t)block * im->block_size;
}

static struct ext2_inode *inode_at(struct image *im, uint32_t ino)
{
    uint32_t ipg = im->sb->s_inodes_per_group;
    uint32_t inode_size = im->sb->s_rev_level ? im->sb->s_inode_size : 128;
    struct ext2_group_desc *gd = &im->groups[(ino - 1) / ipg];
    return (struct ext2_inode *)(block_at(im, gd->bg_inode_table) +
                                 (size_t)((ino - 1) % ipg) * inode_size);
}

/* The entry called name in directory inode dir's first block, or NULL;
 * *index its position. */
static struct ext2_dirent *find_entry(struct image *im, uint32_t dir, const char *name,
                                      int *index)
{
    uint8_t *blk = block_at(im, inode_at(im, dir)->i_block[0]);
    int i = 0;
    for (uint32_t at = 0; at < im->block_size; i++) {
        struct ext2_dirent *d = (struct ext2_dirent *)(blk + at);
        if (d->inode && d->name_len == strlen(name) && !memcmp(d->name, name, d->name_len)) {
            if (index)
                *index = i;
            return d;
        }
        CHECK(d->rec_len >= 8, "pristine image has a bad rec_len");
        at += d->rec_len;
    }
    return NULL;
}

static struct ext2_dirent *entry_n(struct image *im, uint32_t dir, int n)
{
    uint8_t *blk = block_at(im, inode_at(im, dir)->i_block[0]);
    uint32_t at = 0;
    struct ext2_dirent *d = (struct ext2_dirent *)blk;
    for (int i = 0; i < n && at + d->rec_len < im->block_size; i++) {
        at += d->rec_len;
        d = (struct ext2_dirent *)(blk + at);
    }
    return d;
}

static uint32_t ino_of(struct image *im, uint32_t dir, const char *name)
{
    struct ext2_dirent *d = find_entry(im, dir, name, NULL);
    CHECK(d, "pristine image lacks %s", name);
    return d->inode;
}

/* ---- mutations ---- */

/* What a mutation hits, for the checks after it. */
/* HITS_META: the damage points into metadata, so after the exercise the
 * image must remount with keep.txt's inode and directory entry intact;
 * HITS_META_EXACT: also its data (no bitmap damage cross-links blocks). */
enum { HITS_ANY, HITS_META, HITS_META_EXACT };

struct mutation {
    char name[96];
    int kind;
};

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return rng_state >> 17;
}

/* Blocks a file must never get: superblock, descriptors, bitmaps, inode
 * tables of group 0 (index: 0..4). */
static uint32_t meta_block(struct image *im, int which)
{
    struct ext2_group_desc *gd = &im->groups[0];
    switch (which) {
    case 0: return im->sb->s_first_data_block;              /* superblock */
    case 1: return im->sb->s_first_data_block + 1;          /* descriptors */
    case 2: return gd->bg_block_bitmap;
    case 3: return gd->bg_inode_bitmap;
    default: return gd->bg_inode_table;                     /* holds inode 2 */
    }
}

#define SB_FIELDS 12
#define GD_FIELDS 5
#define INODE_FIELDS 9
#define DIRENT_FIELDS 4
#define VALUES 10

/* Applies mutation number m (a deterministic enumeration; past the end
 * returns false). */
static bool mutate(struct image *im, unsigned m, struct mutation *out)
{
    struct ext2_super *sb = im->sb;
    uint32_t bits = im->block_size * 8;
    out->kind = HITS_ANY;

    /* superblock fields x values */
    if (m < SB_FIELDS * VALUES) {
        unsigned field = m / VALUES, v = m % VALUES;
        static const char *names[SB_FIELDS] = {
            "s_blocks_count", "s_inodes_count", "s_blocks_per_group", "s_inodes_per_group",
            "s_log_block_size", "s_first_data_block", "s_inode_size", "s_first_ino",
            "s_rev_level", "s_r_blocks_count", "s_reserved_gdt_blocks", "s_feature_incompat" };
        uint32_t *fields32[SB_FIELDS] = {
            &sb->s_blocks_count, &sb->s_inodes_count, &sb->s_blocks_per_group,
            &sb->s_inodes_per_group, &sb->s_log_block_size, &sb->s_first_data_block, NULL,
            &sb->s_first_ino, &sb->s_rev_level, &sb->s_r_blocks_count, NULL,
            &sb->s_feature_incompat };
        uint32_t old = fields32[field] ? *fields32[field]
                       : field == 6 ? sb->s_inode_size : sb->s_reserved_gdt_blocks;
        const uint32_t values[VALUES] = { 0, 1, 7, old - 1, old + 1, old * 2, bits, bits + 1,
                                          1u << 27, UINT32_MAX };
        uint32_t value = values[v];
        if (fields32[field])
            *fields32[field] = value;
        else if (field == 6)
            sb->s_inode_size = (uint16_t)value;
        else {
            sb->s_reserved_gdt_blocks = (uint16_t)value;
            sb->s_feature_compat |= EXT2_FEATURE_COMPAT_RESIZE_INODE;
        }
        snprintf(out->name, sizeof(out->name), "super %s=%u", names[field], value);
        return true;
    }
    m -= SB_FIELDS * VALUES;

    /* group descriptors: first and last group */
    if (m < 2 * GD_FIELDS * VALUES) {
        uint32_t g = m / (GD_FIELDS * VALUES) ? im->group_count - 1 : 0;
        unsigned field = m / VALUES % GD_FIELDS, v = m % VALUES;
        struct ext2_group_desc *gd = &im->groups[g], *other = &im->groups[g ? 0 : im->group_count - 1];
        const uint32_t values[VALUES] = { 0, 1, meta_block(im, 0), meta_block(im, 1),
                                          other->bg_block_bitmap, other->bg_inode_table,
                                          gd->bg_inode_table + 1, sb->s_blocks_count - 1,
                                          sb->s_blocks_count, UINT32_MAX };
        static const char *names[GD_FIELDS] = { "bg_block_bitmap", "bg_inode_bitmap",
                                                "bg_inode_table", "bg_free_blocks_count",
                                                "bg_free_inodes_count" };
        uint32_t value = values[v];
        switch (field) {
        case 0: gd->bg_block_bitmap = value; break;
        case 1: gd->bg_inode_bitmap = value; break;
        case 2: gd->bg_inode_table = value; break;
        case 3: gd->bg_free_blocks_count = (uint16_t)value; break;
        default: gd->bg_free_inodes_count = (uint16_t)value; break;
        }
        snprintf(out->name, sizeof(out->name), "group %u %s=%u", g, names[field], value);
        return true;
    }
    m -= 2 * GD_FIELDS * VALUES;

    /* bitmaps: every bit clear (metadata looks free) or set */
    if (m < 4) {
        bool is_inode = m & 1, is_set = m & 2;
        for (uint32_t g = 0; g < im->group_count; g++) {
            struct ext2_group_desc *gd = &im->groups[g];
            memset(block_at(im, is_inode ? gd->bg_inode_bitmap : gd->bg_block_bitmap),
                   is_set ? 0xff : 0, im->block_size);
        }
        snprintf(out->name, sizeof(out->name), "%s bitmaps all %s", is_inode ? "inode" : "block",
                 is_set ? "set" : "clear");
        out->kind = is_inode ? HITS_ANY : HITS_META;
        return true;
    }
    m -= 4;

    /* inodes: the root, a small file, a file with indirect blocks, a
     * directory, a slow symlink; fields x values */
    static const char *targets[5] = { "/", "small.txt", "big.bin", "dir", "link" };
    if (m < 5 * INODE_FIELDS * VALUES) {
        unsigned t = m / (INODE_FIELDS * VALUES), field = m / VALUES % INODE_FIELDS, v = m % VALUES;
        uint32_t ino = t == 0 ? EXT2_ROOT_INO : ino_of(im, EXT2_ROOT_INO, targets[t]);
        struct ext2_inode *raw = inode_at(im, ino);
        const char *fname = "";
        uint32_t value = 0;
        if (field <= 3) {           /* block pointers: direct 0, 11, IND, DIND */
            static const unsigned slots[4] = { 0, 11, EXT2_IND_BLOCK, EXT2_DIND_BLOCK };
            const uint32_t values[VALUES] = { 1, meta_block(im, 0), meta_block(im, 1),
                                              meta_block(im, 2), meta_block(im, 3),
                                              meta_block(im, 4), meta_block(im, 4) + 1,
                                              sb->s_blocks_count, UINT32_MAX,
                                              raw->i_block[slots[field]] };
            value = values[v];
            if (v == VALUES - 1 && field >= 2 && raw->i_block[slots[field]]) {
                /* an indirect block full of pointers into the inode table */
                uint32_t *ptrs = (uint32_t *)block_at(im, raw->i_block[slots[field]]);
                for (uint32_t i = 0; i < im->block_size / 4; i++)
                    ptrs[i] = meta_block(im, 4) + i % 4;
                fname = "indirect contents";
            } else {
                raw->i_block[slots[field]] = value;
                fname = field == 0 ? "i_block[0]" : field == 1 ? "i_block[11]"
                        : field == 2 ? "i_block[IND]" : "i_block[DIND]";
            }
            out->kind = v <= 6 || v == VALUES - 1 ? HITS_META_EXACT : HITS_ANY;
        } else {
            const uint32_t values[VALUES] = { 0, 1, 11, 12, 4095, 4096, 65535, 1u << 31,
                                              UINT32_MAX - 4095, UINT32_MAX };
            value = values[v];
            switch (field) {
            case 4: raw->i_size = value; fname = "i_size"; break;
            case 5: raw->i_size_high = value; fname = "i_size_high"; break;
            case 6: raw->i_links_count = (uint16_t)value; fname = "i_links_count"; break;
            case 7: raw->i_mode = (uint16_t)(v < 5 ? (raw->i_mode & 07777) | (v << 13) : value);
                    value = raw->i_mode;
                    fname = "i_mode"; break;
            default: raw->i_file_acl = v < 5 ? meta_block(im, v) : value; fname = "i_file_acl";
                     out->kind = v < 5 ? HITS_META_EXACT : HITS_ANY; break;
            }
        }
        if (t == 0)
            out->kind = HITS_ANY;           /* keep.txt is lost with the root */
        snprintf(out->name, sizeof(out->name), "inode %s %s=%u", targets[t], fname, value);
        return true;
    }
    m -= 5 * INODE_FIELDS * VALUES;

    /* directory entries of / and dir: '.', '..', the third, the last */
    if (m < 2 * 4 * DIRENT_FIELDS * VALUES) {
        unsigned d = m / (4 * DIRENT_FIELDS * VALUES), e = m / (DIRENT_FIELDS * VALUES) % 4,
                 field = m / VALUES % DIRENT_FIELDS, v = m % VALUES;
        uint32_t dir = d ? ino_of(im, EXT2_ROOT_INO, "dir") : EXT2_ROOT_INO;
        struct ext2_dirent *de = entry_n(im, dir, e == 3 ? 1000 : (int)e);
        uint32_t value;
        static const char *names[DIRENT_FIELDS] = { "rec_len", "name_len", "inode", "file_type" };
        if (field == 0) {
            const uint32_t values[VALUES] = { 0, 1, 4, 7, 12, im->block_size,
                                              im->block_size + 4, 0xffff, de->rec_len - 4,
                                              de->rec_len + 4 };
            de->rec_len = (uint16_t)(value = values[v]);
        } else if (field == 1) {
            const uint32_t values[VALUES] = { 0, 1, 2, 255, de->rec_len - 7u, de->rec_len - 8u,
                                              de->rec_len, 64, 100, 128 };
            de->name_len = (uint8_t)(value = values[v]);
        } else if (field == 2) {
            const uint32_t values[VALUES] = { 0, 1, 3, 7, EXT2_ROOT_INO, sb->s_inodes_count,
                                              sb->s_inodes_count + 1, sb->s_inodes_count - 1,
                                              ino_of(im, EXT2_ROOT_INO, "dir"), UINT32_MAX };
            de->inode = value = values[v];
        } else {
            de->file_type = (uint8_t)(value = v < 8 ? v : 200 + v);
        }
        snprintf(out->name, sizeof(out->name), "%s entry %u %s=%u", d ? "dir" : "/", e,
                 names[field], value);
        return true;
    }
    return false;
}

/* ---- exercising a mounted image ---- */

static void pattern(uint8_t *buf, size_t len, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)x;
    }
}

/* Reads every file and directory under dir; never writes old files. */
static void walk(const char *dir, int depth)
{
    if (depth > 5)
        return;
    int fd = (int)clean(vfs_open(&ctx, dir, O_RDONLY | O_DIRECTORY, 0), "open dir");
    if (fd < 0)
        return;
    uint64_t words[512];
    char *buf = (char *)words, path[600];
    long n;
    int entries = 0;
    while ((n = clean(vfs_getdents(&ctx, fd, buf, sizeof(words)), "getdents")) > 0 &&
           entries < 4000) {
        for (long at = 0; at < n; entries++) {
            struct dirent64 *d = (struct dirent64 *)(buf + at);
            CHECK(d->d_reclen > 0 && at + d->d_reclen <= n, "[%s] bad dirent", case_name);
            at += d->d_reclen;
            if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
                continue;
            snprintf(path, sizeof(path), "%.200s/%.255s", dir, d->d_name);
            struct stat st;
            if (clean(vfs_lstat(&ctx, path, &st), "lstat") < 0)
                continue;
            if (S_ISDIR(st.st_mode)) {
                walk(path, depth + 1);
            } else if (S_ISLNK(st.st_mode)) {
                char target[4096];
                clean(vfs_readlink(&ctx, path, target, sizeof(target)), "readlink");
                clean(vfs_stat(&ctx, path, &st), "stat via link");
            } else if (S_ISREG(st.st_mode)) {
                int f = (int)clean(vfs_open(&ctx, path, O_RDONLY, 0), "open file");
                if (f >= 0) {
                    static char data[16384];
                    for (int i = 0; i < 64 && clean(vfs_read(&ctx, f, data, sizeof(data)),
                                                     "read") > 0; i++)
                        ;
                    clean(vfs_pread(&ctx, f, data, 100, (int64_t)1 << 40), "pread far");
                    clean(vfs_close(&ctx, f), "close");
                }
            }
        }
    }
    clean(vfs_close(&ctx, fd), "close dir");
}

/* Writes a new file, reads it back (equal when the write succeeded), then
 * truncates, grows, renames and removes things, old and new. */
static void modify(void)
{
    /* first what frees the (maybe damaged) blocks of old files... */
    clean(vfs_truncate(&ctx, "/mnt/big.bin", 3000), "truncate big");
    clean(vfs_unlink(&ctx, "/mnt/small.txt"), "unlink small");
    clean(vfs_unlink(&ctx, "/mnt/link"), "unlink link");
    clean(vfs_unlink(&ctx, "/mnt/dir/a.txt"), "unlink dir/a.txt");
    /* ...then what allocates */
    static uint8_t data[40000], back[40000];
    pattern(data, sizeof(data), 7);
    int fd = (int)clean(vfs_open(&ctx, "/mnt/new.bin", O_RDWR | O_CREAT | O_TRUNC, 0644),
                        "create");
    if (fd >= 0) {
        long n = clean(vfs_pwrite(&ctx, fd, data, sizeof(data), 0), "write new");
        if (n > 0) {
            long got = clean(vfs_pread(&ctx, fd, back, (size_t)n, 0), "read new");
            if (got == n)
                CHECK(!memcmp(data, back, (size_t)n), "[%s] new file reads back wrong", case_name);
        }
        clean(vfs_ftruncate(&ctx, fd, 5000), "ftruncate");
        clean(vfs_pwrite(&ctx, fd, data, 300, 70000), "write past a hole");
        clean(vfs_close(&ctx, fd), "close new");
    }
    clean(vfs_mkdir(&ctx, "/mnt/newdir", 0755), "mkdir");
    clean(vfs_symlink(&ctx, "/a/target/that/is/longer/than/sixty/bytes/so/it/takes/a/block/x",
                      "/mnt/newdir/slow"), "symlink");
    clean(vfs_rename(&ctx, "/mnt/newdir", "/mnt/dir/moved"), "rename dir");
    clean(vfs_link(&ctx, "/mnt/big.bin", "/mnt/dir/hard"), "link");
    walk("/mnt", 0);
    clean(vfs_unlink(&ctx, "/mnt/dir/moved/slow"), "unlink slow");
    clean(vfs_rmdir(&ctx, "/mnt/dir/moved"), "rmdir");
    clean(vfs_unlink(&ctx, "/mnt/dir/hard"), "unlink hard");
    clean(vfs_unlink(&ctx, "/mnt/new.bin"), "unlink new");
    clean(vfs_rmdir(&ctx, "/mnt/dir"), "rmdir dir");
    struct vfs_statfs st;
    clean(vfs_statfs(&ctx, "/mnt", &st), "statfs");
}

static uint8_t *keep_data;
static size_t keep_len;

/* Whether /mnt/keep.txt holds the bytes it held before the damage. */
static bool keep_intact(void)
{
    static uint8_t buf[65536];
    int fd = vfs_open(&ctx, "/mnt/keep.txt", O_RDONLY, 0);
    if (fd < 0)
        return false;
    long n = vfs_read(&ctx, fd, buf, sizeof(buf));
    vfs_close(&ctx, fd);
    return n == (long)keep_len && !memcmp(buf, keep_data, keep_len);
}

static uint8_t *pristine_image;
static uint32_t keep_ino;

/* No file data landed on the metadata the damage pointed at: the
 * superblock's geometry, every descriptor's locations and keep.txt's inode
 * (in the inode table) are as before. Directory blocks are file data and a
 * cleared bitmap may hand them out, so they are not checked. */
static void check_meta_intact(uint8_t *copy, size_t size)
{
    struct image now, was;
    parse(&now, copy, size);
    parse(&was, pristine_image, size);
    CHECK(now.sb->s_magic == EXT2_SUPER_MAGIC && now.sb->s_blocks_count == was.sb->s_blocks_count &&
          now.sb->s_inodes_count == was.sb->s_inodes_count &&
          now.sb->s_blocks_per_group == was.sb->s_blocks_per_group &&
          now.sb->s_log_block_size == was.sb->s_log_block_size,
          "[%s] superblock overwritten", case_name);
    for (uint32_t g = 0; g < was.group_count; g++)
        CHECK(now.groups[g].bg_block_bitmap == was.groups[g].bg_block_bitmap &&
              now.groups[g].bg_inode_bitmap == was.groups[g].bg_inode_bitmap &&
              now.groups[g].bg_inode_table == was.groups[g].bg_inode_table,
              "[%s] group %u descriptor overwritten", case_name, g);
    struct ext2_inode *a = inode_at(&now, keep_ino), *b = inode_at(&was, keep_ino);
    CHECK(a->i_mode == b->i_mode && a->i_size == b->i_size &&
          !memcmp(a->i_block, b->i_block, sizeof(a->i_block)),
          "[%s] keep.txt's inode overwritten", case_name);
}

/* Mounts mem as ram0 on /mnt: the mount's result. */
static int mount_mem(uint8_t *mem, size_t size, struct blockdev **dev)
{
    *dev = ramdisk_create("ram0", mem, size, false);
    OK(blockdev_register(*dev));
    int rc = vfs_mount_source(&ctx, "ext2", "ram0", "/mnt", 0);
    CHECK(rc == 0 || rc == -EINVAL || rc == -EIO || rc == -ENOMEM,
          "[%s] mount: unexpected %d", case_name, rc);
    return rc;
}

static void drop_mem(struct blockdev *dev)
{
    blockdev_unregister(dev);
    ramdisk_destroy(dev);
}

/* One damaged image: mount, walk, modify, unmount; for damage into
 * metadata, remount and check keep.txt. Returns whether it mounted. */
static bool run_case(uint8_t *copy, size_t size, int kind)
{
    struct blockdev *dev;
    bool is_mounted = mount_mem(copy, size, &dev) == 0;
    if (is_mounted) {
        walk("/mnt", 0);
        modify();
        walk("/mnt", 0);
        OK(vfs_umount(&ctx, "/mnt"));
    }
    drop_mem(dev);
    if (is_mounted && kind != HITS_ANY)
        check_meta_intact(copy, size);
    if (is_mounted && kind == HITS_META_EXACT) {
        CHECK(mount_mem(copy, size, &dev) == 0, "[%s] no remount after damage into metadata",
              case_name);
        CHECK(keep_intact(), "[%s] keep.txt's data changed", case_name);
        walk("/mnt", 0);
        OK(vfs_umount(&ctx, "/mnt"));
        drop_mem(dev);
    }
    return is_mounted;
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    CHECK(f, "open %s", path);
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(*size);
    CHECK(buf && fread(buf, 1, *size, f) == *size, "read %s", path);
    fclose(f);
    return buf;
}

static void fuzz_image(const char *path)
{
    size_t size;
    uint8_t *pristine = read_file(path, &size), *copy = malloc(size);
    struct image im;
    struct blockdev *dev;

    /* keep.txt as mke2fs wrote it */
    case_name = "pristine";
    OK(mount_mem(pristine, size, &dev));
    static uint8_t buf[65536];
    int fd = vfs_open(&ctx, "/mnt/keep.txt", O_RDONLY, 0);
    OK(fd);
    keep_len = (size_t)vfs_read(&ctx, fd, buf, sizeof(buf));
    OK(vfs_close(&ctx, fd));
    free(keep_data);
    keep_data = malloc(keep_len);
    memcpy(keep_data, buf, keep_len);
    OK(vfs_umount(&ctx, "/mnt"));               /* pristine is clean again */
    drop_mem(dev);
    pristine_image = pristine;
    parse(&im, pristine, size);
    keep_ino = ino_of(&im, EXT2_ROOT_INO, "keep.txt");
    uint8_t *scratch = malloc(size);

    int cases = 0, mounted = 0;
    struct mutation mut;
    for (unsigned m = 0;; m++) {
        memcpy(copy, pristine, size);
        parse(&im, copy, size);
        if (!mutate(&im, m, &mut))
            break;
        case_name = mut.name;
        cases++;
        mounted += run_case(copy, size, mut.kind);
    }
    /* seeded combinations of two to four single mutations */
    unsigned singles = (unsigned)cases;
    rng_state = 20261207;
    for (int round = 0; round < 150; round++) {
        memcpy(copy, pristine, size);
        char name[400] = "combo";
        int count = 2 + (int)(rng() % 3);
        for (int i = 0; i < count; i++) {
            /* each is made on a pristine scratch copy (mutate parses the
             * image), then its changed blocks go into the combination */
            unsigned m = (unsigned)(rng() % singles);
            memcpy(scratch, pristine, size);
            parse(&im, scratch, size);
            mutate(&im, m, &mut);
            for (size_t at = 0; at < size; at += 1024)
                if (memcmp(scratch + at, pristine + at, 1024))
                    memcpy(copy + at, scratch + at, 1024);
            snprintf(name + strlen(name), sizeof(name) - strlen(name), " + %.90s", mut.name);
        }
        case_name = name;
        cases++;
        mounted += run_case(copy, size, HITS_ANY);  /* combined damage: no promises */
    }
    free(scratch);
    printf("%s: %d damaged images, %d mounted, no sanitizer finding\n", path, cases, mounted);
    free(copy);
    free(pristine);
}

/* An image claiming 2^27 groups of 8 blocks (1 TiB of 1 KiB blocks, a
 * sparse file): group_count * 32 is 2^32 and wrapped to 0 in 32 bits. */
static void huge_group_count(const char *small, const char *workdir)
{
    case_name = "2^27 groups";
    size_t size;
    uint8_t *data = read_file(small, &size);
    struct ext2_super *sb = (struct ext2_super *)(data + 1024);
    CHECK(sb->s_log_block_size == 0, "needs a 1 KiB image");
    sb->s_blocks_per_group = 8;
    sb->s_blocks_count = 1u << 30;
    sb->s_inodes_per_group = 1024 / sb->s_inode_size;
    sb->s_inodes_count = sb->s_inodes_per_group << 27;
    char path[600];
    snprintf(path, sizeof(path), "%s/huge-groups.img", workdir);
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(data, 1, size, f) == size, "write %s", path);
    fclose(f);
    CHECK(truncate(path, (off_t)1 << 40) == 0, "truncate %s to 1 TiB", path);
    free(data);
    struct blockdev *dev = filedisk_open("disk1", path, false);
    OK(blockdev_register(dev));
    int rc = vfs_mount_source(&ctx, "ext2", "disk1", "/mnt", 0);
    CHECK(rc == -EINVAL, "[%s] mount: expected %d, got %d", case_name, -EINVAL, rc);
    filedisk_close(dev);
    unlink(path);
    printf("2^27 groups: refused with EINVAL\n");
}

/* A large-geometry image (sparse): mounts, takes files, counts right. */
static void large_geometry(const char *path)
{
    case_name = "large geometry";
    struct blockdev *dev = filedisk_open("disk2", path, false);
    OK(blockdev_register(dev));
    OK(vfs_mount_source(&ctx, "ext2", "disk2", "/mnt", 0));
    struct vfs_statfs before, after;
    OK(vfs_statfs(&ctx, "/mnt", &before));
    static uint8_t data[1 << 20], back[1 << 20];
    pattern(data, sizeof(data), 99);
    int fd = vfs_open(&ctx, "/mnt/far", O_RDWR | O_CREAT, 0644);
    OK(fd);
    /* far into the file: triple indirect on 1 KiB blocks */
    int64_t at = (int64_t)70 << 30;
    CHECK(vfs_pwrite(&ctx, fd, data, sizeof(data), at) == (long)sizeof(data), "pwrite far");
    CHECK(vfs_pread(&ctx, fd, back, sizeof(back), at) == (long)sizeof(back), "pread far");
    CHECK(!memcmp(data, back, sizeof(data)), "far data reads back");
    OK(vfs_close(&ctx, fd));
    OK(vfs_statfs(&ctx, "/mnt", &after));
    CHECK(after.blocks_free < before.blocks_free, "statfs free blocks went down");
    OK(vfs_unlink(&ctx, "/mnt/far"));
    OK(vfs_statfs(&ctx, "/mnt", &after));
    CHECK(after.blocks_free == before.blocks_free, "free blocks back: %lu, expected %lu",
          (unsigned long)after.blocks_free, (unsigned long)before.blocks_free);
    OK(vfs_umount(&ctx, "/mnt"));
    filedisk_close(dev);
    printf("large geometry: %lu blocks of %u bytes, write/read/unlink ok\n",
           (unsigned long)before.blocks, (unsigned)before.block_size);
}

int main(int argc, char **argv)
{
    CHECK(argc == 5, "usage: %s IMAGE_1K IMAGE_4K LARGE_IMAGE WORKDIR", argv[0]);
    struct superblock *root = ramfs_create(0, 0);
    CHECK(root && vfs_mount_sb(root, NULL) == 0, "root ramfs");
    OK(vfs_register_fstype(&ext2_fstype));      /* the boot's LINKS stage does this */
    OK(vfs_ctx_init(&ctx, CRED_ROOT));
    OK(vfs_mkdir(&ctx, "/mnt", 0755));
    bcache_set_limit(64);
    huge_group_count(argv[1], argv[4]);
    fuzz_image(argv[1]);
    fuzz_image(argv[2]);
    large_geometry(argv[3]);
    printf("fuzz_ext2: ok\n");
    return 0;
}
