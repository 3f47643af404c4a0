/* Race: processes and threads hammer one file's locks for a bounded time.
 * Record locks (F_SETLKW) and flock each guard a counter in the file: the
 * owner word of a critical section must never show an intruder, and the
 * counters must end equal to the sections entered. Then the release paths
 * race the sleepers (a close of a dup'd descriptor instead of F_UNLCK), and
 * two processes take two bytes in opposite orders: every deadlock must be
 * reported (EDEADLK), none may hang (a guard alarm). */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define RACE_MS 1500
#define PROCS 2
#define GUARD_SECONDS 30
#define PATH "/tmp/race_locks"

/* The file's words: each critical section's owner, then its counter. */
#define POSIX_OWNER_AT 0
#define POSIX_COUNT_AT 8
#define FLOCK_OWNER_AT 64
#define FLOCK_COUNT_AT 72

struct tally {
    unsigned long entered;          /* critical sections completed */
    unsigned long intruders;        /* owner words that were not ours */
    unsigned long deadlocks;        /* EDEADLK answers */
    int error;                      /* the first unexpected errno */
};

static int lock_range(int fd, int cmd, short type, long start, long len)
{
    struct flock fl;
    memset(&fl, 0, sizeof(fl));
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = start;
    fl.l_len = len;
    return fcntl(fd, cmd, &fl);
}

static uint64_t get_word(int fd, long at)
{
    uint64_t v = 0;
    if (pread(fd, &v, sizeof(v), at) != (long)sizeof(v))
        return UINT64_MAX;
    return v;
}

static void put_word(int fd, long at, uint64_t v)
{
    (void)!pwrite(fd, &v, sizeof(v), at);
}

/* The body of a critical section: claim the owner word, bump the counter,
 * check nobody else claimed it meanwhile, release the word. */
static void critical_section(int fd, long owner_at, long count_at, uint64_t me,
                             struct tally *t)
{
    if (get_word(fd, owner_at) != 0)
        t->intruders++;
    put_word(fd, owner_at, me);
    put_word(fd, count_at, get_word(fd, count_at) + 1);
    for (int i = 0; i < 3; i++)
        if (get_word(fd, owner_at) != me)
            t->intruders++;
    put_word(fd, owner_at, 0);
    t->entered++;
}

struct flock_worker {
    uint64_t me;
    int fd;                         /* its own open file: flock conflicts
                                       between open files, even in one
                                       process. Closed only after the
                                       record lock loop: a close drops the
                                       process's record locks. */
    struct tally tally;
};

static void *flock_loop(void *arg)
{
    struct flock_worker *w = arg;
    int fd = w->fd;
    long end = now_ms() + RACE_MS;
    while (now_ms() < end) {
        if (flock(fd, LOCK_EX) < 0) {
            w->tally.error = errno;
            break;
        }
        critical_section(fd, FLOCK_OWNER_AT, FLOCK_COUNT_AT, w->me, &w->tally);
        if (flock(fd, LOCK_UN) < 0) {
            w->tally.error = errno;
            break;
        }
    }
    return NULL;
}

/* One process: a thread takes flock sections while this one takes record
 * lock sections, releasing by F_UNLCK or, when is_close_release, by
 * closing a dup of the descriptor every other time. */
static void run_worker(int index, bool is_close_release, int report_fd)
{
    struct tally tallies[2];
    memset(tallies, 0, sizeof(tallies));
    struct flock_worker fw = { .me = 100 + (uint64_t)index, .fd = open(PATH, O_RDWR) };
    pthread_t thread;
    int fd = open(PATH, O_RDWR);
    if (fd < 0 || fw.fd < 0 || pthread_create(&thread, NULL, flock_loop, &fw) != 0)
        _exit(2);
    uint64_t me = 1 + (uint64_t)index;
    struct tally *t = &tallies[0];
    long end = now_ms() + RACE_MS;
    for (unsigned long round = 0; now_ms() < end; round++) {
        if (lock_range(fd, F_SETLKW, F_WRLCK, 0, 16) < 0) {
            t->error = errno;
            break;
        }
        critical_section(fd, POSIX_OWNER_AT, POSIX_COUNT_AT, me, t);
        if (is_close_release && round % 2) {
            int copy = dup(fd);
            if (copy < 0 || close(copy) < 0) {
                t->error = errno;
                break;
            }
        } else if (lock_range(fd, F_SETLK, F_UNLCK, 0, 0) < 0) {
            t->error = errno;
            break;
        }
    }
    pthread_join(thread, NULL);
    close(fw.fd);
    tallies[1] = fw.tally;
    _exit(write(report_fd, tallies, sizeof(tallies)) == (long)sizeof(tallies) ? 0 : 3);
}

