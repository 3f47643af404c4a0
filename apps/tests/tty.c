/* Terminal modes over a PTY pair: canonical lines and their editing
 * characters, what ECHO/ECHOE/ECHOK echo (Linux's bytes), ICRNL, OPOST and
 * ONLCR, raw reads with VMIN/VTIME, VEOF, the window size and SIGWINCH,
 * TCSAFLUSH, isatty and ttyname. The master plays the keyboard and the
 * screen; the slave is the program's terminal. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "tap.h"
#include "ttyutil.h"

#define CTRL(c) ((c) & 0x1f)

/* master writes keys; the test checks what the slave reads */
#define TYPE(p, keys) CHECK_EQ("write to master of " #keys, (long)strlen(keys), \
                               write((p)->master, keys, strlen(keys)))

/* Reads what the master shows (echo, output) and compares it. */
#define EXPECT_SCREEN(p, expected) do { \
        char got_[256]; \
        long n_ = read_bytes((p)->master, got_, strlen(expected), WAIT_MS); \
        CHECK(n_ == (long)strlen(expected) && memcmp(got_, expected, strlen(expected)) == 0, \
              "master: expected \"%s\", got \"%s\"", show(expected, (long)strlen(expected)), \
              show(got_, n_)); \
    } while (0)

/* Reads one read(2)'s worth from the slave and compares it. */
#define EXPECT_READ(p, expected) do { \
        char got_[256]; \
        ssize_t n_ = read((p)->slave, got_, sizeof(got_)); \
        CHECK(n_ == (ssize_t)strlen(expected) && memcmp(got_, expected, strlen(expected)) == 0, \
              "slave read: expected \"%s\", got \"%s\" (%ld)", show(expected, (long)strlen(expected)), \
              show(got_, (long)n_), (long)n_); \
    } while (0)

static int open_quiet_pair(struct pty_pair *p)
{
    if (pair_open(p) < 0)
        return -1;
    return set_lflag(p->slave, ECHO, 0);
}

static void canonical_read_returns_one_line(void)
{
    struct pty_pair p;
    watchdog(WATCHDOG_S);
    CHECK_OK(open_quiet_pair(&p));
    TYPE(&p, "one\ntwo\nthr");
    EXPECT_READ(&p, "one\n");
    EXPECT_READ(&p, "two\n");
    CHECK(!is_readable_now(p.slave), "a partial line must not be readable");
    int pending = -1;
    CHECK_OK(ioctl(p.slave, FIONREAD, &pending));
    CHECK_EQ("FIONREAD with only a partial line", 0, pending);
    TYPE(&p, "ee\n");
    CHECK_OK(ioctl(p.slave, FIONREAD, &pending));
    CHECK_EQ("FIONREAD of \"three\\n\"", 6, pending);
    char small[3];
    CHECK_EQ("read of 3 from a 6-byte line", 3, read(p.slave, small, sizeof(small)));
    CHECK(memcmp(small, "thr", 3) == 0, "first part: got \"%s\"", show(small, 3));
    EXPECT_READ(&p, "ee\n");
    pair_close(&p);
}

static void erase_kill_werase_edit_the_line(void)
{
    struct pty_pair p;
    watchdog(WATCHDOG_S);
    CHECK_OK(open_quiet_pair(&p));
    TYPE(&p, "abx\x7f" "c\n");
    EXPECT_READ(&p, "abc\n");
    TYPE(&p, "junk\x15ok\n");
    EXPECT_READ(&p, "ok\n");
    TYPE(&p, "one two  \x17three\n");
    EXPECT_READ(&p, "one three\n");
    TYPE(&p, "\x7f\x7fx\n");          /* erase at line start does nothing */
    EXPECT_READ(&p, "x\n");
    /* other characters chosen by c_cc */
    struct termios t;
    CHECK_OK(tcgetattr(p.slave, &t));
    t.c_cc[VERASE] = '#';
    t.c_cc[VKILL] = '@';
    CHECK_OK(tcsetattr(p.slave, TCSANOW, &t));
    TYPE(&p, "ab#c\n" "zz@d\x7f\n");
    EXPECT_READ(&p, "ac\n");
    EXPECT_READ(&p, "d\x7f\n");
    pair_close(&p);
}

