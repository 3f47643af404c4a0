/* sort: sorts the lines of files ("-" or none: standard input). -r:
 * reverse; -n: numeric; -u: one line of each run of equal keys; -k N:
 * the key starts at field N (blank-separated, or by -t C). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static int is_reverse, is_numeric, is_unique;
static unsigned long key_field; /* 0: the whole line */
static int field_separator = -1;

struct lines {
    char **items;
    size_t count, cap;
};

static void add_line(struct lines *l, const char *text, size_t len)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->items = cu_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    char *copy = cu_xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    l->items[l->count++] = copy;
}

static int read_lines(const char *name, struct lines *l)
{
    FILE *f = strcmp(name, "-") == 0 ? stdin : fopen(name, "r");
    if (!f)
        return cu_warn(name);
    char *buf = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = cu_getline(&buf, &cap, f)) > 0) {
        if (buf[len - 1] == '\n')
            len--;
        add_line(l, buf, (size_t)len);
    }
    int status = len < 0 ? cu_warn(name) : 0;
    free(buf);
    if (f != stdin)
        fclose(f);
    return status;
}

/* The start of the key: field key_field (1-based) of line. */
static const char *key_of(const char *line)
{
    const char *p = line;
    for (unsigned long field = 1; field < key_field && *p; field++) {
        if (field_separator >= 0) {
            const char *sep = strchr(p, field_separator);
            if (!sep)
                return p + strlen(p);
            p = sep + 1;
        } else {
            while (*p && isblank((unsigned char)*p))
                p++;
            while (*p && !isblank((unsigned char)*p))
                p++;
        }
    }
    return p;
}

static int compare_keys(const char *a, const char *b)
{
    if (is_numeric) {
        double x = strtod(a, NULL), y = strtod(b, NULL);
        return x < y ? -1 : x > y;
    }
    return strcmp(a, b);
}

static int compare_lines(const void *pa, const void *pb)
{
    const char *a = *(char *const *)pa, *b = *(char *const *)pb;
    int rc = compare_keys(key_of(a), key_of(b));
    /* Equal keys fall back to the whole line (unless -u), so the order is
     * total and does not depend on qsort's. */
    if (rc == 0 && !is_unique)
        rc = strcmp(a, b);
    return is_reverse ? -rc : rc;
}

int main(int argc, char **argv)
{
    int opt, status = 0;
    cu_prog = "sort";
    while ((opt = cu_getopt(argc, argv, "rnuk:t:")) != -1) {
        switch (opt) {
        case 'r': is_reverse = 1; break;
        case 'n': is_numeric = 1; break;
        case 'u': is_unique = 1; break;
        case 'k':
            /* -k N or -k N,M: the key runs from field N to the end */
            key_field = strtoul(cu_optarg, NULL, 10);
            if (key_field == 0)
                return cu_warnx("invalid key '%s'", cu_optarg);
            break;
        case 't':
            if (cu_optarg[0] == '\0' || cu_optarg[1] != '\0')
                return cu_warnx("separator must be one character");
            field_separator = (unsigned char)cu_optarg[0];
            break;
        default:
            cu_usage("[-rnu] [-k N] [-t C] [file...]");
        }
    }
    struct lines l = {NULL, 0, 0};
    if (cu_optind == argc)
        status |= read_lines("-", &l);
    for (int i = cu_optind; i < argc; i++)
        status |= read_lines(argv[i], &l);
    if (l.count > 1)
        qsort(l.items, l.count, sizeof *l.items, compare_lines);
    for (size_t i = 0; i < l.count; i++)
        if (!is_unique || i == 0 || compare_keys(key_of(l.items[i - 1]), key_of(l.items[i])) != 0)
            puts(l.items[i]);
    for (size_t i = 0; i < l.count; i++)
        free(l.items[i]);
    free(l.items);
    if (fflush(stdout) != 0)
        status = cu_warn("write");
    return status;
}
