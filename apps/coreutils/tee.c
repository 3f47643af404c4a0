/* tee: copies standard input to standard output and to each file.
 * -a: append to the files instead of truncating them. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

int main(int argc, char **argv)
{
    int flags = O_WRONLY | O_CREAT | O_TRUNC, opt, status = 0;
    cu_prog = "tee";
    while ((opt = cu_getopt(argc, argv, "ai")) != -1) {
        if (opt == 'a')
            flags = O_WRONLY | O_CREAT | O_APPEND;
        else if (opt == 'i')
            signal(SIGINT, SIG_IGN);
        else
            cu_usage("[-a] [file...]");
    }
    int nfiles = argc - cu_optind;
    int *fds = cu_xmalloc(sizeof(int) * (size_t)(nfiles + 1));
    fds[0] = STDOUT_FILENO;
    for (int i = 0; i < nfiles; i++) {
        fds[i + 1] = open(argv[cu_optind + i], flags, 0666);
        if (fds[i + 1] < 0)
            status = cu_warn(argv[cu_optind + i]);
    }
    char buf[8192];
    for (;;) {
        ssize_t got = read(STDIN_FILENO, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            status = cu_warn("standard input");
            break;
        }
        if (got == 0)
            break;
        for (int i = 0; i <= nfiles; i++) {
            if (fds[i] < 0 || cu_write_all(fds[i], buf, (size_t)got) == 0)
                continue;
            status = cu_warn(i == 0 ? "standard output" : argv[cu_optind + i - 1]);
            if (i > 0)
                close(fds[i]);
            fds[i] = -1;
        }
    }
    for (int i = 1; i <= nfiles; i++)
        if (fds[i] >= 0 && close(fds[i]) < 0)
            status = cu_warn(argv[cu_optind + i - 1]);
    free(fds);
    return status;
}
