/* In-kernel tests of the terminal devices: Linux device numbers of the
 * console, ttyS0, tty, ptmx and pts/N; the console is a terminal (termios)
 * whose writes are never cut short; /dev/tty without a controlling
 * terminal (a kernel thread is in no session) is ENXIO. Sessions and
 * controlling terminals proper need processes: apps/tests/jobctl. */
#include <string.h>
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/ioctl.h>
#include <abi/termios.h>
#include <mm/kmalloc.h>
#include <vfs/vfs.h>
#include <ktest.h>

#define EXPECT_RC(expr, expected)                                             \
    do {                                                                      \
        long rc_ = (long)(expr);                                              \
        long want_ = (long)(expected);                                        \
        if (rc_ != want_)                                                     \
            ktest_fail("%s: expected %ld, got %ld", #expr, want_, rc_);       \
    } while (0)

#define LONG_WRITE_BYTES 9000       /* over twice the line discipline's output ring */

/* st_rdev of path as major:minor, or a negative errno. */
static long device_number(struct vfs_ctx *ctx, const char *path)
{
    struct stat st;
    int rc = vfs_stat(ctx, path, &st);
    if (rc < 0)
        return rc;
    if (!S_ISCHR(st.st_mode))
        return -ENODEV;
    return (unsigned short)st.st_rdev;
}

KTEST(tty_devices_have_linux_numbers, KTEST_DEFAULT)
{
    struct vfs_ctx ctx;
    EXPECT_RC(vfs_ctx_init(&ctx, CRED_ROOT), 0);
    static const struct { const char *path; long rdev; } want[] = {
        { "/dev/tty", 5 << 8 | 0 }, { "/dev/console", 5 << 8 | 1 },
        { "/dev/ptmx", 5 << 8 | 2 }, { "/dev/ttyS0", 4 << 8 | 64 },
        { "/dev/serial0", 4 << 8 | 64 },
    };
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        long rdev = device_number(&ctx, want[i].path);
        KTEST_EXPECT(rdev == want[i].rdev, "%s: expected %ld:%ld, got %ld:%ld (or error)",
                     want[i].path, want[i].rdev >> 8, want[i].rdev & 0xff, rdev >> 8,
                     rdev & 0xff);
    }
    int master = vfs_open(&ctx, "/dev/ptmx", O_RDWR | O_NOCTTY, 0);
    KTEST_EXPECT(master >= 0, "open /dev/ptmx: %d", master);
    unsigned index = 99;
    EXPECT_RC(vfs_ioctl(&ctx, master, TIOCGPTN, (unsigned long)&index), 0);
    char path[32];
    snprintf(path, sizeof(path), "/dev/pts/%u", index);
    long rdev = device_number(&ctx, path);
    KTEST_EXPECT(rdev == (136 << 8 | (long)index), "%s: expected 136:%u, got %ld", path,
                 index, rdev);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(tty_console_is_a_terminal, KTEST_DEFAULT)
{
    struct vfs_ctx ctx;
    EXPECT_RC(vfs_ctx_init(&ctx, CRED_ROOT), 0);
    static const char *const paths[] = { "/dev/console", "/dev/ttyS0", "/dev/serial0" };
    for (unsigned i = 0; i < 3; i++) {
        int fd = vfs_open(&ctx, paths[i], O_RDWR | O_NOCTTY | O_NONBLOCK, 0);
        KTEST_EXPECT(fd >= 0, "open %s: %d", paths[i], fd);
        struct termios t;
        EXPECT_RC(vfs_ioctl(&ctx, fd, TCGETS, (unsigned long)&t), 0);
        KTEST_EXPECT((t.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG),
                     "%s: lflag %#x lacks ICANON|ECHO|ISIG", paths[i], (unsigned)t.c_lflag);
        KTEST_EXPECT(t.c_oflag & ONLCR, "%s: oflag %#x lacks ONLCR", paths[i],
                     (unsigned)t.c_oflag);
        char c;
        long n = vfs_read(&ctx, fd, &c, 1);     /* nobody types during ktests */
        KTEST_EXPECT(n == -EAGAIN, "non-blocking read of %s: expected -EAGAIN, got %ld",
                     paths[i], n);
        EXPECT_RC(vfs_close(&ctx, fd), 0);
    }
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(tty_console_long_write_is_whole, KTEST_DEFAULT)
{
    struct vfs_ctx ctx;
    EXPECT_RC(vfs_ctx_init(&ctx, CRED_ROOT), 0);
    int fd = vfs_open(&ctx, "/dev/console", O_WRONLY | O_NOCTTY, 0);
    KTEST_EXPECT(fd >= 0, "open /dev/console: %d", fd);
    char *text = kmalloc(LONG_WRITE_BYTES);
    KTEST_EXPECT(text, "no memory");
    memset(text, '.', LONG_WRITE_BYTES);
    text[0] = '#';
    text[1] = ' ';
    text[LONG_WRITE_BYTES - 1] = '\n';
    long n = vfs_write(&ctx, fd, text, LONG_WRITE_BYTES);
    kfree(text);
    KTEST_EXPECT(n == LONG_WRITE_BYTES, "write of %d bytes to the console gave %ld",
                 LONG_WRITE_BYTES, n);
    int pending = -1;
    EXPECT_RC(vfs_ioctl(&ctx, fd, TIOCOUTQ, (unsigned long)&pending), 0);
    KTEST_EXPECT(pending == 0, "%d output bytes still queued after write returned", pending);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(tty_dev_tty_without_session_is_enxio, KTEST_DEFAULT)
{
    struct vfs_ctx ctx;
    EXPECT_RC(vfs_ctx_init(&ctx, CRED_ROOT), 0);
    EXPECT_RC(vfs_open(&ctx, "/dev/tty", O_RDWR, 0), -ENXIO);
    vfs_ctx_release(&ctx);
    return 0;
}
