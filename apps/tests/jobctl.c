/* Sessions and job control with a PTY as the controlling terminal:
 * TIOCSCTTY and acquisition on open, tcsetpgrp/tcgetpgrp/tcgetsid,
 * /dev/tty, ^C ^\ ^Z from the master to the foreground group only,
 * stop/continue seen by waitpid and SIGCHLD, SIGTTIN/SIGTTOU for
 * background jobs (TOSTOP), kill of a whole job, hangup when the session
 * leader exits, orphaned stopped groups, and pipelines of three processes
 * in one group. Most subtests run in a child that is a session leader
 * (run_in_session) and acts as a shell: it forks the jobs, moves the
 * terminal between them, and types on the master itself.
 * "jobctl --stage NAME" is a pipeline stage (exec'd by the tests). */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "tap.h"
#include "ttyutil.h"

#define PIPELINE_LINES 300

static const char *self_path = "/bin/tests/jobctl";

/* ---- the shell side --------------------------------------------------- */

/* waitpid with options, retrying on EINTR; the status or -1. */
static int wait_opts(pid_t pid, int options)
{
    int status;

    for (;;) {
        pid_t got = waitpid(pid, &status, options);
        if (got == pid)
            return status;
        if (got < 0 && errno == EINTR)
            continue;
        return -1;
    }
}

/* A shell ignores SIGTTOU while it moves the terminal (blocking works too). */
static void block_sigttou(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGTTOU);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

/* Forks a job member into group pgid (0: a new group of its own), set from
 * both sides as shells do; the member starts with no signal blocked and
 * default SIGCHLD, runs body(arg) and exits 0. */
static pid_t spawn_job(pid_t pgid, void (*body)(int arg), int arg)
{
    pid_t pid = fork_child();
    if (pid == 0) {
        sigset_t none;
        setpgid(0, pgid);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGCHLD, SIG_DFL);
        body(arg);
        _exit(0);
    }
    if (pid > 0)
        setpgid(pid, pgid ? pgid : pid);
    return pid;
}

/* Runs body(0) in a child that then exits 0; returns its wait status (or
 * -1 when fork fails). */
static int run_child(void (*body)(int arg))
{
    pid_t pid = fork_child();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        body(0);
        _exit(0);
    }
    return wait_for(pid);
}

static void body_pause(int arg)
{
    (void)arg;
    for (;;)
        pause();
}

static struct pty_pair *tty;         /* the session's terminal, in the leader */
static int notes[2];                  /* members' notes to the leader */

static void type_keys(const char *keys)
{
    CHILD_CHECK(write(tty->master, keys, strlen(keys)) == (ssize_t)strlen(keys),
                "write to master: %s", strerror(errno));
}

static void expect_screen(const char *expected)
{
    char got[64];
    long n = read_bytes(tty->master, got, strlen(expected), WAIT_MS);
    CHILD_CHECK(n == (long)strlen(expected) && memcmp(got, expected, strlen(expected)) == 0,
                "master: expected \"%s\", got \"%s\"", show(expected, (long)strlen(expected)),
                show(got, n));
}

static void take_terminal_back(void)
{
    CHILD_OK(tcsetpgrp(tty->slave, getpgrp()));
    CHILD_CHECK(tcgetpgrp(tty->slave) == getpgrp(), "foreground: %d", (int)tcgetpgrp(tty->slave));
}

static void expect_signaled(pid_t pid, int sig, const char *who)
{
    int status = wait_opts(pid, 0);
    CHILD_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == sig,
                "%s: expected killed by signal %d, got %s", who, sig, status_str(status));
}

static void expect_stopped(pid_t pid, int sig, const char *who)
{
    int status = wait_opts(pid, WUNTRACED);
    CHILD_CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == sig,
                "%s: expected stopped by signal %d, got %s", who, sig, status_str(status));
}

static void expect_exit0(pid_t pid, const char *who)
{
    int status = wait_opts(pid, 0);
    CHILD_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: expected exited 0, got %s",
                who, status_str(status));
}

static void kill_job(pid_t pgid)
{
    kill(-pgid, SIGKILL);
    while (waitpid(-pgid, NULL, 0) > 0 || errno == EINTR)
        ;
}

/* Runs fn as the session leader of a fresh pair; checks it exited 0. */
#define RUN_SESSION(fn) do { \
        struct pty_pair p_; \
        watchdog(WATCHDOG_S * 2); \
        CHECK_OK(pair_open(&p_)); \
        tty = &p_; \
        int status_ = run_in_session(&p_, fn); \
        pair_close(&p_); \
        CHECK(WIFEXITED(status_) && WEXITSTATUS(status_) == 0, \
              "session leader: expected exited 0, got %s", status_str(status_)); \
    } while (0)

