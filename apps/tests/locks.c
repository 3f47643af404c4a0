/* Advisory locks: fcntl record locks (F_GETLK, F_SETLK, F_SETLKW) owned
 * by the process, with merging, splitting, sleeping, EINTR, SA_RESTART and
 * deadlock detection, released on close of any descriptor and at exit, not
 * inherited; and flock locks owned by the open file (shared by dup and
 * fork, released on the last close). Other processes (fork) play the
 * contenders; pipes order them, never sleeps. Works under /tmp. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define GUARD_SECONDS 10            /* an alarm ends a wait that never returns */

static int make_file(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        char buf[100];
        memset(buf, 'x', sizeof(buf));
        if (write(fd, buf, sizeof(buf)) != (long)sizeof(buf)) {
            close(fd);
            return -1;
        }
    }
    return fd;
}

static int lock_at(int fd, int cmd, short type, short whence, long start, long len)
{
    struct flock fl;
    memset(&fl, 0, sizeof(fl));
    fl.l_type = type;
    fl.l_whence = whence;
    fl.l_start = start;
    fl.l_len = len;
    return fcntl(fd, cmd, &fl);
}

static int lock_range(int fd, int cmd, short type, long start, long len)
{
    return lock_at(fd, cmd, type, SEEK_SET, start, len);
}

/* The exit code of a child: 0..255, or 256 + signal. */
static int child_result(pid_t pid)
{
    int status = wait_for(pid);
    if (status < 0)
        return 999;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 256 + WTERMSIG(status);
}

/* A child (which does not own this process's locks) tries F_SETLK on fd:
 * 0 on success, else errno. */
static int child_setlk(int fd, short type, long start, long len)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(lock_range(fd, F_SETLK, type, start, len) == 0 ? 0 : errno);
    return pid < 0 ? -1 : child_result(pid);
}

/* A child's F_GETLK on fd; out->l_type is -errno when it failed. */
static int child_getlk(int fd, short type, long start, long len, struct flock *out)
{
    int p[2];
    if (pipe(p) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        struct flock fl;
        memset(&fl, 0, sizeof(fl));
        fl.l_type = type;
        fl.l_whence = SEEK_SET;
        fl.l_start = start;
        fl.l_len = len;
        if (fcntl(fd, F_GETLK, &fl) < 0)
            fl.l_type = (short)-errno;
        _exit(write(p[1], &fl, sizeof(fl)) == (long)sizeof(fl) ? 0 : 1);
    }
    close(p[1]);
    long n = read(p[0], out, sizeof(*out));
    close(p[0]);
    int rc = pid < 0 ? -1 : child_result(pid);
    return n == (long)sizeof(*out) && rc == 0 ? 0 : -1;
}

static void getlk_reports_conflicting_lock(void)
{
    int fd = make_file("/tmp/locks_getlk");
    CHECK_OK(fd);
    CHECK_OK(lock_range(fd, F_SETLK, F_WRLCK, 10, 10));
    struct flock fl;
    CHECK_OK(child_getlk(fd, F_RDLCK, 0, 100, &fl));
    CHECK_EQ("l_type of the holder's lock", F_WRLCK, fl.l_type);
    CHECK_EQ("l_whence", SEEK_SET, fl.l_whence);
    CHECK_EQ("l_start", 10, fl.l_start);
    CHECK_EQ("l_len", 10, fl.l_len);
    CHECK_EQ("l_pid is the holder", getpid(), fl.l_pid);
    CHECK_OK(child_getlk(fd, F_WRLCK, 20, 0, &fl));
    CHECK_EQ("no conflict past the lock: F_UNLCK", F_UNLCK, fl.l_type);
    /* the owner's own locks never conflict with it */
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    CHECK_OK(fcntl(fd, F_GETLK, &fl));
    CHECK_EQ("own lock: F_UNLCK", F_UNLCK, fl.l_type);
    close(fd);
}

