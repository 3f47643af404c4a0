/* Race: one thread polls (or selects on) a PTY master or a pipe with a short
 * timeout while another closes it, opens new files and writes a pipe. The
 * poller's wait-queue entries must not outlive the file they sit in (issue
 * 11: the poller unlinked them from freed memory, seen as kernel pointers in
 * a pipe's data). Checked: sane results, every pipe's contents intact, and
 * the kernel's own assertion that nothing waits on a queue being freed. */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>
#include "tap.h"

#define RACE_MS 2000                /* hammer this long per subtest */
#define POLL_TIMEOUT_MS 5
#define PATTERN_BYTES 512

enum target { TARGET_PTY, TARGET_PIPE };

struct poller {
    int fd;
    int use_select;
    volatile int is_started;
    int rc, err;
    short revents;
};

static void *poll_once(void *arg)
{
    struct poller *p = arg;
    __atomic_store_n(&p->is_started, 1, __ATOMIC_RELEASE);
    if (p->use_select) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(p->fd, &readable);
        struct timeval tv = { 0, POLL_TIMEOUT_MS * 1000 };
        p->rc = select(p->fd + 1, &readable, NULL, NULL, &tv);
    } else {
        struct pollfd pfd = { p->fd, POLLIN, 0 };
        p->rc = poll(&pfd, 1, POLL_TIMEOUT_MS);
        p->revents = pfd.revents;
    }
    p->err = errno;
    return NULL;
}

/* Opens what the poller waits on; *other is the pipe's write end (or -1). */
static int open_target(enum target target, int *other)
{
    *other = -1;
    if (target == TARGET_PTY)
        return posix_openpt(O_RDWR | O_NOCTTY);
    int ends[2];
    if (pipe(ends) < 0)
        return -1;
    *other = ends[1];
    return ends[0];
}

static void fill_pattern(unsigned char *buf, unsigned round)
{
    for (int i = 0; i < PATTERN_BYTES; i++)
        buf[i] = (unsigned char)(round * 31u + (unsigned)i * 7u + 1u);
}

/* One subtest: poll or select on target while the main thread closes it. */
static void race(enum target target, int use_select)
{
    static unsigned char wrote[PATTERN_BYTES], got[PATTERN_BYTES];
    long end = now_ms() + RACE_MS;
    unsigned rounds = 0, nval = 0;
    while (now_ms() < end) {
        int other;
        int fd = open_target(target, &other);
        CHECK(fd >= 0, "open target: errno %d (%s)", errno, strerror(errno));
        struct poller p = { .fd = fd, .use_select = use_select };
        pthread_t t;
        CHECK_EQ("pthread_create", 0, pthread_create(&t, NULL, poll_once, &p));
        while (!__atomic_load_n(&p.is_started, __ATOMIC_ACQUIRE))
            sched_yield();
        if (rounds & 1)
            sched_yield();          /* vary where the close lands */
        CHECK_OK(close(fd));
        if (other >= 0)
            CHECK_OK(close(other));
        /* Reuse what the close freed: a new pipe full of a known pattern
         * (and, every other round, a new file of the same kind). */
        int spare_other = -1;
        int spare = (rounds & 1) ? open_target(target, &spare_other) : -1;
        int ends[2];
        CHECK_OK(pipe(ends));
        fill_pattern(wrote, rounds);
        CHECK_EQ("pipe write", PATTERN_BYTES, write(ends[1], wrote, PATTERN_BYTES));
        CHECK_EQ("pthread_join", 0, pthread_join(t, NULL));
        if (use_select) {
            /* 0: timed out; 1: the number now names the new readable pipe;
             * -1 EBADF: closed before select looked. */
            CHECK(p.rc == 0 || p.rc == 1 || (p.rc == -1 && p.err == EBADF),
                  "select: expected 0, 1 or EBADF, got %d (errno %d)", p.rc, p.err);
        } else {
            /* POLLNVAL: closed; POLLIN: the number now names the new pipe */
            CHECK(p.rc == 0 || p.rc == 1, "poll: expected 0 or 1, got %d (errno %d)", p.rc,
                  p.err);
            CHECK(p.rc == 0 || (p.revents & (POLLNVAL | POLLHUP | POLLIN)),
                  "poll: unexpected revents 0x%x", p.revents);
            if (p.rc == 1 && (p.revents & POLLNVAL))
                nval++;
        }
        memset(got, 0, sizeof(got));
        CHECK_EQ("pipe read", PATTERN_BYTES, read(ends[0], got, PATTERN_BYTES));
        CHECK(memcmp(wrote, got, PATTERN_BYTES) == 0, "round %u: pipe contents changed",
              rounds);
        close(ends[0]);
        close(ends[1]);
        if (spare >= 0)
            close(spare);
        if (spare_other >= 0)
            close(spare_other);
        rounds++;
    }
    tap_note("%u rounds, %u POLLNVAL", rounds, nval);
    CHECK(rounds > 0, "no round ran");
}

static void poll_pty_master_closed_meanwhile(void)
{
    race(TARGET_PTY, 0);
}

static void select_pty_master_closed_meanwhile(void)
{
    race(TARGET_PTY, 1);
}

static void poll_pipe_closed_meanwhile(void)
{
    race(TARGET_PIPE, 0);
}

static void select_pipe_closed_meanwhile(void)
{
    race(TARGET_PIPE, 1);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(poll_pty_master_closed_meanwhile),
        TAP_TEST(select_pty_master_closed_meanwhile),
        TAP_TEST(poll_pipe_closed_meanwhile),
        TAP_TEST(select_pipe_closed_meanwhile),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
