/* execve: argv and envp arrive as passed, a missing file gives ENOENT and
 * leaves the caller running, FD_CLOEXEC descriptors close, handled signals
 * reset to the default and ignored ones stay ignored, the pid stays.
 * The program re-executes itself (argv[0]) with a mode argument. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

static const char *self_path;

static void handler(int sig) { (void)sig; }

/* exec_passes_long_arguments: about 100 KiB of arguments and environment,
 * some strings longer than a page (the kernel's copy grows as it goes) */
#define LONG_ARGS 1000
#define LONG_ARG_BYTES 64
#define BIG_ARG_BYTES 30000
#define BIG_ENV_BYTES 10000

/* child modes: exit status 0 means the check in the new image passed */
static int child_mode(int argc, char **argv)
{
    const char *mode = argv[1];

    if (!strcmp(mode, "--argv")) {
        if (argc != 5 || strcmp(argv[2], "one") || strcmp(argv[3], "") ||
            strcmp(argv[4], "three words"))
            return 1;
        const char *v = getenv("TANDEM_TEST");
        if (!v || strcmp(v, "value=with=equals"))
            return 2;
        if (getenv("PATH"))
            return 3;       /* only the environment passed */
        return 0;
    }
    if (!strcmp(mode, "--fds")) {
        int keep = atoi(argv[2]), closed = atoi(argv[3]);
        if (fcntl(keep, F_GETFD) != 0)
            return 1;       /* kept, without FD_CLOEXEC */
        if (fcntl(closed, F_GETFD) != -1 || errno != EBADF)
            return 2;
        return 0;
    }
    if (!strcmp(mode, "--ok"))
        return 0;
    if (!strcmp(mode, "--signals")) {
        struct sigaction a;
        sigaction(SIGUSR1, NULL, &a);
        if (a.sa_handler != SIG_DFL)
            return 1;       /* handled: reset */
        sigaction(SIGUSR2, NULL, &a);
        if (a.sa_handler != SIG_IGN)
            return 2;       /* ignored: stays */
        sigset_t m;
        sigprocmask(SIG_BLOCK, NULL, &m);
        if (!sigismember(&m, SIGTERM))
            return 3;       /* the mask is kept */
        return 0;
    }
    if (!strcmp(mode, "--long")) {
        if (argc != 2 + LONG_ARGS + 1)
            return 1;
        for (int i = 0; i < LONG_ARGS; i++)
            if (strlen(argv[2 + i]) != LONG_ARG_BYTES || argv[2 + i][LONG_ARG_BYTES - 1] != 'a' + i % 26)
                return 2;
        const char *big = argv[2 + LONG_ARGS];
        if (strlen(big) != BIG_ARG_BYTES || big[0] != 'z' || big[BIG_ARG_BYTES - 1] != 'z')
            return 3;
        const char *env = getenv("BIG");
        if (!env || strlen(env) != BIG_ENV_BYTES || env[BIG_ENV_BYTES - 1] != 'e')
            return 4;
        return 0;
    }
    if (!strcmp(mode, "--pid")) {
        return atoi(argv[2]) == getpid() ? 0 : 1;
    }
    return 100;
}

static int run_self(char **argv, char **envp)
{
    pid_t pid = fork();
    if (pid == 0) {
        execve(self_path, argv, envp);
        _exit(99);
    }
    return pid < 0 ? -1 : wait_for(pid);
}

static void exec_passes_argv_and_envp(void)
{
    char *argv[] = { (char *)self_path, "--argv", "one", "", "three words", NULL };
    char *envp[] = { "TANDEM_TEST=value=with=equals", "OTHER=1", NULL };
    int status = run_self(argv, envp);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "new image: expected exited 0, got %s (1 argv, 2 envp, 3 extra env, 99 exec failed)",
          status_str(status));
}

static char *filled(size_t len, char c)
{
    char *str = malloc(len + 1);
    if (str) {
        memset(str, c, len);
        str[len] = '\0';
    }
    return str;
}

static void exec_passes_long_arguments(void)
{
    char **argv = calloc(2 + LONG_ARGS + 2, sizeof(char *));
    char *env = filled(4 + BIG_ENV_BYTES, 'e');
    CHECK(argv && env, "malloc");
    if (!argv || !env)
        return;
    memcpy(env, "BIG=", 4);
    char *envp[] = { env, NULL };
    argv[0] = (char *)self_path;
    argv[1] = "--long";
    for (int i = 0; i < LONG_ARGS; i++)
        argv[2 + i] = filled(LONG_ARG_BYTES, (char)('a' + i % 26));
    argv[2 + LONG_ARGS] = filled(BIG_ARG_BYTES, 'z');
    int status = run_self(argv, envp);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "new image: expected exited 0, got %s (1 argc, 2 short strings, 3 the 30000-byte "
          "one, 4 the environment, 99 exec failed)", status_str(status));
    for (int i = 2; i < 2 + LONG_ARGS + 1; i++)
        free(argv[i]);
    free(argv);
    free(env);
}

/* More than 128 KiB of strings, or more than 4096 of them: E2BIG, and the
 * caller goes on. */