static void setlk_conflicts_eagain_and_disjoint_ranges_succeed(void)
{
    int fd = make_file("/tmp/locks_setlk");
    CHECK_OK(fd);
    CHECK_OK(lock_range(fd, F_SETLK, F_WRLCK, 0, 10));
    CHECK_EQ("write lock inside another's write lock", EAGAIN, child_setlk(fd, F_WRLCK, 5, 1));
    CHECK_EQ("read lock on its last byte", EAGAIN, child_setlk(fd, F_RDLCK, 9, 1));
    CHECK_EQ("write lock right after it", 0, child_setlk(fd, F_WRLCK, 10, 10));
    CHECK_EQ("lock to EOF after it", 0, child_setlk(fd, F_WRLCK, 10, 0));
    CHECK_EQ("lock to EOF overlapping it", EAGAIN, child_setlk(fd, F_WRLCK, 0, 0));
    close(fd);
}

static void read_locks_shared_write_locks_exclusive(void)
{
    int fd = make_file("/tmp/locks_shared");
    CHECK_OK(fd);
    CHECK_OK(lock_range(fd, F_SETLK, F_RDLCK, 0, 50));
    CHECK_EQ("second read lock", 0, child_setlk(fd, F_RDLCK, 0, 50));
    CHECK_EQ("write lock over a read lock", EAGAIN, child_setlk(fd, F_WRLCK, 49, 1));
    /* the owner converts its own lock in place */
    CHECK_OK(lock_range(fd, F_SETLK, F_WRLCK, 0, 50));
    CHECK_EQ("read lock over the converted write lock", EAGAIN, child_setlk(fd, F_RDLCK, 0, 1));
    close(fd);
}

static void ranges_split_merge_and_convert(void)
{
    int fd = make_file("/tmp/locks_split");
    CHECK_OK(fd);
    /* unlocking the middle of a range leaves its two ends locked */
    CHECK_OK(lock_range(fd, F_SETLK, F_WRLCK, 0, 30));
    CHECK_OK(lock_range(fd, F_SETLK, F_UNLCK, 10, 10));
    CHECK_EQ("the middle is free", 0, child_setlk(fd, F_WRLCK, 10, 10));
    CHECK_EQ("the first part stays locked", EAGAIN, child_setlk(fd, F_WRLCK, 9, 1));
    CHECK_EQ("the last part stays locked", EAGAIN, child_setlk(fd, F_WRLCK, 20, 1));
    struct flock fl;
    CHECK_OK(child_getlk(fd, F_WRLCK, 15, 0, &fl));
    CHECK_EQ("the last part starts at 20", 20, fl.l_start);
    CHECK_EQ("and is 10 bytes", 10, fl.l_len);
    /* adjacent locks of one type merge into one */
    CHECK_OK(lock_range(fd, F_SETLK, F_UNLCK, 0, 0));
    CHECK_OK(lock_range(fd, F_SETLK, F_RDLCK, 0, 10));
    CHECK_OK(lock_range(fd, F_SETLK, F_RDLCK, 10, 10));
    CHECK_OK(child_getlk(fd, F_WRLCK, 0, 100, &fl));
    CHECK_EQ("merged lock type", F_RDLCK, fl.l_type);
    CHECK_EQ("merged lock start", 0, fl.l_start);
    CHECK_EQ("merged lock length", 20, fl.l_len);
    /* a read lock inside a write lock splits it in three */
    CHECK_OK(lock_range(fd, F_SETLK, F_WRLCK, 0, 100));
    CHECK_OK(lock_range(fd, F_SETLK, F_RDLCK, 40, 20));
    CHECK_EQ("read lock beside the owner's read part", 0, child_setlk(fd, F_RDLCK, 40, 20));
    CHECK_OK(child_getlk(fd, F_RDLCK, 0, 100, &fl));
    CHECK_EQ("first write part type", F_WRLCK, fl.l_type);
    CHECK_EQ("first write part start", 0, fl.l_start);
    CHECK_EQ("first write part length", 40, fl.l_len);
    CHECK_OK(child_getlk(fd, F_RDLCK, 50, 0, &fl));
    CHECK_EQ("last write part start", 60, fl.l_start);
    CHECK_EQ("last write part length", 40, fl.l_len);
    close(fd);
}

