/* In-kernel tests against a real disk (virtio-blk "vda" holding an ext2
 * image the harness made with tests/harness/diskfiles.py). Named only: the
 * boot tests select them with ktest=disk_* and attach the disk; the
 * harness then checks the image with e2fsck -fn and debugfs. The pattern
 * below is the one diskfiles.py writes and expects. bench_disk measures. */
#include <block/blockdev.h>
#include <mm/kmalloc.h>
#include <kern/util.h>
#include <plat/timer.h>
#include "vfs_test.h"     /* libos/vfs/tests, on the ktest include path */

#define DISK "vda"
#define MNT "/disk"
#define CHUNK 4109u                     /* odd on purpose: unaligned writes */

static uint8_t disk_pattern(uint64_t i)
{
    return (uint8_t)(((uint32_t)i * 2654435761u) >> 13);
}

/* Mounts vda on /disk (made in the ramfs root when missing). */
static int disk_mount(struct vfs_ctx *ctx, unsigned flags)
{
    if (!blockdev_find(DISK))
        return -ENXIO;
    int rc = vfs_ctx_init(ctx, CRED_ROOT);
    if (rc < 0)
        return rc;
    rc = vfs_mkdir(ctx, MNT, 0755);
    if (rc < 0 && rc != -EEXIST)
        return rc;
    return vfs_mount_source(ctx, "ext2", DISK, MNT, flags);
}

#define DISK_MOUNT(ctx, flags)                                                \
    struct vfs_ctx ctx;                                                       \
    do {                                                                      \
        int mount_rc_ = disk_mount(&ctx, flags);                              \
        if (mount_rc_ < 0)                                                    \
            ktest_fail("mounting " DISK " on " MNT ": %d (is a disk attached?)", mount_rc_); \
    } while (0)

