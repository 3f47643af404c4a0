/* In-kernel tests of ext2 through the VFS calls, on a RAM disk holding the
 * image mke2fs made at build time (tools/mkimage.py): reading what mke2fs
 * wrote, writing, renaming, linking, holes, ENOSPC, injected I/O errors,
 * read-only mounts. Each test mounts its own copy at /ktest/<name>/mnt. */
#include <block/blockdev.h>
#include <fs/ext2.h>
#include <mm/kmalloc.h>
#include <vfs/bcache.h>
#include "vfs_test.h"     /* libos/vfs/tests, on the ktest include path */
#include "../ext2_disk.h"

extern const char ktest_ext2_image_start[], ktest_ext2_image_end[];

struct ext2_disk {
    struct blockdev *dev;
    uint8_t *mem;
    uint64_t size_bytes;
};

static uint32_t read_u32(const char *p)
{
    const uint8_t *b = (const uint8_t *)p;
    return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Expands the embedded sparse image into a new RAM disk named name. */
static int disk_create(struct ext2_disk *d, const char *name)
{
    const char *p = ktest_ext2_image_start, *end = ktest_ext2_image_end;
    if (end - p < 8 || memcmp(p, "TSPI", 4) != 0)
        return -EINVAL;
    d->size_bytes = (uint64_t)read_u32(p + 4) * 512;
    d->mem = kzalloc(d->size_bytes);
    if (!d->mem)
        return -ENOMEM;
    for (p += 8; p + 8 <= end;) {
        uint32_t start = read_u32(p), count = read_u32(p + 4);
        p += 8;
        if (count == 0)
            break;
        if ((uint64_t)(start + count) * 512 > d->size_bytes || end - p < (long)count * 512)
            return -EINVAL;
        memcpy(d->mem + (size_t)start * 512, p, (size_t)count * 512);
        p += (size_t)count * 512;
    }
    d->dev = ramdisk_create(name, d->mem, d->size_bytes, false);
    if (!d->dev)
        return -ENOMEM;
    return blockdev_register(d->dev);
}

static void disk_destroy(struct ext2_disk *d)
{
    blockdev_unregister(d->dev);
    ramdisk_destroy(d->dev);
    kfree(d->mem);
}

/* A test context in /ktest/<name> with the disk <name> mounted on mnt. */
#define EXT2_SETUP(ctx, disk, name, flags)                                    \
    TEST_CTX(ctx, name);                                                      \
    struct ext2_disk disk;                                                    \
    EXPECT_OK(disk_create(&disk, name));                                      \
    EXPECT_OK(vfs_mkdir(&ctx, "mnt", 0755));                                  \
    EXPECT_OK(vfs_mount_source(&ctx, "ext2", name, "mnt", flags))

#define EXT2_TEARDOWN(ctx, disk)                                              \
    do {                                                                      \
        EXPECT_OK(vfs_umount(&ctx, "mnt"));                                   \
        disk_destroy(&disk);                                                  \
        vfs_ctx_release(&ctx);                                                \
    } while (0)

static long read_file(struct vfs_ctx *ctx, const char *path, char *buf, size_t size)
{
    int fd = vfs_open(ctx, path, O_RDONLY, 0);
    if (fd < 0)
        return fd;
    long total = 0, n;
    while ((size_t)total < size && (n = vfs_read(ctx, fd, buf + total, size - total)) > 0)
        total += n;
    vfs_close(ctx, fd);
    return total;
}

KTEST(ext2_reads_files_mke2fs_wrote, KTEST_DEFAULT)
{
    EXT2_SETUP(ctx, disk, "e2read", 0);
    static char buf[20480];
    EXPECT_RC(read_file(&ctx, "mnt/hello.txt", buf, sizeof(buf)), 18);
    KTEST_EXPECT(memcmp(buf, "hello from mke2fs\n", 18) == 0, "hello.txt: %.18s", buf);
    EXPECT_RC(read_file(&ctx, "mnt/dir/data.bin", buf, sizeof(buf)), 20000);
    for (int i = 0; i < 20000; i++)
        KTEST_EXPECT((uint8_t)buf[i] == ((i * 31 + 7) & 0xff), "data.bin byte %d: %#x", i,
                     (uint8_t)buf[i]);
    EXPECT_RC(vfs_readlink(&ctx, "mnt/link", buf, sizeof(buf)), 9);
    KTEST_EXPECT(memcmp(buf, "hello.txt", 9) == 0, "link target");
    EXPECT_RC(read_file(&ctx, "mnt/link", buf, sizeof(buf)), 18);
    struct stat st;
    EXPECT_OK(vfs_stat(&ctx, "mnt/dir", &st));
    KTEST_EXPECT(S_ISDIR(st.st_mode) && st.st_nlink == 2, "dir mode %o nlink %d", st.st_mode,
                 st.st_nlink);
    EXT2_TEARDOWN(ctx, disk);
    return 0;
}

KTEST(ext2_write_survives_remount, KTEST_DEFAULT)
{
    EXT2_SETUP(ctx, disk, "e2write", 0);
    EXPECT_OK(vfs_test_put(&ctx, "mnt/new.txt", "first line\n", 0644));
    int fd = vfs_open(&ctx, "mnt/new.txt", O_WRONLY | O_APPEND, 0);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_write(&ctx, fd, "second\n", 7), 7);
    EXPECT_OK(vfs_fsync(&ctx, fd));
    EXPECT_OK(vfs_close(&ctx, fd));
    static char big[40000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i * 13);
    fd = vfs_open(&ctx, "mnt/big", O_RDWR | O_CREAT, 0644);
    EXPECT_RC(vfs_write(&ctx, fd, big, sizeof(big)), (long)sizeof(big));
    EXPECT_OK(vfs_close(&ctx, fd));
    EXPECT_OK(vfs_umount(&ctx, "mnt"));
    EXPECT_OK(vfs_mount_source(&ctx, "ext2", "e2write", "mnt", 0));
    char buf[32];
    EXPECT_RC(read_file(&ctx, "mnt/new.txt", buf, sizeof(buf)), 18);
    KTEST_EXPECT(memcmp(buf, "first line\nsecond\n", 18) == 0, "new.txt: %.18s", buf);
    static char back[40000];
    EXPECT_RC(read_file(&ctx, "mnt/big", back, sizeof(back)), (long)sizeof(back));
    KTEST_EXPECT(memcmp(big, back, sizeof(big)) == 0, "big file differs after remount");
    EXT2_TEARDOWN(ctx, disk);
    return 0;
}