static void exec_too_long_e2big(void)
{
    char *big = filled(50000, 'x');
    char *argv[] = { (char *)self_path, "--ok", big, big, big, NULL };
    char *envp[] = { NULL };
    CHECK(big != NULL, "malloc");
    if (big)
        CHECK_ERRNO(execve(self_path, argv, envp), E2BIG);
    free(big);
    char **many = calloc(5002, sizeof(char *));
    CHECK(many != NULL, "malloc");
    if (!many)
        return;
    many[0] = (char *)self_path;
    for (int i = 1; i < 5001; i++)
        many[i] = "";
    CHECK_ERRNO(execve(self_path, many, envp), E2BIG);
    free(many);
}

static void exec_missing_file_enoent(void)
{
    char *argv[] = { "/bin/tests/no-such-program", NULL };
    char *envp[] = { NULL };
    CHECK_ERRNO(execve("/bin/tests/no-such-program", argv, envp), ENOENT);
    CHECK_ERRNO(execve("/no-such-dir/prog", argv, envp), ENOENT);
}

static void exec_directory_fails(void)
{
    char *argv[] = { "/bin", NULL };
    char *envp[] = { NULL };
    errno = 0;
    CHECK(execve("/bin", argv, envp) == -1 && errno == EACCES,
          "execve of a directory: expected EACCES, got errno %d", errno);
}

static void exec_closes_cloexec_fds(void)
{
    int keep[2], closed[2];
    CHECK_OK(pipe(keep));
    CHECK_OK(pipe2(closed, O_CLOEXEC));
    char a[16], b[16];
    snprintf(a, sizeof(a), "%d", keep[0]);
    snprintf(b, sizeof(b), "%d", closed[0]);
    char *argv[] = { (char *)self_path, "--fds", a, b, NULL };
    char *envp[] = { NULL };
    int status = run_self(argv, envp);
    close(keep[0]); close(keep[1]); close(closed[0]); close(closed[1]);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "new image: expected exited 0, got %s (1 plain fd lost, 2 FD_CLOEXEC fd kept)",
          status_str(status));
}

static void exec_resets_handled_signals(void)
{
    signal(SIGUSR1, handler);
    signal(SIGUSR2, SIG_IGN);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGTERM);
    sigprocmask(SIG_BLOCK, &m, NULL);
    char *argv[] = { (char *)self_path, "--signals", NULL };
    char *envp[] = { NULL };
    int status = run_self(argv, envp);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "new image: expected exited 0, got %s (1 handler kept, 2 SIG_IGN lost, 3 mask lost)",
          status_str(status));
}

static void exec_keeps_pid(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        char buf[16];
        snprintf(buf, sizeof(buf), "%d", getpid());
        char *argv[] = { (char *)self_path, "--pid", buf, NULL };
        char *envp[] = { NULL };
        execve(self_path, argv, envp);
        _exit(99);
    }
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "new image: expected exited 0 (same pid), got %s", status_str(status));
}

/* exec reads the program through a file of its own, not a descriptor of
 * the process: with every descriptor RLIMIT_NOFILE allows in use it still
 * runs (Linux too), and another thread's dup2 onto the descriptors cannot
 * swap the file exec checked for another (exec_reads_its_own_file). */
static void exec_with_full_descriptor_table(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        struct rlimit rl = { 16, 16 };
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
            _exit(10);
        while (open("/dev/null", O_RDONLY) >= 0)
            ;
        if (errno != EMFILE)
            _exit(11);
        char *argv[] = { (char *)self_path, "--ok", NULL };
        execv(self_path, argv);
        _exit(errno == EMFILE ? 12 : 13);
    }
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "exec with a full descriptor table: %s (12: EMFILE)", status_str(status));
}

static volatile int swapping;

static void *swap_descriptors(void *arg)
{
    int zero = *(int *)arg;
    while (swapping)
        for (int fd = 3; fd < 12; fd++)
            if (fd != zero)
                dup2(zero, fd);
    return NULL;
}

static void exec_reads_its_own_file(void)
{
    for (int round = 0; round < 20; round++) {
        pid_t pid = fork();
        CHECK_OK(pid);
        if (pid == 0) {
            int zero = open("/dev/zero", O_RDONLY);
            pthread_t t;
            swapping = 1;
            if (zero < 0 || pthread_create(&t, NULL, swap_descriptors, &zero) != 0)
                _exit(10);
            for (volatile int spin = 0; spin < 20000; spin++)
                ;
            char *argv[] = { (char *)self_path, "--ok", NULL };
            execv(self_path, argv);
            _exit(errno == ENOEXEC ? 12 : 13);
        }
        int status = wait_for(pid);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "round %d: exec while another thread dup2s onto descriptors: %s (12: ENOEXEC, "
              "exec read another file)", round, status_str(status));
    }
}

int main(int argc, char **argv)
{
    self_path = argv[0];
    if (argc > 1)
        return child_mode(argc, argv);
    static const struct tap_test tests[] = {
        TAP_TEST(exec_passes_argv_and_envp),
        TAP_TEST(exec_passes_long_arguments),
        TAP_TEST(exec_too_long_e2big),
        TAP_TEST(exec_missing_file_enoent),
        TAP_TEST(exec_directory_fails),
        TAP_TEST(exec_closes_cloexec_fds),
        TAP_TEST(exec_resets_handled_signals),
        TAP_TEST(exec_keeps_pid),
        TAP_TEST(exec_with_full_descriptor_table),
        TAP_TEST(exec_reads_its_own_file),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
