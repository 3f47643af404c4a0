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
#include <sys/mount.h>
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

/* The "Uid:" line of /proc/self/status: real, effective, saved, fs. */
static const char *status_uid_line(void)
{
    static char buf[1024];
    int fd = open("/proc/self/status", O_RDONLY);
    if (fd < 0)
        return "no /proc/self/status";
    long n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    char *line = strstr(buf, "Uid:");
    if (!line)
        return "no Uid: line";
    char *end = strchr(line, '\n');
    if (end)
        *end = '\0';
    return line;
}

static void setresuid_rules_body(void)
{
    CHECK_OK(setgroups(0, NULL));
    CHECK_EQ("no groups", 0, getgroups(0, NULL));
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
    const char *line = status_uid_line();
    CHECK(strcmp(line, "Uid:\t1000\t1001\t1002\t1001") == 0,
          "/proc/self/status: expected real, effective, saved, fs 1000 1001 1002 1001, got \"%s\"",
          line);
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
    struct stat st;
    if (stat("/proc/self", &st) < 0) {         /* the image did not mount it */
        mkdir("/proc", 0555);
        CHECK_OK(mount("proc", "/proc", "proc", 0, NULL));
    }
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
    CHECK(strcmp(buf, "600 601 500 501 1 77 secure back\n") == 0,
          "ids after fork and exec: expected \"600 601 500 501 1 77 secure back\", got \"%s\"", buf);
    body_done = 1;
}

static void fork_and_exec_keep_ids(void)
{
    IN_CHILD(fork_and_exec_keep_ids_body);
}

/* ---- files ---------------------------------------------------------------- */

#define DIR "/tmp/creds"
#define USER 1000
#define GROUP 100
#define SUPP 2000               /* a supplementary group of USER */

/* Creates path (as root) with owner, group and mode. */
static int make_file(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    if (fd < 0)
        return -1;
    write(fd, "#!/bin/sh\n", 10);
    close(fd);
    if (chown(path, uid, gid) < 0 || chmod(path, mode) < 0)
        return -1;
    return 0;
}

static int become_user(void)
{
    gid_t groups[1] = { SUPP };
    if (setgroups(1, groups) < 0 || setresgid(GROUP, GROUP, GROUP) < 0 ||
        setresuid(USER, USER, USER) < 0)
        return -1;
    return 0;
}

/* The fixture: DIR (0755 root), with files for owner, group and other
 * access, a private directory, a writable one and a sticky one. */
static int make_fixture(void)
{
    mkdir("/tmp", 01777);
    mkdir(DIR, 0755);
    chmod(DIR, 0755);
    mkdir(DIR "/private", 0700);
    mkdir(DIR "/open", 0777);
    chmod(DIR "/open", 0777);
    mkdir(DIR "/sticky", 0777);
    chmod(DIR "/sticky", 01777);
    if (make_file(DIR "/mine", USER, GROUP, 0600) < 0 ||
        make_file(DIR "/group", 0, SUPP, 0060) < 0 ||
        make_file(DIR "/other", 0, 0, 0006) < 0 ||
        make_file(DIR "/none", 0, 0, 0000) < 0 ||
        make_file(DIR "/owner-denied", USER, SUPP, 0066) < 0 ||
        make_file(DIR "/private/f", 0, 0, 0666) < 0 ||
        make_file(DIR "/rootexec", 0, 0, 0700) < 0 ||
        make_file(DIR "/noexec", 0, 0, 0644) < 0 ||
        make_file(DIR "/sticky/roots", 0, 0, 0666) < 0)
        return -1;
    return 0;
}

static int can_open(const char *path, int flags)
{
    int fd = open(path, flags);
    if (fd >= 0)
        close(fd);
    return fd >= 0 ? 0 : -1;
}

