/* ttyecho: a line echoer for the console tests (the init of the ttyecho
 * image). Takes the console as its controlling terminal, prints "ready",
 * then for every line read in canonical mode prints "got: <line>"; a
 * SIGINT (^C through ISIG) prints "SIGINT". Commands: "quit" exits 0,
 * "poweroff" and "reboot" call reboot(2), "job" runs a foreground job
 * that reads the console, reports its stop by ^Z (wait4 WUNTRACED),
 * continues it (WCONTINUED) and reports its exit and the SIGCHLDs. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define LINE_MAX_BYTES 4096

static volatile sig_atomic_t sigchld_count;

static void on_sigchld(int sig)
{
    (void)sig;
    sigchld_count++;
}

static void on_sigint(int sig)
{
    (void)sig;
    static const char msg[] = "SIGINT\n";
    (void)!write(STDOUT_FILENO, msg, sizeof(msg) - 1);
}

/* The console (fd 0) becomes the controlling terminal: init's console is
 * opened with O_NOCTTY, so a session leader takes it with TIOCSCTTY. */
static int take_terminal(void)
{
    if (tcgetpgrp(STDIN_FILENO) > 0)
        return 0;
    if (ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0) {
        fprintf(stderr, "ttyecho: TIOCSCTTY: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* Prints the console's device number and checks that /dev/tty reaches it. */
static int report_terminal(void)
{
    struct stat st;
    if (fstat(STDIN_FILENO, &st) < 0) {
        fprintf(stderr, "ttyecho: fstat: %s\n", strerror(errno));
        return -1;
    }
    unsigned rdev = (unsigned short)st.st_rdev;
    printf("stdin: %u:%u\n", rdev >> 8, rdev & 0xff);
    int fd = open("/dev/tty", O_RDWR);
    if (fd < 0) {
        fprintf(stderr, "ttyecho: /dev/tty: %s\n", strerror(errno));
        return -1;
    }
    static const char msg[] = "/dev/tty: ok\n";
    fflush(stdout);
    if (write(fd, msg, sizeof(msg) - 1) != (ssize_t)(sizeof(msg) - 1)) {
        fprintf(stderr, "ttyecho: write /dev/tty: %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

/* waitpid that retries when SIGCHLD interrupts it. */
static int wait_job(pid_t pid, int options)
{
    int status, rc;
    while ((rc = waitpid(pid, &status, options)) < 0 && errno == EINTR)
        ;
    if (rc != pid) {
        fprintf(stderr, "ttyecho: waitpid: %s\n", rc < 0 ? strerror(errno) : "no change");
        return -1;
    }
    return status;
}

/* The job reads one line in the foreground; ^Z stops it. */
static int job_child(void)
{
    char buf[256];
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, sizeof(buf))) < 0 && errno == EINTR)
        ;
    _exit(n > 0 && strncmp(buf, "done", 4) == 0 ? 0 : 3);
}

static int run_job(void)
{
    sigchld_count = 0;
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "ttyecho: fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0) {
        /* Both sides set the group and the foreground (as shells do), so
         * the child never reads while still in the background. SIGTTOU
         * is ignored (inherited). */
        setpgid(0, 0);
        tcsetpgrp(STDIN_FILENO, getpid());
        job_child();
    }
    setpgid(pid, pid);
    if (tcsetpgrp(STDIN_FILENO, pid) < 0) {
        fprintf(stderr, "ttyecho: tcsetpgrp: %s\n", strerror(errno));
        return 1;
    }
    printf("job: started\n");
    fflush(stdout);
    int status = wait_job(pid, WUNTRACED);
    if (status < 0 || !WIFSTOPPED(status)) {
        printf("job: not stopped (status %#x)\n", (unsigned)status);
        return 1;
    }
    printf("job: stopped by %s\n", WSTOPSIG(status) == SIGTSTP ? "SIGTSTP" : "another signal");
    fflush(stdout);
    kill(-pid, SIGCONT);                /* still the foreground group */
    status = wait_job(pid, WCONTINUED);
    if (status < 0 || !WIFCONTINUED(status)) {
        printf("job: not continued (status %#x)\n", (unsigned)status);
        return 1;
    }
    printf("job: continued\n");
    fflush(stdout);
    status = wait_job(pid, 0);
    tcsetpgrp(STDIN_FILENO, getpgrp()); /* SIGTTOU is ignored */
    if (status < 0 || !WIFEXITED(status)) {
        printf("job: did not exit (status %#x)\n", (unsigned)status);
        return 1;
    }
    printf("job: exited %d\n", WEXITSTATUS(status));
    printf("job: sigchld %s\n", sigchld_count >= 3 ? "ok" : "missing");
    fflush(stdout);
    return 0;
}

static int run_command(const char *line)
{
    if (strcmp(line, "job") == 0)
        return run_job();
    if (strcmp(line, "poweroff") == 0 || strcmp(line, "reboot") == 0) {
        fflush(stdout);
        reboot(strcmp(line, "reboot") == 0 ? RB_AUTOBOOT : RB_POWER_OFF);
        fprintf(stderr, "ttyecho: reboot: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;          /* no SA_RESTART: read sees EINTR */
    if (sigaction(SIGINT, &sa, NULL) < 0) {
        fprintf(stderr, "ttyecho: sigaction: %s\n", strerror(errno));
        return 1;
    }
    sa.sa_handler = on_sigchld;
    if (sigaction(SIGCHLD, &sa, NULL) < 0) {
        fprintf(stderr, "ttyecho: sigaction: %s\n", strerror(errno));
        return 1;
    }
    signal(SIGTTOU, SIG_IGN);           /* taking the terminal back from a job */
    if (take_terminal() < 0 || report_terminal() < 0)
        return 1;
    printf("ready\n");
    fflush(stdout);
    static char line[LINE_MAX_BYTES + 1];
    for (;;) {
        ssize_t n = read(STDIN_FILENO, line, LINE_MAX_BYTES);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "ttyecho: read: %s\n", strerror(errno));
            return 1;
        }
        if (n == 0) {
            printf("eof\n");
            return 0;
        }
        line[n] = '\0';
        if (line[n - 1] == '\n')
            line[n - 1] = '\0';
        if (strcmp(line, "quit") == 0) {
            printf("bye\n");
            return 0;
        }
        printf("got: %s\n", line);
        fflush(stdout);
        if (run_command(line))
            return 1;
    }
}