KTEST(ext2_times_survive_remount, KTEST_DEFAULT)
{
    EXT2_SETUP(ctx, disk, "e2times", 0);
    EXPECT_OK(vfs_test_put(&ctx, "mnt/stamped", "x", 0644));
    struct stat st;
    EXPECT_OK(vfs_stat(&ctx, "mnt/stamped", &st));
    KTEST_EXPECT(st.st_mtim.tv_sec > 1600000000, "new file mtime %ld is before 2020",
                 (long)st.st_mtim.tv_sec);
    static const struct abi_timespec times[2] = { { 1111111111, 0 }, { 1234567890, 0 } };
    EXPECT_OK(vfs_utimens(&ctx, "mnt/stamped", times, false));
    EXPECT_OK(vfs_chmod(&ctx, "mnt/stamped", 0600));
    EXPECT_OK(vfs_umount(&ctx, "mnt"));
    EXPECT_OK(vfs_mount_source(&ctx, "ext2", "e2times", "mnt", 0));
    EXPECT_OK(vfs_stat(&ctx, "mnt/stamped", &st));
    EXPECT_RC(st.st_atim.tv_sec, 1111111111);
    EXPECT_RC(st.st_mtim.tv_sec, 1234567890);
    EXPECT_RC(st.st_mode & 07777, 0600);
    EXT2_TEARDOWN(ctx, disk);
    return 0;
}

struct listing {
    char names[512];
    size_t used;
};

