/* The shell (/bin/sh) in the guest: sh -c with pipelines of several
 * shells, redirections, here-documents, background jobs, exit statuses and
 * scripts run by path; and an interactive sh on a PTY with job control
 * (Ctrl-C, Ctrl-Z, jobs, bg, fg) and line editing. Only builtins and sh
 * itself exist in the tests image, so every program run is another sh. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"
#include "ttyutil.h"

#define OUTPUT_MAX 4096

/* Run /bin/sh -c script with stdout (and stderr when merge) captured;
 * returns the wait status or -1. */
static int run_sh(const char *script, bool merge, char *out, size_t outlen)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        if (merge)
            dup2(fds[1], 2);
        close(fds[1]);
        char *argv[] = { "sh", "-c", (char *)script, NULL };
        char *envp[] = { "PATH=/bin", "HOME=/", NULL };
        execve("/bin/sh", argv, envp);
        _exit(99);
    }
    close(fds[1]);
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fds[0], out + len, outlen - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
        if (len == outlen - 1)
            break;
    }
    out[len] = '\0';
    close(fds[0]);
    return wait_for(pid);
}

#define CHECK_SH(script, expected_out, expected_status) do { \
        char out_[OUTPUT_MAX]; \
        int st_ = run_sh(script, false, out_, sizeof out_); \
        CHECK(st_ >= 0 && WIFEXITED(st_) && WEXITSTATUS(st_) == (expected_status), \
              "sh -c '%s': expected exit %d, got %s", script, expected_status, \
              st_ < 0 ? "no child" : status_str(st_)); \
        CHECK(strcmp(out_, expected_out) == 0, "sh -c '%s': expected output \"%s\", got \"%s\"", \
              script, expected_out, out_); \
    } while (0)

static void sh_echo_and_exit_status(void)
{
    CHECK_SH("echo hello world", "hello world\n", 0);
    CHECK_SH("exit 7", "", 7);
    CHECK_SH("false; echo $?; true", "1\n", 0);
}

static void sh_pipeline_through_other_shells(void)
{
    CHECK_SH("echo a | sh -c 'read x; echo got $x'", "got a\n", 0);
    CHECK_SH("echo abc | sh -c 'read x; echo $x$x' | sh -c 'read y; echo \"[$y]\"'",
             "[abcabc]\n", 0);
}

static void sh_redirections_and_heredoc(void)
{
    CHECK_SH("echo first > /tmp/sh_redir; echo second >> /tmp/sh_redir;"
             " { read a; read b; } < /tmp/sh_redir; echo \"$b $a\"",
             "second first\n", 0);
    CHECK_SH("sh -c 'echo to-stderr >&2' 2>&1 | { read l; echo \"e:$l\"; }", "e:to-stderr\n", 0);
    CHECK_SH("x=doc; while read l; do echo \"[$l]\"; done <<EOF\nhere $x\nline 2\nEOF",
             "[here doc]\n[line 2]\n", 0);
    CHECK_SH("echo gone 3>/tmp/sh_fd3 >&3; read v < /tmp/sh_fd3; echo $v", "gone\n", 0);
}

static void sh_control_flow_and_expansion(void)
{
    CHECK_SH("i=0; while [ $i -lt 5 ]; do i=$((i+1)); done; echo $i", "5\n", 0);
    CHECK_SH("f() { echo \"$# $2\"; return 4; }; f a b c; echo $?", "3 b\n4\n", 0);
    CHECK_SH("for w in x y z; do case $w in y) continue;; esac; echo -n $w; done; echo",
             "xz\n", 0);
    CHECK_SH("v=$(echo inner | sh -c 'read q; echo ${q}-out'); echo ${#v} $v", "9 inner-out\n", 0);
}

static void sh_command_not_found_is_127(void)
{
    char out[OUTPUT_MAX];
    int st = run_sh("no_such_command_here", true, out, sizeof out);
    CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 127, "expected exit 127, got %s",
          status_str(st));
    CHECK(strstr(out, "no_such_command_here: command not found") != NULL,
          "expected a \"command not found\" message, got \"%s\"", out);
}

static void sh_background_job_and_wait(void)
{
    CHECK_SH("(exit 3) & wait $!; echo $?", "3\n", 0);
    CHECK_SH("{ echo bg > /tmp/sh_bg; } & wait; read r < /tmp/sh_bg; echo $r", "bg\n", 0);
}

