/* jobs.c: processes and job control. Every pipeline runs as a job: one
 * process group when the shell is interactive on a terminal (it then gives
 * the terminal to the foreground job and takes it back), waitpid with
 * WUNTRACED to see stops; jobs, fg, bg, wait and kill work on the table of
 * background and stopped jobs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sh.h"

#define MAX_JOBS 64

enum proc_state { PROC_RUNNING, PROC_STOPPED, PROC_DONE };

struct proc {
    pid_t pid;
    int status;          /* wait status once done */
    enum proc_state state;
};

struct job {
    int id;              /* 1-based slot in the table; 0 while foreground only */
    pid_t pgid;
    int nprocs;
    struct proc *procs;
    char *text;
    unsigned long touched; /* last time it became the current job */
    bool notified_stop;
    bool has_tmodes;
    struct termios tmodes;
};

static struct job *table[MAX_JOBS];
static unsigned long touch_clock;
/* In a subshell: the parent's jobs, which `jobs` still lists ($(jobs -p)) */
static struct job *inherited[MAX_JOBS];
/* Exit statuses of background processes whose job left the table, so that
 * `wait PID` still answers (a ring, oldest overwritten). */
#define MAX_REMEMBERED 64
static struct { pid_t pid; int status; } remembered[MAX_REMEMBERED];
static int remembered_next;
/* The top-level command that last warned of stopped jobs on exit. */
static long exit_warned_at = -1;
int tty_fd = -1;
bool job_control;
static pid_t shell_pgid;
static struct termios shell_tmodes;
static bool have_shell_tmodes;

/* ---- signals ---- */

void reset_signals_in_child(void)
{
    static const int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGTERM, SIGCHLD };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (!trap_is_ignored(sigs[i]))
            signal(sigs[i], SIG_DFL);
    traps_reset_in_child();
}

/* ---- the terminal ---- */

