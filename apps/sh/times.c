/* times.c: the times builtin: the user and system CPU time of the shell,
 * then of its waited-for children, from times(2), as dash and bash print
 * them (0m0.010s 0m0.000s). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/times.h>
#include <unistd.h>
#include "sh.h"

static void print_pair(clock_t user_ticks, clock_t sys_ticks, long ticks_per_sec)
{
    clock_t ticks[2] = { user_ticks, sys_ticks };
    char text[2][48];
    for (int k = 0; k < 2; k++) {
        long ms = (long)((long long)ticks[k] * 1000 / ticks_per_sec);
        snprintf(text[k], sizeof text[k], "%ldm%ld.%03lds", ms / 60000, ms / 1000 % 60, ms % 1000);
    }
    out_printf(1, "%s %s\n", text[0], text[1]);
}

int builtin_times(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct tms t;
    if (times(&t) == (clock_t)-1) {
        sh_error("times: %s", strerror(errno));
        return 1;
    }
    long ticks_per_sec = sysconf(_SC_CLK_TCK);
    if (ticks_per_sec <= 0)
        ticks_per_sec = 100;
    print_pair(t.tms_utime, t.tms_stime, ticks_per_sec);
    print_pair(t.tms_cutime, t.tms_cstime, ticks_per_sec);
    return 0;
}