static void whence_and_negative_lengths(void)
{
    int fd = make_file("/tmp/locks_whence");
    CHECK_OK(fd);
    /* the file is 100 bytes: SEEK_END -10 with length -5 is bytes 85..89 */
    CHECK_OK(lock_at(fd, F_SETLK, F_WRLCK, SEEK_END, -10, -5));
    struct flock fl;
    CHECK_OK(child_getlk(fd, F_WRLCK, 0, 0, &fl));
    CHECK_EQ("start", 85, fl.l_start);
    CHECK_EQ("length", 5, fl.l_len);
    CHECK_OK(lock_range(fd, F_SETLK, F_UNLCK, 0, 0));
    CHECK_EQ("lseek", 30, lseek(fd, 30, SEEK_SET));
    CHECK_OK(lock_at(fd, F_SETLK, F_WRLCK, SEEK_CUR, 5, 0));
    CHECK_OK(child_getlk(fd, F_WRLCK, 0, 0, &fl));
    CHECK_EQ("SEEK_CUR start", 35, fl.l_start);
    CHECK_EQ("to EOF: length 0", 0, fl.l_len);
    close(fd);
}

/* ready/go bytes between a parent and a child */
static int put_byte(int fd)
{
    return write(fd, "x", 1) == 1 ? 0 : -1;
}

static int get_byte(int fd)
{
    char c;
    long n;
    do
        n = read(fd, &c, 1);
    while (n < 0 && errno == EINTR);
    return n == 1 ? 0 : -1;
}

/* Is there a byte to read within ms? */
static int has_byte_within(int fd, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, ms) == 1;
}

static void setlkw_sleeps_until_the_holder_unlocks(void)
{
    int fd = make_file("/tmp/locks_setlkw");
    CHECK_OK(fd);
    int to_parent[2], to_child[2];
    CHECK_OK(pipe(to_parent));
    CHECK_OK(pipe(to_child));
    CHECK_OK(lock_range(fd, F_SETLK, F_WRLCK, 0, 1));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        alarm(GUARD_SECONDS);
        put_byte(to_parent[1]);                                 /* about to wait */
        if (lock_range(fd, F_SETLKW, F_WRLCK, 0, 1) < 0)
            _exit(errno);
        put_byte(to_parent[1]);                                 /* got it */
        _exit(get_byte(to_child[0]) == 0 ? 0 : 100);            /* hold until told */
    }
    CHECK_OK(get_byte(to_parent[0]));
    CHECK(!has_byte_within(to_parent[0], 100), "the child got the lock while it was held");
    CHECK_OK(lock_range(fd, F_SETLK, F_UNLCK, 0, 1));
    CHECK_OK(get_byte(to_parent[0]));
    CHECK_ERRNO(lock_range(fd, F_SETLK, F_WRLCK, 0, 1), EAGAIN);    /* the child holds it */
    CHECK_OK(put_byte(to_child[1]));
    CHECK_EQ("child exit", 0, child_result(pid));
    CHECK_OK(lock_range(fd, F_SETLK, F_WRLCK, 0, 1));           /* its exit released it */
    close(to_parent[0]);
    close(to_parent[1]);
    close(to_child[0]);
    close(to_child[1]);
    close(fd);
}

static volatile sig_atomic_t usr1_hits;

static void count_usr1(int sig)
{
    (void)sig;
    usr1_hits++;
}

/* The child waits in F_SETLKW (flock when is_flock) with a SIGUSR1
 * handler installed with flags; the parent signals it until it returns
 * or, with SA_RESTART, signals it three times and then unlocks. */
static int wait_interrupted(int fd, int flags, bool is_flock, int *result)
{
    int ready[2];
    if (pipe(ready) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = count_usr1;
        sa.sa_flags = flags;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR1, &sa, NULL);
        alarm(GUARD_SECONDS);
        int wait_fd = is_flock ? open("/tmp/locks_intr", O_RDWR) : fd;
        put_byte(ready[1]);
        int rc = is_flock ? flock(wait_fd, LOCK_EX) : lock_range(wait_fd, F_SETLKW, F_WRLCK, 0, 1);
        if (rc < 0)
            _exit(errno);
        _exit(usr1_hits > 0 ? 0 : 101);
    }
    close(ready[1]);
    get_byte(ready[0]);
    close(ready[0]);
    for (int i = 0; i < 200; i++) {
        kill(pid, SIGUSR1);
        if ((flags & SA_RESTART) && i == 2) {
            if (is_flock)
                flock(fd, LOCK_UN);
            else
                lock_range(fd, F_SETLK, F_UNLCK, 0, 1);
            break;
        }
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            *result = WIFEXITED(status) ? WEXITSTATUS(status) : 256 + WTERMSIG(status);
            return 0;
        }
        msleep(20);
    }
    *result = child_result(pid);
    return 0;
}