void jobs_init_interactive(void)
{
    if (!isatty(0))
        return;
    tty_fd = fcntl(0, F_DUPFD_CLOEXEC, 10);
    if (tty_fd < 0)
        return;
    /* wait until we are in the foreground */
    for (;;) {
        pid_t fg = tcgetpgrp(tty_fd);
        shell_pgid = getpgrp();
        if (fg <= 0 || shell_pgid <= 0 || fg == shell_pgid)
            break;                      /* no terminal to wait for */
        kill(-shell_pgid, SIGTTIN);
    }
    signal(SIGQUIT, SIG_IGN);
    signal(SIGTSTP, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
    if (getpgrp() != getpid() && setpgid(0, 0) == 0)
        shell_pgid = getpid();
    else
        shell_pgid = getpgrp();
    if (tcsetpgrp(tty_fd, shell_pgid) < 0) {
        close(tty_fd);
        tty_fd = -1;
        return;
    }
    have_shell_tmodes = tcgetattr(tty_fd, &shell_tmodes) == 0;
    job_control = true;
    opt.monitor = true;
}

void tty_restore_shell_modes(void)
{
    if (job_control && have_shell_tmodes)
        tcsetattr(tty_fd, TCSADRAIN, &shell_tmodes);
}

void jobs_forget_in_child(void)
{
    for (int i = 0; i < MAX_JOBS; i++) {
        if (table[i])
            inherited[i] = table[i];
        table[i] = NULL;
    }
    if (tty_fd >= 0)
        close(tty_fd);
    tty_fd = -1;
    job_control = false;
    opt.interactive = false;
    opt.monitor = false;
    is_subshell = true;
}

/* ---- the job table ---- */

static void job_free(struct job *j)
{
    free(j->procs);
    free(j->text);
    free(j);
}

static bool job_is_inherited(const struct job *j)
{
    return j->id > 0 && inherited[j->id - 1] == j;
}

static void job_remove(struct job *j)
{
    if (job_is_inherited(j))
        return;   /* the parent's job: listed here, never ours to free */
    if (j->id > 0 && table[j->id - 1] == j) {
        table[j->id - 1] = NULL;
        for (int k = 0; k < j->nprocs; k++) {
            if (j->procs[k].state != PROC_DONE)
                continue;
            remembered[remembered_next].pid = j->procs[k].pid;
            remembered[remembered_next].status = j->procs[k].status;
            remembered_next = (remembered_next + 1) % MAX_REMEMBERED;
        }
    }
    job_free(j);
}

static bool job_add(struct job *j)
{
    if (j->id > 0)
        return true;
    for (int i = 0; i < MAX_JOBS; i++) {
        if (!table[i]) {
            table[i] = j;
            j->id = i + 1;
            return true;
        }
    }
    return false;
}

static void job_touch(struct job *j)
{
    j->touched = ++touch_clock;
}

static struct job *job_current(int rank)
{
    struct job *best = NULL, *second = NULL;
    for (int i = 0; i < MAX_JOBS; i++) {
        struct job *j = table[i];
        if (!j)
            continue;
        if (!best || j->touched > best->touched) {
            second = best;
            best = j;
        } else if (!second || j->touched > second->touched) {
            second = j;
        }
    }
    return rank == 0 ? best : second;
}

static char job_mark(struct job *j)
{
    if (j == job_current(0))
        return '+';
    if (j == job_current(1))
        return '-';
    return ' ';
}

static enum proc_state job_state(struct job *j)
{
    bool any_running = false, any_stopped = false;
    for (int i = 0; i < j->nprocs; i++) {
        if (j->procs[i].state == PROC_RUNNING)
            any_running = true;
        else if (j->procs[i].state == PROC_STOPPED)
            any_stopped = true;
    }
    if (any_running)
        return PROC_RUNNING;
    return any_stopped ? PROC_STOPPED : PROC_DONE;
}

static struct job *foreground;

static void record_status(pid_t pid, int status)
{
    for (int i = -1; i < MAX_JOBS; i++) {
        struct job *j = i < 0 ? foreground : table[i];
        if (!j)
            continue;
        for (int k = 0; k < j->nprocs; k++) {
            struct proc *p = &j->procs[k];
            if (p->pid != pid)
                continue;
            if (WIFSTOPPED(status)) {
                p->state = PROC_STOPPED;
                p->status = status;
                j->notified_stop = false;
            } else if (WIFCONTINUED(status)) {
                p->state = PROC_RUNNING;
            } else {
                p->state = PROC_DONE;
                p->status = status;
            }
            return;
        }
    }
}

static int decode_status(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    if (WIFSTOPPED(status))
        return 128 + WSTOPSIG(status);
    return 0;
}

static void reap(bool block, struct job *until)
{
    for (;;) {
        if (until && job_state(until) != PROC_RUNNING)
            return;
        int status;
        int options = (job_control ? WUNTRACED | WCONTINUED : 0) | (block ? 0 : WNOHANG);
        pid_t pid = waitpid(-1, &status, options);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid <= 0) {
            if (pid < 0 && errno == ECHILD && until)
                for (int k = 0; k < until->nprocs; k++)
                    if (until->procs[k].state != PROC_DONE)
                        until->procs[k].state = PROC_DONE;
            return;
        }
        record_status(pid, status);
    }
}

int job_wait_pid(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 127;
    return decode_status(status);
}

static const char *state_text(struct job *j, char *buf, size_t len)
{
    enum proc_state s = job_state(j);
    if (s == PROC_RUNNING)
        return "Running";
    if (s == PROC_STOPPED)
        return "Stopped";
    int status = j->procs[j->nprocs - 1].status;
    if (WIFSIGNALED(status))
        return signal_text(WTERMSIG(status));
    if (WEXITSTATUS(status) == 0)
        return "Done";
    snprintf(buf, len, "Exit %d", WEXITSTATUS(status));
    return buf;
}

/* bash's format: "[1]+  Running   text &"; with_pid: "[1]+ 123 Running ..." */
static void print_job(struct job *j, int fd, bool with_pid)
{
    char buf[32], pid[24] = "  ";
    enum proc_state s = job_state(j);
    if (with_pid)
        snprintf(pid, sizeof pid, " %5ld ", (long)j->procs[0].pid);
    out_printf(fd, "[%d]%c%s%-24s%s%s\n", j->id, job_mark(j), pid,
               state_text(j, buf, sizeof buf), j->text, s == PROC_RUNNING ? " &" : "");
}

