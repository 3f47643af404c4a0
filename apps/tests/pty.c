/* PTY pairs: posix_openpt/grantpt/unlockpt/ptsname and openpty, a locked
 * slave, data both ways, poll on both ends, hangups in both directions
 * (POLLHUP and EIO; SIGHUP to a session on the slave when the master
 * closes), /bin/sh run on a slave and driven from the master, and echo
 * that never overruns the output ring. */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "tap.h"
#include "ttyutil.h"

#define BULK_BYTES 20000            /* several times the line discipline's rings */

static int dir_has_entry(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    int found = 0;
    while (!found && (e = readdir(d)) != NULL)
        found = strcmp(e->d_name, name) == 0;
    closedir(d);
    return found;
}

static void posix_openpt_grantpt_unlockpt_ptsname(void)
{
    watchdog(WATCHDOG_S);
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK_OK(master);
    CHECK_OK(grantpt(master));
    char *name = ptsname(master);
    CHECK(name != NULL, "ptsname: %s", strerror(errno));
    char path[32];
    strcpy(path, name);
    unsigned index;
    CHECK_OK(ioctl(master, TIOCGPTN, &index));
    char expected[32];
    snprintf(expected, sizeof(expected), "/dev/pts/%u", index);
    CHECK(strcmp(path, expected) == 0, "ptsname: expected %s, got %s", expected, path);
    char buf[32];
    CHECK_EQ("ptsname_r", 0, ptsname_r(master, buf, sizeof(buf)));
    CHECK(strcmp(buf, path) == 0, "ptsname_r: got %s", buf);
    CHECK_EQ("ptsname_r into 8 bytes", ERANGE, ptsname_r(master, buf, 8));
    struct stat st;
    CHECK_OK(stat(path, &st));
    CHECK(S_ISCHR(st.st_mode), "%s: mode 0%o is not a character device", path,
          (unsigned)st.st_mode);
    CHECK(dir_has_entry("/dev/pts", path + strlen("/dev/pts/")), "/dev/pts does not list %s",
          path);
    CHECK_ERRNO(open(path, O_RDWR | O_NOCTTY), EIO);        /* still locked */
    CHECK_OK(unlockpt(master));
    int slave = open(path, O_RDWR | O_NOCTTY);
    CHECK_OK(slave);
    CHECK_EQ("isatty(slave)", 1, isatty(slave));
    CHECK_ERRNO(ioctl(slave, TIOCGPTN, &index), ENOTTY);     /* only masters have it */
    close(slave);
    close(master);
    CHECK(!dir_has_entry("/dev/pts", path + strlen("/dev/pts/")),
          "/dev/pts still lists %s after both ends closed", path);
    CHECK_ERRNO(open(path, O_RDWR | O_NOCTTY), ENOENT);
    /* what is not a master */
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_ERRNO(grantpt(fds[0]), EINVAL);
    CHECK_ERRNO(unlockpt(fds[0]), EINVAL);
    errno = 0;
    CHECK(ptsname(fds[0]) == NULL && errno == EINVAL, "ptsname(pipe): expected NULL EINVAL");
    CHECK_ERRNO(grantpt(999), EBADF);
    CHECK_ERRNO(posix_openpt(O_WRONLY), EINVAL);
    close(fds[0]);
    close(fds[1]);
}

static void openpty_sets_modes_and_size(void)
{
    int master, slave;
    char name[32];
    struct termios t;
    watchdog(WATCHDOG_S);
    CHECK_OK(openpty(&master, &slave, name, NULL, NULL));
    CHECK_OK(tcgetattr(slave, &t));
    t.c_lflag &= ~(tcflag_t)(ECHO | ICANON);
    t.c_cc[VMIN] = 1;
    int master2, slave2;
    struct winsize ws = { .ws_row = 33, .ws_col = 77, .ws_xpixel = 0, .ws_ypixel = 0 };
    CHECK_OK(openpty(&master2, &slave2, NULL, &t, &ws));
    struct termios got;
    CHECK_OK(tcgetattr(slave2, &got));
    CHECK((got.c_lflag & (ECHO | ICANON)) == 0, "termp not applied: c_lflag 0x%x",
          (unsigned)got.c_lflag);
    struct winsize gws;
    CHECK_OK(ioctl(slave2, TIOCGWINSZ, &gws));
    CHECK(gws.ws_row == 33 && gws.ws_col == 77, "winp not applied: %ux%u", gws.ws_row,
          gws.ws_col);
    CHECK(strncmp(name, "/dev/pts/", 9) == 0, "name: %s", name);
    /* raw on the second pair: a byte is readable at once */
    CHECK_EQ("write", 1, write(master2, "z", 1));
    char c;
    CHECK_EQ("raw read", 1, read(slave2, &c, 1));
    CHECK_EQ("byte", 'z', c);
    close(slave2);
    close(master2);
    close(slave);
    close(master);
}

