/* The tests image's init (pid 1): runs every program in /bin/tests, each
 * in its own child with a time limit, prints TAP, reaps every orphan that
 * is re-parented to it, and exits 0 only when all passed (the image powers
 * off with init's status). Usage: runner [dir] [timeout_seconds] [prefix]:
 * with a prefix, only the programs whose names start with it run (the
 * race-* programs at 2 CPUs, tests/meson.build); several prefixes are
 * separated by commas; "!prefixes" runs all but those (the race-*
 * programs are left out at 1 CPU, where they race nothing). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TESTS 128
#define DEFAULT_TIMEOUT_S 120

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
    (void)sig;
    timed_out = 1;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *describe(int status, char *buf, size_t size)
{
    if (WIFEXITED(status))
        snprintf(buf, size, "exited %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(buf, size, "status 0x%x", status);
    return buf;
}

/* Runs one program; returns its wait status, or -1 when it timed out (it
 * and its process group are killed). Orphans reaped meanwhile are
 * dropped. */
static int run_one(const char *path, unsigned timeout_s)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -2;
    if (pid == 0) {
        setpgid(0, 0);
        char *argv[] = { (char *)path, NULL };
        char *envp[] = { "PATH=/bin", "HOME=/", NULL };
        execve(path, argv, envp);
        printf("    # execve %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    timed_out = 0;
    alarm(timeout_s);
    for (;;) {
        int status;
        pid_t got = waitpid(-1, &status, 0);
        if (got == pid) {
            alarm(0);
            kill(-pid, SIGKILL);        /* stray members of its group */
            return status;
        }
        if (got < 0 && errno == EINTR && timed_out) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        if (got < 0 && errno != EINTR)
            return -2;
    }
}

/* Does name start with one of the comma-separated prefixes? ("": yes) */
static bool has_prefix(const char *name, const char *prefixes)
{
    for (;;) {
        size_t len = strcspn(prefixes, ",");
        if (strncmp(name, prefixes, len) == 0)
            return true;
        if (prefixes[len] == '\0')
            return false;
        prefixes += len + 1;
    }
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/bin/tests";
    unsigned timeout_s = argc > 2 ? (unsigned)atoi(argv[2]) : DEFAULT_TIMEOUT_S;
    const char *prefix = argc > 3 ? argv[3] : "";
    bool is_excluded = prefix[0] == '!';      /* run all but these */
    if (is_excluded)
        prefix++;
    char *names[MAX_TESTS];
    int count = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;       /* no SA_RESTART: interrupt waitpid */
    sigaction(SIGALRM, &sa, NULL);

    DIR *d = opendir(dir);
    if (!d) {
        printf("1..0 # opendir %s: %s\n", dir, strerror(errno));
        return 1;
    }
    struct dirent *e;
    while ((e = readdir(d)) && count < MAX_TESTS) {
        if (e->d_name[0] == '.' || has_prefix(e->d_name, prefix) == is_excluded)
            continue;
        names[count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)count, sizeof(names[0]), compare_names);

    printf("1..%d\n", count);
    int failed = 0;
    for (int i = 0; i < count; i++) {
        char path[512], why[64];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int status = run_one(path, timeout_s);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long ms = (long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            printf("ok %d - %s # %ld ms\n", i + 1, names[i], ms);
        } else {
            failed++;
            if (status == -1)
                printf("not ok %d - %s # timed out after %u s\n", i + 1, names[i], timeout_s);
            else if (status == -2)
                printf("not ok %d - %s # could not run: %s\n", i + 1, names[i], strerror(errno));
            else
                printf("not ok %d - %s # %s\n", i + 1, names[i], describe(status, why, sizeof(why)));
        }
    }
    /* orphans left behind */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    printf("# tests: %d passed, %d failed\n", count - failed, failed);
    fflush(stdout);
    return failed ? 1 : 0;
}