/* ---- controlling terminal --------------------------------------------- */

static void member_checks_terminal(int leader)
{
    CHILD_CHECK(tcgetpgrp(tty->slave) == leader, "member's tcgetpgrp: %d",
                (int)tcgetpgrp(tty->slave));
    CHILD_CHECK(tcgetsid(tty->slave) == leader, "member's tcgetsid: %d",
                (int)tcgetsid(tty->slave));
    errno = 0;
    CHILD_CHECK(ioctl(tty->slave, TIOCSCTTY, 0) == -1 && errno == EPERM,
                "TIOCSCTTY by a non-leader: expected EPERM, got %s", strerror(errno));
}

static void other_session_checks_terminal(int leader)
{
    (void)leader;
    CHILD_OK(setsid());
    errno = 0;
    CHILD_CHECK(tcgetpgrp(tty->slave) == -1 && errno == ENOTTY,
                "tcgetpgrp of another session's terminal: expected ENOTTY, got %s",
                strerror(errno));
    errno = 0;
    CHILD_CHECK(tcgetsid(tty->slave) == -1 && errno == ENOTTY,
                "tcgetsid of another session's terminal: expected ENOTTY, got %s",
                strerror(errno));
    errno = 0;
    CHILD_CHECK(ioctl(tty->slave, TIOCSCTTY, 0) == -1 && errno == EPERM,
                "TIOCSCTTY of a live session's terminal: expected EPERM, got %s",
                strerror(errno));
    errno = 0;
    CHILD_CHECK(tcsetpgrp(tty->slave, getpid()) == -1 && errno == ENOTTY,
                "tcsetpgrp of another session's terminal: expected ENOTTY, got %s",
                strerror(errno));
}

static void leader_owns_terminal(struct pty_pair *p)
{
    (void)p;
    CHILD_CHECK(tcgetpgrp(tty->slave) == getpid(), "tcgetpgrp: expected %d, got %d",
                (int)getpid(), (int)tcgetpgrp(tty->slave));
    CHILD_CHECK(tcgetsid(tty->slave) == getpid(), "tcgetsid: expected %d, got %d",
                (int)getpid(), (int)tcgetsid(tty->slave));
    CHILD_OK(ioctl(tty->slave, TIOCSCTTY, 0));      /* again: already ours */
    expect_exit0(spawn_job(getpgrp(), member_checks_terminal, getpid()), "member");
    pid_t other = fork_child();
    if (other == 0) {
        other_session_checks_terminal(0);
        _exit(0);
    }
    expect_exit0(other, "process of another session");
}

static void setsid_tiocsctty_tcgetpgrp_tcgetsid(void)
{
    RUN_SESSION(leader_owns_terminal);
}

static void terminal_of_an_ended_session_can_be_taken(void)
{
    struct pty_pair p;
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    tty = &p;
    int status = run_in_session(&p, leader_owns_terminal);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "first session: %s",
          status_str(status));
    status = run_in_session(&p, leader_owns_terminal);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "second session: %s",
          status_str(status));
    errno = 0;
    CHECK_ERRNO(tcgetpgrp(p.slave), ENOTTY);        /* not our session's terminal */
    pair_close(&p);
}

static void sessions_without_terminal(int leader)
{
    (void)leader;
    CHILD_OK(setsid());
    int fd = open(tty->name, O_RDWR | O_NOCTTY);
    CHILD_OK(fd);
    errno = 0;
    CHILD_CHECK(tcgetsid(fd) == -1 && errno == ENOTTY,
                "O_NOCTTY open made it the controlling terminal (tcgetsid %d)", (int)tcgetsid(fd));
    errno = 0;
    int dev_tty = open("/dev/tty", O_RDWR);
    CHILD_CHECK(dev_tty == -1 && errno == ENXIO, "/dev/tty without a terminal: expected ENXIO, "
                "got %d (%s)", dev_tty, strerror(errno));
    close(fd);
}

static void dev_tty_enxio_without_ctty(void)
{
    struct pty_pair p;
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    tty = &p;
    int status = run_child(sessions_without_terminal);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "new session: %s", status_str(status));
    pair_close(&p);
}

