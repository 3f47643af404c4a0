/* In-kernel tests of PTY pairs through the VFS calls (as a process would
 * make them, from a kernel thread): line discipline between master and
 * slave, ioctls, poll readiness, blocking wake-ups and hangup. */
#include <string.h>
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/ioctl.h>
#include <abi/poll.h>
#include <abi/termios.h>
#include <kern/printk.h>
#include <sched/thread.h>
#include <vfs/vfs.h>
#include <ktest.h>

#define EXPECT_RC(expr, expected)                                             \
    do {                                                                      \
        long rc_ = (long)(expr);                                              \
        long want_ = (long)(expected);                                        \
        if (rc_ != want_)                                                     \
            ktest_fail("%s: expected %ld, got %ld", #expr, want_, rc_);       \
    } while (0)

struct pair {
    struct vfs_ctx ctx;
    int master, slave;
    unsigned index;
};

/* Opens a pair the way openpty does: posix_openpt, unlockpt, ptsname,
 * open. Returns 0 or a negative errno. */
static int pair_open(struct pair *p)
{
    int rc = vfs_ctx_init(&p->ctx, CRED_ROOT);
    if (rc < 0)
        return rc;
    p->master = vfs_open(&p->ctx, "/dev/ptmx", O_RDWR | O_NOCTTY, 0);
    if (p->master < 0)
        return p->master;
    rc = (int)vfs_ioctl(&p->ctx, p->master, TIOCGPTN, (unsigned long)&p->index);
    if (rc < 0)
        return rc;
    int unlock = 0;
    rc = (int)vfs_ioctl(&p->ctx, p->master, TIOCSPTLCK, (unsigned long)&unlock);
    if (rc < 0)
        return rc;
    char path[32];
    snprintf(path, sizeof(path), "/dev/pts/%u", p->index);
    p->slave = vfs_open(&p->ctx, path, O_RDWR | O_NOCTTY, 0);
    return p->slave < 0 ? p->slave : 0;
}

#define PAIR(p)                                                               \
    struct pair p;                                                            \
    do {                                                                      \
        int setup_rc_ = pair_open(&p);                                        \
        if (setup_rc_ < 0)                                                    \
            ktest_fail("opening a PTY pair failed: %d", setup_rc_);           \
    } while (0)

static long read_nonblocking(struct pair *p, int fd, char *buf, size_t len)
{
    vfs_fcntl(&p->ctx, fd, F_SETFL, O_NONBLOCK);
    long n = vfs_read(&p->ctx, fd, buf, len);
    vfs_fcntl(&p->ctx, fd, F_SETFL, 0);
    return n;
}

static unsigned poll_now(struct pair *p, int fd, short events)
{
    struct pollfd pfd = { .fd = fd, .events = events };
    int rc = vfs_poll(&p->ctx, &pfd, 1, 0);
    return rc == 1 ? (unsigned)(unsigned short)pfd.revents : 0;
}

KTEST(pty_locked_slave_does_not_open, KTEST_DEFAULT)
{
    struct vfs_ctx ctx;
    EXPECT_RC(vfs_ctx_init(&ctx, CRED_ROOT), 0);
    int master = vfs_open(&ctx, "/dev/ptmx", O_RDWR, 0);
    KTEST_EXPECT(master >= 0, "open /dev/ptmx: %d", master);
    unsigned index = 99;
    EXPECT_RC(vfs_ioctl(&ctx, master, TIOCGPTN, (unsigned long)&index), 0);
    char path[32];
    snprintf(path, sizeof(path), "/dev/pts/%u", index);
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, path, &st), 0);
    KTEST_EXPECT(S_ISCHR(st.st_mode), "%s mode %o", path, (unsigned)st.st_mode);
    EXPECT_RC(vfs_open(&ctx, path, O_RDWR, 0), -EIO);  /* not unlocked yet */
    EXPECT_RC(vfs_close(&ctx, master), 0);
    EXPECT_RC(vfs_stat(&ctx, path, &st), -ENOENT);     /* the pair is gone */
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(pty_master_write_gives_slave_canonical_line, KTEST_DEFAULT)
{
    PAIR(p);
    char buf[32] = { 0 };
    EXPECT_RC(vfs_write(&p.ctx, p.master, "hel", 3), 3);
    EXPECT_RC(read_nonblocking(&p, p.slave, buf, sizeof(buf)), -EAGAIN);  /* no line yet */
    EXPECT_RC(vfs_write(&p.ctx, p.master, "lo\r", 3), 3);                 /* ICRNL */
    EXPECT_RC(vfs_read(&p.ctx, p.slave, buf, sizeof(buf)), 6);
    KTEST_EXPECT(memcmp(buf, "hello\n", 6) == 0, "slave read '%s'", buf);
    memset(buf, 0, sizeof(buf));
    EXPECT_RC(vfs_read(&p.ctx, p.master, buf, sizeof(buf)), 7);           /* the echo */
    KTEST_EXPECT(memcmp(buf, "hello\r\n", 7) == 0, "echo '%s'", buf);
    vfs_ctx_release(&p.ctx);
    return 0;
}

