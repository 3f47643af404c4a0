/* Sessions and process groups: setsid, setpgid's rules, getpgid/getsid,
 * kill of a whole group. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

/* child exit codes name the failed step */
static void setsid_makes_new_session_and_group(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        pid_t me = getpid();
        if (getpgrp() == me)
            setpgid(0, getppid());      /* not a leader, or setsid fails */
        if (setsid() != me)
            _exit(1);
        if (getsid(0) != me)
            _exit(2);
        if (getpgrp() != me || getpgid(0) != me)
            _exit(3);
        if (setsid() != -1 || errno != EPERM)
            _exit(4);                   /* already a group leader */
        _exit(0);
    }
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "child: expected exited 0, got %s (1 setsid, 2 getsid, 3 pgid, 4 second setsid)",
          status_str(status));
}

static void setsid_fails_for_group_leader(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        if (setpgid(0, 0) < 0)
            _exit(1);
        _exit(setsid() == -1 && errno == EPERM ? 0 : 2);
    }
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "group leader's setsid: expected EPERM (exited 0), got %s", status_str(status));
}

static void setpgid_from_parent_and_child(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        char c;
        read(fds[0], &c, 1);
        _exit(getpgrp() == getpid() ? 0 : 1);
    }
    CHECK_OK(setpgid(pid, pid));
    CHECK_EQ("getpgid(child)", pid, getpgid(pid));
    CHECK_EQ("getsid(child) is ours", getsid(0), getsid(pid));
    write(fds[1], "x", 1);
    int status = wait_for(pid);
    close(fds[0]);
    close(fds[1]);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child's own getpgrp: got %s",
          status_str(status));
}

static void setpgid_rules(void)
{
    CHECK_ERRNO(setpgid(-1, 0), EINVAL);
    CHECK_ERRNO(setpgid(999999, 0), ESRCH);
    /* a child in another session cannot be moved; one pipe each way, so
     * neither side can read back its own byte */
    int to_parent[2], to_child[2];
    CHECK_OK(pipe(to_parent));
    CHECK_OK(pipe(to_child));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        char c;
        setsid();
        write(to_parent[1], "s", 1);
        read(to_child[0], &c, 1);
        _exit(0);
    }
    char c;
    CHECK(read(to_parent[0], &c, 1) == 1, "child did not report its setsid");
    CHECK_ERRNO(setpgid(pid, pid), EPERM);
    write(to_child[1], "x", 1);
    wait_for(pid);
    close(to_parent[0]);
    close(to_parent[1]);
    close(to_child[0]);
    close(to_child[1]);
    /* a group that does not exist in our session */
    pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        msleep(100);
        _exit(0);
    }
    CHECK_ERRNO(setpgid(pid, 999999), EPERM);
    wait_for(pid);
}

static void kill_negative_pgrp_reaches_whole_group(void)
{
    pid_t a = fork();
    CHECK_OK(a);
    if (a == 0) {
        setpgid(0, 0);
        for (;;)
            pause();
    }
    setpgid(a, a);
    pid_t b = fork();
    CHECK_OK(b);
    if (b == 0) {
        setpgid(0, a);
        for (;;)
            ;
    }
    setpgid(b, a);
    CHECK_EQ("second child's group", a, getpgid(b));
    CHECK_OK(kill(-a, SIGTERM));
    int sa = wait_for(a), sb = wait_for(b);
    CHECK(WIFSIGNALED(sa) && WTERMSIG(sa) == SIGTERM, "leader: expected SIGTERM, got %s",
          status_str(sa));
    CHECK(WIFSIGNALED(sb) && WTERMSIG(sb) == SIGTERM, "member: expected SIGTERM, got %s",
          status_str(sb));
    CHECK_ERRNO(kill(-a, SIGTERM), ESRCH);
}

static void killpg_and_kill_zero(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        setpgid(0, 0);
        if (fork() == 0) {          /* a grandchild in the same group */
            for (;;)
                pause();
        }
        signal(SIGUSR1, SIG_IGN);
        kill(0, SIGTERM);            /* own group: the grandchild, and us */
        _exit(1);
    }
    int status = wait_for(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
          "kill(0, SIGTERM): expected the sender killed too, got %s", status_str(status));
    /* The grandchild died too, once init has reaped it (it may still be
     * exiting, or a zombie, on another CPU): wait for the group to vanish. */
    for (int i = 0; i < 500 && killpg(pid, 0) == 0; i++)
        msleep(10);
    CHECK_ERRNO(killpg(pid, SIGTERM), ESRCH);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(setsid_makes_new_session_and_group),
        TAP_TEST(setsid_fails_for_group_leader),
        TAP_TEST(setpgid_from_parent_and_child),
        TAP_TEST(setpgid_rules),
        TAP_TEST(kill_negative_pgrp_reaches_whole_group),
        TAP_TEST(killpg_and_kill_zero),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