static void open_acquires_terminal(int unused)
{
    (void)unused;
    CHILD_OK(setsid());
    int fd = open(tty->name, O_RDWR);
    CHILD_OK(fd);
    CHILD_CHECK(tcgetsid(fd) == getpid(), "open without O_NOCTTY: tcgetsid %d (%s), expected %d",
                (int)tcgetsid(fd), strerror(errno), (int)getpid());
    CHILD_CHECK(tcgetpgrp(fd) == getpid(), "foreground group: %d", (int)tcgetpgrp(fd));
    int dev_tty = open("/dev/tty", O_RDWR);
    CHILD_CHECK(dev_tty >= 0, "open /dev/tty: %s", strerror(errno));
    CHILD_CHECK(write(dev_tty, "via-dev-tty\n", 12) == 12, "write /dev/tty: %s", strerror(errno));
    CHILD_CHECK(tcgetsid(dev_tty) == getpid(), "/dev/tty's tcgetsid: %d", (int)tcgetsid(dev_tty));
}

static void open_without_noctty_acquires_ctty_and_dev_tty(void)
{
    struct pty_pair p;
    char buf[64];
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    tty = &p;
    int status = run_child(open_acquires_terminal);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "session leader: %s",
          status_str(status));
    CHECK(read_until(p.master, buf, sizeof(buf), "via-dev-tty\r\n", WAIT_MS) > 0,
          "master: expected what was written to /dev/tty, got \"%s\"",
          show(buf, (long)strlen(buf)));
    pair_close(&p);
}

/* ---- signals from the keyboard ---------------------------------------- */

static void on_sigint_note(int sig)
{
    (void)sig;
    note(notes[1], 'I');
}

static void on_sigusr1_note_exit(int sig)
{
    (void)sig;
    note(notes[1], 'U');
    _exit(0);
}

static void body_background_witness(int arg)
{
    (void)arg;
    signal(SIGINT, on_sigint_note);
    signal(SIGUSR1, on_sigusr1_note_exit);
    note(notes[1], 'r');
    for (;;)
        pause();
}

static void ctrl_c_session(struct pty_pair *p)
{
    (void)p;
    block_sigttou();
    CHILD_OK(pipe(notes));
    pid_t a = spawn_job(0, body_pause, 0);
    pid_t b = spawn_job(a, body_pause, 0);
    pid_t c = spawn_job(0, body_background_witness, 0);
    CHILD_CHECK(a > 0 && b > 0 && c > 0, "fork: %s", strerror(errno));
    CHILD_CHECK(wait_note(notes[0], WAIT_MS) == 'r', "background job never got ready");
    CHILD_OK(tcsetpgrp(tty->slave, a));
    CHILD_CHECK(tcgetpgrp(tty->slave) == a, "tcgetpgrp after tcsetpgrp: %d",
                (int)tcgetpgrp(tty->slave));
    type_keys("\x03");
    expect_signaled(a, SIGINT, "foreground leader");
    expect_signaled(b, SIGINT, "foreground member");
    expect_screen("^C");
    take_terminal_back();
    CHILD_OK(kill(c, SIGUSR1));
    int first = wait_note(notes[0], WAIT_MS);
    CHILD_CHECK(first == 'U', "background job: expected only SIGUSR1, got note '%c'", first);
    expect_exit0(c, "background job");
}

static void ctrl_c_signals_foreground_group_only(void)
{
    RUN_SESSION(ctrl_c_session);
}

static void ctrl_backslash_session(struct pty_pair *p)
{
    (void)p;
    block_sigttou();
    pid_t j = spawn_job(0, body_pause, 0);
    CHILD_OK(j);
    CHILD_OK(tcsetpgrp(tty->slave, j));
    type_keys("\x1c");
    expect_signaled(j, SIGQUIT, "foreground job");
    expect_screen("^\\");
    take_terminal_back();
}

static void ctrl_backslash_sends_sigquit(void)
{
    RUN_SESSION(ctrl_backslash_session);
}

static volatile sig_atomic_t chld_count, chld_code, chld_pid;

static void on_sigchld(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)context;
    chld_count++;
    chld_code = info->si_code;
    chld_pid = info->si_pid;
}

static void ctrl_z_session(struct pty_pair *p)
{
    (void)p;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigchld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    block_sigttou();
    pid_t j = spawn_job(0, body_pause, 0);
    CHILD_OK(j);
    CHILD_OK(tcsetpgrp(tty->slave, j));
    type_keys("\x1a");
    expect_stopped(j, SIGTSTP, "foreground job after ^Z");
    expect_screen("^Z");
    CHILD_CHECK(chld_count == 1 && chld_code == CLD_STOPPED && chld_pid == j,
                "SIGCHLD for the stop: count %d, si_code %d (CLD_STOPPED %d), si_pid %d",
                (int)chld_count, (int)chld_code, CLD_STOPPED, (int)chld_pid);
    take_terminal_back();
    CHILD_OK(kill(-j, SIGCONT));
    int status = wait_opts(j, WCONTINUED);
    CHILD_CHECK(WIFCONTINUED(status), "after SIGCONT: expected continued, got %s",
                status_str(status));
    CHILD_CHECK(chld_count == 2 && chld_code == CLD_CONTINUED && chld_pid == j,
                "SIGCHLD for the continue: count %d, si_code %d (CLD_CONTINUED %d)",
                (int)chld_count, (int)chld_code, CLD_CONTINUED);
    CHILD_OK(kill(j, SIGTERM));
    expect_signaled(j, SIGTERM, "continued job");
}