/* The child writes BULK_BYTES to the slave while we read the master, and
 * reads BULK_BYTES from it while we write: both directions block and wake. */
static void bulk_child(struct pty_pair *p, int done_fd)
{
    char buf[512];
    for (size_t sent = 0; sent < BULK_BYTES;) {
        for (size_t i = 0; i < sizeof(buf); i++)
            buf[i] = (char)('a' + (sent + i) % 26);
        size_t len = BULK_BYTES - sent < sizeof(buf) ? BULK_BYTES - sent : sizeof(buf);
        ssize_t n = write(p->slave, buf, len);
        CHILD_CHECK(n > 0, "slave write: %s", strerror(errno));
        sent += (size_t)n;
    }
    size_t got = 0;
    while (got < BULK_BYTES) {
        ssize_t n = read(p->slave, buf, sizeof(buf));
        CHILD_CHECK(n > 0, "slave read after %zu: %ld %s", got, (long)n, strerror(errno));
        for (ssize_t i = 0; i < n; i++)
            CHILD_CHECK(buf[i] == (char)('A' + (got + (size_t)i) % 26),
                        "byte %zu: got 0x%x", got + (size_t)i, (unsigned char)buf[i]);
        got += (size_t)n;
    }
    note(done_fd, 'd');
}

static void data_both_ways(void)
{
    struct pty_pair p;
    int done[2];
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    struct termios t;
    CHECK_OK(tcgetattr(p.slave, &t));
    cfmakeraw(&t);
    CHECK_OK(tcsetattr(p.slave, TCSANOW, &t));
    CHECK_OK(pipe(done));
    pid_t pid = fork_child();
    CHECK_OK(pid);
    if (pid == 0) {
        bulk_child(&p, done[1]);
        _exit(0);
    }
    static char buf[BULK_BYTES + 1];
    long n = read_bytes(p.master, buf, BULK_BYTES, WAIT_MS * 4);
    CHECK_EQ("bytes read on the master", BULK_BYTES, n);
    for (long i = 0; i < n; i++)
        CHECK(buf[i] == (char)('a' + i % 26), "master byte %ld: got 0x%x", i,
              (unsigned char)buf[i]);
    for (size_t i = 0; i < BULK_BYTES; i++)
        buf[i] = (char)('A' + i % 26);
    for (size_t sent = 0; sent < BULK_BYTES;) {
        ssize_t w = write(p.master, buf + sent, BULK_BYTES - sent);
        CHECK(w > 0, "master write after %zu: %s", sent, strerror(errno));
        sent += (size_t)w;
    }
    CHECK_EQ("child's done note", 'd', wait_note(done[0], WAIT_MS * 4));
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %s", status_str(status));
    close(done[0]);
    close(done[1]);
    pair_close(&p);
}

static void poll_on_both_ends(void)
{
    struct pty_pair p;
    char buf[16];
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    CHECK_OK(set_lflag(p.slave, ECHO, 0));
    int ev = poll_events(p.master, POLLIN | POLLOUT, 0);
    CHECK_EQ("master when idle (POLLOUT only)", POLLOUT, ev & (POLLIN | POLLOUT | POLLHUP));
    ev = poll_events(p.slave, POLLIN | POLLOUT, 0);
    CHECK_EQ("slave when idle (POLLOUT only)", POLLOUT, ev & (POLLIN | POLLOUT | POLLHUP));
    CHECK_EQ("write", 2, write(p.master, "x\n", 2));
    ev = poll_events(p.slave, POLLIN, 0);
    CHECK(ev & POLLIN, "slave: POLLIN after the master wrote a line, got 0x%x", ev);
    CHECK(!is_readable_now(p.master), "master: nothing to read (echo off)");
    CHECK_EQ("read", 2, read(p.slave, buf, sizeof(buf)));
    CHECK(!is_readable_now(p.slave), "slave: readable after its line was read");
    CHECK_EQ("write", 3, write(p.slave, "out", 3));
    ev = poll_events(p.master, POLLIN, 0);
    CHECK(ev & POLLIN, "master: POLLIN after the slave wrote, got 0x%x", ev);
    CHECK_EQ("read", 3, read(p.master, buf, sizeof(buf)));
    /* a poll that sleeps is woken by the other end */
    pid_t pid = fork_child();
    CHECK_OK(pid);
    if (pid == 0) {
        msleep(100);
        write(p.master, "late\n", 5);
        _exit(0);
    }
    long t0 = now_ms();
    ev = poll_events(p.slave, POLLIN, WAIT_MS);
    CHECK(ev & POLLIN, "slave: a sleeping poll was not woken (0x%x after %ld ms)", ev,
          now_ms() - t0);
    wait_for(pid);
    pair_close(&p);
}

