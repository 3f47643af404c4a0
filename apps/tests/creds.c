/* Credentials: the set*id calls with Linux's rules, supplementary groups,
 * inheritance across fork and exec, and the checks that use them (files,
 * ownership, signals). Each test drops privileges in a forked child, which
 * reports through its exit status (its failed CHECK prints the reason).
 * The program re-executes itself (argv[0]) with "ids" to print its ids. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <tandem/syscall.h>
#include <unistd.h>
#include "tap.h"

static const char *self_path;
static int body_done;           /* set by a child body that reached its end */

/* Runs body in a forked child (where it may drop privileges) and checks
 * that it reached its end. */
#define IN_CHILD(body) do { \
        pid_t pid_ = fork(); \
        CHECK_OK(pid_); \
        if (pid_ == 0) { \
            body_done = 0; \
            body(); \
            fflush(stdout); \
            _exit(body_done ? 0 : 1); \
        } \
        int st_ = wait_for(pid_); \
        CHECK(WIFEXITED(st_) && WEXITSTATUS(st_) == 0, "%s in a child: %s", #body, \
              status_str(st_)); \
    } while (0)

static void root_starts_with_all_ids_zero(void)
{
    CHECK_EQ("getuid", 0, getuid());
    CHECK_EQ("geteuid", 0, geteuid());
    CHECK_EQ("getgid", 0, getgid());
    CHECK_EQ("getegid", 0, getegid());
}

static void setresuid_rules_body(void)
{
    gid_t groups[2] = { 100, 200 };
    CHECK_OK(setgroups(2, groups));
    gid_t got[8];
    CHECK_EQ("getgroups count", 2, getgroups(0, NULL));
    CHECK_ERRNO(getgroups(1, got), EINVAL);
    CHECK_EQ("getgroups", 2, getgroups(8, got));
    CHECK(got[0] == 100 && got[1] == 200, "groups: expected 100 200, got %u %u", got[0], got[1]);
    CHECK_OK(setresgid(1000, 1001, 1002));
    CHECK_EQ("getgid", 1000, getgid());
    CHECK_EQ("getegid", 1001, getegid());
    CHECK_OK(setresuid(1000, 1001, 1002));
    CHECK_EQ("getuid", 1000, getuid());
    CHECK_EQ("geteuid", 1001, geteuid());
    /* unprivileged: only the current real, effective or saved ids */
    CHECK_OK(setresuid(-1, 1002, -1));
    CHECK_EQ("geteuid after taking the saved id", 1002, geteuid());
    CHECK_ERRNO(setresuid(-1, 0, -1), EPERM);
    CHECK_ERRNO(setresuid(5, -1, -1), EPERM);
    CHECK_ERRNO(setresuid(-1, -1, 5), EPERM);
    CHECK_ERRNO(setresuid(1001, -1, -1), EPERM);    /* was real, gone since */
    CHECK_OK(setresuid(1002, 1000, 1000));
    CHECK_EQ("getuid", 1002, getuid());
    CHECK_ERRNO(setresgid(-1, 0, -1), EPERM);
    CHECK_OK(setresgid(-1, 1002, -1));
    CHECK_EQ("getegid", 1002, getegid());
    CHECK_ERRNO(setgroups(0, NULL), EPERM);
    CHECK_EQ("getgroups kept", 2, getgroups(0, NULL));
    /* an id that no uid_t can hold */
    CHECK_EQ("setresuid(70000)", -EINVAL, tandem_syscall3(SYS_setresuid, 70000, -1, -1));
    body_done = 1;
}

static void setresuid_follows_linux_rules(void)
{
    IN_CHILD(setresuid_rules_body);
}

static void setuid_as_root_body(void)
{
    CHECK_OK(setuid(1000));
    CHECK(getuid() == 1000 && geteuid() == 1000, "setuid(1000) as root: uid %d euid %d",
          getuid(), geteuid());
    CHECK_ERRNO(setuid(0), EPERM);
    CHECK_ERRNO(seteuid(0), EPERM);
    body_done = 1;
}

