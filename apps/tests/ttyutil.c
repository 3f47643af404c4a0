/* Helpers for the terminal test programs (ttyutil.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "tap.h"
#include "ttyutil.h"

int pair_open(struct pty_pair *p)
{
    p->master = p->slave = -1;
    return openpty(&p->master, &p->slave, p->name, NULL, NULL);
}

void pair_close(struct pty_pair *p)
{
    if (p->slave >= 0)
        close(p->slave);
    if (p->master >= 0)
        close(p->master);
    p->master = p->slave = -1;
}

int set_lflag(int fd, unsigned clear, unsigned set)
{
    struct termios t;

    if (tcgetattr(fd, &t) < 0)
        return -1;
    t.c_lflag = (t.c_lflag & ~(tcflag_t)clear) | (tcflag_t)set;
    return tcsetattr(fd, TCSANOW, &t);
}

int poll_events(int fd, int events, int timeout_ms)
{
    struct pollfd pfd = { .fd = fd, .events = (short)events };
    long deadline = now_ms() + timeout_ms;

    for (;;) {
        int left = (int)(deadline - now_ms());
        int n = poll(&pfd, 1, left > 0 ? left : 0);
        if (n > 0)
            return pfd.revents;
        if (n == 0 || errno != EINTR || left <= 0)
            return 0;
    }
}

int is_readable_now(int fd)
{
    return (poll_events(fd, POLLIN, 0) & POLLIN) != 0;
}

long read_bytes(int fd, char *buf, size_t want, int timeout_ms)
{
    size_t got = 0;
    long deadline = now_ms() + timeout_ms;

    while (got < want) {
        int left = (int)(deadline - now_ms());
        if (left <= 0 || !(poll_events(fd, POLLIN, left) & (POLLIN | POLLHUP | POLLERR)))
            break;
        ssize_t n = read(fd, buf + got, want - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (got == 0 && n < 0) {
                buf[0] = 0;
                return -1;
            }
            break;
        }
        got += (size_t)n;
    }
    buf[got] = 0;
    return (long)got;
}

long read_until(int fd, char *buf, size_t cap, const char *needle, int timeout_ms)
{
    size_t got = 0;
    long deadline = now_ms() + timeout_ms;

    buf[0] = 0;
    while (!strstr(buf, needle)) {
        int left = (int)(deadline - now_ms());
        if (got + 1 >= cap || left <= 0 ||
            !(poll_events(fd, POLLIN, left) & (POLLIN | POLLHUP | POLLERR)))
            return -1;
        ssize_t n = read(fd, buf + got, cap - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
        buf[got] = 0;
    }
    return (long)got;
}

void screen_init(struct screen *s, int fd)
{
    s->fd = fd;
    s->len = s->pos = 0;
    s->buf[0] = 0;
}

int screen_expect(struct screen *s, const char *needle, int timeout_ms)
{
    long deadline = now_ms() + timeout_ms;

    for (;;) {
        char *found = strstr(s->buf + s->pos, needle);
        if (found) {
            s->pos = (size_t)(found - s->buf) + strlen(needle);
            return 0;
        }
        int left = (int)(deadline - now_ms());
        if (s->len + 1 >= sizeof(s->buf) || left <= 0 ||
            !(poll_events(s->fd, POLLIN, left) & (POLLIN | POLLHUP | POLLERR)))
            return -1;
        ssize_t n = read(s->fd, s->buf + s->len, sizeof(s->buf) - 1 - s->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        for (ssize_t i = 0; i < n; i++)        /* NULs would hide what follows */
            if (s->buf[s->len + (size_t)i] == 0)
                s->buf[s->len + (size_t)i] = '@';
        s->len += (size_t)n;
        s->buf[s->len] = 0;
    }
}

const char *screen_rest(const struct screen *s)
{
    return show(s->buf + s->pos, (long)(s->len - s->pos));
}

const char *show(const char *buf, long len)
{
    static char ring[4][256];
    static int next;
    char *out = ring[next++ % 4];
    size_t used = 0;

    if (len < 0)
        return "(nothing)";
    for (long i = 0; i < len && used + 5 < sizeof(ring[0]); i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\r' || c == '\n' || c == '\b' || c == '\\')
            used += (size_t)snprintf(out + used, 4, "\\%c",
                                     c == '\r' ? 'r' : c == '\n' ? 'n' : c == '\b' ? 'b' : '\\');
        else if (c < 0x20 || c == 0x7f)
            used += (size_t)snprintf(out + used, 4, "^%c", c ^ 0x40);
        else
            out[used++] = (char)c;
    }
    out[used] = 0;
    return out;
}

const char *volatile watchdog_step;

static void on_watchdog(int sig)
{
    static const char msg[] = "    # watchdog: timed out, exiting; at: ";
    const char *step = watchdog_step ? watchdog_step : "(no step named)";

    (void)sig;
    write(STDOUT_FILENO, msg, sizeof(msg) - 1);
    write(STDOUT_FILENO, step, strlen(step));
    write(STDOUT_FILENO, "\n", 1);
    _exit(3);
}

void watchdog(unsigned seconds)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_watchdog;
    sigaction(SIGALRM, &sa, NULL);
    watchdog_step = NULL;
    alarm(seconds);
}

pid_t fork_child(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        watchdog(WATCHDOG_S);
    return pid;
}

void child_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    printf("    # child %d: %s:%d: ", (int)getpid(), file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    _exit(1);
}

int run_in_session(struct pty_pair *p, void (*fn)(struct pty_pair *p))
{
    pid_t pid = fork_child();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        CHILD_OK(setsid());
        CHILD_OK(ioctl(p->slave, TIOCSCTTY, 0));
        fn(p);
        fflush(stdout);
        _exit(0);
    }
    return wait_for(pid);
}

void note(int fd, char c)
{
    while (write(fd, &c, 1) < 0 && errno == EINTR)
        ;
}

int wait_note(int fd, int timeout_ms)
{
    char buf[2];

    return read_bytes(fd, buf, 1, timeout_ms) == 1 ? (unsigned char)buf[0] : -1;
}

pid_t spawn_sh_on_pty(int *master, const char *ps1)
{
    char prompt[64];
    snprintf(prompt, sizeof(prompt), "PS1=%s", ps1);
    watchdog_step = "forkpty";
    pid_t pid = forkpty(master, NULL, NULL, NULL);
    if (pid == 0) {
        char *argv[] = { "sh", "-i", NULL };
        char *envp[] = { "PATH=/bin", "HOME=/", "TERM=vt100", prompt, NULL };
        execve("/bin/sh", argv, envp);
        _exit(127);
    }
    return pid;
}
