/* File times and CPU times: a new file's times are now, a write moves the
 * modification time, utimensat/futimens/utimes/utime set explicit times,
 * UTIME_NOW and UTIME_OMIT, EROFS on a read-only mount, EINVAL for bad
 * values; times() and the CPU-time clocks grow while busy and not while
 * asleep, and count reaped children. Works under /tmp. (EPERM and EACCES
 * need a non-root process: libos/vfs/tests/ktest_times.c checks them.) */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>
#include "tap.h"

#define OLD_SECONDS 1000000000      /* 2001-09-09 */

static long long ns_of(const struct timespec *ts)
{
    return (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static long cpu_ms(clockid_t clock)
{
    struct timespec ts;
    if (clock_gettime(clock, &ts) < 0)
        return -1;
    return (long)(ns_of(&ts) / 1000000);
}

/* User + system CPU time of this process (own, or reaped children's), ms. */
static long times_ms(int is_children)
{
    struct tms t;
    if (times(&t) == (clock_t)-1)
        return -1;
    clock_t ticks = is_children ? t.tms_cutime + t.tms_cstime : t.tms_utime + t.tms_stime;
    return (long)((long long)ticks * 1000 / CLOCKS_PER_SEC);
}

static void spin_ms(long ms)
{
    long end = now_ms() + ms;
    while (now_ms() < end)
        ;
}

static int make_file(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0)
        close(fd);
    return fd;
}

static void new_file_times_are_now(void)
{
    const char *path = "/tmp/times_new";
    unlink(path);
    time_t before = time(NULL);
    CHECK_OK(make_file(path));
    time_t after = time(NULL);
    struct stat st;
    CHECK_OK(stat(path, &st));
    CHECK(st.st_mtime >= before - 1 && st.st_mtime <= after + 1,
          "mtime %ld not within [%ld, %ld]", (long)st.st_mtime, (long)before, (long)after);
    CHECK(st.st_atime >= before - 1 && st.st_atime <= after + 1, "atime %ld, time() %ld",
          (long)st.st_atime, (long)before);
    CHECK(st.st_ctime >= before - 1 && st.st_ctime <= after + 1, "ctime %ld, time() %ld",
          (long)st.st_ctime, (long)before);
    unlink(path);
}

static void write_moves_mtime_forward(void)
{
    const char *path = "/tmp/times_write";
    CHECK_OK(make_file(path));
    struct timespec old[2] = { { OLD_SECONDS, 0 }, { OLD_SECONDS, 0 } };
    CHECK_OK(utimensat(AT_FDCWD, path, old, 0));
    struct stat st;
    CHECK_OK(stat(path, &st));
    CHECK_EQ("mtime after utimensat", OLD_SECONDS, st.st_mtime);
    int fd = open(path, O_WRONLY);
    CHECK_OK(fd);
    CHECK_EQ("write", 3, write(fd, "abc", 3));
    close(fd);
    time_t now = time(NULL);
    CHECK_OK(stat(path, &st));
    CHECK(st.st_mtime >= now - 5 && st.st_mtime <= now + 1, "mtime after write %ld, now %ld",
          (long)st.st_mtime, (long)now);
    CHECK(st.st_ctime >= now - 5, "ctime after write %ld, now %ld", (long)st.st_ctime,
          (long)now);
    CHECK_EQ("atime left alone by write", OLD_SECONDS, st.st_atime);
    CHECK_OK(truncate(path, 0));
    unlink(path);
}

static void utimensat_explicit_omit_now(void)
{
    const char *path = "/tmp/times_set";
    CHECK_OK(make_file(path));
    struct timespec explicit_times[2] = { { OLD_SECONDS, 0 }, { OLD_SECONDS + 100, 0 } };
    CHECK_OK(utimensat(AT_FDCWD, path, explicit_times, 0));
    struct stat st;
    CHECK_OK(stat(path, &st));
    CHECK_EQ("atime", OLD_SECONDS, st.st_atime);
    CHECK_EQ("mtime", OLD_SECONDS + 100, st.st_mtime);

    struct timespec omit_now[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
    time_t now = time(NULL);
    CHECK_OK(utimensat(AT_FDCWD, path, omit_now, 0));
    CHECK_OK(stat(path, &st));
    CHECK_EQ("atime kept by UTIME_OMIT", OLD_SECONDS, st.st_atime);
    CHECK(st.st_mtime >= now - 1 && st.st_mtime <= now + 5, "UTIME_NOW mtime %ld, now %ld",
          (long)st.st_mtime, (long)now);

    struct timespec both_omit[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
    time_t mtime_before = st.st_mtime;
    CHECK_OK(utimensat(AT_FDCWD, path, both_omit, 0));
    CHECK_OK(stat(path, &st));
    CHECK_EQ("mtime after both UTIME_OMIT", mtime_before, st.st_mtime);

    CHECK_OK(utimensat(AT_FDCWD, path, NULL, 0));
    CHECK_OK(stat(path, &st));
    CHECK(st.st_atime >= now - 1, "NULL times: atime %ld, now %ld", (long)st.st_atime,
          (long)now);

    /* relative to a directory descriptor */
    int dirfd = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK_OK(dirfd);
    CHECK_OK(utimensat(dirfd, "times_set", explicit_times, 0));
    close(dirfd);
    CHECK_OK(stat(path, &st));
    CHECK_EQ("mtime set through a dirfd", OLD_SECONDS + 100, st.st_mtime);
    unlink(path);
}

static void futimens_utimes_utime(void)
{
    const char *path = "/tmp/times_fd";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_OK(fd);
    struct timespec ts[2] = { { OLD_SECONDS + 1, 0 }, { OLD_SECONDS + 2, 0 } };
    CHECK_OK(futimens(fd, ts));
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    close(fd);
    CHECK_EQ("futimens atime", OLD_SECONDS + 1, st.st_atime);
    CHECK_EQ("futimens mtime", OLD_SECONDS + 2, st.st_mtime);

    struct timeval tv[2] = { { OLD_SECONDS + 3, 0 }, { OLD_SECONDS + 4, 500000 } };
    CHECK_OK(utimes(path, tv));
    CHECK_OK(stat(path, &st));
    CHECK_EQ("utimes mtime", OLD_SECONDS + 4, st.st_mtime);

    struct utimbuf buf = { OLD_SECONDS + 5, OLD_SECONDS + 6 };
    CHECK_OK(utime(path, &buf));
    CHECK_OK(stat(path, &st));
    CHECK_EQ("utime atime", OLD_SECONDS + 5, st.st_atime);
    CHECK_EQ("utime mtime", OLD_SECONDS + 6, st.st_mtime);
    CHECK_ERRNO(futimens(9999, NULL), EBADF);
    unlink(path);
}

static void bad_arguments_einval_enoent(void)
{
    const char *path = "/tmp/times_bad";
    CHECK_OK(make_file(path));
    struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
    CHECK_ERRNO(utimensat(AT_FDCWD, path, bad, 0), EINVAL);
    CHECK_ERRNO(utimensat(AT_FDCWD, path, NULL, 0x4000), EINVAL);
    CHECK_ERRNO(utimensat(AT_FDCWD, "/tmp/no/such", NULL, 0), ENOENT);
    unlink(path);
}

/* ramfs cannot be unmounted: the read-only mount stays, under a name of
 * this process's own. */
static void read_only_mount_erofs(void)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/times_ro.%d", (int)getpid());
    CHECK_OK(mkdir(dir, 0755));
    CHECK_OK(mount("none", dir, "ramfs", MS_RDONLY, NULL));
    CHECK_ERRNO(utimensat(AT_FDCWD, dir, NULL, 0), EROFS);
    struct timespec ts[2] = { { OLD_SECONDS, 0 }, { OLD_SECONDS, 0 } };
    CHECK_ERRNO(utimensat(AT_FDCWD, dir, ts, 0), EROFS);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK_OK(fd);
    CHECK_ERRNO(futimens(fd, ts), EROFS);
    close(fd);
}

static void cpu_time_grows_while_busy(void)
{
    long proc0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID), thread0 = cpu_ms(CLOCK_THREAD_CPUTIME_ID);
    long times0 = times_ms(0);
    CHECK(proc0 >= 0 && thread0 >= 0 && times0 >= 0, "clocks: %ld %ld %ld", proc0, thread0,
          times0);
    spin_ms(100);
    long proc1 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID), thread1 = cpu_ms(CLOCK_THREAD_CPUTIME_ID);
    long times1 = times_ms(0);
    CHECK(proc1 - proc0 >= 50, "process CPU clock grew %ld ms over a 100 ms busy loop",
          proc1 - proc0);
    CHECK(thread1 - thread0 >= 50, "thread CPU clock grew %ld ms over a 100 ms busy loop",
          thread1 - thread0);
    CHECK(times1 - times0 >= 50, "times() grew %ld ms over a 100 ms busy loop",
          times1 - times0);
}

