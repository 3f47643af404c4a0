/* sleep: waits for the sum of its arguments, each a number of seconds
 * (fractions allowed) with an optional s, m, h or d suffix. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "common.h"

static int parse_duration(const char *s, double *seconds)
{
    char *end;
    double value = strtod(s, &end);
    if (end == s || value < 0)
        return -1;
    switch (*end) {
    case '\0': case 's': break;
    case 'm': value *= 60; break;
    case 'h': value *= 3600; break;
    case 'd': value *= 86400; break;
    default: return -1;
    }
    if (*end != '\0' && end[1] != '\0')
        return -1;
    *seconds = value;
    return 0;
}

int main(int argc, char **argv)
{
    double total = 0;
    cu_prog = "sleep";
    if (argc < 2)
        cu_usage("SECONDS[smhd]...");
    for (int i = 1; i < argc; i++) {
        double seconds;
        if (parse_duration(argv[i], &seconds) < 0)
            return cu_warnx("invalid time interval '%s'", argv[i]);
        total += seconds;
    }
    struct timespec left;
    left.tv_sec = (time_t)total;
    left.tv_nsec = (long)((total - (double)left.tv_sec) * 1e9);
    while (nanosleep(&left, &left) < 0) {
        if (errno != EINTR)
            return cu_warn("nanosleep");
    }
    return 0;
}
