/* trap.c: the trap builtin and running trap actions. A trapped signal
 * only sets a flag in its handler; the actions run between commands
 * (traps_run_pending), the EXIT action when the shell exits. Subshells
 * and programs start with the caught signals back at their defaults. */
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include "sh.h"

#define MAX_SIGNAL 65

static char *trap_cmd[MAX_SIGNAL];
static volatile sig_atomic_t trap_pending[MAX_SIGNAL];
static volatile sig_atomic_t any_trap_pending;

static void trap_handler(int sig)
{
    if (sig > 0 && sig < MAX_SIGNAL) {
        trap_pending[sig] = 1;
        any_trap_pending = 1;
    }
}

bool trap_is_ignored(int sig)
{
    return sig > 0 && sig < MAX_SIGNAL && trap_cmd[sig] && !trap_cmd[sig][0];
}

static void set_disposition(int sig, void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void trap_default(int sig)
{
    if (sig == SIGINT && opt.interactive)
        set_disposition(sig, shell_sigint_handler);
    else if (opt.interactive && job_control &&
             (sig == SIGQUIT || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU))
        set_disposition(sig, SIG_IGN);
    else
        set_disposition(sig, SIG_DFL);
}

int builtin_trap(int argc, char **argv)
{
    if (argc == 1) {
        for (int s = 0; s < MAX_SIGNAL; s++) {
            if (!trap_cmd[s])
                continue;
            out_printf(1, "trap -- '%s' %s\n", trap_cmd[s], s == 0 ? "EXIT" : signal_name(s));
        }
        return 0;
    }
    int i = 1;
    if (strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc)
        return 0;
    const char *action = argv[i];
    int first = i + 1;
    /* "trap N ..." with a number first resets those signals */
    if (signal_from_name(action) >= 0 && strspn(action, "0123456789") == strlen(action)) {
        action = "-";
        first = i;
    }
    if (first >= argc) {
        sh_error("trap: usage: trap [action] signal...");
        return 2;
    }
    int status = 0;
    for (int k = first; k < argc; k++) {
        int sig = signal_from_name(argv[k]);
        if (sig < 0 || sig >= MAX_SIGNAL || sig == SIGKILL || sig == SIGSTOP) {
            sh_error("trap: %s: invalid signal specification", argv[k]);
            status = 1;
            continue;
        }
        free(trap_cmd[sig]);
        trap_cmd[sig] = NULL;
        if (strcmp(action, "-") == 0) {
            if (sig)
                trap_default(sig);
            continue;
        }
        trap_cmd[sig] = xstrdup(action);
        if (sig == 0)
            continue;
        if (!*action)
            set_disposition(sig, SIG_IGN);
        else
            set_disposition(sig, trap_handler);
    }
    return status;
}

void traps_run_pending(void)
{
    if (!any_trap_pending)
        return;
    any_trap_pending = 0;
    for (int s = 1; s < MAX_SIGNAL; s++) {
        if (!trap_pending[s])
            continue;
        trap_pending[s] = 0;
        if (!trap_cmd[s] || !*trap_cmd[s])
            continue;
        int saved = last_status;
        char *cmd = xstrdup(trap_cmd[s]);
        eval_string(cmd, NULL);
        free(cmd);
        last_status = saved;
    }
}

void trap_run_exit(void)
{
    char *cmd = trap_cmd[0];
    if (!cmd)
        return;
    trap_cmd[0] = NULL;
    eval_string(cmd, NULL);
    free(cmd);
}

void traps_reset_in_child(void)
{
    for (int s = 0; s < MAX_SIGNAL; s++) {
        if (trap_cmd[s] && trap_cmd[s][0]) {
            trap_cmd[s] = NULL;   /* the parent still owns the string */
            if (s)
                signal(s, SIG_DFL);
        }
    }
}
