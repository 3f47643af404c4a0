/* Helpers shared by the terminal test programs (tty, pty, jobctl): a PTY
 * pair, bounded reads from a descriptor, a printable form of bytes for
 * failure messages, watchdogs, and children that report their own
 * failures (CHILD_CHECK prints the reason and exits 1). Every wait here is
 * bounded: a broken kernel fails a subtest, it never hangs the image. */
#ifndef TESTS_TTYUTIL_H
#define TESTS_TTYUTIL_H

#include <stddef.h>
#include <sys/types.h>

#define WATCHDOG_S 30               /* a subtest, or a child, that runs longer failed */
#define WAIT_MS 5000                /* for bytes or a signal that must come */

struct pty_pair {
    int master;
    int slave;                      /* opened with O_NOCTTY */
    char name[32];
};

/* openpty; 0, or -1 with errno. pair_close closes what is open. */
int pair_open(struct pty_pair *p);
void pair_close(struct pty_pair *p);
/* Terminal attributes of fd changed by clearing and setting lflag bits
 * (TCSANOW); 0 or -1. */
int set_lflag(int fd, unsigned clear, unsigned set);

/* Reads until want bytes came or timeout_ms passed without them; returns
 * the count (0 on timeout with nothing, -1 and errno on an error before
 * any byte). buf is NUL-terminated (size want + 1). */
long read_bytes(int fd, char *buf, size_t want, int timeout_ms);
/* Reads until needle is among the bytes read; returns their count, or -1
 * on timeout or error. buf (size cap) is NUL-terminated. */
long read_until(int fd, char *buf, size_t cap, const char *needle, int timeout_ms);
/* A stream read in order: screen_expect reads until needle appears after
 * what earlier calls matched, and moves past it; 0, or -1 on timeout or
 * error (screen_rest shows what came). */
struct screen {
    int fd;
    size_t len, pos;
    char buf[8192];
};
void screen_init(struct screen *s, int fd);
int screen_expect(struct screen *s, const char *needle, int timeout_ms);
const char *screen_rest(const struct screen *s);
/* Reads the screen until text shows (within WAIT_MS * 4), failing the
 * subtest otherwise (CHECK of tap.h). */
#define EXPECT_ON_SCREEN(screen, text) do { \
        watchdog_step = "waiting for " #text; \
        CHECK(screen_expect(screen, text, WAIT_MS * 4) == 0, \
              "expected %s on the terminal, got %s", show(text, (long)strlen(text)), \
              show(screen_rest(screen), (long)strlen(screen_rest(screen)))); \
    } while (0)
/* Starts `/bin/sh -i` on a new PTY (forkpty) with PS1=ps1; *master gets
 * the master side. The child's pid, or -1. */
pid_t spawn_sh_on_pty(int *master, const char *ps1);
/* Whether poll says fd is readable right now. */
int is_readable_now(int fd);
/* poll's revents for fd and events within timeout_ms (0 on timeout). */
int poll_events(int fd, int events, int timeout_ms);

/* "ab\r\n^C" for bytes in messages (a static ring of buffers). */
const char *show(const char *buf, long len);

/* SIGALRM after seconds prints who timed out (and watchdog_step, when a
 * subtest names what it waits for there) and exits 3: in the test process
 * at the start of a subtest, and in every child. */
void watchdog(unsigned seconds);
extern const char *volatile watchdog_step;
/* fflush, fork; the child has a watchdog. */
pid_t fork_child(void);
_Noreturn void child_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define CHILD_CHECK(cond, ...) do { \
        if (!(cond)) child_fail(__FILE__, __LINE__, __VA_ARGS__); \
    } while (0)
#define CHILD_OK(call) do { \
        long r_ = (long)(call); \
        CHILD_CHECK(r_ >= 0, "%s: expected success, got %ld (%s)", #call, r_, strerror(errno)); \
    } while (0)

/* Runs fn in a child that is a session leader (setsid) with p->slave as
 * its controlling terminal (TIOCSCTTY) and exits 0 when fn returns;
 * returns the child's wait status. */
int run_in_session(struct pty_pair *p, void (*fn)(struct pty_pair *p));

/* Writes one byte to fd (a readiness or result note between processes);
 * reads one, or -1 after timeout_ms. */
void note(int fd, char c);
int wait_note(int fd, int timeout_ms);

#endif
