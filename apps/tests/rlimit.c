/* Resource limits: getrlimit/setrlimit/prlimit semantics (EINVAL, EPERM,
 * ESRCH), and what each limit does: RLIMIT_NOFILE (EMFILE, EBADF, EINVAL),
 * RLIMIT_FSIZE (short write, EFBIG, SIGXFSZ), RLIMIT_CORE, RLIMIT_STACK
 * (the stack of an exec'd program), RLIMIT_AS and RLIMIT_DATA (ENOMEM),
 * RLIMIT_NPROC (EAGAIN for a non-root user); inheritance across fork and
 * exec. Each limit is set in a child, which reports through its exit code
 * (0, or the number of the first failed step). The program re-runs itself
 * with a probe name as argv[1] to look at limits after an exec. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <tandem/syscall.h>
#include "tap.h"

#ifndef SYS_setresuid
#define SYS_setresuid 25        /* credentials: a kernel without them says ENOSYS */
#endif

#define MIB (1024UL * 1024UL)
#define NOBODY_UID 1000

static const char *self_path;

/* In a child: report the first failed step through the exit code. */
#define STEP(n, cond) do { \
        if (!(cond)) { \
            printf("    # step %d failed: %s (errno %d %s)\n", n, #cond, errno, strerror(errno)); \
            fflush(stdout); \
            _exit(n); \
        } \
    } while (0)

static int run_in_child(void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        fn();
        _exit(0);
    }
    return wait_for(pid);
}

/* Runs this program again with probe as argv[1]; returns its status. */
static int exec_probe(const char *probe)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        char *argv[] = { (char *)self_path, (char *)probe, NULL };
        execv(self_path, argv);
        _exit(126);
    }
    return wait_for(pid);
}

static int set_limit(int resource, rlim_t cur, rlim_t max)
{
    struct rlimit rl = { cur, max };
    return setrlimit(resource, &rl);
}

static rlim_t soft_limit(int resource)
{
    struct rlimit rl;
    if (getrlimit(resource, &rl) < 0)
        return 0;
    return rl.rlim_cur;
}

/* ---- the calls -------------------------------------------------------- */

