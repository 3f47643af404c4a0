/* kill: sends a signal (default TERM) to processes, or with a negative
 * number to a process group. `kill [-s SIG | -SIG] pid|-pgid...`;
 * `kill -l [number]` lists signal names. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"

static const struct {
    const char *name;
    int number;
} signals[] = {
    {"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"ILL", SIGILL},
    {"TRAP", SIGTRAP}, {"ABRT", SIGABRT}, {"BUS", SIGBUS}, {"FPE", SIGFPE},
    {"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM}, {"CHLD", SIGCHLD},
    {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU}, {"URG", SIGURG}, {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
    {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"SYS", SIGSYS},
#ifdef SIGIO
    {"IO", SIGIO},
#endif
};
#define SIGNAL_COUNT (sizeof signals / sizeof signals[0])

/* A name (TERM, SIGTERM, any case) or a number; -1 if neither. */
static int parse_signal(const char *s)
{
    unsigned long number;
    if (cu_parse_ulong(s, &number) == 0)
        return number < 65 ? (int)number : -1;
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (size_t i = 0; i < SIGNAL_COUNT; i++)
        if (strcasecmp(s, signals[i].name) == 0)
            return signals[i].number;
    return -1;
}

static const char *signal_name(int number)
{
    for (size_t i = 0; i < SIGNAL_COUNT; i++)
        if (signals[i].number == number)
            return signals[i].name;
    return NULL;
}

static int list(const char *arg)
{
    if (arg) {
        unsigned long number;
        /* An exit status of a signalled process names its signal too. */
        if (cu_parse_ulong(arg, &number) < 0)
            return cu_warnx("invalid signal number '%s'", arg);
        const char *name = signal_name((int)(number > 128 ? number - 128 : number));
        if (!name)
            return cu_warnx("unknown signal %s", arg);
        puts(name);
        return 0;
    }
    for (int n = 1; n < 65; n++) {
        const char *name = signal_name(n);
        if (name)
            printf("%2d) SIG%s\n", n, name);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int sig = SIGTERM, i = 1, status = 0;
    cu_prog = "kill";
    if (i < argc && strcmp(argv[i], "-l") == 0)
        return list(i + 1 < argc ? argv[i + 1] : NULL);
    if (i < argc && strcmp(argv[i], "-s") == 0) {
        if (i + 1 >= argc || (sig = parse_signal(argv[i + 1])) < 0)
            return cu_warnx("invalid signal '%s'", i + 1 < argc ? argv[i + 1] : "");
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0 && argv[i][1] != '\0') {
        if ((sig = parse_signal(argv[i] + 1)) < 0)
            return cu_warnx("invalid signal '%s'", argv[i] + 1);
        i++;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i == argc)
        cu_usage("[-s SIG | -SIG] pid|-pgid... | -l [number]");
    for (; i < argc; i++) {
        char *end;
        errno = 0;
        long pid = strtol(argv[i], &end, 10);
        if (*argv[i] == '\0' || *end != '\0' || errno) {
            status = cu_warnx("invalid process id '%s'", argv[i]);
            continue;
        }
        if (kill((pid_t)pid, sig) < 0)
            status = cu_warn(argv[i]);
    }
    return status;
}