static long list_names(struct vfs_ctx *ctx, const char *path, struct listing *out)
{
    uint64_t words[128];
    char *buf = (char *)words;
    int fd = vfs_open(ctx, path, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0)
        return fd;
    out->used = 0;
    long n;
    while ((n = vfs_getdents(ctx, fd, buf, sizeof(words))) > 0) {
        for (long at = 0; at < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + at);
            size_t len = strlen(d->d_name);
            if (out->used + len + 2 < sizeof(out->names)) {
                memcpy(out->names + out->used, d->d_name, len);
                out->used += len;
                out->names[out->used++] = ' ';
                out->names[out->used] = '\0';
            }
            at += d->d_reclen;
        }
    }
    vfs_close(ctx, fd);
    return n;
}

static bool listed(const struct listing *l, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = l->names; *p;) {
        const char *space = strchr(p, ' ');
        if ((size_t)(space - p) == len && memcmp(p, name, len) == 0)
            return true;
        p = space + 1;
    }
    return false;
}

KTEST(ext2_rename_link_symlink_unlink_getdents, KTEST_DEFAULT)
{
    EXT2_SETUP(ctx, disk, "e2names", 0);
    EXPECT_OK(vfs_mkdir(&ctx, "mnt/a", 0755));
    EXPECT_OK(vfs_mkdir(&ctx, "mnt/b", 0755));
    EXPECT_OK(vfs_test_put(&ctx, "mnt/a/f", "data", 0644));
    EXPECT_OK(vfs_rename(&ctx, "mnt/a/f", "mnt/a/g"));
    EXPECT_OK(vfs_rename(&ctx, "mnt/a/g", "mnt/b/h"));
    EXPECT_OK(vfs_link(&ctx, "mnt/b/h", "mnt/a/hard"));
    EXPECT_OK(vfs_symlink(&ctx, "../b/h", "mnt/a/soft"));
    char buf[8];
    EXPECT_RC(read_file(&ctx, "mnt/a/soft", buf, sizeof(buf)), 4);
    struct stat st;
    EXPECT_OK(vfs_stat(&ctx, "mnt/a/hard", &st));
    KTEST_EXPECT(st.st_nlink == 2, "nlink %d", st.st_nlink);
    EXPECT_OK(vfs_mkdir(&ctx, "mnt/a/sub", 0755));
    EXPECT_OK(vfs_rename(&ctx, "mnt/a/sub", "mnt/b/sub"));
    EXPECT_OK(vfs_stat(&ctx, "mnt/b/sub/..", &st));
    struct stat b_st;
    EXPECT_OK(vfs_stat(&ctx, "mnt/b", &b_st));
    KTEST_EXPECT(st.st_ino == b_st.st_ino, "moved dir's .. is %d, not b (%d)", st.st_ino,
                 b_st.st_ino);
    KTEST_EXPECT(b_st.st_nlink == 3, "b nlink %d", b_st.st_nlink);
    EXPECT_RC(vfs_rename(&ctx, "mnt/b", "mnt/b/sub/x"), -EINVAL);
    struct listing l;
    EXPECT_OK(list_names(&ctx, "mnt/a", &l));
    KTEST_EXPECT(listed(&l, "hard") && listed(&l, "soft") && listed(&l, ".") &&
                 listed(&l, "..") && !listed(&l, "f") && !listed(&l, "sub"), "a: %s", l.names);
    EXPECT_OK(vfs_unlink(&ctx, "mnt/b/h"));
    EXPECT_OK(vfs_stat(&ctx, "mnt/a/hard", &st));
    KTEST_EXPECT(st.st_nlink == 1, "nlink after unlink %d", st.st_nlink);
    EXPECT_RC(vfs_stat(&ctx, "mnt/a/soft", &st), -ENOENT);
    EXPECT_RC(vfs_rmdir(&ctx, "mnt/b"), -ENOTEMPTY);
    EXPECT_OK(vfs_rmdir(&ctx, "mnt/b/sub"));
    EXPECT_OK(vfs_rmdir(&ctx, "mnt/b"));
    EXT2_TEARDOWN(ctx, disk);
    return 0;
}