static void defaults_and_errors(void)
{
    struct rlimit rl;
    CHECK_OK(getrlimit(RLIMIT_CORE, &rl));
    CHECK_EQ("RLIMIT_CORE soft", 0, rl.rlim_cur);
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
    CHECK(rl.rlim_cur >= 256 && rl.rlim_cur <= rl.rlim_max, "NOFILE %llu/%llu",
          (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
    CHECK_EQ("sysconf(_SC_OPEN_MAX)", (long)rl.rlim_cur, sysconf(_SC_OPEN_MAX));
    CHECK_OK(getrlimit(RLIMIT_STACK, &rl));
    CHECK_EQ("RLIMIT_STACK soft", 8 * MIB, rl.rlim_cur);
    CHECK_OK(getrlimit(RLIMIT_AS, &rl));
    CHECK(rl.rlim_cur == RLIM_INFINITY, "RLIMIT_AS soft not infinite");
    CHECK_ERRNO(getrlimit(RLIM_NLIMITS, &rl), EINVAL);
    CHECK_ERRNO(getrlimit(-1, &rl), EINVAL);
    struct rlimit bad = { 20, 10 };
    CHECK_ERRNO(setrlimit(RLIMIT_FSIZE, &bad), EINVAL);
    CHECK_EQ("prlimit bad old pointer", -EFAULT,
             tandem_syscall4(SYS_prlimit, 0, RLIMIT_CORE, 0, 16));
    CHECK_EQ("prlimit bad new pointer", -EFAULT,
             tandem_syscall4(SYS_prlimit, 0, RLIMIT_CORE, 16, 0));
    CHECK_ERRNO(prlimit(999999, RLIMIT_CORE, NULL, &rl), ESRCH);
}

static void child_core_accepted(void)
{
    STEP(1, set_limit(RLIMIT_CORE, 1 * MIB, RLIM_INFINITY) == 0);
    STEP(2, soft_limit(RLIMIT_CORE) == 1 * MIB);
    /* root lowers then raises its hard limit */
    STEP(3, set_limit(RLIMIT_CORE, 0, 4096) == 0);
    STEP(4, set_limit(RLIMIT_CORE, 0, RLIM_INFINITY) == 0);
}

static void core_limit_is_kept(void)
{
    CHECK_EQ("child", 0, run_in_child(child_core_accepted));
}

static void prlimit_of_another_process(void)
{
    int go[2];
    CHECK_OK(pipe(go));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        char c;
        close(go[1]);
        read(go[0], &c, 1);
        _exit(soft_limit(RLIMIT_NOFILE) == 77 ? 0 : 1);
    }
    close(go[0]);
    struct rlimit nl = { 77, 1000 }, old;
    int rc = prlimit(pid, RLIMIT_NOFILE, &nl, &old);
    close(go[1]);
    int status = wait_for(pid);
    CHECK_EQ("prlimit(child)", 0, rc);
    CHECK(old.rlim_cur >= 256, "old soft %llu", (unsigned long long)old.rlim_cur);
    CHECK_EQ("child saw its new limit", 0, status);
}

/* ---- RLIMIT_NOFILE ---------------------------------------------------- */

static void child_nofile(void)
{
    STEP(1, set_limit(RLIMIT_NOFILE, 8, 8) == 0);
    int last = -1, fd;
    while ((fd = open("/dev/null", O_RDONLY)) >= 0)
        last = fd;
    STEP(2, errno == EMFILE);
    STEP(3, last == 7);
    STEP(4, dup(0) < 0 && errno == EMFILE);
    int fds[2];
    STEP(5, pipe(fds) < 0 && errno == EMFILE);
    STEP(6, fcntl(0, F_DUPFD, 0) < 0 && errno == EMFILE);
    STEP(7, fcntl(0, F_DUPFD, 8) < 0 && errno == EINVAL);
    STEP(8, dup2(0, 8) < 0 && errno == EBADF);
    STEP(9, dup2(0, 7) == 7);               /* below the limit: fine */
    close(7);
    STEP(10, dup(0) == 7);
    /* inherited by fork and exec */
    pid_t pid = fork();
    if (pid == 0)
        _exit(soft_limit(RLIMIT_NOFILE) == 8 && dup(0) < 0 && errno == EMFILE ? 0 : 1);
    STEP(11, wait_for(pid) == 0);
    for (int i = 3; i < 8; i++)
        close(i);
    STEP(12, exec_probe("nofile-probe") == 0);
    STEP(13, set_limit(RLIMIT_NOFILE, 8, 100000) < 0 && errno == EPERM);
}

static void nofile_limit(void)
{
    CHECK_EQ("child", 0, run_in_child(child_nofile));
}

static int probe_nofile(void)
{
    if (soft_limit(RLIMIT_NOFILE) != 8)
        return 1;
    int fd;
    while ((fd = open("/dev/null", O_RDONLY)) >= 0)
        if (fd >= 8)
            return 2;
    return errno == EMFILE ? 0 : 3;
}

/* ---- RLIMIT_FSIZE ----------------------------------------------------- */

static volatile sig_atomic_t xfsz_count;

static void on_xfsz(int sig)
{
    (void)sig;
    xfsz_count++;
}

#define FSIZE_PATH "/tmp/rlimit_fsize"

static void child_fsize(void)
{
    signal(SIGXFSZ, on_xfsz);
    STEP(1, set_limit(RLIMIT_FSIZE, 100, RLIM_INFINITY) == 0);
    int fd = open(FSIZE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    STEP(2, fd >= 0);
    char buf[150];
    memset(buf, 'x', sizeof(buf));
    STEP(3, write(fd, buf, 60) == 60);
    STEP(4, write(fd, buf, 60) == 40);      /* up to the limit */
    STEP(5, xfsz_count == 0);
    STEP(6, write(fd, buf, 1) < 0 && errno == EFBIG);
    STEP(7, xfsz_count == 1);
    STEP(8, pwrite(fd, buf, 10, 95) == 5);
    STEP(9, pwrite(fd, buf, 10, 200) < 0 && errno == EFBIG);
    STEP(10, xfsz_count == 2);
    STEP(11, ftruncate(fd, 200) < 0 && errno == EFBIG);
    STEP(12, xfsz_count == 3);
    STEP(13, ftruncate(fd, 50) == 0);       /* shrinking is fine */
    struct stat st;
    STEP(14, fstat(fd, &st) == 0 && st.st_size == 50);
    STEP(15, write(fd, buf, 0) == 0);
    close(fd);
    /* the default action ends the process */
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGXFSZ, SIG_DFL);
        int wfd = open(FSIZE_PATH, O_WRONLY | O_APPEND);
        write(wfd, buf, 150);
        write(wfd, buf, 1);
        _exit(0);
    }
    int status = wait_for(pid);
    STEP(16, WIFSIGNALED(status) && WTERMSIG(status) == SIGXFSZ);
    STEP(17, exec_probe("fsize-probe") == 0);
    unlink(FSIZE_PATH);
}