static void ctrl_z_stops_and_sigcont_continues_with_sigchld(void)
{
    RUN_SESSION(ctrl_z_session);
}

/* ---- background jobs -------------------------------------------------- */

/* how: 0 read now (from the background), 1 the same with SIGTTIN
 * ignored, 2 read once the leader made us the foreground */
static void body_read_terminal(int how)
{
    char buf[16];
    bool expect_eio = how == 1;
    if (expect_eio)
        signal(SIGTTIN, SIG_IGN);
    for (int i = 0; how == 2 && tcgetpgrp(tty->slave) != getpgrp(); i++) {
        CHILD_CHECK(i < 1000, "never became the foreground group");
        msleep(5);
    }
    ssize_t n = read(tty->slave, buf, sizeof(buf));
    if (expect_eio)
        CHILD_CHECK(n == -1 && errno == EIO, "background read with SIGTTIN ignored: expected "
                    "EIO, got %ld (%s)", (long)n, strerror(errno));
    else
        CHILD_CHECK(n == 3 && memcmp(buf, "fg\n", 3) == 0, "read: %ld \"%s\"", (long)n,
                    show(buf, n));
}

static void background_read_session(struct pty_pair *p)
{
    (void)p;
    block_sigttou();
    pid_t j = spawn_job(0, body_read_terminal, 0);
    CHILD_OK(j);
    expect_stopped(j, SIGTTIN, "background reader");
    kill_job(j);
    expect_exit0(spawn_job(0, body_read_terminal, 1), "background reader ignoring SIGTTIN");
    /* the same read in the foreground gets the line */
    CHILD_OK(set_lflag(tty->slave, ECHO, 0));
    j = spawn_job(0, body_read_terminal, 2);
    CHILD_OK(j);
    CHILD_OK(tcsetpgrp(tty->slave, j));
    type_keys("fg\n");
    expect_exit0(j, "foreground reader");
    take_terminal_back();
}

static void background_read_gets_sigttin(void)
{
    RUN_SESSION(background_read_session);
}

static void body_write_terminal(int how)
{
    if (how == 1)
        signal(SIGTTOU, SIG_IGN);
    ssize_t n = write(tty->slave, "bg\n", 3);
    CHILD_CHECK(n == 3, "background write: %ld (%s)", (long)n, strerror(errno));
}

static void background_write_session(struct pty_pair *p)
{
    (void)p;
    block_sigttou();
    CHILD_OK(set_lflag(tty->slave, TOSTOP, 0));
    expect_exit0(spawn_job(0, body_write_terminal, 0), "background writer without TOSTOP");
    expect_screen("bg\r\n");
    CHILD_OK(set_lflag(tty->slave, 0, TOSTOP));
    pid_t j = spawn_job(0, body_write_terminal, 0);
    CHILD_OK(j);
    expect_stopped(j, SIGTTOU, "background writer with TOSTOP");
    CHILD_CHECK(!is_readable_now(tty->master), "the stopped writer's bytes reached the master");
    kill_job(j);
    expect_exit0(spawn_job(0, body_write_terminal, 1), "writer with TOSTOP ignoring SIGTTOU");
    expect_screen("bg\r\n");
    CHILD_OK(set_lflag(tty->slave, TOSTOP, 0));
}

static void background_write_sigttou_only_with_tostop(void)
{
    RUN_SESSION(background_write_session);
}

static void body_take_terminal(int how)
{
    if (how == 1)
        signal(SIGTTOU, SIG_IGN);
    if (how == 2)
        block_sigttou();
    if (how == 3) {                     /* termios changes are checked too */
        struct termios t;
        CHILD_OK(tcgetattr(tty->slave, &t));
        CHILD_OK(tcsetattr(tty->slave, TCSANOW, &t));
        return;
    }
    CHILD_CHECK(tcsetpgrp(tty->slave, getpgrp()) == 0, "tcsetpgrp: %s", strerror(errno));
    CHILD_CHECK(tcgetpgrp(tty->slave) == getpgrp(), "tcgetpgrp: %d", (int)tcgetpgrp(tty->slave));
}