static void master_pollhup_when_last_slave_closes(void)
{
    struct pty_pair p;
    char buf[16];
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    int second = open(p.name, O_RDWR | O_NOCTTY);
    CHECK_OK(second);
    close(p.slave);
    p.slave = -1;
    int ev = poll_events(p.master, POLLIN, 0);
    CHECK(!(ev & POLLHUP), "master: POLLHUP with a slave still open (0x%x)", ev);
    CHECK_EQ("write to the remaining slave", 4, write(second, "bye\n", 4));
    close(second);
    ev = poll_events(p.master, POLLIN, 0);
    CHECK(ev & POLLHUP, "master: expected POLLHUP after the last slave closed, got 0x%x", ev);
    /* what was written before is still there, then EIO */
    CHECK_EQ("read of the output left", 5, read_bytes(p.master, buf, 5, WAIT_MS));
    CHECK(memcmp(buf, "bye\r\n", 5) == 0, "got \"%s\"", show(buf, 5));
    CHECK_ERRNO(read(p.master, buf, sizeof(buf)), EIO);
    /* the slave can be opened again, and the hangup clears */
    p.slave = open(p.name, O_RDWR | O_NOCTTY);
    CHECK_OK(p.slave);
    ev = poll_events(p.master, POLLIN, 0);
    CHECK(!(ev & POLLHUP), "master: POLLHUP after the slave was reopened (0x%x)", ev);
    pair_close(&p);
}

static void slave_hangup_after_master_closes(void)
{
    struct pty_pair p;
    int ready[2];
    char buf[16];
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    CHECK_OK(set_lflag(p.slave, ECHO, 0));
    CHECK_OK(pipe(ready));
    pid_t pid = fork_child();
    CHECK_OK(pid);
    if (pid == 0) {                     /* a reader, likely asleep when the hangup comes */
        char line[16];
        close(p.master);
        CHILD_CHECK(read(p.slave, line, sizeof(line)) == 5, "read before the hangup");
        note(ready[1], 'r');
        ssize_t n = read(p.slave, line, sizeof(line));
        CHILD_CHECK(n == -1 && errno == EIO, "read at the hangup: expected EIO, got %ld %s",
                    (long)n, strerror(errno));
        _exit(0);
    }
    CHECK_EQ("write", 5, write(p.master, "tail\n", 5));
    CHECK_EQ("reader's note", 'r', wait_note(ready[0], WAIT_MS));
    close(p.master);
    p.master = -1;
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reader: %s", status_str(status));
    int ev = poll_events(p.slave, POLLIN | POLLOUT, 0);
    CHECK(ev & POLLHUP, "slave: expected POLLHUP after the master closed, got 0x%x", ev);
    CHECK(!(ev & POLLOUT), "slave: POLLOUT after the hangup (0x%x)", ev);
    CHECK_ERRNO(write(p.slave, "x", 1), EIO);
    CHECK_ERRNO(read(p.slave, buf, sizeof(buf)), EIO);
    pair_close(&p);
    close(ready[0]);
    close(ready[1]);
    /* input typed before the hangup is still read, then EIO */
    CHECK_OK(pair_open(&p));
    CHECK_OK(set_lflag(p.slave, ECHO, 0));
    CHECK_EQ("write", 5, write(p.master, "left\n", 5));
    close(p.master);
    p.master = -1;
    CHECK_EQ("read of the line typed before the hangup", 5, read(p.slave, buf, sizeof(buf)));
    CHECK(memcmp(buf, "left\n", 5) == 0, "got \"%s\"", show(buf, 5));
    CHECK_ERRNO(read(p.slave, buf, sizeof(buf)), EIO);
    pair_close(&p);
}

/* A session leader with the slave as its controlling terminal, waiting;
 * SIGHUP's default action ends it. */
static void wait_for_hangup(struct pty_pair *p)
{
    close(p->master);
    CHILD_CHECK(write(p->slave, "up\n", 3) == 3, "write: %s", strerror(errno));
    for (;;)
        pause();
}

static void session_on_slave_gets_sighup_when_master_closes(void)
{
    struct pty_pair p;
    char buf[16];
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    pid_t pid = fork_child();
    CHECK_OK(pid);
    if (pid == 0) {
        CHILD_OK(setsid());
        CHILD_OK(ioctl(p.slave, TIOCSCTTY, 0));
        CHILD_CHECK(tcgetpgrp(p.slave) == getpid(), "foreground group: %d",
                    (int)tcgetpgrp(p.slave));
        wait_for_hangup(&p);
    }
    CHECK(read_until(p.master, buf, sizeof(buf), "up", WAIT_MS) > 0, "child never started");
    close(p.master);
    p.master = -1;
    int status = wait_for(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP,
          "session leader: expected killed by SIGHUP, got %s", status_str(status));
    pair_close(&p);
}

