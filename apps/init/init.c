/* init (/sbin/init): mounts /proc and a ramfs on /tmp, reads
 * /etc/init.conf (then `key=value` arguments from the kernel command line
 * after `--`), starts the shell on the console as a session leader, reaps
 * every child (orphans too) and, when the shell exits, respawns it or
 * syncs and powers off, as configured. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define CONF_PATH "/etc/init.conf"
#define CONSOLE_PATH "/dev/console"
#define MAX_SHELL_ARGS 16
/* A shell that dies this soon after starting is restarted only after a
 * pause, so a broken shell does not spin the machine. */
#define QUICK_EXIT_SECONDS 2

struct init_config {
    char shell[256];
    char args[256];
    int is_poweroff_on_exit;
};

/* The signals a terminal or a stray kill could send: init ignores them;
 * the shell gets them back at their defaults. */
static const int job_signals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU};
#define JOB_SIGNAL_COUNT (sizeof job_signals / sizeof job_signals[0])

static void say(const char *fmt, const char *arg, int err)
{
    fputs("init: ", stderr);
    fprintf(stderr, fmt, arg);
    if (err)
        fprintf(stderr, ": %s", strerror(err));
    fputc('\n', stderr);
}

/* Applies one `key=value`; unknown keys and values are reported. */
static void apply_setting(struct init_config *c, const char *line, const char *origin)
{
    const char *eq = strchr(line, '=');
    if (!eq) {
        say("ignoring '%s' (not key=value)", line, 0);
        return;
    }
    size_t key_len = (size_t)(eq - line);
    const char *value = eq + 1;
    if (key_len == 5 && strncmp(line, "shell", 5) == 0) {
        snprintf(c->shell, sizeof c->shell, "%s", value);
    } else if (key_len == 4 && strncmp(line, "args", 4) == 0) {
        snprintf(c->args, sizeof c->args, "%s", value);
    } else if (key_len == 7 && strncmp(line, "on_exit", 7) == 0) {
        if (strcmp(value, "poweroff") == 0)
            c->is_poweroff_on_exit = 1;
        else if (strcmp(value, "respawn") == 0)
            c->is_poweroff_on_exit = 0;
        else
            say("on_exit must be respawn or poweroff, not '%s'", value, 0);
    } else {
        (void)origin;
        say("ignoring unknown setting '%s'", line, 0);
    }
}

static void read_config(struct init_config *c)
{
    FILE *f = fopen(CONF_PATH, "r");
    if (!f) {
        if (errno != ENOENT)
            say("%s", CONF_PATH, errno);
        return;
    }
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *start = line;
        while (*start == ' ' || *start == '\t')
            start++;
        if (*start == '\0' || *start == '#')
            continue;
        apply_setting(c, start, CONF_PATH);
    }
    fclose(f);
}

static void mount_one(const char *source, const char *target, const char *fstype)
{
    if (mkdir(target, 0755) < 0 && errno != EEXIST)
        say("mkdir %s", target, errno);
    if (mount(source, target, fstype, 0, NULL) < 0)
        say("mount %s", target, errno);
}

/* The child: a new session on the console, which becomes its controlling
 * terminal, as fds 0-2; then the shell. Never returns. */
static void run_shell(const struct init_config *c)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (size_t i = 0; i < JOB_SIGNAL_COUNT; i++)
        sigaction(job_signals[i], &dfl, NULL);
    sigaction(SIGCHLD, &dfl, NULL);
    if (setsid() < 0)
        say("setsid", "", errno);
    int fd = open(CONSOLE_PATH, O_RDWR);
    if (fd < 0) {
        say("%s", CONSOLE_PATH, errno);
        _exit(127);
    }
    /* Opening it made it our controlling terminal; if the kernel did not,
     * ask (1: take it from another session, as root may). */
    if (tcgetsid(fd) != getpid() && ioctl(fd, TIOCSCTTY, 1) < 0)
        say("TIOCSCTTY on %s", CONSOLE_PATH, errno);
    for (int target = 0; target < 3; target++)
        if (fd != target && dup2(fd, target) < 0)
            say("dup2", "", errno);
    if (fd > 2)
        close(fd);
    setenv("PATH", "/bin:/sbin", 1);
    struct stat st;
    setenv("HOME", stat("/root", &st) == 0 && S_ISDIR(st.st_mode) ? "/root" : "/", 1);
    setenv("TERM", "vt100", 1);
    if (chdir(getenv("HOME")) < 0)
        say("chdir %s", getenv("HOME"), errno);

    char args[sizeof c->args];
    char *argv[MAX_SHELL_ARGS + 2];
    int argc = 0;
    snprintf(args, sizeof args, "%s", c->args);
    argv[argc++] = (char *)c->shell;
    for (char *word = strtok(args, " \t"); word && argc <= MAX_SHELL_ARGS; word = strtok(NULL, " \t"))
        argv[argc++] = word;
    argv[argc] = NULL;
    execv(c->shell, argv);
    say("cannot run %s", c->shell, errno);
    _exit(127);
}

static pid_t start_shell(const struct init_config *c)
{
    pid_t pid = fork();
    if (pid == 0)
        run_shell(c);
    if (pid < 0)
        say("fork", "", errno);
    return pid;
}

static int exit_status_of(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return 255;
}

static void power_off(int status)
{
    printf("init: shell exited with status %d, powering off\n", status);
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    say("reboot", "", errno);
}

int main(int argc, char **argv)
{
    struct init_config config = {"/bin/sh", "", 0};
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    for (size_t i = 0; i < JOB_SIGNAL_COUNT; i++)
        sigaction(job_signals[i], &ignore, NULL);

    mount_one("proc", "/proc", "proc");
    mount_one("ramfs", "/tmp", "ramfs");
    read_config(&config);
    for (int i = 1; i < argc; i++)
        apply_setting(&config, argv[i], "command line");

    for (;;) {
        time_t started = time(NULL);
        pid_t shell = start_shell(&config);
        int wstatus = 0;
        while (shell > 0) {
            pid_t pid = waitpid(-1, &wstatus, 0);
            if (pid == shell)
                break;
            if (pid < 0 && errno != EINTR) {
                say("waitpid", "", errno);
                break;
            }
            /* another child (an orphan we inherited): reaped, go on */
        }
        int status = shell > 0 ? exit_status_of(wstatus) : 127;
        if (config.is_poweroff_on_exit) {
            power_off(status);
            return status;
        }
        printf("init: shell exited with status %d, respawning\n", status);
        fflush(stdout);
        if (time(NULL) - started < QUICK_EXIT_SECONDS)
            sleep(QUICK_EXIT_SECONDS);
    }
}
