/* In-kernel tests of devfs, its devices, the platform's random seed and the
 * initramfs unpacked at boot (tests/initramfs/manifest.txt). */
#include <plat/random.h>
#include "vfs_test.h"

KTEST(dev_null_reads_eof_and_swallows_writes, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "devnull");
    int fd = vfs_open(&ctx, "/dev/null", O_RDWR, 0);
    EXPECT_OK(fd);
    char buf[8];
    EXPECT_RC(vfs_read(&ctx, fd, buf, sizeof(buf)), 0);
    EXPECT_RC(vfs_write(&ctx, fd, "gone", 4), 4);
    struct stat st;
    EXPECT_RC(vfs_fstat(&ctx, fd, &st), 0);
    KTEST_EXPECT(S_ISCHR(st.st_mode), "/dev/null mode %o is not a char device",
                 (unsigned)st.st_mode);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(dev_zero_reads_zeros, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "devzero");
    int fd = vfs_open(&ctx, "/dev/zero", O_RDONLY, 0);
    char buf[100];
    memset(buf, 0x55, sizeof(buf));
    EXPECT_RC(vfs_read(&ctx, fd, buf, sizeof(buf)), 100);
    for (int i = 0; i < 100; i++)
        KTEST_EXPECT(buf[i] == 0, "byte %d is %d", i, buf[i]);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(dev_urandom_reads_differ, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "devurandom");
    int fd = vfs_open(&ctx, "/dev/urandom", O_RDWR, 0);
    int fd2 = vfs_open(&ctx, "/dev/random", O_RDONLY, 0);
    EXPECT_OK(fd);
    EXPECT_OK(fd2);
    char a[32], b[32];
    EXPECT_RC(vfs_read(&ctx, fd, a, sizeof(a)), 32);
    EXPECT_RC(vfs_read(&ctx, fd2, b, sizeof(b)), 32);
    KTEST_EXPECT(memcmp(a, b, sizeof(a)) != 0, "two random reads are equal");
    static char big[10000];
    EXPECT_RC(vfs_read(&ctx, fd, big, sizeof(big)), (long)sizeof(big));
    EXPECT_RC(vfs_write(&ctx, fd, "entropy", 7), 7);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(plat_random_seed_fills_buffer, KTEST_DEFAULT)
{
    unsigned char a[32] = { 0 }, b[32] = { 0 };
    /* QEMU's "max" CPU has RDRAND (amd64) and RNDR (arm64) */
    EXPECT_RC(plat_random_seed(a, sizeof(a)), 32);
    EXPECT_RC(plat_random_seed(b, 5), 5);
    KTEST_EXPECT(memcmp(a, b, 5) != 0, "two seeds start alike");
    return 0;
}

KTEST(dev_kmsg_holds_the_boot_banner, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "devkmsg");
    int fd = vfs_open(&ctx, "/dev/kmsg", O_RDONLY, 0);
    EXPECT_OK(fd);
    static char log[4096];
    long n = vfs_read(&ctx, fd, log, sizeof(log) - 1);
    KTEST_EXPECT(n > 0, "reading /dev/kmsg gave %ld", n);
    log[n] = '\0';
    KTEST_EXPECT(memcmp(log, "tandem ", 7) == 0, "the log starts '%.20s', not the banner", log);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(dev_console_and_serial_write, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "devconsole");
    int fd = vfs_open(&ctx, "/dev/console", O_RDWR | O_NONBLOCK, 0);
    int sfd = vfs_open(&ctx, "/dev/serial0", O_WRONLY, 0);
    EXPECT_OK(fd);
    EXPECT_OK(sfd);
    EXPECT_RC(vfs_write(&ctx, fd, "# console ok\n", 13), 13);
    EXPECT_RC(vfs_write(&ctx, sfd, "# serial0 ok\n", 13), 13);
    char c;
    long n = vfs_read(&ctx, fd, &c, 1);    /* no input is waiting in the tests */
    KTEST_EXPECT(n == -EAGAIN || n == 1, "a non-blocking console read gave %ld", n);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(devfs_lists_every_device, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "devls");
    int fd = vfs_open(&ctx, "/dev", O_RDONLY | O_DIRECTORY, 0);
    EXPECT_OK(fd);
    static char buf[1024];
    long n = vfs_getdents(&ctx, fd, buf, sizeof(buf));
    KTEST_EXPECT(n > 0, "getdents on /dev gave %ld", n);
    const char *want[] = { "null", "zero", "full", "random", "urandom", "console", "serial0",
                           "kmsg", "vmstat" };
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        bool is_found = false;
        for (long off = 0; off < n;) {
            struct dirent64 *de = (struct dirent64 *)(void *)(buf + off);
            if (strcmp(de->d_name, want[i]) == 0 && de->d_type == DT_CHR)
                is_found = true;
            off += de->d_reclen;
        }
        KTEST_EXPECT(is_found, "/dev/%s is not listed", want[i]);
    }
    EXPECT_RC(vfs_mkdir(&ctx, "/dev/x", 0755), -EPERM);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(devfs_device_node_made_by_mknod_opens_the_driver, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "mknod");
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, "/dev/zero", &st), 0);
    EXPECT_RC(vfs_mknod(&ctx, "myzero", S_IFCHR | 0666, (uint32_t)st.st_rdev), 0);
    int fd = vfs_open(&ctx, "myzero", O_RDONLY, 0);
    EXPECT_OK(fd);
    char c = 1;
    EXPECT_RC(vfs_read(&ctx, fd, &c, 1), 1);
    EXPECT_RC(c, 0);
    EXPECT_RC(vfs_mknod(&ctx, "nodev", S_IFCHR | 0666, 999), 0);
    EXPECT_RC(vfs_open(&ctx, "nodev", O_RDONLY, 0), -ENXIO);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(initramfs_file_has_archived_contents, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "initramfs_file");
    int fd = vfs_open(&ctx, "/etc/hello.txt", O_RDONLY, 0);
    EXPECT_OK(fd);
    char buf[64] = { 0 };
    EXPECT_RC(vfs_read(&ctx, fd, buf, sizeof(buf) - 1), 25);
    KTEST_EXPECT(strcmp(buf, "hello from the initramfs\n") == 0, "read '%s'", buf);
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, "/bin/greet", &st), 0);
    EXPECT_RC(st.st_mode, S_IFREG | 0755);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(initramfs_symlink_dir_and_fifo_are_unpacked, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "initramfs_tree");
    char buf[16];
    EXPECT_RC(vfs_readlink(&ctx, "/bin/hi", buf, sizeof(buf)), 5);
    KTEST_EXPECT(memcmp(buf, "greet", 5) == 0, "/bin/hi points to '%.5s'", buf);
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, "/bin/hi", &st), 0);
    EXPECT_RC(st.st_size, 22);
    EXPECT_RC(vfs_stat(&ctx, "/home/user", &st), 0);
    EXPECT_RC(st.st_mode, S_IFDIR | 0700);
    EXPECT_RC(st.st_uid, 1000);
    ctx.ids->cred = CRED_USER(1000, 1000);
    EXPECT_RC(vfs_lstat(&ctx, "/home/user/fifo", &st), 0);
    KTEST_EXPECT(S_ISFIFO(st.st_mode), "/home/user/fifo has mode %o", (unsigned)st.st_mode);
    ctx.ids->cred = CRED_USER(1001, 1001);
    EXPECT_RC(vfs_lstat(&ctx, "/home/user/fifo", &st), -EACCES);
    vfs_ctx_release(&ctx);
    return 0;
}
