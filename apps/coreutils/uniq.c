/* uniq: copies input to output, folding runs of equal adjacent lines into
 * one. -c: prefix each line with its run length; -d: only lines that
 * repeat; -u: only lines that do not. `uniq [INPUT [OUTPUT]]`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static int show_count, only_repeated, only_unique;

static void emit(FILE *out, const char *line, unsigned long count)
{
    if (only_repeated && count < 2)
        return;
    if (only_unique && count > 1)
        return;
    if (show_count)
        fprintf(out, "%7lu ", count);
    fputs(line, out);
    if (line[0] == '\0' || line[strlen(line) - 1] != '\n')
        fputc('\n', out);
}

int main(int argc, char **argv)
{
    int opt;
    cu_prog = "uniq";
    while ((opt = cu_getopt(argc, argv, "cdu")) != -1) {
        if (opt == 'c')
            show_count = 1;
        else if (opt == 'd')
            only_repeated = 1;
        else if (opt == 'u')
            only_unique = 1;
        else
            cu_usage("[-cdu] [input [output]]");
    }
    if (argc - cu_optind > 2)
        cu_usage("[-cdu] [input [output]]");
    FILE *in = stdin, *out = stdout;
    if (cu_optind < argc && strcmp(argv[cu_optind], "-") != 0 && !(in = fopen(argv[cu_optind], "r")))
        return cu_warn(argv[cu_optind]);
    if (cu_optind + 1 < argc && !(out = fopen(argv[cu_optind + 1], "w")))
        return cu_warn(argv[cu_optind + 1]);
    char *line = NULL, *prev = NULL;
    size_t cap = 0;
    unsigned long count = 0;
    ssize_t len;
    while ((len = cu_getline(&line, &cap, in)) > 0) {
        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        if (prev && strcmp(prev, line) == 0) {
            count++;
            continue;
        }
        if (prev)
            emit(out, prev, count);
        free(prev);
        prev = strdup(line);
        if (!prev)
            cu_die("strdup");
        count = 1;
    }
    int status = len < 0 ? cu_warn(cu_optind < argc ? argv[cu_optind] : "standard input") : 0;
    if (prev)
        emit(out, prev, count);
    free(prev);
    free(line);
    if (fflush(out) != 0 || (out != stdout && fclose(out) != 0))
        status = cu_warn(cu_optind + 1 < argc ? argv[cu_optind + 1] : "write");
    return status;
}