static void setlkw_interrupted_eintr_or_restarted(void)
{
    int fd = make_file("/tmp/locks_intr");
    CHECK_OK(fd);
    CHECK_OK(lock_range(fd, F_SETLK, F_WRLCK, 0, 1));
    int result;
    CHECK_OK(wait_interrupted(fd, 0, false, &result));
    CHECK_EQ("F_SETLKW under a handler without SA_RESTART: errno", EINTR, result);
    CHECK_OK(wait_interrupted(fd, SA_RESTART, false, &result));
    CHECK_EQ("F_SETLKW restarted under SA_RESTART, then locked: exit", 0, result);
    close(fd);
}

static volatile sig_atomic_t alarm_hits;

static void count_alarm(int sig)
{
    (void)sig;
    alarm_hits++;
}

/* Two processes each hold one byte and wait for the other's: whichever
 * asks second gets EDEADLK; the other then gets its byte. */
static void two_process_deadlock_edeadlk(void)
{
    int fd = make_file("/tmp/locks_deadlock");
    CHECK_OK(fd);
    int ready[2];
    CHECK_OK(pipe(ready));
    CHECK_OK(lock_range(fd, F_SETLK, F_WRLCK, 0, 1));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        alarm(GUARD_SECONDS);
        if (lock_range(fd, F_SETLK, F_WRLCK, 1, 1) < 0)
            _exit(200);
        put_byte(ready[1]);
        _exit(lock_range(fd, F_SETLKW, F_WRLCK, 0, 1) == 0 ? 0 : errno);
    }
    CHECK_OK(get_byte(ready[0]));
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = count_alarm;
    sigemptyset(&sa.sa_mask);
    CHECK_OK(sigaction(SIGALRM, &sa, NULL));
    alarm_hits = 0;
    alarm(GUARD_SECONDS);
    msleep(50);         /* most often the child waits first; either order is checked */
    errno = 0;
    int rc = lock_range(fd, F_SETLKW, F_WRLCK, 1, 1);
    int err = errno;
    alarm(0);
    CHECK(alarm_hits == 0, "neither process saw the deadlock: the guard alarm fired");
    if (rc < 0) {
        CHECK_EQ("parent asking second: errno", EDEADLK, err);
        CHECK_OK(lock_range(fd, F_SETLK, F_UNLCK, 0, 1));
        CHECK_EQ("child then gets byte 0: exit", 0, child_result(pid));
        tap_note("the parent saw EDEADLK");
    } else {
        CHECK_EQ("child asking second: exit", EDEADLK, child_result(pid));
        tap_note("the child saw EDEADLK");
    }
    close(ready[0]);
    close(ready[1]);
    close(fd);
}

static void close_of_any_descriptor_releases(void)
{
    int fd = make_file("/tmp/locks_close");
    CHECK_OK(fd);
    CHECK_OK(lock_range(fd, F_SETLK, F_WRLCK, 0, 10));
    int other = open("/tmp/locks_close", O_RDONLY);
    CHECK_OK(other);
    CHECK_EQ("locked before", EAGAIN, child_setlk(fd, F_WRLCK, 0, 1));
    CHECK_OK(close(other));
    CHECK_EQ("closing another descriptor of the file released it", 0,
             child_setlk(fd, F_WRLCK, 0, 1));
    CHECK_OK(lock_range(fd, F_SETLK, F_WRLCK, 0, 10));
    int copy = dup(fd);
    CHECK_OK(copy);
    CHECK_OK(close(copy));
    CHECK_EQ("closing a dup released it", 0, child_setlk(fd, F_WRLCK, 0, 1));
    CHECK_OK(lock_range(fd, F_SETLK, F_WRLCK, 0, 10));
    int fd2 = open("/tmp/locks_close", O_RDWR);
    CHECK_OK(fd2);
    CHECK_OK(dup2(fd2, fd));      /* closes the locking descriptor */
    CHECK_EQ("dup2 over it released it", 0, child_setlk(fd2, F_WRLCK, 0, 1));
    close(fd);
    close(fd2);
}

