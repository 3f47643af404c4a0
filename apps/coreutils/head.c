/* head: the first lines (-n N, default 10) or bytes (-c N) of files;
 * `head -N` is -n N. A `==> name <==` header precedes each of several
 * files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static unsigned long limit = 10;
static int is_bytes;

static int head_fd(int fd)
{
    char buf[4096];
    unsigned long left = limit;
    while (left > 0) {
        ssize_t got = read(fd, buf, sizeof buf);
        if (got <= 0)
            return (int)got;
        size_t take = 0;
        if (is_bytes) {
            take = (size_t)got < left ? (size_t)got : left;
            left -= take;
        } else {
            while (take < (size_t)got && left > 0)
                if (buf[take++] == '\n')
                    left--;
        }
        if (cu_write_all(STDOUT_FILENO, buf, take) < 0)
            return -2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int opt, status = 0;
    cu_prog = "head";
    /* head -N: the historical form of -n N */
    if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
        if (cu_parse_ulong(argv[1] + 1, &limit) < 0)
            return cu_warnx("invalid number of lines: '%s'", argv[1] + 1);
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    while ((opt = cu_getopt(argc, argv, "n:c:")) != -1) {
        if ((opt == 'n' || opt == 'c') && cu_parse_ulong(cu_optarg, &limit) == 0)
            is_bytes = opt == 'c';
        else if (opt == 'n' || opt == 'c')
            return cu_warnx("invalid number: '%s'", cu_optarg);
        else
            cu_usage("[-n LINES | -c BYTES] [file...]");
    }
    int nfiles = argc - cu_optind;
    for (int i = 0; i < (nfiles ? nfiles : 1); i++) {
        const char *name = nfiles ? argv[cu_optind + i] : "-";
        int fd = cu_open_input(name);
        if (fd < 0) {
            status |= cu_warn(name);
            continue;
        }
        if (nfiles > 1)
            printf("%s==> %s <==\n", i ? "\n" : "", name);
        fflush(stdout);
        int rc = head_fd(fd);
        if (rc == -1)
            status |= cu_warn(name);
        else if (rc == -2)
            status |= cu_warn("write");
        cu_close_input(fd);
    }
    return status;
}
