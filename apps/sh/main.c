/* main.c: /bin/sh for Tandem: options, the initial variables, login
 * profiles, and the choice of where commands come from (-c, a script file,
 * stdin; interactive with job control and line editing on a terminal). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sh.h"

extern char **environ;

struct shell_options opt;
pid_t shell_pid;
pid_t last_bg_pid;

void shell_sigint_handler(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void init_variables(void)
{
    vars_import(environ);
    if (!var_get("PATH")) {
        var_set("PATH", "/bin:/sbin");
        var_set_flags("PATH", VAR_EXPORT);
    }
    var_set("IFS", " \t\n");
    var_set("PS2", "> ");
    var_set("PS4", "+ ");
    var_set("OPTIND", "1");
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%ld", (long)getppid());
    var_set("PPID", buf);
    if (getcwd(buf, sizeof buf))
        var_set("PWD", buf);
}

static void usage(void)
{
    out_printf(2, "usage: sh [-eilux] [-c command [name [arg ...]] | file [arg ...]]\n");
    exit(2);
}

static void setup_interactive(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = shell_sigint_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    jobs_init_interactive();
    if (!var_get("PS1"))
        var_set("PS1", geteuid() == 0 ? "# " : "$ ");
}

static void run_profiles(void)
{
    run_file("/etc/profile", false);
    const char *home = var_get("HOME");
    if (home && *home) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/.profile", home);
        run_file(path, false);
    }
}

int main(int argc, char **argv)
{
    shell_pid = getpid();
    init_variables();
    bool command_mode = false, force_interactive = false, read_stdin = false;
    int i = 1;
    /* our own letters first, then what set understands */
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if ((a[0] != '-' && a[0] != '+') || !a[1])
            break;
        if (a[0] == '-' && strcmp(a, "-o") != 0) {
            char rest[64];
            size_t k = 0;
            rest[k++] = '-';
            for (const char *c = a + 1; *c; c++) {
                if (*c == 'c')
                    command_mode = true;
                else if (*c == 'i')
                    force_interactive = true;
                else if (*c == 'l')
                    opt.login = true;
                else if (*c == 's')
                    read_stdin = true;
                else if (k < sizeof rest - 1)
                    rest[k++] = *c;
            }
            rest[k] = '\0';
            if (k > 1) {
                char *set_argv[] = { "set", rest, NULL };
                int dd;
                if (shell_set_options(2, set_argv, &dd) < 0)
                    usage();
            }
            continue;
        }
        char *set_argv[] = { "set", argv[i], i + 1 < argc ? argv[i + 1] : NULL, NULL };
        int dd;
        int used = shell_set_options(i + 1 < argc ? 3 : 2, set_argv, &dd);
        if (used < 0)
            usage();
        i += used - 2;
    }
    if (argv[0] && argv[0][0] == '-')
        opt.login = true;
    const char *command = NULL, *script = NULL;
    arg0 = xstrdup(argv[0] ? argv[0] : "sh");
    if (command_mode) {
        if (i >= argc) {
            out_printf(2, "sh: -c: option requires an argument\n");
            exit(2);
        }
        command = argv[i++];
        if (i < argc) {
            free(arg0);
            arg0 = xstrdup(argv[i++]);
        }
    } else if (!read_stdin && i < argc) {
        script = argv[i++];
        free(arg0);
        arg0 = xstrdup(script);
    }
    params_set(&posparams, argc - i, argv + i);
    opt.interactive = force_interactive ||
                      (!command && !script && isatty(0) && isatty(2));
    if (opt.interactive)
        setup_interactive();
    if (opt.login)
        run_profiles();
    int status;
    if (command) {
        status = eval_string(command, NULL);
    } else if (script) {
        status = run_file(script, true);
    } else {
        struct source src = { .fd = 0, .edit = opt.interactive && tty_fd >= 0 };
        status = run_source(&src);
    }
    shell_exit(status);
}