static void exit_releases_and_fork_does_not_inherit(void)
{
    int fd = make_file("/tmp/locks_exit");
    CHECK_OK(fd);
    int ready[2], go[2];
    CHECK_OK(pipe(ready));
    CHECK_OK(pipe(go));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        if (lock_range(fd, F_SETLK, F_WRLCK, 0, 1) < 0)
            _exit(errno);
        put_byte(ready[1]);
        get_byte(go[0]);
        _exit(0);
    }
    CHECK_OK(get_byte(ready[0]));
    struct flock fl;
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    CHECK_OK(fcntl(fd, F_GETLK, &fl));
    CHECK_EQ("the child's lock", F_WRLCK, fl.l_type);
    CHECK_EQ("its pid", pid, fl.l_pid);
    CHECK_OK(put_byte(go[1]));
    CHECK_EQ("child exit", 0, child_result(pid));
    CHECK_OK(lock_range(fd, F_SETLK, F_WRLCK, 0, 1));     /* its exit released it */
    /* a child does not inherit the lock: it conflicts, its unlock and its
     * exit leave it alone */
    CHECK_EQ("child's lock over the parent's", EAGAIN, child_setlk(fd, F_WRLCK, 0, 1));
    pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(lock_range(fd, F_SETLK, F_UNLCK, 0, 0) == 0 ? 0 : errno);
    CHECK_EQ("child unlock", 0, child_result(pid));
    CHECK_EQ("still the parent's after a child's unlock and exit", EAGAIN,
             child_setlk(fd, F_WRLCK, 0, 1));
    close(ready[0]);
    close(ready[1]);
    close(go[0]);
    close(go[1]);
    close(fd);
}

static void access_mode_ebadf(void)
{
    int fd = make_file("/tmp/locks_mode");
    CHECK_OK(fd);
    close(fd);
    int rd = open("/tmp/locks_mode", O_RDONLY);
    CHECK_OK(rd);
    CHECK_ERRNO(lock_range(rd, F_SETLK, F_WRLCK, 0, 1), EBADF);
    CHECK_OK(lock_range(rd, F_SETLK, F_RDLCK, 0, 1));
    int wr = open("/tmp/locks_mode", O_WRONLY);
    CHECK_OK(wr);
    CHECK_ERRNO(lock_range(wr, F_SETLKW, F_RDLCK, 0, 1), EBADF);
    CHECK_OK(lock_range(wr, F_SETLK, F_WRLCK, 5, 1));
    CHECK_OK(lock_range(wr, F_SETLK, F_UNLCK, 0, 0));
    CHECK_ERRNO(lock_range(99, F_SETLK, F_RDLCK, 0, 1), EBADF);
    close(rd);
    close(wr);
}

static void bad_arguments_einval_eoverflow(void)
{
    int fd = make_file("/tmp/locks_einval");
    CHECK_OK(fd);
    CHECK_ERRNO(lock_range(fd, F_SETLK, 42, 0, 1), EINVAL);
    CHECK_ERRNO(lock_at(fd, F_SETLK, F_WRLCK, 7, 0, 1), EINVAL);
    CHECK_ERRNO(lock_range(fd, F_SETLK, F_WRLCK, -1, 1), EINVAL);
    CHECK_ERRNO(lock_range(fd, F_SETLK, F_WRLCK, 5, -10), EINVAL);
    CHECK_ERRNO(lock_range(fd, F_GETLK, F_UNLCK, 0, 1), EINVAL);
    CHECK_ERRNO(lock_range(fd, F_SETLK, F_WRLCK, INT64_MAX, 2), EOVERFLOW);
    CHECK_ERRNO(lock_at(fd, F_SETLK, F_WRLCK, SEEK_END, INT64_MAX, 1), EOVERFLOW);
    CHECK_ERRNO(fcntl(fd, F_SETLK, (struct flock *)16), EFAULT);
    /* the last byte there is can be locked */
    CHECK_OK(lock_range(fd, F_SETLK, F_WRLCK, INT64_MAX, 1));
    CHECK_ERRNO(flock(fd, 0), EINVAL);
    CHECK_ERRNO(flock(fd, LOCK_SH | LOCK_EX), EINVAL);
    CHECK_ERRNO(flock(99, LOCK_SH), EBADF);
    close(fd);
}

