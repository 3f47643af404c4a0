/* touch: sets files' access and modification times (to now, or to the
 * time -d, -t or -r gives), creating files that do not exist unless -c.
 * -a / -m: only the access / modification time. Dates are UTC (Tandem has
 * no time zone data): -d 'YYYY-MM-DD[ HH:MM[:SS]]' (or a T between) or
 * '@SECONDS'; -t [[CC]YY]MMDDhhmm[.ss]. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define USAGE "[-acm] [-d DATE | -t STAMP | -r FILE] FILE..."

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian calendar). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int is_valid_date(int mon, int day, int hour, int min, int sec)
{
    return mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23 &&
           min >= 0 && min <= 59 && sec >= 0 && sec <= 60;
}

static time_t utc_seconds(long long year, int mon, int day, int hour, int min, int sec)
{
    return (time_t)(days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec);
}

/* The number in the n digits at s (all must be digits); -1 if not. */
static int digits(const char *s, int n)
{
    int value = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

/* -d: 'YYYY-MM-DD', optionally ' HH:MM' or 'THH:MM' and ':SS'; '@N'. */
static int parse_date(const char *s, time_t *out)
{
    if (s[0] == '@') {
        unsigned long seconds;
        if (cu_parse_ulong(s + 1, &seconds) < 0)
            return -1;
        *out = (time_t)seconds;
        return 0;
    }
    long long year;
    int mon, day, hour = 0, min = 0, sec = 0, used = 0;
    if (sscanf(s, "%4lld-%2d-%2d%n", &year, &mon, &day, &used) != 3 || used != 10)
        return -1;
    s += used;
    if (*s == ' ' || *s == 'T') {
        if (sscanf(s + 1, "%2d:%2d%n", &hour, &min, &used) != 2 || used != 5)
            return -1;
        s += 1 + used;
        if (*s == ':') {
            if (sscanf(s + 1, "%2d%n", &sec, &used) != 1 || used != 2)
                return -1;
            s += 1 + used;
        }
    }
    if (*s != '\0' || !is_valid_date(mon, day, hour, min, sec))
        return -1;
    *out = utc_seconds(year, mon, day, hour, min, sec);
    return 0;
}

/* -t: [[CC]YY]MMDDhhmm[.ss]; without a year, this year. */
static int parse_stamp(const char *s, time_t *out)
{
    const char *dot = strchr(s, '.');
    size_t len = dot ? (size_t)(dot - s) : strlen(s);
    int sec = 0;
    if (dot && (strlen(dot + 1) != 2 || (sec = digits(dot + 1, 2)) < 0))
        return -1;
    if (len != 8 && len != 10 && len != 12)
        return -1;
    long long year;
    if (len == 12) {
        year = digits(s, 4);
    } else if (len == 10) {
        int yy = digits(s, 2);
        year = yy < 0 ? -1 : yy < 69 ? 2000 + yy : 1900 + yy;
    } else {
        time_t now = time(NULL);
        struct tm tm;
        year = gmtime_r(&now, &tm) ? tm.tm_year + 1900 : 1970;
    }
    const char *rest = s + len - 8;
    int mon = digits(rest, 2), day = digits(rest + 2, 2);
    int hour = digits(rest + 4, 2), min = digits(rest + 6, 2);
    if (year < 0 || !is_valid_date(mon, day, hour, min, sec))
        return -1;
    *out = utc_seconds(year, mon, day, hour, min, sec);
    return 0;
}

/* Creates path when it is missing (unless no_create), then sets its times.
 * times NULL: both now. Returns 0 or 1 (an exit status). */
static int touch_one(const char *path, const struct timespec *times, int no_create)
{
    if (utimensat(AT_FDCWD, path, times, 0) == 0)
        return 0;
    if (errno != ENOENT)
        return cu_warn(path);
    if (no_create)
        return 0;
    int fd = open(path, O_WRONLY | O_CREAT, 0666);
    if (fd < 0)
        return cu_warn(path);
    int rc = times ? futimens(fd, times) : 0;
    int saved_errno = errno;
    close(fd);
    errno = saved_errno;
    return rc < 0 ? cu_warn(path) : 0;
}

int main(int argc, char **argv)
{
    int no_create = 0, only_access = 0, only_modify = 0, opt, status = 0;
    const char *date = NULL, *stamp = NULL, *reference = NULL;
    cu_prog = "touch";
    while ((opt = cu_getopt(argc, argv, "acmd:t:r:")) != -1) {
        switch (opt) {
        case 'a': only_access = 1; break;
        case 'c': no_create = 1; break;
        case 'm': only_modify = 1; break;
        case 'd': date = cu_optarg; break;
        case 't': stamp = cu_optarg; break;
        case 'r': reference = cu_optarg; break;
        default: cu_usage(USAGE);
        }
    }
    if (cu_optind == argc || (date != NULL) + (stamp != NULL) + (reference != NULL) > 1)
        cu_usage(USAGE);

    /* times[0] access, times[1] modification: given, or now. */
    struct timespec times[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
    time_t when;
    if (date) {
        if (parse_date(date, &when) < 0)
            return cu_warnx("invalid date '%s'", date);
        times[0] = times[1] = (struct timespec){ when, 0 };
    } else if (stamp) {
        if (parse_stamp(stamp, &when) < 0)
            return cu_warnx("invalid time stamp '%s'", stamp);
        times[0] = times[1] = (struct timespec){ when, 0 };
    } else if (reference) {
        struct stat st;
        if (stat(reference, &st) < 0)
            return cu_warn(reference);
        times[0] = st.st_atim;
        times[1] = st.st_mtim;
    }
    if (only_access && !only_modify)
        times[1].tv_nsec = UTIME_OMIT;
    if (only_modify && !only_access)
        times[0].tv_nsec = UTIME_OMIT;
    /* Both now: NULL, which write permission alone allows. */
    int is_all_now = times[0].tv_nsec == UTIME_NOW && times[1].tv_nsec == UTIME_NOW;
    for (int i = cu_optind; i < argc; i++)
        status |= touch_one(argv[i], is_all_now ? NULL : times, no_create);
    return status;
}