static void file_rules_body(void)
{
    CHECK_OK(become_user());
    CHECK_OK(can_open(DIR "/mine", O_RDWR));
    CHECK_OK(can_open(DIR "/group", O_RDWR));           /* a supplementary group */
    CHECK_OK(can_open(DIR "/other", O_RDWR));
    CHECK_ERRNO(can_open(DIR "/none", O_RDONLY), EACCES);
    CHECK_ERRNO(can_open(DIR "/none", O_WRONLY), EACCES);
    CHECK_ERRNO(can_open(DIR "/owner-denied", O_RDONLY), EACCES);    /* owner bits rule */
    /* search permission on every component */
    struct stat st;
    CHECK_ERRNO(stat(DIR "/private/f", &st), EACCES);
    CHECK_ERRNO(can_open(DIR "/private/f", O_RDONLY), EACCES);
    CHECK_ERRNO(chdir(DIR "/private"), EACCES);
    /* the parent needs write and search */
    CHECK_ERRNO(open(DIR "/new", O_CREAT | O_WRONLY, 0644), EACCES);
    CHECK_ERRNO(mkdir(DIR "/newdir", 0755), EACCES);
    CHECK_ERRNO(unlink(DIR "/other"), EACCES);
    CHECK_ERRNO(rename(DIR "/other", DIR "/open/x"), EACCES);
    CHECK_ERRNO(rmdir(DIR "/open"), EACCES);
    CHECK_ERRNO(symlink("x", DIR "/link"), EACCES);
    /* a new file is the creator's */
    int fd = open(DIR "/open/made", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    CHECK_OK(fd);
    CHECK_OK(fstat(fd, &st));
    close(fd);
    CHECK(st.st_uid == USER && st.st_gid == GROUP, "new file: expected %d:%d, got %d:%d", USER,
          GROUP, st.st_uid, st.st_gid);
    CHECK_OK(mkdir(DIR "/open/madedir", 0755));
    CHECK_OK(stat(DIR "/open/madedir", &st));
    CHECK(st.st_uid == USER, "new directory: expected owner %d, got %d", USER, st.st_uid);
    /* chmod: owner only */
    CHECK_ERRNO(chmod(DIR "/other", 0777), EPERM);
    CHECK_OK(chmod(DIR "/mine", 0640));
    /* times: explicit ones for the owner only, "now" for a writer too */
    struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };
    CHECK_ERRNO(utimensat(AT_FDCWD, DIR "/other", ts, 0), EPERM);
    CHECK_OK(utimensat(AT_FDCWD, DIR "/other", NULL, 0));
    CHECK_ERRNO(utimensat(AT_FDCWD, DIR "/none", NULL, 0), EACCES);
    CHECK_OK(utimensat(AT_FDCWD, DIR "/mine", ts, 0));
    /* exec needs an x bit for us */
    char *argv[] = { "x", NULL };
    CHECK_ERRNO(execv(DIR "/rootexec", argv), EACCES);
    CHECK_ERRNO(execv(DIR "/noexec", argv), EACCES);
    body_done = 1;
}

static void files_judged_by_owner_group_other(void)
{
    CHECK_OK(make_fixture());
    IN_CHILD(file_rules_body);
}

static void root_bypass_body(void)
{
    CHECK_OK(can_open(DIR "/none", O_RDWR));
    CHECK_OK(can_open(DIR "/private/f", O_RDWR));
    CHECK_OK(access(DIR "/rootexec", X_OK));                  /* an x bit exists */
    CHECK_ERRNO(access(DIR "/noexec", X_OK), EACCES);         /* none does */
    char *argv[] = { "x", NULL };
    CHECK_ERRNO(execv(DIR "/noexec", argv), EACCES);
    CHECK_OK(chmod(DIR "/mine", 0600));                       /* not the owner */
    body_done = 1;
}

static void root_bypasses_permission_bits(void)
{
    CHECK_OK(make_fixture());
    IN_CHILD(root_bypass_body);
}

static void access_real_ids_body(void)
{
    gid_t groups[1] = { SUPP };
    CHECK_OK(setgroups(1, groups));
    CHECK_OK(setresuid(USER, 0, 0));        /* real USER, effective root */
    CHECK_ERRNO(access(DIR "/none", R_OK), EACCES);
    CHECK_OK(faccessat(AT_FDCWD, DIR "/none", R_OK, AT_EACCESS));
    CHECK_OK(access(DIR "/mine", R_OK | W_OK));
    CHECK_OK(can_open(DIR "/none", O_RDONLY));               /* open: effective */
    CHECK_ERRNO(access(DIR "/private/f", F_OK), EACCES);     /* the lookup too */
    CHECK_ERRNO(faccessat(AT_FDCWD, DIR "/none", R_OK, 0x100), EINVAL);
    body_done = 1;
}

static void access_uses_real_ids(void)
{
    CHECK_OK(make_fixture());
    IN_CHILD(access_real_ids_body);
}

static void sticky_body(void)
{
    CHECK_OK(become_user());
    int fd = open(DIR "/sticky/users", O_CREAT | O_WRONLY, 0666);
    CHECK_OK(fd);
    close(fd);
    CHECK_ERRNO(unlink(DIR "/sticky/roots"), EPERM);
    CHECK_ERRNO(rename(DIR "/sticky/roots", DIR "/sticky/mine"), EPERM);
    CHECK_ERRNO(rename(DIR "/sticky/users", DIR "/sticky/roots"), EPERM);   /* the target */
    CHECK_OK(rename(DIR "/sticky/users", DIR "/sticky/users2"));
    CHECK_OK(unlink(DIR "/sticky/users2"));
    body_done = 1;
}

