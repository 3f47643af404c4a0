/* signals.c: the signals the shell knows by name, for kill, trap and the
 * messages that report how a job ended ("Killed", "Terminated"). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sh.h"

static const struct { int sig; const char *name; const char *text; } signals[] = {
    { SIGHUP, "HUP", "Hangup" }, { SIGINT, "INT", "Interrupt" }, { SIGQUIT, "QUIT", "Quit" },
    { SIGILL, "ILL", "Illegal instruction" }, { SIGTRAP, "TRAP", "Trace/breakpoint trap" },
    { SIGABRT, "ABRT", "Aborted" }, { SIGBUS, "BUS", "Bus error" },
    { SIGFPE, "FPE", "Floating point exception" }, { SIGKILL, "KILL", "Killed" },
    { SIGUSR1, "USR1", "User defined signal 1" }, { SIGSEGV, "SEGV", "Segmentation fault" },
    { SIGUSR2, "USR2", "User defined signal 2" }, { SIGPIPE, "PIPE", "Broken pipe" },
    { SIGALRM, "ALRM", "Alarm clock" }, { SIGTERM, "TERM", "Terminated" },
    { SIGCHLD, "CHLD", "Child exited" }, { SIGCONT, "CONT", "Continued" },
    { SIGSTOP, "STOP", "Stopped (signal)" }, { SIGTSTP, "TSTP", "Stopped" },
    { SIGTTIN, "TTIN", "Stopped (tty input)" }, { SIGTTOU, "TTOU", "Stopped (tty output)" },
    { SIGURG, "URG", "Urgent I/O condition" }, { SIGXCPU, "XCPU", "CPU time limit exceeded" },
    { SIGXFSZ, "XFSZ", "File size limit exceeded" }, { SIGVTALRM, "VTALRM", "Virtual timer expired" },
    { SIGPROF, "PROF", "Profiling timer expired" }, { SIGWINCH, "WINCH", "Window changed" },
    { SIGSYS, "SYS", "Bad system call" },
};
#define NSIGNALS (int)(sizeof signals / sizeof signals[0])

int signal_from_name(const char *name)
{
    char *end;
    long n = strtol(name, &end, 10);
    if (*name && !*end)
        return n >= 0 && n < 65 ? (int)n : -1;
    if (strncmp(name, "SIG", 3) == 0)
        name += 3;
    for (int i = 0; i < NSIGNALS; i++)
        if (strcasecmp(signals[i].name, name) == 0)
            return signals[i].sig;
    if (strcasecmp(name, "EXIT") == 0)
        return 0;
    return -1;
}

const char *signal_name(int sig)
{
    for (int i = 0; i < NSIGNALS; i++)
        if (signals[i].sig == sig)
            return signals[i].name;
    return NULL;
}

const char *signal_text(int sig)
{
    for (int i = 0; i < NSIGNALS; i++)
        if (signals[i].sig == sig)
            return signals[i].text;
    return "Unknown signal";
}

void signals_list(void)
{
    for (int i = 0; i < NSIGNALS; i++)
        out_printf(1, "%2d) SIG%s\n", signals[i].sig, signals[i].name);
}