static void cpu_time_still_while_asleep(void)
{
    long proc0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID), times0 = times_ms(0);
    long wall0 = now_ms();
    msleep(100);
    long slept = now_ms() - wall0;
    long proc1 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID), times1 = times_ms(0);
    CHECK(slept >= 100, "slept %ld ms", slept);
    CHECK(proc1 - proc0 < slept / 2, "process CPU clock grew %ld ms during a %ld ms sleep",
          proc1 - proc0, slept);
    CHECK(times1 - times0 < slept / 2, "times() grew %ld ms during a %ld ms sleep",
          times1 - times0, slept);
}

static void times_counts_reaped_children(void)
{
    long before = times_ms(1);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        spin_ms(100);
        _exit(0);
    }
    CHECK_EQ("child status", 0, wait_for(pid));
    long after = times_ms(1);
    CHECK(after - before >= 50, "children's CPU time grew %ld ms after a 100 ms busy child",
          after - before);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(new_file_times_are_now),
        TAP_TEST(write_moves_mtime_forward),
        TAP_TEST(utimensat_explicit_omit_now),
        TAP_TEST(futimens_utimes_utime),
        TAP_TEST(bad_arguments_einval_enoent),
        TAP_TEST(read_only_mount_erofs),
        TAP_TEST(cpu_time_grows_while_busy),
        TAP_TEST(cpu_time_still_while_asleep),
        TAP_TEST(times_counts_reaped_children),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