static void tcsetpgrp_session(struct pty_pair *p)
{
    (void)p;
    block_sigttou();
    pid_t j = spawn_job(0, body_take_terminal, 0);
    CHILD_OK(j);
    expect_stopped(j, SIGTTOU, "background tcsetpgrp");
    kill_job(j);
    CHILD_CHECK(tcgetpgrp(tty->slave) == getpgrp(), "the stopped job took the terminal");
    j = spawn_job(0, body_take_terminal, 3);
    expect_stopped(j, SIGTTOU, "background tcsetattr");
    kill_job(j);
    for (int how = 1; how <= 2; how++) {
        j = spawn_job(0, body_take_terminal, how);
        expect_exit0(j, how == 1 ? "tcsetpgrp with SIGTTOU ignored" : "with SIGTTOU blocked");
        take_terminal_back();
    }
    /* a group of another session cannot be the foreground */
    pid_t other = fork_child();
    if (other == 0) {
        setsid();
        pause();
        _exit(0);
    }
    CHILD_OK(other);
    for (int i = 0; i < 500 && getsid(other) != other; i++)
        msleep(10);
    errno = 0;
    CHILD_CHECK(tcsetpgrp(tty->slave, other) == -1 && errno == EPERM,
                "tcsetpgrp to another session's group: expected EPERM, got %s", strerror(errno));
    kill(other, SIGKILL);
    wait_opts(other, 0);
}

static void tcsetpgrp_from_background_gets_sigttou(void)
{
    RUN_SESSION(tcsetpgrp_session);
}

static void on_sigusr1_note_member(int sig)
{
    (void)sig;
    note(notes[1], 'k');
}

static void body_member_waiting_usr1(int arg)
{
    (void)arg;
    signal(SIGUSR1, on_sigusr1_note_member);
    note(notes[1], 'r');
    for (;;)
        pause();
}

static void kill_job_session(struct pty_pair *p)
{
    (void)p;
    CHILD_OK(pipe(notes));
    pid_t leader = spawn_job(0, body_member_waiting_usr1, 0);
    CHILD_OK(leader);
    pid_t members[3] = { leader, spawn_job(leader, body_member_waiting_usr1, 0),
                         spawn_job(leader, body_member_waiting_usr1, 0) };
    for (int i = 0; i < 3; i++) {
        CHILD_CHECK(members[i] > 0, "fork: %s", strerror(errno));
        CHILD_CHECK(getpgid(members[i]) == leader, "member %d's group: %d", i,
                    (int)getpgid(members[i]));
        CHILD_CHECK(wait_note(notes[0], WAIT_MS) == 'r', "member %d never got ready", i);
    }
    CHILD_OK(kill(-leader, SIGUSR1));
    for (int i = 0; i < 3; i++)
        CHILD_CHECK(wait_note(notes[0], WAIT_MS) == 'k', "only %d of 3 members got SIGUSR1", i);
    CHILD_OK(kill(-leader, SIGKILL));
    for (int i = 0; i < 3; i++)
        expect_signaled(members[i], SIGKILL, "member");
    errno = 0;
    CHILD_CHECK(kill(-leader, 0) == -1 && errno == ESRCH, "the group still exists");
}

static void kill_of_a_job_reaches_every_member(void)
{
    RUN_SESSION(kill_job_session);
}

/* ---- the session ends ------------------------------------------------- */

static void on_sighup_note_exit(int sig)
{
    (void)sig;
    note(notes[1], 'H');
    _exit(0);
}

static void body_waiting_hangup(int arg)
{
    (void)arg;
    signal(SIGHUP, on_sighup_note_exit);
    note(notes[1], 'r');
    for (;;)
        pause();
}

static void session_leader_exit_hangs_up_terminal(void)
{
    struct pty_pair p;
    watchdog(WATCHDOG_S);
    CHECK_OK(pair_open(&p));
    tty = &p;
    CHECK_OK(pipe(notes));
    pid_t leader = fork_child();
    CHECK_OK(leader);
    if (leader == 0) {
        CHILD_OK(setsid());
        CHILD_OK(ioctl(p.slave, TIOCSCTTY, 0));
        block_sigttou();
        pid_t j = spawn_job(0, body_waiting_hangup, 0);
        CHILD_OK(j);
        CHILD_CHECK(wait_note(notes[0], WAIT_MS) == 'r', "job never got ready");
        CHILD_OK(tcsetpgrp(p.slave, j));
        _exit(0);                       /* the job runs on in the foreground */
    }
    int status = wait_for(leader);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "session leader: %s",
          status_str(status));
    int got = wait_note(notes[0], WAIT_MS);
    CHECK(got == 'H', "foreground job: expected SIGHUP when the session leader exited, got %s",
          got < 0 ? "nothing" : "another note");
    close(notes[0]);
    close(notes[1]);
    pair_close(&p);
}

