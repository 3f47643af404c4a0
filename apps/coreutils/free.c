/* free: memory in use and free, from /proc/meminfo. -k: KiB (the
 * default), -m: MiB, -h: human-readable units. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

/* The value in kB of a `Key:   123 kB` line; 0 when absent. */
static unsigned long long meminfo_kb(const char *text, const char *key)
{
    size_t key_len = strlen(key);
    for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        if (strncmp(line, key, key_len) == 0 && line[key_len] == ':')
            return strtoull(line + key_len + 1, NULL, 10);
    }
    return 0;
}

static char unit = 'k';

static void print_value(unsigned long long kb)
{
    char buf[32];
    if (unit == 'h')
        cu_human_size(kb * 1024, buf, sizeof buf);
    else
        snprintf(buf, sizeof buf, "%llu", unit == 'm' ? kb / 1024 : kb);
    printf(" %11s", buf);
}

int main(int argc, char **argv)
{
    int opt;
    cu_prog = "free";
    while ((opt = cu_getopt(argc, argv, "kmh")) != -1) {
        if (opt == 'k' || opt == 'm' || opt == 'h')
            unit = (char)opt;
        else
            cu_usage("[-k | -m | -h]");
    }
    char *text = cu_read_file("/proc/meminfo", NULL);
    if (!text)
        return cu_warn("/proc/meminfo");
    unsigned long long total = meminfo_kb(text, "MemTotal"), free_kb = meminfo_kb(text, "MemFree");
    unsigned long long cache = meminfo_kb(text, "Buffers") + meminfo_kb(text, "Cached") +
                               meminfo_kb(text, "SReclaimable");
    unsigned long long available = meminfo_kb(text, "MemAvailable");
    unsigned long long used = total > free_kb + cache ? total - free_kb - cache : 0;
    unsigned long long swap_total = meminfo_kb(text, "SwapTotal"), swap_free = meminfo_kb(text, "SwapFree");
    if (total == 0) {
        free(text);
        return cu_warnx("/proc/meminfo: no MemTotal line");
    }
    printf("%-7s %11s %11s %11s %11s %11s %11s\n", "", "total", "used", "free", "shared",
           "buff/cache", "available");
    printf("%-7s", "Mem:");
    print_value(total);
    print_value(used);
    print_value(free_kb);
    print_value(meminfo_kb(text, "Shmem"));
    print_value(cache);
    print_value(available);
    printf("\n%-7s", "Swap:");
    print_value(swap_total);
    print_value(swap_total - swap_free);
    print_value(swap_free);
    putchar('\n');
    free(text);
    return fflush(stdout) == 0 ? 0 : cu_warn("write");
}
