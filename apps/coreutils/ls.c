/* ls: lists files and directories sorted by name: in columns on a
 * terminal, else one name a line. -l: long form (mode, links, owner,
 * group, size, date, name -> target); -a: names starting with '.' too;
 * -R: subdirectories recursively; -1: one a line; -d: directories
 * themselves, not their contents. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static int is_long, show_all, is_recursive, list_dirs_themselves;
static int is_columns; /* short form on a terminal */
static int status;

struct entry {
    char *name; /* as shown */
    char *path; /* for stat and readlink */
    struct stat st;
};

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static void owner_name(unsigned long id, char *out, size_t size)
{
    if (id == 0)
        snprintf(out, size, "root");
    else
        snprintf(out, size, "%lu", id);
}

static void format_time(time_t t, char *out, size_t size)
{
    struct tm tm;
    time_t now = time(NULL);
    if (!gmtime_r(&t, &tm)) {
        snprintf(out, size, "?");
        return;
    }
    /* Older than six months or in the future: the year instead of the time. */
    const time_t half_year = 182L * 24 * 3600;
    if (t > now + 3600 || now - t > half_year)
        strftime(out, size, "%b %e  %Y", &tm);
    else
        strftime(out, size, "%b %e %H:%M", &tm);
}

struct widths {
    int links, owner, group, size;
};

static int digits_of(unsigned long long v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

static void size_field(const struct stat *st, char *out, size_t size)
{
    if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
        snprintf(out, size, "%u, %u", cu_dev_major((unsigned long long)st->st_rdev),
                 cu_dev_minor((unsigned long long)st->st_rdev));
    else
        snprintf(out, size, "%lld", (long long)st->st_size);
}

static void measure(const struct entry *e, size_t n, struct widths *w)
{
    memset(w, 0, sizeof *w);
    for (size_t i = 0; i < n; i++) {
        char buf[64];
        int len = digits_of((unsigned long long)e[i].st.st_nlink);
        if (len > w->links) w->links = len;
        owner_name((unsigned long)e[i].st.st_uid, buf, sizeof buf);
        if ((int)strlen(buf) > w->owner) w->owner = (int)strlen(buf);
        owner_name((unsigned long)e[i].st.st_gid, buf, sizeof buf);
        if ((int)strlen(buf) > w->group) w->group = (int)strlen(buf);
        size_field(&e[i].st, buf, sizeof buf);
        if ((int)strlen(buf) > w->size) w->size = (int)strlen(buf);
    }
}

static void print_entry(const struct entry *e, const struct widths *w)
{
    if (!is_long) {
        puts(e->name);
        return;
    }
    char mode[11], owner[32], group[32], size[64], date[32];
    cu_mode_string(e->st.st_mode, mode);
    owner_name((unsigned long)e->st.st_uid, owner, sizeof owner);
    owner_name((unsigned long)e->st.st_gid, group, sizeof group);
    size_field(&e->st, size, sizeof size);
    format_time(e->st.st_mtime, date, sizeof date);
    printf("%s %*lu %-*s %-*s %*s %s %s", mode, w->links, (unsigned long)e->st.st_nlink, w->owner,
           owner, w->group, group, w->size, size, date, e->name);
    if (S_ISLNK(e->st.st_mode)) {
        char target[4096];
        ssize_t len = readlink(e->path, target, sizeof target - 1);
        if (len >= 0) {
            target[len] = '\0';
            printf(" -> %s", target);
        }
    }
    putchar('\n');
}

/* Names down the columns, as many columns as the terminal is wide. */
static void print_columns(const struct entry *e, size_t n)
{
    struct winsize ws;
    size_t width = 80, longest = 1;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        width = ws.ws_col;
    for (size_t i = 0; i < n; i++)
        if (strlen(e[i].name) > longest)
            longest = strlen(e[i].name);
    size_t column_width = longest + 2;
    size_t columns = width / column_width ? width / column_width : 1;
    size_t rows = (n + columns - 1) / columns;
    for (size_t row = 0; row < rows; row++) {
        for (size_t i = row; i < n; i += rows) {
            int is_last_in_row = i + rows >= n;
            printf("%-*s", is_last_in_row ? 0 : (int)column_width, e[i].name);
        }
        putchar('\n');
    }
}

static void print_entries(struct entry *e, size_t n, int with_total)
{
    struct widths w;
    if (n > 1)
        qsort(e, n, sizeof *e, compare_entries);
    measure(e, n, &w);
    if (is_long && with_total) {
        unsigned long long blocks = 0;
        for (size_t i = 0; i < n; i++)
            blocks += (unsigned long long)e[i].st.st_blocks;
        printf("total %llu\n", blocks / 2);
    }
    if (is_columns && !is_long) {
        print_columns(e, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        print_entry(&e[i], &w);
}

static void free_entries(struct entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].name);
        free(e[i].path);
    }
    free(e);
}