static volatile sig_atomic_t got_hup, got_cont;

static void on_hup_or_cont(int sig)
{
    if (sig == SIGHUP) {
        got_hup = 1;
        note(notes[1], 'H');
    } else {
        got_cont = 1;
        note(notes[1], 'C');
    }
}

/* A job that stops itself; the process that forked it exits, leaving its
 * group orphaned while stopped: POSIX sends SIGHUP then SIGCONT. */
static void body_stopped_orphan(int arg)
{
    (void)arg;
    signal(SIGHUP, on_hup_or_cont);
    signal(SIGCONT, on_hup_or_cont);
    kill(getpid(), SIGSTOP);
    while (!got_hup || !got_cont)
        pause();
}

static void orphan_session(struct pty_pair *p)
{
    (void)p;
    int pid_pipe[2];
    CHILD_OK(pipe(notes));
    CHILD_OK(pipe(pid_pipe));
    pid_t middle = fork_child();
    CHILD_OK(middle);
    if (middle == 0) {
        pid_t j = spawn_job(0, body_stopped_orphan, 0);
        CHILD_OK(j);
        expect_stopped(j, SIGSTOP, "job stopping itself");
        write(pid_pipe[1], &j, sizeof(j));
        _exit(0);
    }
    expect_exit0(middle, "the job's parent");
    pid_t j = -1;
    CHILD_CHECK(read(pid_pipe[0], &j, sizeof(j)) == sizeof(j), "no pid from the job's parent");
    int first = wait_note(notes[0], WAIT_MS);
    int second = first < 0 ? -1 : wait_note(notes[0], WAIT_MS);
    kill(-j, SIGKILL);                  /* whatever happened, it goes */
    CHILD_CHECK(first + second == 'H' + 'C' && first != second,
                "orphaned stopped group: expected SIGHUP and SIGCONT, got notes %d and %d",
                first, second);
}

static void orphaned_stopped_group_gets_sighup_and_sigcont(void)
{
    RUN_SESSION(orphan_session);
}

/* A job whose group is orphaned (its parent exited) sends itself SIGTSTP:
 * POSIX discards the terminal stop signals for an orphaned group, so it
 * runs on and reports 'A'; stopped, it would report nothing. */
static void body_orphan_tstp(int arg)
{
    while (getppid() == (pid_t)arg)     /* until the parent has exited */
        usleep(1000);
    kill(getpid(), SIGTSTP);
    kill(getpid(), SIGTTIN);
    note(notes[1], 'A');
}

static void orphan_tstp_session(struct pty_pair *p)
{
    (void)p;
    CHILD_OK(pipe(notes));
    pid_t middle = fork_child();
    CHILD_OK(middle);
    if (middle == 0) {
        CHILD_OK(spawn_job(0, body_orphan_tstp, getpid()));
        _exit(0);
    }
    expect_exit0(middle, "the job's parent");
    CHILD_CHECK(wait_note(notes[0], WAIT_MS) == 'A',
                "orphaned group: SIGTSTP/SIGTTIN stopped it (no note from the job)");
}

static void orphaned_group_ignores_terminal_stops(void)
{
    RUN_SESSION(orphan_tstp_session);
}

/* ---- pipelines -------------------------------------------------------- */

/* The stages: gen waits for a byte on stdin, then prints PIPELINE_LINES lines, upper upper-cases stdin,
 * count reads stdin and reports; each first reports its process group on
 * fd 3. count exits 3 so that statuses are told apart. */
static int run_stage(const char *name)
{
    char buf[512];
    ssize_t n;

    dprintf(3, "%s pgrp=%d\n", name, (int)getpgrp());
    if (strcmp(name, "gen") == 0) {
        char go;
        if (read(0, &go, 1) != 1)       /* the shell has set up every stage */
            return 1;
        for (int i = 1; i <= PIPELINE_LINES; i++)
            dprintf(1, "line %d of the pipeline\n", i);
        return 0;
    }
    if (strcmp(name, "upper") == 0) {
        while ((n = read(0, buf, sizeof(buf))) > 0) {
            for (ssize_t i = 0; i < n; i++)
                if (buf[i] >= 'a' && buf[i] <= 'z')
                    buf[i] = (char)(buf[i] - 'a' + 'A');
            if (write(1, buf, (size_t)n) != n)
                return 1;
        }
        return n < 0 ? 1 : 0;
    }
    if (strcmp(name, "count") == 0) {
        long lines = 0, bytes = 0, lower = 0;
        while ((n = read(0, buf, sizeof(buf))) > 0) {
            for (ssize_t i = 0; i < n; i++) {
                lines += buf[i] == '\n';
                lower += buf[i] >= 'a' && buf[i] <= 'z';
            }
            bytes += n;
        }
        dprintf(3, "count lines=%ld bytes=%ld lower=%ld\n", lines, bytes, lower);
        return n < 0 ? 1 : 3;
    }
    return 2;
}