/* Writes size bytes of the pattern (in CHUNK pieces). */
static long put_pattern(struct vfs_ctx *ctx, const char *path, uint64_t size)
{
    uint8_t *buf = kmalloc(CHUNK);
    if (!buf)
        return -ENOMEM;
    long rc = vfs_open(ctx, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fd = (int)rc;
    for (uint64_t off = 0; rc >= 0 && off < size;) {
        uint32_t n = (uint32_t)MIN((uint64_t)CHUNK, size - off);
        for (uint32_t i = 0; i < n; i++)
            buf[i] = disk_pattern(off + i);
        rc = vfs_write(ctx, fd, buf, n);
        if (rc >= 0 && rc != (long)n)
            rc = -EIO;
        off += n;
    }
    if (fd >= 0) {
        if (rc >= 0)
            rc = vfs_fsync(ctx, fd);
        vfs_close(ctx, fd);
    }
    kfree(buf);
    return rc < 0 ? rc : 0;
}

/* 0 when path holds exactly size bytes of the pattern; the first bad
 * offset + 1 when it differs; -errno when reading fails. */
static long check_pattern(struct vfs_ctx *ctx, const char *path, uint64_t size)
{
    uint8_t *buf = kmalloc(CHUNK);
    if (!buf)
        return -ENOMEM;
    long rc = vfs_open(ctx, path, O_RDONLY, 0);
    int fd = (int)rc;
    uint64_t off = 0;
    while (rc >= 0) {
        rc = vfs_read(ctx, fd, buf, CHUNK);
        if (rc <= 0)
            break;
        for (long i = 0; i < rc; i++) {
            if (off + (uint64_t)i >= size || buf[i] != disk_pattern(off + (uint64_t)i)) {
                rc = (long)(off + (uint64_t)i + 1);
                goto out;
            }
        }
        off += (uint64_t)rc;
    }
    if (rc == 0 && off != size)
        rc = (long)off + 1;
out:
    if (fd >= 0)
        vfs_close(ctx, fd);
    kfree(buf);
    return rc;
}

static long read_text(struct vfs_ctx *ctx, const char *path, char *buf, size_t size)
{
    int fd = vfs_open(ctx, path, O_RDONLY, 0);
    if (fd < 0)
        return fd;
    long n = vfs_read(ctx, fd, buf, size - 1);
    vfs_close(ctx, fd);
    if (n >= 0)
        buf[n] = 0;
    return n;
}

/* What diskfiles.py put into the image with mke2fs -d. */
KTEST(disk_reads_host_files, KTEST_NAMED_ONLY)
{
    char text[64];
    DISK_MOUNT(ctx, MOUNT_RDONLY);
    EXPECT_RC(read_text(&ctx, MNT "/host/hello.txt", text, sizeof(text)), 20);
    KTEST_EXPECT(strcmp(text, "hello from the host\n") == 0, "hello.txt: '%s'", text);
    EXPECT_RC(check_pattern(&ctx, MNT "/host/pattern.bin", 1048576 + 123), 0);
    struct stat st;
    EXPECT_OK(vfs_stat(&ctx, MNT "/host/dir/deeper", &st));
    KTEST_EXPECT(S_ISDIR(st.st_mode), "host/dir/deeper mode %o", st.st_mode);
    EXPECT_OK(vfs_umount(&ctx, MNT));
    printk("disk: host files read back\n");
    vfs_ctx_release(&ctx);
    return 0;
}

/* Writes files, directories, links and a file past the double-indirect
 * boundary, reads them back, remounts, reads again. The harness compares
 * /t/large.bin and /t/dir/moved.txt with debugfs afterwards. */
KTEST(disk_writes_files_host_reads, KTEST_NAMED_ONLY)
{
    static const char small[] = "written by tandem\n";
    static const char slow_target[] =
        "a/slow/symlink/target/longer/than/the/sixty/bytes/an/inode/holds/in/its/blocks";
    const uint64_t large_size = 3 * 1048576 + 517;
    char text[128];
    DISK_MOUNT(ctx, 0);
    EXPECT_OK(vfs_mkdir(&ctx, MNT "/t", 0755));
    EXPECT_OK(vfs_mkdir(&ctx, MNT "/t/dir", 0755));
    EXPECT_OK(vfs_mkdir(&ctx, MNT "/t/dir/sub", 0700));
    EXPECT_OK(vfs_test_put(&ctx, MNT "/t/small.txt", small, 0644));
    EXPECT_OK(vfs_link(&ctx, MNT "/t/small.txt", MNT "/t/dir/hard.txt"));
    EXPECT_OK(vfs_rename(&ctx, MNT "/t/small.txt", MNT "/t/dir/moved.txt"));
    EXPECT_OK(vfs_symlink(&ctx, "moved.txt", MNT "/t/dir/fast"));
    EXPECT_OK(vfs_symlink(&ctx, slow_target, MNT "/t/slow"));
    EXPECT_OK(put_pattern(&ctx, MNT "/t/large.bin", large_size));
    EXPECT_RC(check_pattern(&ctx, MNT "/t/large.bin", large_size), 0);
    EXPECT_OK(vfs_umount(&ctx, MNT));

    EXPECT_OK(vfs_mount_source(&ctx, "ext2", DISK, MNT, 0));
    EXPECT_RC(check_pattern(&ctx, MNT "/t/large.bin", large_size), 0);
    EXPECT_RC(read_text(&ctx, MNT "/t/dir/fast", text, sizeof(text)), sizeof(small) - 1);
    KTEST_EXPECT(strcmp(text, small) == 0, "through the fast symlink: '%s'", text);
    EXPECT_RC(vfs_readlink(&ctx, MNT "/t/slow", text, sizeof(text)), sizeof(slow_target) - 1);
    struct stat st;
    EXPECT_OK(vfs_stat(&ctx, MNT "/t/dir/hard.txt", &st));
    KTEST_EXPECT(st.st_nlink == 2, "hard.txt nlink %d", (int)st.st_nlink);
    EXPECT_OK(vfs_umount(&ctx, MNT));
    printk("disk: files written and read back\n");
    vfs_ctx_release(&ctx);
    return 0;
}

/* Fills the disk: ENOSPC, then the space comes back on unlink. */
KTEST(disk_full_enospc, KTEST_NAMED_ONLY)
{
    DISK_MOUNT(ctx, 0);
    struct vfs_statfs before, after;
    EXPECT_OK(vfs_statfs(&ctx, MNT, &before));
    int fd = vfs_open(&ctx, MNT "/fill.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_OK(fd);
    uint8_t *buf = kzalloc(65536);
    KTEST_EXPECT(buf, "no memory");
    long rc = 0;
    uint64_t written = 0;
    while (rc >= 0) {
        rc = vfs_write(&ctx, fd, buf, 65536);
        if (rc > 0)
            written += (uint64_t)rc;
        if (rc == 0)
            rc = -EIO;
    }
    kfree(buf);
    KTEST_EXPECT(rc == -ENOSPC, "write at %lu: expected -ENOSPC, got %ld", (unsigned long)written,
                 rc);
    EXPECT_OK(vfs_fsync(&ctx, fd));
    EXPECT_OK(vfs_close(&ctx, fd));
    printk("disk: ENOSPC after %lu KiB\n", (unsigned long)(written >> 10));
    /* Another file cannot grow either, and the disk stays consistent. */
    EXPECT_RC(vfs_test_put(&ctx, MNT "/more.txt", "x", 0644), -ENOSPC);
    EXPECT_OK(vfs_unlink(&ctx, MNT "/fill.bin"));
    vfs_unlink(&ctx, MNT "/more.txt");
    EXPECT_OK(vfs_sync());
    EXPECT_OK(vfs_statfs(&ctx, MNT, &after));
    KTEST_EXPECT(after.blocks_free == before.blocks_free, "blocks free %lu, was %lu",
                 (unsigned long)after.blocks_free, (unsigned long)before.blocks_free);
    EXPECT_OK(vfs_umount(&ctx, MNT));
    vfs_ctx_release(&ctx);
    return 0;
}

/* The harness injects read errors (blkdebug) into host/eio.bin's first
 * block: reading it fails with EIO, everything else still works. */
KTEST(disk_io_error_eio, KTEST_NAMED_ONLY)
{
    char text[64];
    DISK_MOUNT(ctx, MOUNT_RDONLY);
    EXPECT_RC(read_text(&ctx, MNT "/host/hello.txt", text, sizeof(text)), 20);
    long rc = check_pattern(&ctx, MNT "/host/eio.bin", 65536);
    KTEST_EXPECT(rc == -EIO, "reading eio.bin: expected -EIO, got %ld", rc);
    printk("disk: injected error read as %ld\n", rc);
    EXPECT_RC(read_text(&ctx, MNT "/host/hello.txt", text, sizeof(text)), 20);
    EXPECT_OK(vfs_umount(&ctx, MNT));
    vfs_ctx_release(&ctx);
    return 0;
}

/* With root=vda: / is the disk (the build's root image), devfs on /dev. */
KTEST(disk_root_is_ext2, KTEST_NAMED_ONLY)
{
    char text[64];
    struct vfs_ctx ctx;
    EXPECT_OK(vfs_ctx_init(&ctx, CRED_ROOT));
    EXPECT_OK(read_text(&ctx, "/etc/hostname", text, sizeof(text)));
    struct stat st;
    EXPECT_OK(vfs_stat(&ctx, "/bin/hello", &st));
    KTEST_EXPECT(S_ISREG(st.st_mode) && st.st_size > 0, "/bin/hello mode %o size %ld",
                 st.st_mode, (long)st.st_size);
    EXPECT_OK(vfs_stat(&ctx, "/dev/null", &st));
    EXPECT_OK(vfs_test_put(&ctx, "/tmp/root-was-writable", "yes\n", 0644));
    printk("disk: root hostname %s", text);
    vfs_ctx_release(&ctx);
    return 0;
}

/* Sequential write and read of 64 MiB (cold: remounted in between) and
 * create+stat+unlink of 10,000 files. Prints figures; asserts nothing
 * about time. */
KTEST(bench_disk, KTEST_NAMED_ONLY)
{
    const uint64_t size = 64 * MiB;
    const unsigned io_size = 64 * 1024, files = 10000;
    DISK_MOUNT(ctx, 0);
    uint8_t *buf = kmalloc(io_size);
    KTEST_EXPECT(buf, "no memory");
    for (unsigned i = 0; i < io_size; i++)
        buf[i] = disk_pattern(i);

    uint64_t t0 = plat_time_ns();
    int fd = vfs_open(&ctx, MNT "/bench.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_OK(fd);
    for (uint64_t off = 0; off < size; off += io_size)
        EXPECT_RC(vfs_write(&ctx, fd, buf, io_size), io_size);
    EXPECT_OK(vfs_fsync(&ctx, fd));
    EXPECT_OK(vfs_close(&ctx, fd));
    uint64_t t1 = plat_time_ns();
    EXPECT_OK(vfs_umount(&ctx, MNT));
    EXPECT_OK(vfs_mount_source(&ctx, "ext2", DISK, MNT, 0));
    uint64_t t2 = plat_time_ns();
    fd = vfs_open(&ctx, MNT "/bench.bin", O_RDONLY, 0);
    EXPECT_OK(fd);
    uint64_t total = 0;
    long n;
    while ((n = vfs_read(&ctx, fd, buf, io_size)) > 0)
        total += (uint64_t)n;
    EXPECT_OK(n);
    EXPECT_OK(vfs_close(&ctx, fd));
    uint64_t t3 = plat_time_ns();
    KTEST_EXPECT(total == size, "read %lu bytes", (unsigned long)total);
    EXPECT_OK(vfs_unlink(&ctx, MNT "/bench.bin"));
    kfree(buf);

    char path[64];
    struct stat st;
    EXPECT_OK(vfs_mkdir(&ctx, MNT "/meta", 0755));
    uint64_t t4 = plat_time_ns();
    for (unsigned i = 0; i < files; i++) {
        snprintf(path, sizeof(path), MNT "/meta/f%u", i);
        fd = vfs_open(&ctx, path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        EXPECT_OK(fd);
        EXPECT_OK(vfs_close(&ctx, fd));
    }
    for (unsigned i = 0; i < files; i++) {
        snprintf(path, sizeof(path), MNT "/meta/f%u", i);
        EXPECT_OK(vfs_stat(&ctx, path, &st));
    }
    for (unsigned i = 0; i < files; i++) {
        snprintf(path, sizeof(path), MNT "/meta/f%u", i);
        EXPECT_OK(vfs_unlink(&ctx, path));
    }
    EXPECT_OK(vfs_sync());
    uint64_t t5 = plat_time_ns();
    EXPECT_OK(vfs_rmdir(&ctx, MNT "/meta"));
    EXPECT_OK(vfs_umount(&ctx, MNT));
    vfs_ctx_release(&ctx);

    uint64_t mib = size / MiB;
    printk("bench_disk: write %lu MiB in %lu ms (%lu MiB/s)\n", (unsigned long)mib,
           (unsigned long)((t1 - t0) / 1000000), (unsigned long)(mib * 1000000000ull / (t1 - t0 + 1)));
    printk("bench_disk: read %lu MiB in %lu ms (%lu MiB/s)\n", (unsigned long)mib,
           (unsigned long)((t3 - t2) / 1000000), (unsigned long)(mib * 1000000000ull / (t3 - t2 + 1)));
    printk("bench_disk: create+stat+unlink %u files in %lu ms\n", files,
           (unsigned long)((t5 - t4) / 1000000));
    return 0;
}
