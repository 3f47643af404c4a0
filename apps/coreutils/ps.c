/* ps: lists processes from /proc (PID TTY STAT TIME CMD). By default the
 * ones on the caller's terminal; -e, -A or BSD-style `ax`: all of them. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define CLOCK_TICKS_PER_SECOND 100

struct proc_info {
    int pid;
    char comm[64];
    char state;
    unsigned long tty_nr;
    unsigned long cpu_ticks;
};

/* Parses /proc/<pid>/stat: `pid (comm) state ppid pgrp session tty_nr
 * tpgid flags minflt cminflt majflt cmajflt utime stime ...`. */
static int read_stat(const char *pid_name, struct proc_info *p)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/stat", pid_name);
    char *text = cu_read_file(path, NULL);
    if (!text)
        return -1;
    char *open = strchr(text, '('), *close = strrchr(text, ')');
    int rc = -1;
    if (open && close && close > open) {
        size_t len = (size_t)(close - open - 1);
        if (len >= sizeof p->comm)
            len = sizeof p->comm - 1;
        memcpy(p->comm, open + 1, len);
        p->comm[len] = '\0';
        p->pid = atoi(text);
        int ppid, pgrp, session, tpgid;
        unsigned long flags, minflt, cminflt, majflt, cmajflt, utime, stime;
        if (sscanf(close + 1, " %c %d %d %d %lu %d %lu %lu %lu %lu %lu %lu %lu", &p->state, &ppid,
                   &pgrp, &session, &p->tty_nr, &tpgid, &flags, &minflt, &cminflt, &majflt,
                   &cmajflt, &utime, &stime) == 13) {
            p->cpu_ticks = utime + stime;
            rc = 0;
        }
    }
    free(text);
    return rc;
}

/* The terminal's name from Linux's tty_nr encoding (contract.md). */
static void tty_name(unsigned long tty_nr, char *out, size_t size)
{
    unsigned major = (unsigned)((tty_nr >> 8) & 0xfff);
    unsigned minor = (unsigned)((tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00));
    if (tty_nr == 0)
        snprintf(out, size, "?");
    else if (major == 4 && minor >= 64)
        snprintf(out, size, "ttyS%u", minor - 64);
    else if (major == 4)
        snprintf(out, size, "tty%u", minor);
    else if (major == 5 && minor == 1)
        snprintf(out, size, "console");
    else if (major == 5 && minor == 0)
        snprintf(out, size, "tty");
    else if (major >= 136 && major < 144)
        snprintf(out, size, "pts/%u", (major - 136) * 256 + minor);
    else
        snprintf(out, size, "%u:%u", major, minor);
}

/* The command line with spaces between the arguments, or [comm]. */
static void command_line(const char *pid_name, const char *comm, char *out, size_t size)
{
    char path[64];
    size_t len = 0;
    snprintf(path, sizeof path, "/proc/%s/cmdline", pid_name);
    char *text = cu_read_file(path, &len);
    if (!text || len == 0) {
        snprintf(out, size, "[%s]", comm);
        free(text);
        return;
    }
    while (len > 0 && text[len - 1] == '\0')
        len--;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\0')
            text[i] = ' ';
    snprintf(out, size, "%.*s", (int)len, text);
    free(text);
}

static int is_all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

static int compare_pids(const void *a, const void *b)
{
    return ((const struct proc_info *)a)->pid - ((const struct proc_info *)b)->pid;
}

/* -e, -A, -ef, or BSD letters containing a or x (ax, aux): all processes. */
static int wants_all(int argc, char **argv)
{
    int all = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] == '-') {
            if (strchr(arg, 'e') || strchr(arg, 'A'))
                all = 1;
            else if (strcmp(arg, "-f") != 0 && strcmp(arg, "-l") != 0)
                cu_usage("[-e | -A | ax]");
        } else if (strspn(arg, "auxwf") == strlen(arg)) {
            if (strchr(arg, 'a') || strchr(arg, 'x'))
                all = 1;
        } else {
            cu_usage("[-e | -A | ax]");
        }
    }
    return all;
}

int main(int argc, char **argv)
{
    cu_prog = "ps";
    int show_all = wants_all(argc, argv);
    struct proc_info self;
    char self_pid[32];
    snprintf(self_pid, sizeof self_pid, "%d", (int)getpid());
    if (read_stat(self_pid, &self) < 0)
        return cu_warn("/proc/self/stat");
    DIR *dir = opendir("/proc");
    if (!dir)
        return cu_warn("/proc");
    struct proc_info *procs = NULL;
    size_t count = 0;
    struct dirent *d;
    while ((d = readdir(dir)) != NULL) {
        if (!is_all_digits(d->d_name))
            continue;
        struct proc_info p;
        /* A process may end between readdir and the read: skip it. */
        if (read_stat(d->d_name, &p) < 0)
            continue;
        if (!show_all && p.tty_nr != self.tty_nr)
            continue;
        procs = cu_xrealloc(procs, (count + 1) * sizeof *procs);
        procs[count++] = p;
    }
    closedir(dir);
    qsort(procs, count, sizeof *procs, compare_pids);
    printf("%5s %-8s %-4s %6s %s\n", "PID", "TTY", "STAT", "TIME", "CMD");
    for (size_t i = 0; i < count; i++) {
        char tty[32], cmd[512], pid_name[32];
        tty_name(procs[i].tty_nr, tty, sizeof tty);
        snprintf(pid_name, sizeof pid_name, "%d", procs[i].pid);
        command_line(pid_name, procs[i].comm, cmd, sizeof cmd);
        unsigned long seconds = procs[i].cpu_ticks / CLOCK_TICKS_PER_SECOND;
        printf("%5d %-8s %-4c %3lu:%02lu %s\n", procs[i].pid, tty, procs[i].state, seconds / 60,
               seconds % 60, cmd);
    }
    free(procs);
    return fflush(stdout) == 0 ? 0 : cu_warn("write");
}
