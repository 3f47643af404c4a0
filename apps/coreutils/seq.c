/* seq: prints numbers from FIRST (default 1) by INCREMENT (default 1) to
 * LAST, one a line. Integers print as integers, others with %g. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static int parse_number(const char *s, double *out, int *is_integer)
{
    char *end;
    *out = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(*out))
        return cu_warnx("invalid number '%s'", s);
    if (strpbrk(s, ".eE"))
        *is_integer = 0;
    return 0;
}

int main(int argc, char **argv)
{
    double first = 1, step = 1, last;
    int is_integer = 1;
    cu_prog = "seq";
    /* Negative numbers look like options: take arguments as they are. */
    int start = 1;
    if (argc > 1 && strcmp(argv[1], "--") == 0)
        start = 2;
    int count = argc - start;
    if (count < 1 || count > 3)
        cu_usage("[FIRST [INCREMENT]] LAST");
    if (parse_number(argv[argc - 1], &last, &is_integer))
        return 1;
    if (count >= 2 && parse_number(argv[start], &first, &is_integer))
        return 1;
    if (count == 3 && parse_number(argv[start + 1], &step, &is_integer))
        return 1;
    if (step == 0)
        return cu_warnx("increment must not be 0");
    for (long i = 0;; i++) {
        double value = first + (double)i * step;
        if ((step > 0 && value > last + 1e-9) || (step < 0 && value < last - 1e-9))
            break;
        if (is_integer)
            printf("%.0f\n", value);
        else
            printf("%g\n", value);
    }
    return fflush(stdout) == 0 ? 0 : cu_warn("write");
}