KTEST(ext2_holes_read_zero_lseek, KTEST_DEFAULT)
{
    EXT2_SETUP(ctx, disk, "e2holes", 0);
    struct vfs_statfs before, after;
    EXPECT_OK(vfs_statfs(&ctx, "mnt", &before));
    int fd = vfs_open(&ctx, "mnt/sparse", O_RDWR | O_CREAT, 0644);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_lseek(&ctx, fd, 5 << 20, SEEK_SET), 5 << 20);   /* past the disk's size */
    EXPECT_RC(vfs_write(&ctx, fd, "end", 3), 3);
    EXPECT_RC(vfs_lseek(&ctx, fd, 0, SEEK_END), (5 << 20) + 3);
    char buf[64];
    memset(buf, 'x', sizeof(buf));
    EXPECT_RC(vfs_pread(&ctx, fd, buf, sizeof(buf), 3 << 20), (long)sizeof(buf));
    for (size_t i = 0; i < sizeof(buf); i++)
        KTEST_EXPECT(buf[i] == 0, "hole byte %zu is %#x", i, buf[i]);
    EXPECT_OK(vfs_statfs(&ctx, "mnt", &after));
    KTEST_EXPECT(before.blocks_free - after.blocks_free <= 4, "sparse file took %lu blocks",
                 (unsigned long)(before.blocks_free - after.blocks_free));
    EXPECT_OK(vfs_ftruncate(&ctx, fd, 10));
    EXPECT_OK(vfs_close(&ctx, fd));
    EXPECT_OK(vfs_unlink(&ctx, "mnt/sparse"));
    EXPECT_OK(vfs_statfs(&ctx, "mnt", &after));
    KTEST_EXPECT(after.blocks_free == before.blocks_free, "blocks free %lu, was %lu",
                 (unsigned long)after.blocks_free, (unsigned long)before.blocks_free);
    EXT2_TEARDOWN(ctx, disk);
    return 0;
}

KTEST(ext2_full_disk_enospc, KTEST_DEFAULT)
{
    EXT2_SETUP(ctx, disk, "e2full", 0);
    struct vfs_statfs before, after;
    EXPECT_OK(vfs_statfs(&ctx, "mnt", &before));
    static char chunk[4096];
    memset(chunk, 0x5a, sizeof(chunk));
    int fd = vfs_open(&ctx, "mnt/filler", O_WRONLY | O_CREAT, 0644);
    EXPECT_OK(fd);
    long n;
    while ((n = vfs_write(&ctx, fd, chunk, sizeof(chunk))) > 0)
        ;
    EXPECT_RC(n, -ENOSPC);
    EXPECT_OK(vfs_close(&ctx, fd));
    EXPECT_RC(vfs_mkdir(&ctx, "mnt/nope", 0755), -ENOSPC);
    EXPECT_OK(vfs_unlink(&ctx, "mnt/filler"));
    EXPECT_OK(vfs_statfs(&ctx, "mnt", &after));
    KTEST_EXPECT(after.blocks_free == before.blocks_free, "blocks free %lu, was %lu",
                 (unsigned long)after.blocks_free, (unsigned long)before.blocks_free);
    EXT2_TEARDOWN(ctx, disk);
    return 0;
}

KTEST(ext2_io_error_gives_eio, KTEST_DEFAULT)
{
    EXT2_SETUP(ctx, disk, "e2eio", 0);
    /* Nothing of data.bin is cached yet: every read now fails. */
    ramdisk_inject_error(disk.dev, 0, disk.size_bytes / 512, RAMDISK_FAIL_READ);
    char buf[64];
    EXPECT_RC(read_file(&ctx, "mnt/dir/data.bin", buf, sizeof(buf)), -EIO);
    ramdisk_inject_error(disk.dev, 0, 0, 0);
    EXPECT_RC(read_file(&ctx, "mnt/dir/data.bin", buf, sizeof(buf)), (long)sizeof(buf));
    /* Writes fail at write-back: fsync reports it, a later sync succeeds. */
    ramdisk_inject_error(disk.dev, 0, disk.size_bytes / 512, RAMDISK_FAIL_WRITE);
    int fd = vfs_open(&ctx, "mnt/w", O_WRONLY | O_CREAT, 0644);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_write(&ctx, fd, "abc", 3), 3);
    EXPECT_RC(vfs_fsync(&ctx, fd), -EIO);
    ramdisk_inject_error(disk.dev, 0, 0, 0);
    EXPECT_OK(vfs_fsync(&ctx, fd));
    EXPECT_OK(vfs_close(&ctx, fd));
    EXT2_TEARDOWN(ctx, disk);
    return 0;
}