static void sticky_directory_protects_entries(void)
{
    CHECK_OK(make_fixture());
    IN_CHILD(sticky_body);
    struct stat st;
    CHECK_OK(stat(DIR "/sticky/roots", &st));
    CHECK_OK(unlink(DIR "/sticky/roots"));          /* root may */
}

static void chown_user_body(void)
{
    CHECK_OK(become_user());
    CHECK_ERRNO(chown(DIR "/mine", 0, -1), EPERM);          /* giving away: root only */
    CHECK_ERRNO(chown(DIR "/other", USER, -1), EPERM);      /* taking: root only */
    CHECK_OK(chown(DIR "/mine", USER, -1));                 /* to itself: allowed */
    CHECK_OK(chown(DIR "/mine", -1, SUPP));                 /* to one of its groups */
    CHECK_ERRNO(chown(DIR "/mine", -1, 3000), EPERM);
    CHECK_ERRNO(chown(DIR "/other", -1, GROUP), EPERM);     /* not the owner */
    int fd = open(DIR "/mine", O_RDONLY);
    CHECK_OK(fd);
    CHECK_OK(fchown(fd, -1, GROUP));
    CHECK_ERRNO(fchown(fd, 0, -1), EPERM);
    close(fd);
    CHECK_OK(chmod(DIR "/mine", 06755));
    struct stat st;
    CHECK_OK(stat(DIR "/mine", &st));
    CHECK_EQ("setuid bit set by the owner", 06755, st.st_mode & 07777);
    CHECK_OK(chown(DIR "/mine", -1, SUPP));
    CHECK_OK(stat(DIR "/mine", &st));
    CHECK(st.st_gid == SUPP && (st.st_mode & 07777) == 0755,
          "after chgrp: expected group %d mode 0755, got %d %04o", SUPP, st.st_gid,
          st.st_mode & 07777);
    body_done = 1;
}

static void chown_follows_linux_rules(void)
{
    CHECK_OK(make_fixture());
    IN_CHILD(chown_user_body);
    /* root gives files away, and the owner is stored */
    CHECK_OK(chown(DIR "/other", 4321, 1234));
    struct stat st;
    CHECK_OK(stat(DIR "/other", &st));
    CHECK(st.st_uid == 4321 && st.st_gid == 1234, "chown by root: expected 4321:1234, got %d:%d",
          st.st_uid, st.st_gid);
    CHECK_OK(symlink("other", DIR "/ownlink"));
    CHECK_OK(lchown(DIR "/ownlink", 77, 78));
    CHECK_OK(lstat(DIR "/ownlink", &st));
    CHECK(st.st_uid == 77 && st.st_gid == 78, "lchown: expected 77:78, got %d:%d", st.st_uid,
          st.st_gid);
    CHECK_OK(stat(DIR "/ownlink", &st));
    CHECK_EQ("lchown left the target", 4321, st.st_uid);
    CHECK_OK(unlink(DIR "/ownlink"));
    CHECK_OK(fchownat(AT_FDCWD, DIR "/other", 0, 0, 0));
    CHECK_ERRNO(fchownat(AT_FDCWD, DIR "/other", 0, 0, 0x1000), EINVAL);
}