static void fsize_limit(void)
{
    CHECK_EQ("child", 0, run_in_child(child_fsize));
}

static int probe_fsize(void)
{
    if (soft_limit(RLIMIT_FSIZE) != 100)
        return 1;
    signal(SIGXFSZ, SIG_IGN);
    int fd = open(FSIZE_PATH, O_WRONLY | O_TRUNC);
    char buf[200] = { 0 };
    if (fd < 0 || write(fd, buf, sizeof(buf)) != 100)
        return 2;
    return write(fd, buf, 1) < 0 && errno == EFBIG ? 0 : 3;
}

/* ---- RLIMIT_STACK ----------------------------------------------------- */

/* Touches the byte below_bytes under the current stack frame in a child;
 * returns its status (0: fine, SIGSEGV: nothing mapped there). */
static int touch_below_stack(size_t below_bytes)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        volatile char here = 0;
        uintptr_t addr = (uintptr_t)&here - below_bytes;
        *(volatile char *)addr = 1;
        _exit(here);
    }
    return wait_for(pid);
}

static int probe_stack(void)
{
    if (soft_limit(RLIMIT_STACK) != 1 * MIB)
        return 1;
    if (touch_below_stack(800 * 1024) != 0)
        return 2;
    int status = touch_below_stack(2 * MIB);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV ? 0 : 3;
}

static void child_stack(void)
{
    /* the default 8 MiB: 2 MiB down is still stack */
    STEP(1, touch_below_stack(2 * MIB) == 0);
    STEP(2, set_limit(RLIMIT_STACK, 1 * MIB, RLIM_INFINITY) == 0);
    STEP(3, exec_probe("stack-probe") == 0);
}

static void stack_limit_sizes_exec_stack(void)
{
    CHECK_EQ("child", 0, run_in_child(child_stack));
}

/* ---- RLIMIT_AS, RLIMIT_DATA -------------------------------------------- */

static int mmap_fails_enomem(size_t len, int prot)
{
    void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
        munmap(p, len);
        return 0;
    }
    return errno == ENOMEM;
}

static int probe_as(void)
{
    if (soft_limit(RLIMIT_AS) != 64 * MIB)
        return 1;
    if (!mmap_fails_enomem(128 * MIB, PROT_READ))
        return 2;
    return mmap_fails_enomem(1 * MIB, PROT_READ) ? 3 : 0;
}

static void child_as(void)
{
    STEP(1, mmap_fails_enomem(128 * MIB, PROT_READ) == 0);
    STEP(2, set_limit(RLIMIT_AS, 64 * MIB, RLIM_INFINITY) == 0);
    STEP(3, mmap_fails_enomem(128 * MIB, PROT_READ));
    STEP(4, !mmap_fails_enomem(1 * MIB, PROT_READ | PROT_WRITE));
    STEP(5, malloc(128 * MIB) == NULL);
    pid_t pid = fork();
    if (pid == 0)
        _exit(mmap_fails_enomem(128 * MIB, PROT_READ) ? 0 : 1);
    STEP(6, wait_for(pid) == 0);
    STEP(7, exec_probe("as-probe") == 0);
}

static void as_limit(void)
{
    CHECK_EQ("child", 0, run_in_child(child_as));
}