KTEST(ext2_readonly_mount_erofs, KTEST_DEFAULT)
{
    EXT2_SETUP(ctx, disk, "e2ro", MOUNT_RDONLY);
    EXPECT_RC(vfs_open(&ctx, "mnt/new", O_WRONLY | O_CREAT, 0644), -EROFS);
    EXPECT_RC(vfs_open(&ctx, "mnt/hello.txt", O_WRONLY, 0), -EROFS);
    EXPECT_RC(vfs_mkdir(&ctx, "mnt/d", 0755), -EROFS);
    EXPECT_RC(vfs_unlink(&ctx, "mnt/hello.txt"), -EROFS);
    char buf[32];
    EXPECT_RC(read_file(&ctx, "mnt/hello.txt", buf, sizeof(buf)), 18);
    EXT2_TEARDOWN(ctx, disk);
    return 0;
}

KTEST(ext2_umount_busy_while_open, KTEST_DEFAULT)
{
    EXT2_SETUP(ctx, disk, "e2busy", 0);
    int fd = vfs_open(&ctx, "mnt/hello.txt", O_RDONLY, 0);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_umount(&ctx, "mnt"), -EBUSY);
    EXPECT_OK(vfs_close(&ctx, fd));
    EXPECT_OK(vfs_chdir(&ctx, "mnt/dir"));
    EXPECT_RC(vfs_umount(&ctx, "/ktest/e2busy/mnt"), -EBUSY);
    EXPECT_OK(vfs_chdir(&ctx, "/ktest/e2busy"));
    EXPECT_RC(vfs_umount(&ctx, "/ktest"), -EINVAL);
    EXT2_TEARDOWN(ctx, disk);
    return 0;
}

KTEST(ext2_file_past_4gib, KTEST_DEFAULT)
{
    EXT2_SETUP(ctx, disk, "e2large", 0);
    /* 1 KiB blocks: 5 GiB is in the triple-indirect range, and the file
     * needs i_size_high; the holes take no space on the 2 MiB disk. */
    const int64_t at = (5LL << 30) + 100;
    static char data[3000], back[3000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)(i * 7 + 1);
    int fd = vfs_open(&ctx, "mnt/large", O_RDWR | O_CREAT, 0644);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_pwrite(&ctx, fd, data, sizeof(data), at), (long)sizeof(data));
    struct stat st;
    EXPECT_OK(vfs_fstat(&ctx, fd, &st));
    KTEST_EXPECT(st.st_size == at + (int64_t)sizeof(data), "size %ld", (long)st.st_size);
    EXPECT_OK(vfs_close(&ctx, fd));
    EXPECT_OK(vfs_umount(&ctx, "mnt"));
    EXPECT_OK(vfs_mount_source(&ctx, "ext2", "e2large", "mnt", 0));
    fd = vfs_open(&ctx, "mnt/large", O_RDWR, 0);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_lseek(&ctx, fd, 0, SEEK_END), at + (int64_t)sizeof(data));
    EXPECT_RC(vfs_pread(&ctx, fd, back, sizeof(back), at), (long)sizeof(back));
    KTEST_EXPECT(memcmp(data, back, sizeof(data)) == 0, "data past 4 GiB differs");
    EXPECT_OK(vfs_ftruncate(&ctx, fd, 0));
    EXPECT_OK(vfs_close(&ctx, fd));
    EXT2_TEARDOWN(ctx, disk);
    return 0;
}

/* The superblock's feature words (offsets in the 1 KiB superblock). */
#define SB_AT 1024
#define SB_FEATURE_INCOMPAT 96
#define SB_FEATURE_RO_COMPAT 100