void jobs_report(bool print)
{
    reap(false, NULL);
    for (int i = 0; i < MAX_JOBS; i++) {
        struct job *j = table[i];
        if (!j)
            continue;
        enum proc_state s = job_state(j);
        if (s == PROC_DONE && (print || opt.interactive)) {
            print_job(j, 2, false);
            job_remove(j);
        } else if (s == PROC_STOPPED && !j->notified_stop && opt.interactive) {
            j->notified_stop = true;
            print_job(j, 2, false);
        }
    }
}

/* ---- running jobs ---- */

static int wait_foreground(struct job *j)
{
    foreground = j;
    if (job_control)
        tcsetpgrp(tty_fd, j->pgid);
    reap(true, j);
    foreground = NULL;
    if (job_control)
        tcsetpgrp(tty_fd, shell_pgid);
    int status;
    if (job_state(j) == PROC_STOPPED) {
        if (job_control)
            j->has_tmodes = tcgetattr(tty_fd, &j->tmodes) == 0;
        if (!job_add(j)) {
            sh_error("too many jobs: the stopped one is killed");
            for (int k = 0; k < j->nprocs; k++)
                if (j->procs[k].state == PROC_STOPPED)
                    j->procs[k].state = PROC_RUNNING;
            kill(-j->pgid, SIGKILL);
            foreground = j;
            reap(true, j);
            foreground = NULL;
            job_free(j);
            tty_restore_shell_modes();
            return 128 + SIGKILL;
        }
        job_touch(j);
        j->notified_stop = true;
        out_write(2, "\n", 1);
        print_job(j, 2, false);
        status = 128 + SIGTSTP;
        for (int k = 0; k < j->nprocs; k++)
            if (j->procs[k].state == PROC_STOPPED)
                status = 128 + WSTOPSIG(j->procs[k].status);
    } else {
        int last = j->procs[j->nprocs - 1].status;
        status = decode_status(last);
        if (WIFSIGNALED(last)) {
            int sig = WTERMSIG(last);
            if (sig == SIGINT) {
                if (opt.interactive)
                    interrupted = 1;   /* run_source ends the line */
            } else if (sig != SIGPIPE) {
                out_printf(2, "%s\n", signal_text(sig));
            }
        }
        job_remove(j);
        if (!WIFSIGNALED(last) && job_control) {
            /* a program that exited normally may have set modes on
             * purpose (stty): they become the shell's */
            have_shell_tmodes = tcgetattr(tty_fd, &shell_tmodes) == 0;
            return status;
        }
    }
    tty_restore_shell_modes();
    return status;
}

static void child_start(pid_t pgid, bool fg, int in_fd, int out_fd, int unused_fd)
{
    bool had_job_control = job_control;
    if (job_control) {
        pid_t me = getpid();
        setpgid(0, pgid ? pgid : me);
        if (fg)
            tcsetpgrp(tty_fd, pgid ? pgid : me);
    }
    jobs_forget_in_child();
    reset_signals_in_child();
    if (!fg && !had_job_control) {
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
        if (in_fd < 0) {
            int null = open("/dev/null", O_RDONLY);
            if (null >= 0 && null != 0) {
                dup2(null, 0);
                close(null);
            }
        }
    }
    if (unused_fd >= 0)
        close(unused_fd);
    if (in_fd >= 0) {
        dup2(in_fd, 0);
        close(in_fd);
    }
    if (out_fd >= 0) {
        dup2(out_fd, 1);
        close(out_fd);
    }
}

/* A subshell that starts background jobs of its own stops listing its
 * parent's (their numbers would collide). */
static void forget_inherited(void)
{
    for (int i = 0; i < MAX_JOBS; i++) {
        if (inherited[i])
            job_free(inherited[i]);
        inherited[i] = NULL;
    }
}

