/* A tiny TAP harness for the test programs: each program is a list of
 * subtests, run in order in one process; a subtest fails at its first
 * failed CHECK, which prints expected and actual. Subtest lines are
 * indented (TAP subtests): the runner's own "ok"/"not ok" line for the
 * program is the one that counts. Exit status: 0 when all passed. */
#ifndef TESTS_TAP_H
#define TESTS_TAP_H

#include <errno.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

struct tap_test {
    const char *name;
    void (*run)(void);
};

#define TAP_TEST(fn) { #fn, fn }

/* Runs the tests (resetting signal state and reaping stray children
 * between them); returns the exit status. */
int tap_main(int argc, char **argv, const struct tap_test *tests, int count);

void tap_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tap_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Marks the running subtest skipped (TAP "# SKIP reason"); the caller
 * returns. reason must stay valid (a string literal). */
void tap_skip(const char *reason);

#define CHECK(cond, ...) do { \
        if (!(cond)) { tap_fail(__FILE__, __LINE__, __VA_ARGS__); return; } \
    } while (0)
#define CHECK_EQ(what, expected, actual) do { \
        long e_ = (long)(expected), a_ = (long)(actual); \
        CHECK(e_ == a_, "%s: expected %ld, got %ld", what, e_, a_); \
    } while (0)
/* a call that must succeed (>= 0) */
#define CHECK_OK(call) do { \
        long r_ = (long)(call); \
        CHECK(r_ >= 0, "%s: expected success, got %ld (errno %d %s)", #call, r_, errno, \
              strerror(errno)); \
    } while (0)
/* a call that must fail with -1 and errno err */
#define CHECK_ERRNO(call, err) do { \
        errno = 0; \
        long r_ = (long)(call); \
        CHECK(r_ == -1 && errno == (err), "%s: expected -1 errno %d (%s), got %ld errno %d (%s)", \
              #call, (err), strerror(err), r_, errno, strerror(errno)); \
    } while (0)

/* helpers */
void msleep(int ms);
long now_ms(void);                      /* CLOCK_MONOTONIC */
/* CLOCK_REALTIME now plus ms: an absolute deadline for the timed waits */
struct timespec tap_realtime_after_ms(long ms);
/* /proc mounted (the tests image's init does not mount it): 0, or -1 */
int tap_ensure_proc(void);
/* waitpid that retries on EINTR; returns the status or -1 */
int wait_for(pid_t pid);
/* the status word described for a message ("exited 3", "signal 9", ...) */
const char *status_str(int status);

#endif
