/* cat: copies files ("-" or none: standard input) to standard output.
 * -n: numbers every output line. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

static unsigned long line_number = 1;
static int at_line_start = 1;

/* Copies fd to stdout with `%6lu\t` before each line. */
static int cat_numbered(int fd)
{
    char in[4096];
    for (;;) {
        ssize_t got = read(fd, in, sizeof in);
        if (got <= 0)
            return (int)got;
        for (ssize_t i = 0; i < got; i++) {
            if (at_line_start) {
                printf("%6lu\t", line_number++);
                at_line_start = 0;
            }
            putchar(in[i]);
            if (in[i] == '\n')
                at_line_start = 1;
        }
    }
}

static int cat_one(const char *name, int is_numbered)
{
    int fd = cu_open_input(name);
    if (fd < 0)
        return cu_warn(name);
    int status = 0, is_read_error = 1;
    if (is_numbered) {
        if (cat_numbered(fd) < 0)
            status = cu_warn(name);
    } else if (cu_copy_fd(fd, STDOUT_FILENO, &is_read_error) < 0) {
        status = cu_warn(is_read_error ? name : "write");
    }
    cu_close_input(fd);
    return status;
}

int main(int argc, char **argv)
{
    int is_numbered = 0, opt, status = 0;
    cu_prog = "cat";
    while ((opt = cu_getopt(argc, argv, "nu")) != -1) {
        if (opt == 'n')
            is_numbered = 1;
        else if (opt != 'u')
            cu_usage("[-n] [file...]");
    }
    if (cu_optind == argc)
        status |= cat_one("-", is_numbered);
    for (int i = cu_optind; i < argc; i++)
        status |= cat_one(argv[i], is_numbered);
    if (fflush(stdout) != 0)
        status = cu_warn("write");
    return status;
}