/* Starts three stages in one new process group, as a shell starts
 * "a | b | c": stage 0 reads input_fd (or inherits stdin when -1), stage
 * 2 writes output_fd, and every stage has report_fd as fd 3. */
static int start_pipeline(const char *const names[3], int input_fd, int output_fd,
                          int report_fd, pid_t pids[3])
{
    int in = input_fd;
    for (int i = 0; i < 3; i++) {
        int link[2] = { -1, -1 };
        if (i < 2 && pipe(link) < 0)
            return -1;
        int out = i < 2 ? link[1] : output_fd;
        pid_t pid = fork_child();
        if (pid < 0)
            return -1;
        if (pid == 0) {
            setpgid(0, i ? pids[0] : 0);
            if (in >= 0)
                dup2(in, 0);
            dup2(out, 1);
            dup2(report_fd, 3);
            for (int fd = 4; fd < 64; fd++)
                close(fd);
            char *argv[] = { (char *)self_path, "--stage", (char *)names[i], NULL };
            char *envp[] = { "PATH=/bin", NULL };
            execve(self_path, argv, envp);
            dprintf(3, "exec %s: %s\n", self_path, strerror(errno));
            _exit(127);
        }
        pids[i] = pid;
        setpgid(pid, pids[0]);
        if (i > 0)
            close(in);              /* the previous link's read end */
        if (i < 2)
            close(link[1]);
        in = link[0];
    }
    return 0;
}

/* Reads fd until end of file (every writer gone) or timeout_ms. */
static long read_to_eof(int fd, char *buf, size_t cap, int timeout_ms)
{
    size_t got = 0;
    long deadline = now_ms() + timeout_ms;

    for (;;) {
        int left = (int)(deadline - now_ms());
        if (got + 1 >= cap || left <= 0 ||
            !(poll_events(fd, POLLIN, left) & (POLLIN | POLLHUP)))
            break;
        ssize_t n = read(fd, buf + got, cap - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    buf[got] = 0;
    return (long)got;
}

static void pipeline_of_three_in_one_group(void)
{
    static const char *const names[3] = { "gen", "upper", "count" };
    int report[2], go[2];
    pid_t pids[3];
    char out[1024], line[64];
    watchdog(WATCHDOG_S);
    CHECK_OK(pipe(report));
    CHECK_OK(pipe(go));
    CHECK_OK(start_pipeline(names, go[0], report[1], report[1], pids));
    close(report[1]);
    close(go[0]);
    note(go[1], 'g');
    close(go[1]);
    read_to_eof(report[0], out, sizeof(out), WAIT_MS * 4);
    close(report[0]);
    int statuses[3];
    for (int i = 0; i < 3; i++)
        statuses[i] = wait_for(pids[i]);
    for (int i = 0; i < 3; i++) {
        snprintf(line, sizeof(line), "%s pgrp=%d\n", names[i], (int)pids[0]);
        CHECK(strstr(out, line), "expected \"%s\" in the reports: \"%s\"",
              show(line, (long)strlen(line)), show(out, (long)strlen(out)));
    }
    long bytes = 0;
    for (int i = 1; i <= PIPELINE_LINES; i++)
        bytes += snprintf(line, sizeof(line), "line %d of the pipeline\n", i);
    snprintf(line, sizeof(line), "count lines=%d bytes=%ld lower=0\n", PIPELINE_LINES, bytes);
    CHECK(strstr(out, line), "expected \"%s\" in the reports: \"%s\"",
          show(line, (long)strlen(line)), show(out, (long)strlen(out)));
    CHECK(WIFEXITED(statuses[0]) && WEXITSTATUS(statuses[0]) == 0, "gen: %s",
          status_str(statuses[0]));
    CHECK(WIFEXITED(statuses[1]) && WEXITSTATUS(statuses[1]) == 0, "upper: %s",
          status_str(statuses[1]));
    CHECK(WIFEXITED(statuses[2]) && WEXITSTATUS(statuses[2]) == 3, "count: expected exited 3, "
          "got %s", status_str(statuses[2]));
}

static volatile sig_atomic_t child_exited;

static void on_sigchld_flag(int sig)
{
    (void)sig;
    child_exited = 1;
}

/* A group stays while its leader is a zombie (Linux): a shell can still
 * put later stages of "fast | slow" into the group of a first stage that
 * has already exited. */
static void setpgid_into_group_of_unreaped_leader(void)
{
    sigset_t block, old;
    watchdog(WATCHDOG_S);
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);
    signal(SIGCHLD, on_sigchld_flag);
    child_exited = 0;
    pid_t leader = fork_child();
    CHECK_OK(leader);
    if (leader == 0) {
        setpgid(0, 0);
        _exit(0);
    }
    while (!child_exited)               /* SIGCHLD: it is a zombie now */
        sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    CHECK_EQ("the zombie's group", leader, getpgid(leader));
    int go[2];
    CHECK_OK(pipe(go));
    pid_t member = fork_child();
    CHECK_OK(member);
    if (member == 0) {                  /* stays until the parent's setpgid is done */
        int code = setpgid(0, leader) == 0 ? 0 : 10 + errno;
        wait_note(go[0], WAIT_MS);
        _exit(code);
    }
    int rc = setpgid(member, leader);
    int saved_errno = errno;
    note(go[1], 'g');
    close(go[0]);
    close(go[1]);
    int status = wait_for(member);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "member's setpgid into the zombie leader's group: expected exited 0, got %s "
          "(10 + errno)", status_str(status));
    CHECK(rc == 0, "parent's setpgid into the zombie leader's group: %s",
          strerror(saved_errno));
    CHECK(WIFEXITED(wait_for(leader)), "leader's status");
}