int job_run(int n, child_fn fn, void *arg, bool fg, const char *text)
{
    if (!fg)
        forget_inherited();
    struct job *j = xmalloc(sizeof *j);
    memset(j, 0, sizeof *j);
    j->procs = xmalloc((size_t)n * sizeof *j->procs);
    j->text = xstrdup(text ? text : "");
    int in_fd = -1;
    for (int i = 0; i < n; i++) {
        int fds[2] = { -1, -1 };
        if (i < n - 1 && pipe(fds) < 0) {
            sh_error("pipe: %s", strerror(errno));
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            sh_error("fork: %s", strerror(errno));
            if (fds[0] >= 0) {
                close(fds[0]);
                close(fds[1]);
            }
            break;
        }
        if (pid == 0) {
            child_start(j->pgid, fg, in_fd, fds[1], fds[0]);
            fn(arg, i);
            _exit(127);
        }
        if (!j->pgid)
            j->pgid = pid;
        if (job_control)
            setpgid(pid, j->pgid);
        j->procs[j->nprocs].pid = pid;
        j->procs[j->nprocs].status = 0;
        j->procs[j->nprocs].state = PROC_RUNNING;
        j->nprocs++;
        if (in_fd >= 0)
            close(in_fd);
        if (fds[1] >= 0)
            close(fds[1]);
        in_fd = fds[0];
    }
    if (in_fd >= 0)
        close(in_fd);
    if (j->nprocs == 0) {
        job_free(j);
        return 1;
    }
    if (fg)
        return wait_foreground(j);
    last_bg_pid = j->procs[j->nprocs - 1].pid;
    if (!job_add(j)) {
        /* table full: forget the job, the child runs on unwatched */
        job_free(j);
        return 0;
    }
    job_touch(j);
    if (opt.interactive)
        out_printf(2, "[%d] %ld\n", j->id, (long)last_bg_pid);
    return 0;
}

/* ---- builtins ---- */

static struct job *job_from_spec(const char *spec, const char *who)
{
    struct job *j = NULL;
    if (!spec || strcmp(spec, "%%") == 0 || strcmp(spec, "%+") == 0 || strcmp(spec, "%") == 0) {
        j = job_current(0);
    } else if (strcmp(spec, "%-") == 0) {
        j = job_current(1);
    } else {
        const char *s = spec[0] == '%' ? spec + 1 : spec;
        char *end;
        long id = strtol(s, &end, 10);
        if (*s && !*end) {
            if (id >= 1 && id <= MAX_JOBS)
                j = table[id - 1] ? table[id - 1] : inherited[id - 1];
        } else {
            for (int i = 0; i < MAX_JOBS && !j; i++)
                if (table[i] && strncmp(table[i]->text, s, strlen(s)) == 0)
                    j = table[i];
        }
    }
    if (!j)
        out_printf(2, "sh: %s: %s: no such job\n", who, spec ? spec : "current");
    return j;
}

static void job_continue(struct job *j)
{
    for (int k = 0; k < j->nprocs; k++)
        if (j->procs[k].state == PROC_STOPPED)
            j->procs[k].state = PROC_RUNNING;
    j->notified_stop = false;
    if (job_control)
        kill(-j->pgid, SIGCONT);
    else
        for (int k = 0; k < j->nprocs; k++)
            kill(j->procs[k].pid, SIGCONT);
}

int builtin_fg(int argc, char **argv)
{
    if (!job_control) {
        out_printf(2, "sh: fg: no job control\n");
        return 1;
    }
    struct job *j = job_from_spec(argc > 1 ? argv[1] : NULL, "fg");
    if (!j)
        return 1;
    /* the terminal is the job's before the line that says so appears */
    if (j->has_tmodes)
        tcsetattr(tty_fd, TCSADRAIN, &j->tmodes);
    job_touch(j);
    tcsetpgrp(tty_fd, j->pgid);
    out_printf(1, "%s\n", j->text);
    job_continue(j);
    return wait_foreground(j);
}