KTEST(ext2_unknown_features_refuse_or_read_only, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "e2feat");
    EXPECT_OK(vfs_mkdir(&ctx, "mnt", 0755));
    struct ext2_disk disk;
    EXPECT_OK(disk_create(&disk, "e2feat"));
    disk.mem[SB_AT + SB_FEATURE_INCOMPAT + 3] |= 0x40;      /* an unknown incompat bit */
    EXPECT_RC(vfs_mount_source(&ctx, "ext2", "e2feat", "mnt", 0), -EINVAL);
    disk.mem[SB_AT + SB_FEATURE_INCOMPAT + 3] &= (uint8_t)~0x40;
    disk.mem[SB_AT + SB_FEATURE_RO_COMPAT + 3] |= 0x40;     /* an unknown ro_compat bit */
    EXPECT_OK(vfs_mount_source(&ctx, "ext2", "e2feat", "mnt", 0));
    EXPECT_RC(vfs_open(&ctx, "mnt/new", O_WRONLY | O_CREAT, 0644), -EROFS);
    struct vfs_statfs st;
    EXPECT_OK(vfs_statfs(&ctx, "mnt", &st));
    KTEST_EXPECT(st.flags & MOUNT_RDONLY, "not read-only");
    EXT2_TEARDOWN(ctx, disk);
    return 0;
}

/* Crafted images: a bitmap placed inside the inode table is
 * refused at mount; a file whose block pointer points into the inode table
 * reads and writes -EIO and the table is not overwritten. */
static struct ext2_group_desc *group0(struct ext2_disk *d)
{
    const struct ext2_super *s = (const struct ext2_super *)(d->mem + EXT2_SUPER_OFFSET);
    uint32_t block_size = 1024u << s->s_log_block_size;
    return (struct ext2_group_desc *)(d->mem + (size_t)(s->s_first_data_block + 1) * block_size);
}

static struct ext2_inode *raw_inode(struct ext2_disk *d, uint32_t ino)
{
    const struct ext2_super *s = (const struct ext2_super *)(d->mem + EXT2_SUPER_OFFSET);
    uint32_t block_size = 1024u << s->s_log_block_size;
    uint32_t inode_size = s->s_rev_level ? s->s_inode_size : 128;
    size_t at = (size_t)group0(d)->bg_inode_table * block_size + (size_t)(ino - 1) * inode_size;
    return (struct ext2_inode *)(d->mem + at);
}

KTEST(ext2_crafted_metadata_refused, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "e2craft");
    EXPECT_OK(vfs_mkdir(&ctx, "mnt", 0755));
    struct ext2_disk disk;
    EXPECT_OK(disk_create(&disk, "e2craft"));
    struct ext2_group_desc *gd = group0(&disk), saved = *gd;
    gd->bg_block_bitmap = gd->bg_inode_table + 1;
    EXPECT_RC(vfs_mount_source(&ctx, "ext2", "e2craft", "mnt", 0), -EINVAL);
    *gd = saved;

    EXPECT_OK(vfs_mount_source(&ctx, "ext2", "e2craft", "mnt", 0));
    struct stat st;
    EXPECT_OK(vfs_stat(&ctx, "mnt/hello.txt", &st));
    EXPECT_OK(vfs_umount(&ctx, "mnt"));
    raw_inode(&disk, (uint32_t)st.st_ino)->i_block[0] = gd->bg_inode_table;
    EXPECT_OK(vfs_mount_source(&ctx, "ext2", "e2craft", "mnt", 0));
    char buf[64];
    int fd = vfs_open(&ctx, "mnt/hello.txt", O_RDWR, 0);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_read(&ctx, fd, buf, sizeof(buf)), -EIO);
    EXPECT_RC(vfs_pwrite(&ctx, fd, "overwrite the inode table", 25, 0), -EIO);
    EXPECT_OK(vfs_close(&ctx, fd));
    EXPECT_OK(vfs_umount(&ctx, "mnt"));
    /* the table still holds the root directory: remount, read a file */
    EXPECT_OK(vfs_mount_source(&ctx, "ext2", "e2craft", "mnt", 0));
    EXPECT_RC(read_file(&ctx, "mnt/dir/data.bin", buf, sizeof(buf)), (long)sizeof(buf));
    EXT2_TEARDOWN(ctx, disk);
    return 0;
}