static void check_sections(bool is_close_release)
{
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_OK(fd);
    char zeros[128] = { 0 };
    CHECK_EQ("write", (long)sizeof(zeros), write(fd, zeros, sizeof(zeros)));
    int report[2];
    CHECK_OK(pipe(report));
    pid_t pids[PROCS];
    for (int i = 0; i < PROCS; i++) {
        pids[i] = fork();
        CHECK_OK(pids[i]);
        if (pids[i] == 0) {
            alarm(GUARD_SECONDS);
            run_worker(i, is_close_release, report[1]);
        }
    }
    close(report[1]);
    struct tally sum[2];
    memset(sum, 0, sizeof(sum));
    int reports = 0;
    struct tally got[2];
    while (read(report[0], got, sizeof(got)) == (long)sizeof(got)) {
        reports++;
        for (int k = 0; k < 2; k++) {
            sum[k].entered += got[k].entered;
            sum[k].intruders += got[k].intruders;
            if (!sum[k].error)
                sum[k].error = got[k].error;
        }
    }
    close(report[0]);
    for (int i = 0; i < PROCS; i++) {
        int status = wait_for(pids[i]);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "worker %d: %s", i,
              status_str(status));
    }
    CHECK_EQ("reports", PROCS, reports);
    CHECK_EQ("record lock errno", 0, sum[0].error);
    CHECK_EQ("flock errno", 0, sum[1].error);
    CHECK_EQ("record lock intruders", 0, sum[0].intruders);
    CHECK_EQ("flock intruders", 0, sum[1].intruders);
    CHECK_EQ("record lock counter", (long)sum[0].entered, (long)get_word(fd, POSIX_COUNT_AT));
    CHECK_EQ("flock counter", (long)sum[1].entered, (long)get_word(fd, FLOCK_COUNT_AT));
    CHECK(sum[0].entered > 0 && sum[1].entered > 0, "no sections entered");
    tap_note("%lu record lock and %lu flock sections", sum[0].entered, sum[1].entered);
    close(fd);
}

static void record_locks_and_flock_exclude(void)
{
    check_sections(false);
}

static void close_releases_race_sleepers(void)
{
    check_sections(true);
}

/* Process index takes byte index then byte 1 - index, backing off on
 * EDEADLK; the other does the opposite. */
static void opposite_orders_report_every_deadlock(void)
{
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_OK(fd);
    int report[2];
    CHECK_OK(pipe(report));
    pid_t pids[2];
    for (int i = 0; i < 2; i++) {
        pids[i] = fork();
        CHECK_OK(pids[i]);
        if (pids[i] != 0)
            continue;
        alarm(GUARD_SECONDS);
        struct tally t;
        memset(&t, 0, sizeof(t));
        long end = now_ms() + RACE_MS;
        while (now_ms() < end) {
            if (lock_range(fd, F_SETLKW, F_WRLCK, i, 1) < 0) {
                if (errno == EDEADLK) {     /* possible: the other may wait for our byte 1-i */
                    t.deadlocks++;
                    lock_range(fd, F_SETLK, F_UNLCK, 0, 0);
                    continue;
                }
                t.error = errno;
                break;
            }
            if (lock_range(fd, F_SETLKW, F_WRLCK, 1 - i, 1) < 0) {
                if (errno != EDEADLK) {
                    t.error = errno;
                    break;
                }
                t.deadlocks++;
            } else {
                t.entered++;
            }
            lock_range(fd, F_SETLK, F_UNLCK, 0, 0);
        }
        _exit(write(report[1], &t, sizeof(t)) == (long)sizeof(t) ? 0 : 3);
    }
    close(report[1]);
    struct tally sum, got;
    memset(&sum, 0, sizeof(sum));
    while (read(report[0], &got, sizeof(got)) == (long)sizeof(got)) {
        sum.entered += got.entered;
        sum.deadlocks += got.deadlocks;
        if (!sum.error)
            sum.error = got.error;
    }
    close(report[0]);
    for (int i = 0; i < 2; i++) {
        int status = wait_for(pids[i]);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "process %d (a hang ends by the guard alarm): %s", i, status_str(status));
    }
    CHECK_EQ("errno", 0, sum.error);
    CHECK(sum.entered > 0, "no process ever held both bytes");
    tap_note("%lu rounds with both bytes, %lu deadlocks reported", sum.entered, sum.deadlocks);
    close(fd);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(record_locks_and_flock_exclude),
        TAP_TEST(close_releases_race_sleepers),
        TAP_TEST(opposite_orders_report_every_deadlock),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