int builtin_bg(int argc, char **argv)
{
    if (!job_control) {
        out_printf(2, "sh: bg: no job control\n");
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc || i == 1; i++) {
        struct job *j = job_from_spec(argc > 1 ? argv[i] : NULL, "bg");
        if (!j) {
            status = 1;
        } else {
            job_continue(j);
            out_printf(1, "[%d]%c %s &\n", j->id, job_mark(j), j->text);
        }
        if (argc <= 1)
            break;
    }
    return status;
}

static void list_job(struct job *j, bool pids, bool longfmt, bool is_inherited)
{
    if (pids) {
        out_printf(1, "%ld\n", (long)j->procs[0].pid);
        return;
    }
    print_job(j, 1, longfmt);
    if (is_inherited)
        return;
    if (job_state(j) == PROC_DONE)
        job_remove(j);
    else if (job_state(j) == PROC_STOPPED)
        j->notified_stop = true;
}

/* jobs [-l | -p] [%job ...] */
int builtin_jobs(int argc, char **argv)
{
    bool pids = false, longfmt = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        for (const char *f = argv[i] + 1; *f; f++) {
            if (*f == 'p') {
                pids = true;
            } else if (*f == 'l') {
                longfmt = true;
            } else {
                out_printf(2, "sh: jobs: -%c: invalid option\n", *f);
                return 2;
            }
        }
    }
    reap(false, NULL);
    if (i < argc) {
        int status = 0;
        for (; i < argc; i++) {
            struct job *j = job_from_spec(argv[i], "jobs");
            if (j)
                list_job(j, pids, longfmt, job_is_inherited(j));
            else
                status = 1;
        }
        return status;
    }
    for (int k = 0; k < MAX_JOBS; k++)
        if (inherited[k])
            list_job(inherited[k], pids, longfmt, true);
    for (int k = 0; k < MAX_JOBS; k++)
        if (table[k])
            list_job(table[k], pids, longfmt, false);
    return 0;
}

/* Wait until j is not running; the status of its process pid (or of its
 * last process when pid is 0). */
