/* tail: the last lines (-n N, default 10; -n +N from line N) or bytes
 * (-c N) of a file or standard input; `tail -N` is -n N. -f: keep
 * printing what is appended to the file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

/* Reads fd to its end into a malloc'd buffer. */
static char *read_all(int fd, size_t *len_out)
{
    size_t cap = 8192, len = 0;
    char *buf = cu_xmalloc(cap);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = cu_xrealloc(buf, cap);
        }
        ssize_t got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            free(buf);
            return NULL;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    *len_out = len;
    return buf;
}

/* Where the output starts in buf for the options given. */
static size_t start_offset(const char *buf, size_t len, unsigned long count, int is_bytes,
                           int is_from_start)
{
    if (is_bytes) {
        if (is_from_start)
            return count > 0 && count - 1 < len ? count - 1 : (count == 0 ? 0 : len);
        return count < len ? len - count : 0;
    }
    if (is_from_start) {
        size_t pos = 0;
        for (unsigned long line = 1; line < count && pos < len; pos++)
            if (buf[pos] == '\n')
                line++;
        return pos;
    }
    /* Count newlines back from the end; a last line without '\n' counts. */
    size_t pos = len;
    if (pos > 0 && buf[pos - 1] == '\n')
        pos--;
    unsigned long seen = 0;
    while (pos > 0) {
        if (buf[pos - 1] == '\n' && ++seen == count)
            return pos;
        pos--;
    }
    return count == 0 ? len : 0;
}

static int follow(int fd)
{
    char buf[4096];
    for (;;) {
        ssize_t got = read(fd, buf, sizeof buf);
        if (got < 0 && errno != EINTR)
            return cu_warn("read");
        if (got > 0) {
            if (cu_write_all(STDOUT_FILENO, buf, (size_t)got) < 0)
                return cu_warn("write");
            continue;
        }
        usleep(250000);
    }
}

int main(int argc, char **argv)
{
    unsigned long count = 10;
    int is_bytes = 0, is_from_start = 0, is_follow = 0, opt;
    cu_prog = "tail";
    if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
        if (cu_parse_ulong(argv[1] + 1, &count) < 0)
            return cu_warnx("invalid number of lines: '%s'", argv[1] + 1);
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    while ((opt = cu_getopt(argc, argv, "n:c:f")) != -1) {
        if (opt == 'f') {
            is_follow = 1;
        } else if (opt == 'n' || opt == 'c') {
            const char *number = cu_optarg;
            is_from_start = *number == '+';
            if (*number == '+' || *number == '-')
                number++;
            if (cu_parse_ulong(number, &count) < 0)
                return cu_warnx("invalid number: '%s'", cu_optarg);
            is_bytes = opt == 'c';
        } else {
            cu_usage("[-f] [-n [+]LINES | -c [+]BYTES] [file]");
        }
    }
    if (argc - cu_optind > 1)
        cu_usage("[-f] [-n [+]LINES | -c [+]BYTES] [file]");
    const char *name = cu_optind < argc ? argv[cu_optind] : "-";
    int fd = cu_open_input(name);
    if (fd < 0)
        return cu_warn(name);
    size_t len;
    char *buf = read_all(fd, &len);
    if (!buf)
        return cu_warn(name);
    size_t start = start_offset(buf, len, count, is_bytes, is_from_start);
    if (cu_write_all(STDOUT_FILENO, buf + start, len - start) < 0)
        return cu_warn("write");
    free(buf);
    int status = is_follow ? follow(fd) : 0;
    cu_close_input(fd);
    return status;
}
