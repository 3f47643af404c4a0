/* env: prints the environment, or runs a command in a changed one:
 * `env [-i] [-u NAME] [NAME=value...] [command [args...]]`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

extern char **environ;

int main(int argc, char **argv)
{
    int opt;
    cu_prog = "env";
    /* '+': stop at the first operand, the command's options are its own. */
    while ((opt = cu_getopt(argc, argv, "+iu:")) != -1) {
        if (opt == 'i') {
            static char *empty[] = {NULL};
            environ = empty;
        } else if (opt == 'u') {
            unsetenv(cu_optarg);
        } else {
            cu_usage("[-i] [-u NAME] [NAME=value...] [command [args...]]");
        }
    }
    int i = cu_optind;
    if (i < argc && strcmp(argv[i], "-") == 0) {
        static char *empty[] = {NULL};
        environ = empty;
        i++;
    }
    for (; i < argc && strchr(argv[i], '='); i++) {
        char *eq = strchr(argv[i], '=');
        *eq = '\0';
        if (setenv(argv[i], eq + 1, 1) < 0)
            return cu_warn("setenv");
        *eq = '=';
    }
    if (i == argc) {
        for (char **e = environ; e && *e; e++)
            puts(*e);
        return fflush(stdout) == 0 ? 0 : cu_warn("write");
    }
    execvp(argv[i], argv + i);
    int err = errno;
    cu_warn(argv[i]);
    return err == ENOENT ? 127 : 126;
}