static void echo_is_what_linux_echoes(void)
{
    struct pty_pair p;
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));          /* defaults: ECHO ECHOE ECHOK ECHOKE ECHOCTL */
    TYPE(&p, "ab\x7f");
    EXPECT_SCREEN(&p, "ab\b \b");
    TYPE(&p, "cd\x15");               /* ECHOKE: the whole line erased visually */
    EXPECT_SCREEN(&p, "cd\b \b\b \b\b \b");
    TYPE(&p, "x y\x17");              /* VWERASE: the word */
    EXPECT_SCREEN(&p, "x y\b \b");
    TYPE(&p, "\x15");
    EXPECT_SCREEN(&p, "\b \b\b \b");
    CHECK_OK(set_lflag(p.slave, ECHOKE, 0));
    TYPE(&p, "kill\x15");             /* ECHOK: the character and a newline */
    EXPECT_SCREEN(&p, "kill^U\r\n");
    CHECK_OK(set_lflag(p.slave, ECHOK, 0));
    TYPE(&p, "k\x15");
    EXPECT_SCREEN(&p, "k^U");
    CHECK_OK(set_lflag(p.slave, ECHOE, 0));
    TYPE(&p, "z\x7f");                /* no ECHOE: the erase character itself */
    EXPECT_SCREEN(&p, "z^?");
    TYPE(&p, "q\n");
    EXPECT_SCREEN(&p, "q\r\n");
    EXPECT_READ(&p, "q\n");
    CHECK_OK(set_lflag(p.slave, ECHOCTL, 0));
    TYPE(&p, "\x01\n");
    EXPECT_SCREEN(&p, "\x01\r\n");
    EXPECT_READ(&p, "\x01\n");
    CHECK_OK(set_lflag(p.slave, ECHO, ECHONL));
    TYPE(&p, "secret\n");
    EXPECT_SCREEN(&p, "\r\n");        /* ECHONL without ECHO: the newline only */
    EXPECT_READ(&p, "secret\n");
    CHECK_OK(set_lflag(p.slave, ECHONL, 0));
    TYPE(&p, "hidden\n");
    CHECK(!is_readable_now(p.master), "ECHO off: nothing may be echoed");
    EXPECT_READ(&p, "hidden\n");
    pair_close(&p);
}

static void icrnl_maps_carriage_return(void)
{
    struct pty_pair p;
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    TYPE(&p, "hi\r");
    EXPECT_SCREEN(&p, "hi\r\n");
    EXPECT_READ(&p, "hi\n");
    struct termios t;
    CHECK_OK(tcgetattr(p.slave, &t));
    t.c_iflag &= ~(tcflag_t)ICRNL;
    t.c_lflag &= ~(tcflag_t)ECHO;
    CHECK_OK(tcsetattr(p.slave, TCSANOW, &t));
    TYPE(&p, "a\rb\n");
    EXPECT_READ(&p, "a\rb\n");
    t.c_iflag |= IGNCR;
    CHECK_OK(tcsetattr(p.slave, TCSANOW, &t));
    TYPE(&p, "c\rd\n");
    EXPECT_READ(&p, "cd\n");
    pair_close(&p);
}

static void opost_onlcr_map_output(void)
{
    struct pty_pair p;
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    CHECK_EQ("slave write", 5, write(p.slave, "x\ny\n\n", 5));
    EXPECT_SCREEN(&p, "x\r\ny\r\n\r\n");
    struct termios t;
    CHECK_OK(tcgetattr(p.slave, &t));
    t.c_oflag &= ~(tcflag_t)ONLCR;
    CHECK_OK(tcsetattr(p.slave, TCSANOW, &t));
    CHECK_EQ("slave write", 3, write(p.slave, "x\ny", 3));
    EXPECT_SCREEN(&p, "x\ny");
    t.c_oflag |= ONLCR;
    t.c_oflag &= ~(tcflag_t)OPOST;      /* OPOST off: no processing at all */
    CHECK_OK(tcsetattr(p.slave, TCSANOW, &t));
    CHECK_EQ("slave write", 4, write(p.slave, "u\nv\n", 4));
    EXPECT_SCREEN(&p, "u\nv\n");
    CHECK(!is_readable_now(p.master), "no more output expected");
    pair_close(&p);
}

static int make_raw(int fd, int vmin, int vtime)
{
    struct termios t;

    if (tcgetattr(fd, &t) < 0)
        return -1;
    cfmakeraw(&t);
    t.c_cc[VMIN] = (cc_t)vmin;
    t.c_cc[VTIME] = (cc_t)vtime;
    return tcsetattr(fd, TCSANOW, &t);
}