static void setuid_as_root_sets_all_three(void)
{
    IN_CHILD(setuid_as_root_body);
}

static void seteuid_keeps_saved_body(void)
{
    CHECK_OK(seteuid(1000));
    CHECK(getuid() == 0 && geteuid() == 1000, "seteuid(1000): uid %d euid %d", getuid(),
          geteuid());
    CHECK_OK(seteuid(0));       /* the saved id is still 0 */
    CHECK_OK(setresuid(2000, 1000, 0));
    /* unprivileged setuid: only the effective id, to the real or saved */
    CHECK_OK(setuid(2000));
    CHECK(getuid() == 2000 && geteuid() == 2000, "setuid(2000): uid %d euid %d", getuid(),
          geteuid());
    CHECK_OK(setuid(0));        /* the saved id */
    CHECK_EQ("geteuid back to the saved 0", 0, geteuid());
    CHECK_EQ("getuid unchanged", 2000, getuid());
    CHECK_OK(setresuid(2000, 2000, 2000));
    CHECK_ERRNO(setuid(3000), EPERM);
    body_done = 1;
}

static void seteuid_and_unprivileged_setuid(void)
{
    IN_CHILD(seteuid_keeps_saved_body);
}

static void setreuid_body(void)
{
    CHECK_OK(setresuid(1000, 1000, 3000));
    CHECK_ERRNO(setreuid(3000, -1), EPERM);     /* the real id: only real or effective */
    CHECK_OK(setreuid(-1, 3000));               /* the effective id: any of the three */
    CHECK_EQ("geteuid", 3000, geteuid());
    CHECK_OK(setreuid(3000, 1000));             /* real set: saved follows effective */
    CHECK(getuid() == 3000 && geteuid() == 1000, "setreuid(3000, 1000): uid %d euid %d",
          getuid(), geteuid());
    /* saved is now 1000: 0 is out of reach whatever we try */
    CHECK_ERRNO(setreuid(-1, 0), EPERM);
    CHECK_OK(setregid(-1, getgid()));
    body_done = 1;
}

static void setreuid_follows_linux_rules(void)
{
    IN_CHILD(setreuid_body);
}

static void fork_and_exec_keep_ids_body(void)
{
    gid_t groups[1] = { 77 };
    CHECK_OK(setgroups(1, groups));
    CHECK_OK(setresgid(500, 501, 502));
    CHECK_OK(setresuid(600, 601, 602));
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        dup2(fds[1], 1);
        char *argv[] = { (char *)self_path, "ids", NULL };
        execv(self_path, argv);
        _exit(127);
    }
    close(fds[1]);
    char buf[128] = { 0 };
    size_t len = 0;
    long n;
    while (len < sizeof(buf) - 1 && (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
        len += (size_t)n;
    close(fds[0]);
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exec'd child: %s", status_str(status));
    CHECK(strcmp(buf, "600 601 500 501 1 77\n") == 0,
          "ids after fork and exec: expected \"600 601 500 501 1 77\", got \"%s\"", buf);
    body_done = 1;
}

static void fork_and_exec_keep_ids(void)
{
    IN_CHILD(fork_and_exec_keep_ids_body);
}

static int print_ids(void)
{
    gid_t groups[32];
    int n = getgroups(32, groups);
    printf("%d %d %d %d %d", getuid(), geteuid(), getgid(), getegid(), n);
    for (int i = 0; i < n; i++)
        printf(" %d", groups[i]);
    printf("\n");
    return 0;
}

int main(int argc, char **argv)
{
    self_path = argv[0];
    if (argc > 1 && strcmp(argv[1], "ids") == 0)
        return print_ids();
    static const struct tap_test tests[] = {
        TAP_TEST(root_starts_with_all_ids_zero),
        TAP_TEST(setresuid_follows_linux_rules),
        TAP_TEST(setuid_as_root_sets_all_three),
        TAP_TEST(seteuid_and_unprivileged_setuid),
        TAP_TEST(setreuid_follows_linux_rules),
        TAP_TEST(fork_and_exec_keep_ids),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
