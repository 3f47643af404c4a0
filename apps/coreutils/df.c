/* df: space used and free on each mounted filesystem (/proc/mounts and
 * statvfs), or on the ones holding the files named. -h: human-readable
 * sizes; -a: also filesystems of no size (proc, devfs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common.h"

static int is_human, show_all;

struct mount_entry {
    char source[256], target[256], fstype[64];
};

/* Reads every `source target fstype options 0 0` line. */
static struct mount_entry *read_mounts(size_t *count)
{
    FILE *f = fopen("/proc/mounts", "r");
    *count = 0;
    if (!f) {
        cu_warn("/proc/mounts");
        return NULL;
    }
    struct mount_entry *m = NULL;
    char *line = NULL;
    size_t cap = 0;
    while (cu_getline(&line, &cap, f) > 0) {
        struct mount_entry e;
        if (sscanf(line, "%255s %255s %63s", e.source, e.target, e.fstype) != 3)
            continue;
        m = cu_xrealloc(m, (*count + 1) * sizeof *m);
        m[(*count)++] = e;
    }
    free(line);
    fclose(f);
    return m;
}

static void print_size(unsigned long long bytes, int width)
{
    char buf[32];
    if (is_human)
        cu_human_size(bytes, buf, sizeof buf);
    else
        snprintf(buf, sizeof buf, "%llu", bytes / 1024);
    printf(" %*s", width, buf);
}

static int show(const struct mount_entry *m, int is_explicit)
{
    struct statvfs sv;
    if (statvfs(m->target, &sv) < 0) {
        if (!is_explicit)
            return 0;
        return cu_warn(m->target);
    }
    unsigned long long unit = sv.f_frsize ? sv.f_frsize : sv.f_bsize;
    unsigned long long size = (unsigned long long)sv.f_blocks * unit;
    unsigned long long avail = (unsigned long long)sv.f_bavail * unit;
    unsigned long long used = (unsigned long long)(sv.f_blocks - sv.f_bfree) * unit;
    if (size == 0 && !show_all && !is_explicit)
        return 0;
    printf("%-15s", m->source);
    print_size(size, is_human ? 6 : 10);
    print_size(used, is_human ? 6 : 10);
    print_size(avail, is_human ? 6 : 10);
    if (used + avail > 0)
        printf(" %3llu%%", (used * 100 + used + avail - 1) / (used + avail));
    else
        printf(" %4s", "-");
    printf(" %s\n", m->target);
    return 0;
}

/* The mount whose target is the longest prefix of path's real place. */
static const struct mount_entry *mount_of(const char *path, const struct mount_entry *m, size_t n)
{
    char cwd[4096], full[8192];
    if (path[0] == '/') {
        snprintf(full, sizeof full, "%s", path);
    } else {
        if (!getcwd(cwd, sizeof cwd))
            return NULL;
        snprintf(full, sizeof full, "%s/%s", cwd, path);
    }
    const struct mount_entry *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(m[i].target);
        int is_prefix = strncmp(full, m[i].target, len) == 0 &&
                        (len == 1 || full[len] == '/' || full[len] == '\0');
        if (is_prefix && (best == NULL || len >= best_len)) {
            best = &m[i];
            best_len = len;
        }
    }
    return best;
}

int main(int argc, char **argv)
{
    int opt, status = 0;
    cu_prog = "df";
    while ((opt = cu_getopt(argc, argv, "hak")) != -1) {
        if (opt == 'h')
            is_human = 1;
        else if (opt == 'a')
            show_all = 1;
        else if (opt != 'k')
            cu_usage("[-h] [-a] [file...]");
    }
    size_t count;
    struct mount_entry *mounts = read_mounts(&count);
    if (!mounts)
        return 1;
    printf("%-15s %*s %*s %*s %4s %s\n", "Filesystem", is_human ? 6 : 10, is_human ? "Size" : "1K-blocks",
           is_human ? 6 : 10, "Used", is_human ? 6 : 10, is_human ? "Avail" : "Available", "Use%",
           "Mounted on");
    if (cu_optind == argc) {
        for (size_t i = 0; i < count; i++)
            status |= show(&mounts[i], 0);
    }
    for (int i = cu_optind; i < argc; i++) {
        if (access(argv[i], F_OK) < 0) {
            status = cu_warn(argv[i]);
            continue;
        }
        const struct mount_entry *m = mount_of(argv[i], mounts, count);
        if (!m) {
            status = cu_warnx("%s: no mount found", argv[i]);
            continue;
        }
        status |= show(m, 1);
    }
    free(mounts);
    if (fflush(stdout) != 0)
        status = cu_warn("write");
    return status;
}
