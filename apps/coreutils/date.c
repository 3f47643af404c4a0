/* date: prints the current time (CLOCK_REALTIME). Default form
 * `Thu Nov 26 02:00:11 UTC 2026`; +FORMAT: strftime's, plus %s (seconds
 * since the epoch, expanded here: not every C library's strftime has it).
 * Times are UTC unless TZ is set (Tandem has no time zone data); -u: UTC
 * always. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

/* Copies format to out with each %s replaced by seconds; other
 * conversions (and %%) stay for strftime. 0, or -1 when out is too small. */
static int expand_epoch(const char *format, long long seconds, char *out, size_t size)
{
    size_t used = 0;
    for (const char *p = format; *p; p++) {
        char piece[32];
        size_t len;
        if (p[0] == '%' && p[1] == 's') {
            len = (size_t)snprintf(piece, sizeof piece, "%lld", seconds);
            p++;
        } else {
            piece[0] = p[0];
            len = 1;
            if (p[0] == '%' && p[1] != '\0') {
                piece[1] = *++p;
                len = 2;
            }
        }
        if (used + len >= size)
            return -1;
        memcpy(out + used, piece, len);
        used += len;
    }
    out[used] = '\0';
    return 0;
}

int main(int argc, char **argv)
{
    int is_utc = getenv("TZ") == NULL, opt;
    cu_prog = "date";
    while ((opt = cu_getopt(argc, argv, "u")) != -1) {
        if (opt == 'u')
            is_utc = 1;
        else
            cu_usage("[-u] [+FORMAT]");
    }
    const char *format = is_utc ? "%a %b %e %H:%M:%S UTC %Y" : "%a %b %e %H:%M:%S %Z %Y";
    if (cu_optind < argc) {
        if (argv[cu_optind][0] != '+' || cu_optind + 1 < argc)
            return cu_warnx("setting the time is not supported; use +FORMAT");
        format = argv[cu_optind] + 1;
    }
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) < 0)
        return cu_warn("clock_gettime");
    struct tm tm;
    time_t seconds = now.tv_sec;
    if (!(is_utc ? gmtime_r(&seconds, &tm) : localtime_r(&seconds, &tm)))
        return cu_warn("time conversion");
    char expanded[512], buf[1024];
    if (expand_epoch(format, (long long)seconds, expanded, sizeof expanded) < 0)
        return cu_warnx("format too long: '%s'", format);
    format = expanded;
    size_t len = strftime(buf, sizeof buf, format, &tm);
    if (len == 0 && format[0] != '\0')
        return cu_warnx("format too long or empty result: '%s'", format);
    puts(buf);
    return fflush(stdout) == 0 ? 0 : cu_warn("write");
}