static int wait_job_status(struct job *j, pid_t pid)
{
    foreground = NULL;
    while (job_state(j) == PROC_RUNNING && !interrupted) {
        int status;
        pid_t got = waitpid(-1, &status, job_control ? WUNTRACED : 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        record_status(got, status);
    }
    if (interrupted)
        return 128 + SIGINT;
    int status = decode_status(j->procs[j->nprocs - 1].status);
    for (int k = 0; k < j->nprocs; k++)
        if (pid && j->procs[k].pid == pid)
            status = decode_status(j->procs[k].status);
    if (job_state(j) == PROC_DONE)
        job_remove(j);
    return status;
}

static struct job *job_with_pid(pid_t pid)
{
    for (int i = 0; i < MAX_JOBS; i++)
        for (int k = 0; table[i] && k < table[i]->nprocs; k++)
            if (table[i]->procs[k].pid == pid)
                return table[i];
    return NULL;
}

/* wait PID: a job's process, or one whose job has already been reported */
static int wait_pid_status(const char *arg)
{
    char *end;
    long pid = strtol(arg, &end, 10);
    if (!*arg || *end || pid <= 0) {
        out_printf(2, "sh: wait: `%s': not a pid or valid job spec\n", arg);
        return 2;
    }
    struct job *j = job_with_pid((pid_t)pid);
    if (j)
        return wait_job_status(j, (pid_t)pid);
    for (int k = 0; k < MAX_REMEMBERED; k++)
        if (remembered[k].pid == pid)
            return decode_status(remembered[k].status);
    out_printf(2, "sh: wait: pid %ld is not a child of this shell\n", pid);
    return 127;
}

int builtin_wait(int argc, char **argv)
{
    if (argc <= 1) {
        for (int i = 0; i < MAX_JOBS; i++)
            if (table[i] && job_state(table[i]) != PROC_STOPPED)
                wait_job_status(table[i], 0);
        return interrupted ? 128 + SIGINT : 0;
    }
    int status = 127;
    for (int a = 1; a < argc; a++) {
        if (argv[a][0] == '%') {
            struct job *j = job_from_spec(argv[a], "wait");
            if (j && job_is_inherited(j)) {
                out_printf(2, "sh: wait: %s: not a child of this shell\n", argv[a]);
                j = NULL;
            }
            status = j ? wait_job_status(j, 0) : 127;
        } else {
            status = wait_pid_status(argv[a]);
        }
    }
    return status;
}

/* kill %job: the job's process group, or each of its processes when the
 * shell has no job control (they then share the shell's group). */
static int kill_job(const char *spec, int sig)
{
    struct job *j = job_from_spec(spec, "kill");
    if (!j)
        return -1;
    int rc = 0;
    if (job_control) {
        rc = kill(-j->pgid, sig);
        if (rc == 0 && (sig == SIGTERM || sig == SIGHUP))
            kill(-j->pgid, SIGCONT);   /* a stopped job must run to die */
    } else {
        for (int k = 0; k < j->nprocs; k++) {
            if (j->procs[k].state == PROC_DONE)
                continue;
            if (kill(j->procs[k].pid, sig) < 0)
                rc = -1;
            else if (sig == SIGTERM || sig == SIGHUP)
                kill(j->procs[k].pid, SIGCONT);
        }
    }
    if (rc < 0) {
        out_printf(2, "sh: kill: (%s) - %s\n", spec, strerror(errno));
        return -1;
    }
    if (sig == SIGCONT || sig == SIGKILL || sig == SIGTERM || sig == SIGHUP)
        j->notified_stop = false;
    return 0;
}

/* exit or end of input in an interactive shell with stopped jobs: warn
 * once; true when the shell should stay. command_number counts the
 * top-level commands, so that only a second consecutive exit leaves. */
bool jobs_block_exit(long command_number)
{
    if (!opt.interactive || is_subshell)
        return false;
    bool any_stopped = false;
    reap(false, NULL);
    for (int i = 0; i < MAX_JOBS; i++)
        if (table[i] && job_state(table[i]) == PROC_STOPPED)
            any_stopped = true;
    if (!any_stopped || exit_warned_at == command_number - 1 || exit_warned_at == command_number)
        return false;
    exit_warned_at = command_number;
    out_printf(2, "There are stopped jobs.\n");
    return true;
}

int builtin_kill(int argc, char **argv)
{
    int sig = SIGTERM;
    int i = 1;
    if (argc < 2) {
        out_printf(2, "usage: kill [-s SIGNAL | -SIGNAL] pid|%%job ... | kill -l [status]\n");
        return 2;
    }
    if (strcmp(argv[1], "-l") == 0 || strcmp(argv[1], "-L") == 0) {
        if (argc > 2) {
            int n = atoi(argv[2]);
            const char *name = signal_name(n > 128 ? n - 128 : n);
            if (!name) {
                out_printf(2, "sh: kill: %s: invalid signal\n", argv[2]);
                return 1;
            }
            out_printf(1, "%s\n", name);
            return 0;
        }
        signals_list();
        return 0;
    }
    if (strcmp(argv[1], "-s") == 0 && argc > 2) {
        sig = signal_from_name(argv[2]);
        i = 3;
    } else if (argv[1][0] == '-' && argv[1][1] && strcmp(argv[1], "--") != 0) {
        sig = signal_from_name(argv[1] + 1);
        i = 2;
    } else if (strcmp(argv[1], "--") == 0) {
        i = 2;
    }
    if (sig < 0) {
        out_printf(2, "sh: kill: %s: invalid signal\n", argv[i - 1]);
        return 1;
    }
    int status = 0;
    for (; i < argc; i++) {
        if (argv[i][0] == '%') {
            if (kill_job(argv[i], sig) < 0)
                status = 1;
            continue;
        }
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (!*argv[i] || *end) {
            out_printf(2, "sh: kill: %s: arguments must be process or job IDs\n", argv[i]);
            status = 1;
            continue;
        }
        if (kill((pid_t)pid, sig) < 0) {
            out_printf(2, "sh: kill: (%s) - %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        struct job *j = job_with_pid((pid_t)pid);
        if (j && (sig == SIGCONT || sig == SIGKILL || sig == SIGTERM || sig == SIGHUP))
            j->notified_stop = false;   /* a stopped job killed or continued runs again */
    }
    return status;
}