static void raw_vmin0_vtime2_times_out_empty(void)
{
    struct pty_pair p;
    char buf[16];
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    CHECK_OK(make_raw(p.slave, 0, 2));
    long t0 = now_ms();
    CHECK_EQ("read with nothing typed", 0, read(p.slave, buf, sizeof(buf)));
    long waited = now_ms() - t0;
    CHECK(waited >= 150, "VTIME=2 must wait about 200 ms, waited %ld ms", waited);
    TYPE(&p, "k");
    t0 = now_ms();
    CHECK_EQ("read with a byte typed", 1, read(p.slave, buf, sizeof(buf)));
    CHECK_EQ("the byte", 'k', buf[0]);
    CHECK_OK(make_raw(p.slave, 0, 0));  /* polling read */
    CHECK_EQ("VMIN=0 VTIME=0 with nothing", 0, read(p.slave, buf, sizeof(buf)));
    pair_close(&p);
}

static void raw_vmin3_waits_for_three(void)
{
    struct pty_pair p;
    int result[2];
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    CHECK_OK(make_raw(p.slave, 3, 0));
    CHECK_OK(pipe(result));
    pid_t pid = fork_child();
    CHECK_OK(pid);
    if (pid == 0) {
        char buf[16];
        ssize_t n = read(p.slave, buf, sizeof(buf));
        CHILD_CHECK(n > 0, "read: %ld (%s)", (long)n, strerror(errno));
        write(result[1], buf, (size_t)n);
        _exit(0);
    }
    TYPE(&p, "ab");
    char got[16];
    CHECK_EQ("bytes returned after only 2 of VMIN 3 (waited 300 ms)", 0,
             read_bytes(result[0], got, 1, 300));
    TYPE(&p, "cd");
    long n = read_bytes(result[0], got, 4, WAIT_MS);
    CHECK(n >= 3 && memcmp(got, "abcd", (size_t)n) == 0,
          "expected \"abc\" or \"abcd\", got \"%s\"", show(got, n));
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reader: %s", status_str(status));
    /* cfmakeraw: no echo, no ISIG, CR stays CR, output unprocessed */
    TYPE(&p, "\r\x03\n");
    char buf[8];
    CHECK_EQ("raw read of 3 bytes", 3, read(p.slave, buf, sizeof(buf)));
    CHECK(memcmp(buf, "\r\x03\n", 3) == 0, "got \"%s\"", show(buf, 3));
    CHECK(!is_readable_now(p.master), "raw mode must not echo");
    close(result[0]);
    close(result[1]);
    pair_close(&p);
}

static void veof_at_line_start_reads_zero(void)
{
    struct pty_pair p;
    char buf[16];
    watchdog(WATCHDOG_S);
    CHECK_OK(open_quiet_pair(&p));
    TYPE(&p, "\x04");
    CHECK_EQ("read after VEOF at line start", 0, read(p.slave, buf, sizeof(buf)));
    TYPE(&p, "ab\x04");               /* mid-line VEOF pushes the line, uncounted */
    EXPECT_READ(&p, "ab");
    TYPE(&p, "\x04" "after\n");
    CHECK_EQ("read after a second VEOF", 0, read(p.slave, buf, sizeof(buf)));
    EXPECT_READ(&p, "after\n");
    pair_close(&p);
}

static volatile sig_atomic_t winch_count;

static void on_winch(int sig)
{
    (void)sig;
    winch_count++;
}

/* In a session whose terminal is the pair: waits for the size to change. */
static void wait_for_sigwinch(struct pty_pair *p)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGWINCH);
    sigprocmask(SIG_BLOCK, &block, &old);
    signal(SIGWINCH, on_winch);
    CHILD_CHECK(write(p->slave, "ready\n", 6) == 6, "write ready: %s", strerror(errno));
    while (winch_count == 0)
        sigsuspend(&old);
    struct winsize ws;
    CHILD_OK(ioctl(p->slave, TIOCGWINSZ, &ws));
    CHILD_CHECK(ws.ws_row == 40 && ws.ws_col == 100, "size after SIGWINCH: %ux%u",
                ws.ws_row, ws.ws_col);
}

static void winsize_and_sigwinch_to_foreground(void)
{
    struct pty_pair p;
    struct winsize ws;
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    CHECK_OK(set_lflag(p.slave, ECHO, 0));
    CHECK_OK(ioctl(p.slave, TIOCGWINSZ, &ws));
    CHECK(ws.ws_row == 24 && ws.ws_col == 80, "default size: %ux%u", ws.ws_row, ws.ws_col);
    pid_t pid = fork_child();
    CHECK_OK(pid);
    if (pid == 0) {
        CHILD_OK(setsid());
        CHILD_OK(ioctl(p.slave, TIOCSCTTY, 0));
        wait_for_sigwinch(&p);
        _exit(0);
    }
    char screen[64];
    CHECK(read_until(p.master, screen, sizeof(screen), "ready", WAIT_MS) > 0,
          "child never got ready: \"%s\"", show(screen, (long)strlen(screen)));
    ws = (struct winsize){ .ws_row = 40, .ws_col = 100, .ws_xpixel = 0, .ws_ypixel = 0 };
    CHECK_OK(ioctl(p.master, TIOCSWINSZ, &ws));
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "foreground process: expected SIGWINCH and exit 0, got %s", status_str(status));
    memset(&ws, 0, sizeof(ws));
    CHECK_OK(ioctl(p.master, TIOCGWINSZ, &ws));
    CHECK(ws.ws_row == 40 && ws.ws_col == 100, "size seen on the master: %ux%u", ws.ws_row,
          ws.ws_col);
    pair_close(&p);
}