static void flock_shared_exclusive_and_nonblocking(void)
{
    int a = make_file("/tmp/locks_flock");
    CHECK_OK(a);
    int b = open("/tmp/locks_flock", O_RDONLY);
    CHECK_OK(b);
    /* two open files conflict even in one process */
    CHECK_OK(flock(a, LOCK_SH));
    CHECK_OK(flock(b, LOCK_SH | LOCK_NB));
    CHECK_ERRNO(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    CHECK_OK(flock(a, LOCK_UN));
    CHECK_OK(flock(b, LOCK_EX | LOCK_NB));      /* conversion, on a read-only file */
    CHECK_ERRNO(flock(a, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    /* independent of record locks */
    CHECK_EQ("record lock beside a flock", 0, child_setlk(a, F_WRLCK, 0, 0));
    CHECK_OK(flock(b, LOCK_UN));
    CHECK_OK(flock(a, LOCK_EX | LOCK_NB));
    close(a);
    close(b);
}

static void flock_shared_by_dup_and_fork_released_on_last_close(void)
{
    int a = make_file("/tmp/locks_flock2");
    CHECK_OK(a);
    int other = open("/tmp/locks_flock2", O_RDWR);
    CHECK_OK(other);
    CHECK_OK(flock(a, LOCK_EX));
    int copy = dup(a);
    CHECK_OK(copy);
    CHECK_OK(close(a));
    CHECK_ERRNO(flock(other, LOCK_EX | LOCK_NB), EWOULDBLOCK);   /* the dup keeps it */
    int go[2];
    CHECK_OK(pipe(go));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        /* the child shares the open file, so it holds the lock too */
        if (flock(copy, LOCK_EX | LOCK_NB) < 0)
            _exit(errno);
        get_byte(go[0]);
        _exit(0);
    }
    CHECK_OK(close(copy));
    CHECK_ERRNO(flock(other, LOCK_EX | LOCK_NB), EWOULDBLOCK);   /* the child's copy keeps it */
    CHECK_OK(put_byte(go[1]));
    CHECK_EQ("child exit", 0, child_result(pid));
    CHECK_OK(flock(other, LOCK_EX | LOCK_NB));                    /* the last close released it */
    /* an unlock through a forked copy unlocks the shared file */
    pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(flock(other, LOCK_UN) == 0 ? 0 : errno);
    CHECK_EQ("child unlock", 0, child_result(pid));
    int third = open("/tmp/locks_flock2", O_RDONLY);
    CHECK_OK(third);
    CHECK_OK(flock(third, LOCK_EX | LOCK_NB));
    close(third);
    close(other);
    close(go[0]);
    close(go[1]);
}

static void flock_blocks_until_release_and_is_interruptible(void)
{
    int a = make_file("/tmp/locks_intr");
    CHECK_OK(a);
    CHECK_OK(flock(a, LOCK_EX));
    int result;
    CHECK_OK(wait_interrupted(a, 0, true, &result));
    CHECK_EQ("blocking flock under a handler without SA_RESTART: errno", EINTR, result);
    CHECK_OK(flock(a, LOCK_EX));
    CHECK_OK(wait_interrupted(a, SA_RESTART, true, &result));
    CHECK_EQ("flock restarted under SA_RESTART, then locked: exit", 0, result);
    close(a);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(getlk_reports_conflicting_lock),
        TAP_TEST(setlk_conflicts_eagain_and_disjoint_ranges_succeed),
        TAP_TEST(read_locks_shared_write_locks_exclusive),
        TAP_TEST(ranges_split_merge_and_convert),
        TAP_TEST(whence_and_negative_lengths),
        TAP_TEST(setlkw_sleeps_until_the_holder_unlocks),
        TAP_TEST(setlkw_interrupted_eintr_or_restarted),
        TAP_TEST(two_process_deadlock_edeadlk),
        TAP_TEST(close_of_any_descriptor_releases),
        TAP_TEST(exit_releases_and_fork_does_not_inherit),
        TAP_TEST(access_mode_ebadf),
        TAP_TEST(bad_arguments_einval_eoverflow),
        TAP_TEST(flock_shared_exclusive_and_nonblocking),
        TAP_TEST(flock_shared_by_dup_and_fork_released_on_last_close),
        TAP_TEST(flock_blocks_until_release_and_is_interruptible),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
