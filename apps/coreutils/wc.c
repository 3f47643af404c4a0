/* wc: counts lines, words and bytes of files ("-" or none: standard
 * input). -l, -w, -c pick the counts (all three by default); a total line
 * follows when there are several files. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

struct counts {
    unsigned long long lines, words, bytes;
};

static int count_fd(int fd, struct counts *c)
{
    char buf[8192];
    int is_in_word = 0;
    for (;;) {
        ssize_t got = read(fd, buf, sizeof buf);
        if (got == 0)
            return 0;
        if (got < 0)
            return -1;
        c->bytes += (unsigned long long)got;
        for (ssize_t i = 0; i < got; i++) {
            unsigned char ch = (unsigned char)buf[i];
            if (ch == '\n')
                c->lines++;
            if (isspace(ch)) {
                is_in_word = 0;
            } else if (!is_in_word) {
                is_in_word = 1;
                c->words++;
            }
        }
    }
}

static int show_lines, show_words, show_bytes;

static int digits(unsigned long long v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

static void print_counts(const struct counts *c, const char *name, int width)
{
    const char *sep = "";
    if (show_lines) {
        printf("%*llu", width, c->lines);
        sep = " ";
    }
    if (show_words) {
        printf("%s%*llu", sep, width, c->words);
        sep = " ";
    }
    if (show_bytes)
        printf("%s%*llu", sep, width, c->bytes);
    if (name)
        printf(" %s", name);
    putchar('\n');
}

int main(int argc, char **argv)
{
    int opt, status = 0;
    cu_prog = "wc";
    while ((opt = cu_getopt(argc, argv, "lwcm")) != -1) {
        if (opt == 'l')
            show_lines = 1;
        else if (opt == 'w')
            show_words = 1;
        else if (opt == 'c' || opt == 'm')
            show_bytes = 1;
        else
            cu_usage("[-lwc] [file...]");
    }
    if (!show_lines && !show_words && !show_bytes)
        show_lines = show_words = show_bytes = 1;
    int nfiles = argc - cu_optind;
    int ninputs = nfiles ? nfiles : 1;
    struct counts *all = calloc((size_t)ninputs, sizeof *all);
    int *is_ok = calloc((size_t)ninputs, sizeof *is_ok);
    struct counts total = {0, 0, 0};
    if (!all || !is_ok)
        cu_die("calloc");
    for (int i = 0; i < ninputs; i++) {
        const char *name = nfiles ? argv[cu_optind + i] : "-";
        int fd = cu_open_input(name);
        if (fd < 0) {
            status |= cu_warn(name);
            continue;
        }
        if (count_fd(fd, &all[i]) < 0)
            status |= cu_warn(name);
        else
            is_ok[i] = 1;
        cu_close_input(fd);
        total.lines += all[i].lines;
        total.words += all[i].words;
        total.bytes += all[i].bytes;
    }
    /* One count of one unnamed input prints bare; else columns as wide as
     * the largest count. */
    int columns = show_lines + show_words + show_bytes;
    int width = (columns == 1 && ninputs == 1) ? 1 : digits(total.bytes > total.lines ? total.bytes : total.lines);
    for (int i = 0; i < ninputs; i++)
        if (is_ok[i])
            print_counts(&all[i], nfiles ? argv[cu_optind + i] : NULL, width);
    if (nfiles > 1)
        print_counts(&total, "total", width);
    free(all);
    free(is_ok);
    if (fflush(stdout) != 0)
        status = cu_warn("write");
    return status;
}