/* Runs path (this program) with "ids" and returns what it printed. */
static const char *run_ids(const char *path)
{
    static char buf[128];
    memset(buf, 0, sizeof(buf));
    int fds[2];
    if (pipe(fds) < 0)
        return "pipe failed";
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        char *argv[] = { (char *)path, "ids", NULL };
        execv(path, argv);
        printf("exec failed %d\n", errno);
        fflush(stdout);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0;
    long n;
    while (len < sizeof(buf) - 1 && (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
        len += (size_t)n;
    close(fds[0]);
    wait_for(pid);
    return buf;
}

static void setid_exec_body(void)
{
    CHECK_OK(become_user());
    const char *out = run_ids(DIR "/setid");
    CHECK(strcmp(out, "1000 1234 100 5678 1 2000 secure back\n") == 0,
          "set-id program: expected \"1000 1234 100 5678 1 2000 secure back\", got \"%s\"", out);
    out = run_ids(DIR "/setgid-noexec");
    CHECK(strcmp(out, "1000 1000 100 100 1 2000 back\n") == 0,
          "set-gid without group execute: expected \"1000 1000 100 100 1 2000 back\", got \"%s\"",
          out);
    body_done = 1;
}

/* A copy of this program owned by 1234:5678 with mode 06755 runs with
 * those effective (and saved) ids; without group execute S_ISGID does not
 * apply (Linux). */
static void setid_program_takes_its_owner(void)
{
    CHECK_OK(make_fixture());
    int in = open(self_path, O_RDONLY);
    CHECK_OK(in);
    int out = open(DIR "/setid", O_CREAT | O_TRUNC | O_WRONLY, 0755);
    int out2 = open(DIR "/setgid-noexec", O_CREAT | O_TRUNC | O_WRONLY, 0755);
    CHECK_OK(out);
    CHECK_OK(out2);
    char buf[4096];
    long n;
    while ((n = read(in, buf, sizeof(buf))) > 0) {
        CHECK_EQ("copy", n, write(out, buf, (size_t)n));
        CHECK_EQ("copy", n, write(out2, buf, (size_t)n));
    }
    close(in);
    close(out);
    close(out2);
    CHECK_OK(chown(DIR "/setid", 1234, 5678));
    CHECK_OK(chmod(DIR "/setid", 06755));
    CHECK_OK(chown(DIR "/setgid-noexec", 0, 5678));
    CHECK_OK(chmod(DIR "/setgid-noexec", 02745));
    IN_CHILD(setid_exec_body);
    CHECK_OK(unlink(DIR "/setid"));
    CHECK_OK(unlink(DIR "/setgid-noexec"));
}

/* ---- signals -------------------------------------------------------------- */

static volatile int got_uid = -1;

static void on_usr1(int sig, siginfo_t *info, void *ucontext)
{
    (void)sig;
    (void)ucontext;
    got_uid = info->si_uid;
}

/* A child that becomes uid and waits to be killed. */
static pid_t spawn_as(uid_t ruid, uid_t suid, int ready_fd)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (setresuid(ruid, ruid, suid) < 0)
            _exit(2);
        write(ready_fd, "r", 1);
        for (;;)
            pause();
    }
    char c;
    if (pid > 0)
        read(ready_fd - 1, &c, 1);
    return pid;
}

static void signals_body(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK(fds[1] == fds[0] + 1, "pipe fds not adjacent");
    pid_t other = spawn_as(2000, 2000, fds[1]);
    pid_t saved_me = spawn_as(2000, USER, fds[1]);      /* saved uid USER */
    pid_t same = spawn_as(USER, USER, fds[1]);
    CHECK_OK(other);
    CHECK_OK(saved_me);
    CHECK_OK(same);
    CHECK_OK(setresuid(USER, USER, USER));
    CHECK_ERRNO(kill(other, SIGTERM), EPERM);
    CHECK_ERRNO(kill(other, 0), EPERM);
    CHECK_OK(kill(other, SIGCONT));             /* same session */
    CHECK_OK(kill(saved_me, SIGKILL));          /* its saved uid is ours */
    CHECK_OK(kill(same, SIGKILL));
    CHECK_OK(kill(0, 0));                       /* the group: other refuses, we accept */
    struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
    sigemptyset(&sa.sa_mask);
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ("si_uid: the sender's real uid", USER, got_uid);
    body_done = 1;
}

static void signals_to_other_users_eperm(void)
{
    /* the children stay in this group: the root parent ends them */
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        setpgid(0, 0);
        body_done = 0;
        signals_body();
        fflush(stdout);
        _exit(body_done ? 0 : 1);
    }
    int status = wait_for(pid);
    kill(-pid, SIGKILL);        /* as root: the children left in its group */
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "signals child: %s",
          status_str(status));
}

static int print_ids(void)
{
    gid_t groups[32];
    int n = getgroups(32, groups);
    uid_t euid = geteuid();
    printf("%d %d %d %d %d", getuid(), euid, getgid(), getegid(), n);
    for (int i = 0; i < n; i++)
        printf(" %d", groups[i]);
    if (issetugid())
        printf(" secure");
    /* the saved uid is the effective one: we can leave it and come back */
    if (seteuid(getuid()) == 0 && seteuid(euid) == 0)
        printf(" back");
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
        TAP_TEST(files_judged_by_owner_group_other),
        TAP_TEST(root_bypasses_permission_bits),
        TAP_TEST(access_uses_real_ids),
        TAP_TEST(sticky_directory_protects_entries),
        TAP_TEST(chown_follows_linux_rules),
        TAP_TEST(setid_program_takes_its_owner),
        TAP_TEST(signals_to_other_users_eperm),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