/* Waits for a child on the slave while reading (and dropping) what it
 * writes, as a terminal does: a program that drains its output (tcdrain,
 * TCSADRAIN) would wait for us otherwise. The status, or -1. */
static int wait_reading(pid_t pid, int master, int timeout_ms)
{
    char buf[256];
    int status;
    long deadline = now_ms() + timeout_ms;

    for (;;) {
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid)
            return status;
        if (got < 0 && errno != EINTR)
            return -1;
        int left = (int)(deadline - now_ms());
        if (left <= 0)
            return -1;
        int ev = poll_events(master, POLLIN, left < 20 ? left : 20);
        if (!(ev & POLLIN) || read(master, buf, sizeof(buf)) < 0)
            if (ev & (POLLHUP | POLLERR))
                msleep(5);              /* the slave is closed: the child is exiting */
    }
}

static void sh_on_slave_driven_from_master(void)
{
    watchdog(WATCHDOG_S * 2);
    if (access("/bin/sh", X_OK) != 0) {
        tap_skip("no /bin/sh in this image");
        return;
    }
    int master;
    pid_t pid = spawn_sh_on_pty(&master, "pty$ ");
    CHECK_OK(pid);
    static struct screen screen;
    screen_init(&screen, master);
    EXPECT_ON_SCREEN(&screen, "pty$ ");
    const char *cmd = "X=abc; echo got-$X\r";
    watchdog_step = cmd;
    CHECK_EQ("type a command", (long)strlen(cmd), write(master, cmd, strlen(cmd)));
    EXPECT_ON_SCREEN(&screen, "got-abc\r\n");
    EXPECT_ON_SCREEN(&screen, "pty$ ");
    cmd = "echo one && echo two\r";
    watchdog_step = cmd;
    CHECK_EQ("type a command", (long)strlen(cmd), write(master, cmd, strlen(cmd)));
    EXPECT_ON_SCREEN(&screen, "\none\r\ntwo\r\n");
    EXPECT_ON_SCREEN(&screen, "pty$ ");
    cmd = "exit 7\r";
    watchdog_step = cmd;
    CHECK_EQ("type exit", (long)strlen(cmd), write(master, cmd, strlen(cmd)));
    watchdog_step = "waiting for sh to exit";
    int status = wait_reading(pid, master, WAIT_MS * 4);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7, "sh: expected exited 7, got %s",
          status_str(status));
    close(master);
}

/* The slave's output ring full to 4 bytes of room, then a literal ^A
 * typed after ^V: its echo ("\b \b^A", 5 bytes) must wait for room, not
 * overrun the ring (before the fix TIOCOUTQ read 4097). */
static void literal_echo_never_overruns_output(void)
{
    struct pty_pair p;
    CHECK_OK(pair_open(&p));
    CHECK_OK(fcntl(p.slave, F_SETFL, O_NONBLOCK));
    CHECK_OK(fcntl(p.master, F_SETFL, O_NONBLOCK));
    char fill[512];
    memset(fill, 'x', sizeof(fill));
    long n;
    while ((n = write(p.slave, fill, sizeof(fill))) > 0)
        ;
    int err = errno, full = -1, queued = -1;
    CHECK(n < 0 && err == EAGAIN, "filling: write %ld errno %d", n, err);
    CHECK_OK(ioctl(p.slave, TIOCOUTQ, &full));
    char got[16];
    CHECK_EQ("bytes read to make room", 6, read_bytes(p.master, got, 6, WAIT_MS));
    CHECK_EQ("^V typed", 1, write(p.master, "\x16", 1));
    errno = 0;
    n = write(p.master, "\x01", 1);
    err = errno;
    CHECK_OK(ioctl(p.slave, TIOCOUTQ, &queued));
    CHECK(queued <= full, "TIOCOUTQ %d past the full ring's %d", queued, full);
    CHECK(n == -1 && err == EAGAIN, "literal with 4 bytes of room: write %ld errno %d", n, err);
    pair_close(&p);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(posix_openpt_grantpt_unlockpt_ptsname),
        TAP_TEST(openpty_sets_modes_and_size),
        TAP_TEST(data_both_ways),
        TAP_TEST(poll_on_both_ends),
        TAP_TEST(master_pollhup_when_last_slave_closes),
        TAP_TEST(slave_hangup_after_master_closes),
        TAP_TEST(session_on_slave_gets_sighup_when_master_closes),
        TAP_TEST(sh_on_slave_driven_from_master),
        TAP_TEST(literal_echo_never_overruns_output),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
