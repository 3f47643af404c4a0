/* In-kernel tests of procfs's mechanics: a "proc" mount, its system files
 * read whole and byte by byte (one snapshot per open), read-only opens,
 * the directory listing, statfs, and unmounting (EBUSY while a file is
 * open). The per-process files need processes: apps/tests/procfs. */
#include <plat/boot.h>
#include "vfs_test.h"

/* Reads fd to the end with reads of chunk bytes; returns the length. */
static long read_all(struct vfs_ctx *ctx, int fd, char *buf, size_t size, size_t chunk)
{
    size_t len = 0;
    while (len + 1 < size) {
        size_t want = chunk < size - 1 - len ? chunk : size - 1 - len;
        long n = vfs_read(ctx, fd, buf + len, want);
        if (n < 0)
            return n;
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    return (long)len;
}

/* klibc has no strstr. */
static bool contains(const char *text, const char *part)
{
    size_t len = strlen(part);
    for (; *text; text++) {
        if (strncmp(text, part, len) == 0)
            return true;
    }
    return false;
}

static bool listing_has(const char *buf, long n, const char *name)
{
    for (long off = 0; off < n;) {
        const struct dirent64 *de = (const struct dirent64 *)(const void *)(buf + off);
        if (strcmp(de->d_name, name) == 0)
            return true;
        off += de->d_reclen;
    }
    return false;
}

KTEST(procfs_snapshot_small_reads, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "procfs");
    EXPECT_RC(vfs_mkdir(&ctx, "proc", 0555), 0);
    EXPECT_RC(vfs_mount(&ctx, "proc", "proc", 0, 0), 0);

    static char one[4096], whole[4096];
    int fd = vfs_open(&ctx, "proc/meminfo", O_RDONLY, 0);
    EXPECT_OK(fd);
    long n1 = read_all(&ctx, fd, one, sizeof(one), 1);
    EXPECT_RC(vfs_lseek(&ctx, fd, 0, SEEK_SET), 0);
    long n2 = read_all(&ctx, fd, whole, sizeof(whole), sizeof(whole));
    KTEST_EXPECT(n1 > 0 && n1 == n2 && memcmp(one, whole, (size_t)n1) == 0,
                 "meminfo: byte reads (%ld) and a whole read (%ld) of one open differ", n1, n2);
    KTEST_EXPECT(strncmp(whole, "MemTotal:", 9) == 0 && contains(whole, " kB\nMemFree:"),
                 "meminfo format: %s", whole);
    EXPECT_RC(vfs_close(&ctx, fd), 0);

    fd = vfs_open(&ctx, "proc/mounts", O_RDONLY, 0);
    EXPECT_OK(fd);
    n1 = read_all(&ctx, fd, whole, sizeof(whole), 7);
    KTEST_EXPECT(contains(whole, "proc /ktest/procfs/proc proc rw 0 0\n") &&
                 contains(whole, "devfs /dev devfs rw 0 0\n"), "mounts: %s", whole);
    EXPECT_RC(vfs_close(&ctx, fd), 0);

    fd = vfs_open(&ctx, "proc/uptime", O_RDONLY, 0);
    n1 = read_all(&ctx, fd, whole, sizeof(whole), 3);
    KTEST_EXPECT(n1 >= 10 && strchr(whole, '.') && whole[n1 - 1] == '\n', "uptime: %s", whole);
    EXPECT_RC(vfs_close(&ctx, fd), 0);

    fd = vfs_open(&ctx, "proc/cmdline", O_RDONLY, 0);
    n1 = read_all(&ctx, fd, whole, sizeof(whole), 5);
    KTEST_EXPECT(n1 >= 1 && whole[n1 - 1] == '\n' && (size_t)n1 == strlen(plat_cmdline()) + 1 &&
                 strncmp(whole, plat_cmdline(), (size_t)n1 - 1) == 0, "cmdline: %s", whole);
    EXPECT_RC(vfs_close(&ctx, fd), 0);

    EXPECT_RC(vfs_open(&ctx, "proc/version", O_WRONLY, 0), -EACCES);
    EXPECT_RC(vfs_open(&ctx, "proc/nothing", O_RDONLY, 0), -ENOENT);
    fd = vfs_open(&ctx, "proc/version", O_RDONLY | O_CREAT, 0644);   /* exists: opens */
    EXPECT_OK(fd);
    EXPECT_RC(vfs_close(&ctx, fd), 0);
    EXPECT_RC(vfs_mkdir(&ctx, "proc/dir", 0755), -EPERM);
    EXPECT_RC(vfs_umount(&ctx, "proc"), 0);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(procfs_listing_statfs_umount, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "procfs2");
    EXPECT_RC(vfs_mkdir(&ctx, "proc", 0555), 0);
    EXPECT_RC(vfs_mount(&ctx, "proc", "proc", 0, 0), 0);
    int fd = vfs_open(&ctx, "proc", O_RDONLY | O_DIRECTORY, 0);
    EXPECT_OK(fd);
    static char buf[2048];
    long n = vfs_getdents(&ctx, fd, buf, sizeof(buf));
    const char *want[] = { ".", "..", "self", "cmdline", "meminfo", "mounts", "uptime",
                           "version" };
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        KTEST_EXPECT(listing_has(buf, n, want[i]), "/proc does not list %s", want[i]);
    EXPECT_RC(vfs_close(&ctx, fd), 0);

    struct stat st;
    EXPECT_RC(vfs_lstat(&ctx, "proc/self", &st), 0);
    KTEST_EXPECT(S_ISLNK(st.st_mode), "/proc/self mode %o is not a symlink",
                 (unsigned)st.st_mode);
    EXPECT_RC(vfs_stat(&ctx, "proc/version", &st), 0);
    KTEST_EXPECT(S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0444, "version mode %o",
                 (unsigned)st.st_mode);
    struct vfs_statfs sfs;
    EXPECT_RC(vfs_statfs(&ctx, "proc", &sfs), 0);
    KTEST_EXPECT(sfs.fstype && strcmp(sfs.fstype, "proc") == 0, "statfs type %s",
                 sfs.fstype ? sfs.fstype : "(none)");

    fd = vfs_open(&ctx, "proc/version", O_RDONLY, 0);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_umount(&ctx, "proc"), -EBUSY);
    EXPECT_RC(vfs_close(&ctx, fd), 0);
    EXPECT_RC(vfs_umount(&ctx, "proc"), 0);
    EXPECT_RC(vfs_stat(&ctx, "proc/version", &st), -ENOENT);
    vfs_ctx_release(&ctx);
    return 0;
}