/* Reads a directory's entries (lstat'ed); NULL count 0 on error. */
static struct entry *read_dir(const char *dir_path, size_t *count)
{
    DIR *dir = opendir(dir_path);
    *count = 0;
    if (!dir) {
        status = cu_warn(dir_path);
        return NULL;
    }
    struct entry *e = NULL;
    struct dirent *d;
    while ((d = readdir(dir)) != NULL) {
        if (d->d_name[0] == '.' && !show_all)
            continue;
        e = cu_xrealloc(e, (*count + 1) * sizeof *e);
        struct entry *slot = &e[*count];
        slot->name = strdup(d->d_name);
        slot->path = cu_path_join(dir_path, d->d_name);
        if (!slot->name)
            cu_die("strdup");
        if (lstat(slot->path, &slot->st) < 0) {
            status = cu_warn(slot->path);
            free(slot->name);
            free(slot->path);
            continue;
        }
        (*count)++;
    }
    closedir(dir);
    return e;
}

static void list_dir(const char *path, int with_header, int *is_first)
{
    if (with_header) {
        printf("%s%s:\n", *is_first ? "" : "\n", path);
    }
    *is_first = 0;
    size_t n;
    struct entry *e = read_dir(path, &n);
    print_entries(e, n, 1);
    if (is_recursive) {
        for (size_t i = 0; i < n; i++) {
            if (!S_ISDIR(e[i].st.st_mode) || strcmp(e[i].name, ".") == 0 ||
                strcmp(e[i].name, "..") == 0)
                continue;
            list_dir(e[i].path, 1, is_first);
        }
    }
    free_entries(e, n);
}

int main(int argc, char **argv)
{
    int opt;
    cu_prog = "ls";
    is_columns = isatty(STDOUT_FILENO);
    while ((opt = cu_getopt(argc, argv, "laR1dh")) != -1) {
        switch (opt) {
        case 'l': is_long = 1; break;
        case 'a': show_all = 1; break;
        case 'R': is_recursive = 1; break;
        case 'd': list_dirs_themselves = 1; break;
        case '1': is_columns = 0; break;
        case 'h': break;
        default: cu_usage("[-laR1d] [file...]");
        }
    }
    char *dot[] = {".", NULL};
    char **operands = cu_optind < argc ? argv + cu_optind : dot;
    int noperands = cu_optind < argc ? argc - cu_optind : 1;
    /* Files first (together), then each directory's contents. */
    struct entry *files = NULL;
    size_t nfiles = 0;
    char **dirs = cu_xmalloc(sizeof(char *) * (size_t)noperands);
    int ndirs = 0;
    for (int i = 0; i < noperands; i++) {
        struct stat st;
        if (lstat(operands[i], &st) < 0) {
            status = cu_warn(operands[i]);
            continue;
        }
        /* A symlink operand to a directory lists the directory unless -l or -d. */
        struct stat target;
        if (S_ISLNK(st.st_mode) && !is_long && !list_dirs_themselves &&
            stat(operands[i], &target) == 0)
            st = target;
        if (S_ISDIR(st.st_mode) && !list_dirs_themselves) {
            dirs[ndirs++] = operands[i];
            continue;
        }
        files = cu_xrealloc(files, (nfiles + 1) * sizeof *files);
        files[nfiles].name = strdup(operands[i]);
        files[nfiles].path = strdup(operands[i]);
        if (!files[nfiles].name || !files[nfiles].path)
            cu_die("strdup");
        files[nfiles++].st = st;
    }
    print_entries(files, nfiles, 0);
    free_entries(files, nfiles);
    int is_first = nfiles == 0;
    int with_header = noperands > 1 || is_recursive;
    for (int i = 0; i < ndirs; i++)
        list_dir(dirs[i], with_header, &is_first);
    free(dirs);
    if (fflush(stdout) != 0)
        status = cu_warn("write");
    return status;
}