static void child_data(void)
{
    STEP(1, set_limit(RLIMIT_DATA, 16 * MIB, RLIM_INFINITY) == 0);
    STEP(2, mmap_fails_enomem(32 * MIB, PROT_READ | PROT_WRITE));
    STEP(3, !mmap_fails_enomem(32 * MIB, PROT_READ));   /* not data */
    errno = 0;
    STEP(4, sbrk(32 * MIB) == (void *)-1 && errno == ENOMEM);
    STEP(5, sbrk(64 * 1024) != (void *)-1);
    pid_t pid = fork();
    if (pid == 0)
        _exit(mmap_fails_enomem(32 * MIB, PROT_READ | PROT_WRITE) ? 0 : 1);
    STEP(6, wait_for(pid) == 0);
}

static void data_limit(void)
{
    CHECK_EQ("child", 0, run_in_child(child_data));
}

/* ---- RLIMIT_NPROC ------------------------------------------------------ */

static void *idle_thread(void *arg)
{
    (void)arg;
    return NULL;
}

/* A child alive until the pipe's write end closes. */
static pid_t forked_sleeper(int hold[2])
{
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(hold[1]);
        read(hold[0], &c, 1);
        _exit(0);
    }
    return pid;
}

static void child_nproc_root_exempt(void)
{
    STEP(1, set_limit(RLIMIT_NPROC, 1, 1) == 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    STEP(2, pid > 0);
    STEP(3, wait_for(pid) == 0);
}

static void child_nproc_user(void)
{
    int hold[2];
    STEP(1, pipe(hold) == 0);
    STEP(2, set_limit(RLIMIT_NPROC, 3, 3) == 0);
    STEP(3, tandem_syscall3(SYS_setresuid, NOBODY_UID, NOBODY_UID, NOBODY_UID) == 0);
    STEP(4, getuid() == NOBODY_UID);
    /* this process is 1 of 3 */
    STEP(5, forked_sleeper(hold) > 0);
    STEP(6, forked_sleeper(hold) > 0);
    errno = 0;
    STEP(7, fork() < 0 && errno == EAGAIN);
    pthread_t t;
    STEP(8, pthread_create(&t, NULL, idle_thread, NULL) == EAGAIN);
    STEP(9, set_limit(RLIMIT_NPROC, 3, 4) < 0 && errno == EPERM);   /* raising hard */
    STEP(10, set_limit(RLIMIT_NPROC, 2, 2) == 0);                   /* lowering: fine */
    close(hold[1]);
    while (wait(NULL) > 0)
        ;
    STEP(11, set_limit(RLIMIT_NPROC, 3, 3) < 0 && errno == EPERM);
    pid_t pid = fork();                     /* 2 of 2 */
    if (pid == 0)
        _exit(0);
    STEP(12, pid > 0 && wait_for(pid) == 0);
    struct rlimit rl;
    STEP(13, prlimit(getppid(), RLIMIT_NOFILE, NULL, &rl) < 0 && errno == EPERM);
}

static void nproc_limit(void)
{
    CHECK_EQ("root is exempt", 0, run_in_child(child_nproc_root_exempt));
    if (tandem_syscall3(SYS_setresuid, -1, -1, -1) == -ENOSYS) {
        tap_skip("no setresuid in this kernel");
        return;
    }
    CHECK_EQ("non-root child", 0, run_in_child(child_nproc_user));
}

int main(int argc, char **argv)
{
    self_path = argv[0];
    if (argc > 1) {
        if (strcmp(argv[1], "nofile-probe") == 0)
            return probe_nofile();
        if (strcmp(argv[1], "fsize-probe") == 0)
            return probe_fsize();
        if (strcmp(argv[1], "stack-probe") == 0)
            return probe_stack();
        if (strcmp(argv[1], "as-probe") == 0)
            return probe_as();
        return 100;
    }
    static const struct tap_test tests[] = {
        TAP_TEST(defaults_and_errors),
        TAP_TEST(core_limit_is_kept),
        TAP_TEST(prlimit_of_another_process),
        TAP_TEST(nofile_limit),
        TAP_TEST(fsize_limit),
        TAP_TEST(stack_limit_sizes_exec_stack),
        TAP_TEST(as_limit),
        TAP_TEST(data_limit),
        TAP_TEST(nproc_limit),
    };
    return tap_main(argc, argv, tests, (int)(sizeof(tests) / sizeof(tests[0])));
}