static void sh_runs_script_by_path(void)
{
    const char *path = "/tmp/sh_script";
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    CHECK_OK(fd);
    const char *text = "#!/bin/sh\necho \"script $# $1\"\nexit 5\n";
    CHECK_EQ("write", (long)strlen(text), write(fd, text, strlen(text)));
    close(fd);
    CHECK_SH("/tmp/sh_script arg; echo status $?", "script 1 arg\nstatus 5\n", 0);
    CHECK_SH("sh /tmp/sh_script x y", "script 2 x\n", 5);
    unlink(path);
}

/* A busy program for the shell to start: another sh in a loop, which
 * tells it is running from inside the job (after the shell gave it the
 * terminal) so no key is sent too early. */
#define BUSY_JOB "(echo busy-$((40+2)); exec sh -c 'while :; do :; done')"

static int type_line(int master, const char *keys)
{
    watchdog_step = keys;
    return write(master, keys, strlen(keys)) == (ssize_t)strlen(keys) ? 0 : -1;
}

static void sh_job_control_on_pty(void)
{
    watchdog(WATCHDOG_S * 4);
    int master;
    pid_t pid = spawn_sh_on_pty(&master, "jc> ");
    CHECK_OK(pid);
    static struct screen screen;
    screen_init(&screen, master);
    EXPECT_ON_SCREEN(&screen, "jc> ");
    /* Ctrl-C ends the foreground job and the prompt returns; $? is 130 */
    CHECK_OK(type_line(master, BUSY_JOB "\r"));
    EXPECT_ON_SCREEN(&screen, "busy-42\r\n");
    CHECK_OK(type_line(master, "\x03"));
    EXPECT_ON_SCREEN(&screen, "jc> ");
    CHECK_OK(type_line(master, "echo status=$?\r"));
    EXPECT_ON_SCREEN(&screen, "status=130\r\n");
    /* a loop the shell runs itself stops at Ctrl-C too */
    CHECK_OK(type_line(master, "echo looping; while :; do :; done\r"));
    EXPECT_ON_SCREEN(&screen, "looping\r\n");
    CHECK_OK(type_line(master, "\x03"));
    EXPECT_ON_SCREEN(&screen, "jc> ");
    /* Ctrl-Z stops the job; jobs, bg, fg; Ctrl-C ends it */
    CHECK_OK(type_line(master, BUSY_JOB "\r"));
    EXPECT_ON_SCREEN(&screen, "busy-42\r\n");
    CHECK_OK(type_line(master, "\x1a"));
    EXPECT_ON_SCREEN(&screen, "[1]+  Stopped                 " BUSY_JOB "\r\n");
    EXPECT_ON_SCREEN(&screen, "jc> ");
    CHECK_OK(type_line(master, "jobs\r"));
    EXPECT_ON_SCREEN(&screen, "[1]+  Stopped                 " BUSY_JOB "\r\n");
    CHECK_OK(type_line(master, "bg\r"));
    EXPECT_ON_SCREEN(&screen, "[1]+ " BUSY_JOB " &\r\n");
    CHECK_OK(type_line(master, "jobs\r"));
    EXPECT_ON_SCREEN(&screen, "[1]+  Running                 " BUSY_JOB " &\r\n");
    CHECK_OK(type_line(master, "fg\r"));
    EXPECT_ON_SCREEN(&screen, "\n" BUSY_JOB "\r\n");
    CHECK_OK(type_line(master, "\x03"));
    EXPECT_ON_SCREEN(&screen, "jc> ");
    /* line editing: backspace, Ctrl-U, history */
    CHECK_OK(type_line(master, "echo abx\x7f" "c\r"));
    EXPECT_ON_SCREEN(&screen, "abc\r\n");
    CHECK_OK(type_line(master, "junk\x15" "echo clean\r"));
    EXPECT_ON_SCREEN(&screen, "clean\r\n");
    CHECK_OK(type_line(master, "\x1b[A\r"));
    EXPECT_ON_SCREEN(&screen, "clean\r\n");
    EXPECT_ON_SCREEN(&screen, "jc> ");
    CHECK_OK(type_line(master, "exit 4\r"));
    watchdog_step = "waiting for sh to exit";
    int status = wait_for(pid);
    CHECK(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 4,
          "sh: expected exited 4, got %s", status_str(status));
    close(master);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(sh_echo_and_exit_status),
        TAP_TEST(sh_pipeline_through_other_shells),
        TAP_TEST(sh_redirections_and_heredoc),
        TAP_TEST(sh_control_flow_and_expansion),
        TAP_TEST(sh_command_not_found_is_127),
        TAP_TEST(sh_background_job_and_wait),
        TAP_TEST(sh_runs_script_by_path),
        TAP_TEST(sh_job_control_on_pty),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