static void tcsaflush_discards_input(void)
{
    struct pty_pair p;
    struct termios t;
    watchdog(WATCHDOG_S);
    CHECK_OK(open_quiet_pair(&p));
    TYPE(&p, "pending\npartial");
    CHECK(is_readable_now(p.slave), "a complete line is readable");
    CHECK_OK(tcgetattr(p.slave, &t));
    CHECK_OK(tcsetattr(p.slave, TCSAFLUSH, &t));
    int pending = -1;
    CHECK_OK(ioctl(p.slave, FIONREAD, &pending));
    CHECK_EQ("FIONREAD after TCSAFLUSH", 0, pending);
    CHECK(!is_readable_now(p.slave), "input must be gone after TCSAFLUSH");
    TYPE(&p, "new\n");
    EXPECT_READ(&p, "new\n");
    /* TCSANOW keeps what is typed; tcflush(TCIFLUSH) drops it */
    TYPE(&p, "kept\n");
    CHECK_OK(tcsetattr(p.slave, TCSANOW, &t));
    EXPECT_READ(&p, "kept\n");
    TYPE(&p, "dropped\n");
    CHECK_OK(tcflush(p.slave, TCIFLUSH));
    CHECK(!is_readable_now(p.slave), "input must be gone after tcflush");
    pair_close(&p);
}

static void isatty_and_ttyname(void)
{
    struct pty_pair p;
    int fds[2];
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    CHECK_OK(pipe(fds));
    CHECK_EQ("isatty(slave)", 1, isatty(p.slave));
    CHECK_EQ("isatty(master)", 1, isatty(p.master));
    errno = 0;
    CHECK_EQ("isatty(pipe)", 0, isatty(fds[0]));
    CHECK_EQ("isatty(pipe)'s errno", ENOTTY, errno);
    errno = 0;
    CHECK_EQ("isatty(closed fd)", 0, isatty(999));
    CHECK_EQ("isatty(closed fd)'s errno", EBADF, errno);
    char *name = ttyname(p.slave);
    CHECK(name && strcmp(name, p.name) == 0, "ttyname(slave): expected %s, got %s (%s)",
          p.name, name ? name : "NULL", name ? "" : strerror(errno));
    char buf[64];
    CHECK_EQ("ttyname_r(slave)", 0, ttyname_r(p.slave, buf, sizeof(buf)));
    CHECK(strcmp(buf, p.name) == 0, "ttyname_r: expected %s, got %s", p.name, buf);
    CHECK_EQ("ttyname_r into 4 bytes", ERANGE, ttyname_r(p.slave, buf, 4));
    errno = 0;
    CHECK(ttyname(fds[0]) == NULL && errno == ENOTTY, "ttyname(pipe): expected NULL ENOTTY");
    /* a second pair has another name */
    struct pty_pair q;
    CHECK_OK(pair_open(&q));
    name = ttyname(q.slave);
    CHECK(name && strcmp(name, q.name) == 0 && strcmp(q.name, p.name) != 0,
          "second pair: ttyname %s, ptsname %s, first %s", name ? name : "NULL", q.name, p.name);
    pair_close(&q);
    close(fds[0]);
    close(fds[1]);
    pair_close(&p);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(canonical_read_returns_one_line),
        TAP_TEST(erase_kill_werase_edit_the_line),
        TAP_TEST(echo_is_what_linux_echoes),
        TAP_TEST(icrnl_maps_carriage_return),
        TAP_TEST(opost_onlcr_map_output),
        TAP_TEST(raw_vmin0_vtime2_times_out_empty),
        TAP_TEST(raw_vmin3_waits_for_three),
        TAP_TEST(veof_at_line_start_reads_zero),
        TAP_TEST(winsize_and_sigwinch_to_foreground),
        TAP_TEST(tcsaflush_discards_input),
        TAP_TEST(isatty_and_ttyname),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
