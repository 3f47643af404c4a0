/* wait4/waitpid: the status encodings, WNOHANG, ECHILD, waiting for one
 * pid, and orphans re-parented to init (pid 1), which reaps them. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

static void wait_exit_status_encoding(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(42);
    int status = wait_for(pid);
    CHECK(WIFEXITED(status), "expected WIFEXITED, got %s", status_str(status));
    CHECK(!WIFSIGNALED(status) && !WIFSTOPPED(status), "status 0x%x decodes as two kinds", status);
    CHECK_EQ("WEXITSTATUS", 42, WEXITSTATUS(status));
}

static void wait_exit_status_truncated_to_8_bits(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(0x1ff);
    int status = wait_for(pid);
    CHECK(WIFEXITED(status), "expected WIFEXITED, got %s", status_str(status));
    CHECK_EQ("WEXITSTATUS of exit(0x1ff)", 0xff, WEXITSTATUS(status));
}

static void wait_signaled_encoding(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        kill(getpid(), SIGTERM);
        for (;;)
            pause();
    }
    int status = wait_for(pid);
    CHECK(WIFSIGNALED(status), "expected WIFSIGNALED, got %s", status_str(status));
    CHECK(!WIFEXITED(status), "status 0x%x decodes as exited too", status);
    CHECK_EQ("WTERMSIG", SIGTERM, WTERMSIG(status));
}

static void wait_stopped_and_continued_encoding(void)
{
    /* After SIGCONT the child waits for a byte before exiting: an exit
     * racing ahead of waitpid(WCONTINUED) would be reported instead (as on
     * Linux, a zombie's exit status takes precedence). */
    int go[2];
    CHECK_OK(pipe(go));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        char c;
        close(go[1]);
        raise(SIGSTOP);
        read(go[0], &c, 1);
        _exit(7);
    }
    close(go[0]);
    int status;
    CHECK_EQ("waitpid WUNTRACED", pid, waitpid(pid, &status, WUNTRACED));
    CHECK(WIFSTOPPED(status), "expected WIFSTOPPED, got %s", status_str(status));
    CHECK_EQ("WSTOPSIG", SIGSTOP, WSTOPSIG(status));
    CHECK_OK(kill(pid, SIGCONT));
    CHECK_EQ("waitpid WCONTINUED", pid, waitpid(pid, &status, WCONTINUED));
    CHECK(WIFCONTINUED(status), "expected WIFCONTINUED, got status 0x%x", status);
    CHECK(!WIFEXITED(status) && !WIFSIGNALED(status) && !WIFSTOPPED(status),
          "continued status 0x%x decodes as another kind too", status);
    CHECK(write(go[1], "x", 1) == 1, "cannot release the child");
    close(go[1]);
    status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7, "expected exited 7, got %s",
          status_str(status));
}

static void wait_wnohang_returns_zero_while_running(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        char c;
        close(fds[1]);
        read(fds[0], &c, 1);          /* until the parent closes */
        _exit(3);
    }
    close(fds[0]);
    int status = 0;
    CHECK_EQ("waitpid WNOHANG while the child runs", 0, waitpid(pid, &status, WNOHANG));
    close(fds[1]);
    status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3, "expected exited 3, got %s",
          status_str(status));
}

static void wait_no_children_echild(void)
{
    int status;
    CHECK_ERRNO(waitpid(-1, &status, 0), ECHILD);
    CHECK_ERRNO(waitpid(-1, &status, WNOHANG), ECHILD);
    CHECK_ERRNO(wait(&status), ECHILD);
}

static void wait_for_specific_pid(void)
{
    pid_t slow = fork();
    CHECK_OK(slow);
    if (slow == 0) {
        msleep(200);
        _exit(1);
    }
    pid_t fast = fork();
    CHECK_OK(fast);
    if (fast == 0)
        _exit(2);
    int status;
    CHECK_EQ("waitpid(slow)", slow, waitpid(slow, &status, 0));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1, "slow child: expected exited 1, got %s",
          status_str(status));
    CHECK_EQ("waitpid(fast)", fast, waitpid(fast, &status, 0));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2, "fast child: expected exited 2, got %s",
          status_str(status));
    CHECK_ERRNO(waitpid(fast, &status, 0), ECHILD);
}

/* A grandchild outlives its parent: its parent becomes init (pid 1), and
 * this process cannot wait for it. */
static void wait_orphan_reparented_to_init(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t child = fork();
    CHECK_OK(child);
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            long deadline = now_ms() + 5000;
            while (getppid() != 1 && now_ms() < deadline)
                msleep(10);
            int ppid = getppid();
            write(fds[1], &ppid, sizeof(ppid));
            _exit(0);
        }
        write(fds[1], &grandchild, sizeof(grandchild));
        _exit(0);
    }
    close(fds[1]);
    int status = wait_for(child);
    CHECK(WIFEXITED(status), "child: expected to exit, got %s", status_str(status));
    int grandchild = 0, ppid = 0;
    CHECK_EQ("grandchild pid bytes", sizeof(int), read(fds[0], &grandchild, sizeof(int)));
    CHECK_EQ("grandchild's ppid bytes", sizeof(int), read(fds[0], &ppid, sizeof(int)));
    close(fds[0]);
    CHECK_EQ("orphan's getppid()", 1, ppid);
    CHECK_ERRNO(waitpid(grandchild, &status, 0), ECHILD);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(wait_exit_status_encoding),
        TAP_TEST(wait_exit_status_truncated_to_8_bits),
        TAP_TEST(wait_signaled_encoding),
        TAP_TEST(wait_stopped_and_continued_encoding),
        TAP_TEST(wait_wnohang_returns_zero_while_running),
        TAP_TEST(wait_no_children_echild),
        TAP_TEST(wait_for_specific_pid),
        TAP_TEST(wait_orphan_reparented_to_init),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