KTEST(pty_slave_output_has_onlcr_on_master, KTEST_DEFAULT)
{
    PAIR(p);
    EXPECT_RC(vfs_write(&p.ctx, p.slave, "a\nb", 3), 3);
    char buf[16] = { 0 };
    EXPECT_RC(vfs_read(&p.ctx, p.master, buf, sizeof(buf)), 4);
    KTEST_EXPECT(memcmp(buf, "a\r\nb", 4) == 0, "master read '%s'", buf);
    vfs_ctx_release(&p.ctx);
    return 0;
}

KTEST(pty_erase_and_kill_edit_the_line, KTEST_DEFAULT)
{
    PAIR(p);
    EXPECT_RC(vfs_write(&p.ctx, p.master, "ab\x7f" "c\x15xy\n", 8), 8);
    char buf[16] = { 0 };
    EXPECT_RC(vfs_read(&p.ctx, p.slave, buf, sizeof(buf)), 3);
    KTEST_EXPECT(memcmp(buf, "xy\n", 3) == 0, "slave read '%s'", buf);
    vfs_ctx_release(&p.ctx);
    return 0;
}

KTEST(pty_raw_mode_through_tcsets, KTEST_DEFAULT)
{
    PAIR(p);
    struct termios t;
    EXPECT_RC(vfs_ioctl(&p.ctx, p.slave, TCGETS, (unsigned long)&t), 0);
    KTEST_EXPECT(t.c_lflag & ICANON, "default lflag %o lacks ICANON", t.c_lflag);
    t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    EXPECT_RC(vfs_ioctl(&p.ctx, p.slave, TCSETSF, (unsigned long)&t), 0);
    EXPECT_RC(vfs_write(&p.ctx, p.master, "k", 1), 1);
    char c = 0;
    EXPECT_RC(vfs_read(&p.ctx, p.slave, &c, 1), 1);
    KTEST_EXPECT(c == 'k', "raw read %d", c);
    char buf[4];
    EXPECT_RC(read_nonblocking(&p, p.master, buf, sizeof(buf)), -EAGAIN);  /* no echo */
    vfs_ctx_release(&p.ctx);
    return 0;
}

KTEST(pty_vtime_read_times_out_with_zero, KTEST_DEFAULT)
{
    PAIR(p);
    struct termios t;
    EXPECT_RC(vfs_ioctl(&p.ctx, p.slave, TCGETS, (unsigned long)&t), 0);
    t.c_lflag &= ~(tcflag_t)ICANON;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 1;
    EXPECT_RC(vfs_ioctl(&p.ctx, p.slave, TCSETS, (unsigned long)&t), 0);
    char c;
    EXPECT_RC(vfs_read(&p.ctx, p.slave, &c, 1), 0);
    vfs_ctx_release(&p.ctx);
    return 0;
}

KTEST(pty_window_size_round_trips, KTEST_DEFAULT)
{
    PAIR(p);
    struct winsize ws = { .ws_row = 50, .ws_col = 132 }, got = { 0 };
    EXPECT_RC(vfs_ioctl(&p.ctx, p.master, TIOCSWINSZ, (unsigned long)&ws), 0);
    EXPECT_RC(vfs_ioctl(&p.ctx, p.slave, TIOCGWINSZ, (unsigned long)&got), 0);
    KTEST_EXPECT(got.ws_row == 50 && got.ws_col == 132, "winsize %ux%u", got.ws_row,
                 got.ws_col);
    int n = -1;
    EXPECT_RC(vfs_write(&p.ctx, p.master, "ab\n", 3), 3);
    EXPECT_RC(vfs_ioctl(&p.ctx, p.slave, FIONREAD, (unsigned long)&n), 0);
    KTEST_EXPECT(n == 3, "FIONREAD %d", n);
    EXPECT_RC(vfs_ioctl(&p.ctx, p.slave, 0x1234, 0), -ENOTTY);
    vfs_ctx_release(&p.ctx);
    return 0;
}

KTEST(pty_poll_reports_readiness_on_both_ends, KTEST_DEFAULT)
{
    PAIR(p);
    unsigned ev = poll_now(&p, p.slave, POLLIN | POLLOUT);
    KTEST_EXPECT(ev == POLLOUT, "idle slave: revents %#x", ev);
    ev = poll_now(&p, p.master, POLLIN | POLLOUT);
    KTEST_EXPECT(ev == POLLOUT, "idle master: revents %#x", ev);
    EXPECT_RC(vfs_write(&p.ctx, p.master, "x\n", 2), 2);
    ev = poll_now(&p, p.slave, POLLIN);
    KTEST_EXPECT(ev == POLLIN, "slave with a line: revents %#x", ev);
    ev = poll_now(&p, p.master, POLLIN);
    KTEST_EXPECT(ev == POLLIN, "master with the echo: revents %#x", ev);
    vfs_ctx_release(&p.ctx);
    return 0;
}