static void pipeline_ctrl_c_session(struct pty_pair *p)
{
    (void)p;
    static const char *const names[3] = { "upper", "upper", "count" };
    int input[2], report[2];
    pid_t pids[3];
    char out[256];
    block_sigttou();
    CHILD_OK(pipe(input));
    CHILD_OK(pipe(report));
    CHILD_OK(start_pipeline(names, input[0], report[1], report[1], pids));
    close(input[0]);
    CHILD_OK(tcsetpgrp(tty->slave, pids[0]));
    /* every stage reports once it runs the program: then ^C */
    size_t got = 0;
    int lines = 0;
    while (lines < 3) {
        long n = read_bytes(report[0], out + got, 1, WAIT_MS);
        CHILD_CHECK(n == 1, "only %d of 3 stages started: \"%s\"", lines, show(out, (long)got));
        lines += out[got] == '\n';
        got += got + 2 < sizeof(out);
    }
    type_keys("\x03");
    for (int i = 0; i < 3; i++)
        expect_signaled(pids[i], SIGINT, names[i]);
    take_terminal_back();
    close(input[1]);
    close(report[0]);
    close(report[1]);
}

static void pipeline_in_foreground_killed_by_ctrl_c(void)
{
    RUN_SESSION(pipeline_ctrl_c_session);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(setsid_tiocsctty_tcgetpgrp_tcgetsid),
        TAP_TEST(terminal_of_an_ended_session_can_be_taken),
        TAP_TEST(ctrl_c_signals_foreground_group_only),
        TAP_TEST(ctrl_backslash_sends_sigquit),
        TAP_TEST(ctrl_z_stops_and_sigcont_continues_with_sigchld),
        TAP_TEST(background_read_gets_sigttin),
        TAP_TEST(background_write_sigttou_only_with_tostop),
        TAP_TEST(tcsetpgrp_from_background_gets_sigttou),
        TAP_TEST(kill_of_a_job_reaches_every_member),
        TAP_TEST(pipeline_of_three_in_one_group),
        TAP_TEST(setpgid_into_group_of_unreaped_leader),
        TAP_TEST(pipeline_in_foreground_killed_by_ctrl_c),
        TAP_TEST(dev_tty_enxio_without_ctty),
        TAP_TEST(open_without_noctty_acquires_ctty_and_dev_tty),
        TAP_TEST(session_leader_exit_hangs_up_terminal),
        TAP_TEST(orphaned_stopped_group_gets_sighup_and_sigcont),
        TAP_TEST(orphaned_group_ignores_terminal_stops),
    };

    if (argc >= 3 && strcmp(argv[1], "--stage") == 0)
        return run_stage(argv[2]);
    if (argc >= 1 && argv[0][0] == '/')
        self_path = argv[0];
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