struct reader {
    struct pair *p;
    char buf[16];
    long result;
};

static int slave_reader(void *arg)
{
    struct reader *r = arg;
    r->result = vfs_read(&r->p->ctx, r->p->slave, r->buf, sizeof(r->buf));
    return 0;
}

KTEST(pty_blocked_slave_read_woken_by_master_write, KTEST_DEFAULT)
{
    PAIR(p);
    struct reader r = { .p = &p, .result = -1 };
    struct thread *t = thread_create("pty-reader", slave_reader, &r);
    KTEST_EXPECT(t, "thread_create failed");
    sched_yield();
    EXPECT_RC(vfs_write(&p.ctx, p.master, "go\n", 3), 3);
    int code;
    EXPECT_RC(thread_join(t, &code), 0);
    KTEST_EXPECT(r.result == 3 && memcmp(r.buf, "go\n", 3) == 0, "reader got %ld", r.result);
    vfs_ctx_release(&p.ctx);
    return 0;
}

static int slave_writer(void *arg)
{
    struct reader *r = arg;
    r->result = vfs_write(&r->p->ctx, r->p->slave, "out", 3);
    return 0;
}

KTEST(pty_blocked_poll_woken_by_slave_output, KTEST_DEFAULT)
{
    PAIR(p);
    struct reader r = { .p = &p, .result = -1 };
    struct thread *t = thread_create("pty-writer", slave_writer, &r);
    KTEST_EXPECT(t, "thread_create failed");
    struct pollfd pfd = { .fd = p.master, .events = POLLIN };
    EXPECT_RC(vfs_poll(&p.ctx, &pfd, 1, -1), 1);
    KTEST_EXPECT(pfd.revents == POLLIN, "revents %#x", (unsigned)pfd.revents);
    int code;
    EXPECT_RC(thread_join(t, &code), 0);
    EXPECT_RC(r.result, 3);
    vfs_ctx_release(&p.ctx);
    return 0;
}

KTEST(pty_master_close_hangs_up_slave, KTEST_DEFAULT)
{
    PAIR(p);
    EXPECT_RC(vfs_write(&p.ctx, p.master, "last\n", 5), 5);
    EXPECT_RC(vfs_close(&p.ctx, p.master), 0);
    char buf[16];
    EXPECT_RC(vfs_read(&p.ctx, p.slave, buf, sizeof(buf)), 5);    /* input still there */
    EXPECT_RC(vfs_read(&p.ctx, p.slave, buf, sizeof(buf)), -EIO);
    EXPECT_RC(vfs_write(&p.ctx, p.slave, "x", 1), -EIO);
    unsigned ev = poll_now(&p, p.slave, POLLIN | POLLOUT);
    KTEST_EXPECT(ev & POLLHUP, "hung-up slave: revents %#x", ev);
    vfs_ctx_release(&p.ctx);
    return 0;
}

KTEST(pty_slave_close_gives_master_eio, KTEST_DEFAULT)
{
    PAIR(p);
    EXPECT_RC(vfs_write(&p.ctx, p.slave, "bye", 3), 3);
    EXPECT_RC(vfs_close(&p.ctx, p.slave), 0);
    char buf[8];
    EXPECT_RC(vfs_read(&p.ctx, p.master, buf, sizeof(buf)), 3);   /* output still there */
    EXPECT_RC(vfs_read(&p.ctx, p.master, buf, sizeof(buf)), -EIO);
    unsigned ev = poll_now(&p, p.master, POLLIN);
    KTEST_EXPECT(ev & POLLHUP, "master without slave: revents %#x", ev);
    vfs_ctx_release(&p.ctx);
    return 0;
}

KTEST(pty_pts_directory_lists_live_pairs, KTEST_DEFAULT)
{
    PAIR(p);
    int dir = vfs_open(&p.ctx, "/dev/pts", O_RDONLY | O_DIRECTORY, 0);
    KTEST_EXPECT(dir >= 0, "open /dev/pts: %d", dir);
    char buf[1024];
    long n = vfs_getdents(&p.ctx, dir, buf, sizeof(buf));
    KTEST_EXPECT(n > 0, "getdents /dev/pts: %ld", n);
    char want[8];
    snprintf(want, sizeof(want), "%u", p.index);
    bool is_found = false;
    for (long off = 0; off < n;) {
        struct dirent64 *d = (struct dirent64 *)(buf + off);
        if (strcmp(d->d_name, want) == 0)
            is_found = true;
        off += d->d_reclen;
    }
    KTEST_EXPECT(is_found, "/dev/pts lacks %s", want);
    struct stat st;
    EXPECT_RC(vfs_stat(&p.ctx, "/dev/pts/..", &st), 0);
    EXPECT_RC(vfs_stat(&p.ctx, "/dev/pts/../ptmx", &st), 0);
    vfs_ctx_release(&p.ctx);
    return 0;
}
