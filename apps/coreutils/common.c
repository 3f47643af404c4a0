/* Helpers shared by the coreutils: error reports, whole-buffer I/O, line
 * reading, mode strings and the file-tree copy and removal behind cp, mv
 * and rm (common.h says what each does). */
#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *cu_prog = "coreutils";

int cu_warn(const char *what)
{
    int err = errno;
    fprintf(stderr, "%s: %s: %s\n", cu_prog, what, strerror(err));
    return 1;
}

int cu_warnx(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", cu_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

void cu_die(const char *what)
{
    cu_warn(what);
    exit(1);
}

void cu_usage(const char *args)
{
    fprintf(stderr, "usage: %s %s\n", cu_prog, args);
    exit(2);
}

int cu_write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t done = write(fd, p, n);
        if (done < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += done;
        n -= (size_t)done;
    }
    return 0;
}

int cu_copy_fd(int in, int out, int *is_read_error)
{
    static char buf[16384];
    for (;;) {
        ssize_t got = read(in, buf, sizeof buf);
        if (got == 0)
            return 0;
        if (got < 0) {
            if (errno == EINTR)
                continue;
            if (is_read_error)
                *is_read_error = 1;
            return -1;
        }
        if (cu_write_all(out, buf, (size_t)got) < 0) {
            if (is_read_error)
                *is_read_error = 0;
            return -1;
        }
    }
}

int cu_open_input(const char *name)
{
    if (strcmp(name, "-") == 0)
        return STDIN_FILENO;
    return open(name, O_RDONLY);
}

void cu_close_input(int fd)
{
    if (fd != STDIN_FILENO)
        close(fd);
}

ssize_t cu_getline(char **buf, size_t *cap, FILE *f)
{
    size_t len = 0;
    int c;
    while ((c = getc(f)) != EOF) {
        if (len + 2 > *cap) {
            *cap = *cap ? *cap * 2 : 128;
            *buf = cu_xrealloc(*buf, *cap);
        }
        (*buf)[len++] = (char)c;
        if (c == '\n')
            break;
    }
    if (len == 0) {
        if (*cap == 0) {
            *cap = 128;
            *buf = cu_xrealloc(*buf, *cap);
        }
        (*buf)[0] = '\0';
        return ferror(f) ? -1 : 0;
    }
    (*buf)[len] = '\0';
    return (ssize_t)len;
}

char *cu_read_file(const char *path, size_t *len_out)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = cu_xmalloc(cap);
    for (;;) {
        if (len + 1 >= cap) {
            cap *= 2;
            buf = cu_xrealloc(buf, cap);
        }
        ssize_t got = read(fd, buf + len, cap - len - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int err = errno;
            free(buf);
            close(fd);
            errno = err;
            return NULL;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    close(fd);
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    return buf;
}

void *cu_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        cu_die("malloc");
    return p;
}

void *cu_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        cu_die("realloc");
    return q;
}

char *cu_path_join(const char *dir, const char *name)
{
    size_t dlen = strlen(dir), nlen = strlen(name);
    char *out = cu_xmalloc(dlen + nlen + 2);
    memcpy(out, dir, dlen);
    if (dlen == 0 || dir[dlen - 1] != '/')
        out[dlen++] = '/';
    memcpy(out + dlen, name, nlen + 1);
    return out;
}

char *cu_basename(const char *path)
{
    size_t end = strlen(path);
    while (end > 1 && path[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (end == 1 && path[0] == '/')
        start = 0;
    char *out = cu_xmalloc(end - start + 1);
    memcpy(out, path + start, end - start);
    out[end - start] = '\0';
    return out;
}

static char type_letter(mode_t mode)
{
    if (S_ISDIR(mode)) return 'd';
    if (S_ISLNK(mode)) return 'l';
    if (S_ISCHR(mode)) return 'c';
    if (S_ISBLK(mode)) return 'b';
    if (S_ISFIFO(mode)) return 'p';
    if (S_ISSOCK(mode)) return 's';
    return '-';
}

void cu_mode_string(mode_t mode, char out[11])
{
    static const char rwx[] = "rwxrwxrwx";
    out[0] = type_letter(mode);
    for (int i = 0; i < 9; i++)
        out[1 + i] = (mode & (0400 >> i)) ? rwx[i] : '-';
    if (mode & S_ISUID)
        out[3] = (mode & S_IXUSR) ? 's' : 'S';
    if (mode & S_ISGID)
        out[6] = (mode & S_IXGRP) ? 's' : 'S';
    if (mode & S_ISVTX)
        out[9] = (mode & S_IXOTH) ? 't' : 'T';
    out[10] = '\0';
}

const char *cu_file_type(mode_t mode)
{
    if (S_ISREG(mode)) return "regular file";
    if (S_ISDIR(mode)) return "directory";
    if (S_ISLNK(mode)) return "symbolic link";
    if (S_ISCHR(mode)) return "character special file";
    if (S_ISBLK(mode)) return "block special file";
    if (S_ISFIFO(mode)) return "fifo";
    if (S_ISSOCK(mode)) return "socket";
    return "unknown";
}

unsigned cu_dev_major(unsigned long long dev)
{
    return (unsigned)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffULL));
}

unsigned cu_dev_minor(unsigned long long dev)
{
    return (unsigned)((dev & 0xff) | ((dev >> 12) & ~0xffULL));
}

void cu_human_size(unsigned long long bytes, char *out, size_t size)
{
    static const char units[] = "BKMGTPE";
    double value = (double)bytes;
    int unit = 0;
    while (value >= 1024.0 && unit < 6) {
        value /= 1024.0;
        unit++;
    }
    if (unit == 0)
        snprintf(out, size, "%llu", bytes);
    else if (value < 10.0)
        snprintf(out, size, "%.1f%c", value, units[unit]);
    else
        snprintf(out, size, "%.0f%c", value, units[unit]);
}

int cu_optind = 1;
char *cu_optarg;
static int option_offset = 1; /* within argv[cu_optind] */

int cu_getopt(int argc, char *const argv[], const char *optstring)
{
    if (*optstring == '+')
        optstring++;
    if (option_offset == 1) {
        const char *arg = cu_optind < argc ? argv[cu_optind] : NULL;
        if (!arg || arg[0] != '-' || arg[1] == '\0')
            return -1;
        if (strcmp(arg, "--") == 0) {
            cu_optind++;
            return -1;
        }
    }
    const char *arg = argv[cu_optind];
    char letter = arg[option_offset++];
    const char *spec = letter != ':' ? strchr(optstring, letter) : NULL;
    int is_last = arg[option_offset] == '\0';
    if (!spec) {
        cu_warnx("invalid option -- '%c'", letter);
        if (is_last) {
            cu_optind++;
            option_offset = 1;
        }
        return '?';
    }
    if (spec[1] == ':') {
        if (!is_last) {
            cu_optarg = (char *)arg + option_offset;
        } else if (cu_optind + 1 < argc) {
            cu_optarg = argv[++cu_optind];
        } else {
            cu_warnx("option requires an argument -- '%c'", letter);
            cu_optind++;
            option_offset = 1;
            return '?';
        }
        cu_optind++;
        option_offset = 1;
        return letter;
    }
    if (is_last) {
        cu_optind++;
        option_offset = 1;
    }
    return letter;
}

int cu_parse_ulong(const char *s, unsigned long *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

/* One regular file: contents, then the source's permission bits. */
static int copy_file(const char *src, const char *dst, mode_t mode)
{
    int in = open(src, O_RDONLY);
    if (in < 0)
        return cu_warn(src);
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode & 07777);
    if (out < 0) {
        close(in);
        return cu_warn(dst);
    }
    int is_read_error = 0, status = 0;
    if (cu_copy_fd(in, out, &is_read_error) < 0)
        status = cu_warn(is_read_error ? src : dst);
    close(in);
    if (close(out) < 0 && status == 0)
        status = cu_warn(dst);
    if (status == 0 && chmod(dst, mode & 07777) < 0)
        status = cu_warn(dst);
    return status;
}

static int copy_link(const char *src, const char *dst)
{
    char target[4096];
    ssize_t len = readlink(src, target, sizeof target - 1);
    if (len < 0)
        return cu_warn(src);
    target[len] = '\0';
    if (symlink(target, dst) < 0)
        return cu_warn(dst);
    return 0;
}

static int copy_dir(const char *src, const char *dst, mode_t mode)
{
    struct stat st;
    if (mkdir(dst, 0700) < 0 && !(errno == EEXIST && stat(dst, &st) == 0 && S_ISDIR(st.st_mode)))
        return cu_warn(dst);
    DIR *dir = opendir(src);
    if (!dir)
        return cu_warn(src);
    int status = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        char *from = cu_path_join(src, entry->d_name);
        char *to = cu_path_join(dst, entry->d_name);
        status |= cu_copy_tree(from, to, 1);
        free(from);
        free(to);
    }
    closedir(dir);
    if (chmod(dst, mode & 07777) < 0)
        status = cu_warn(dst);
    return status;
}

int cu_copy_tree(const char *src, const char *dst, int is_recursive)
{
    struct stat st;
    if (lstat(src, &st) < 0)
        return cu_warn(src);
    if (S_ISLNK(st.st_mode) && !is_recursive && stat(src, &st) < 0)
        return cu_warn(src);
    if (S_ISLNK(st.st_mode))
        return copy_link(src, dst);
    if (S_ISDIR(st.st_mode)) {
        if (!is_recursive)
            return cu_warnx("%s: is a directory (not copied without -r)", src);
        return copy_dir(src, dst, st.st_mode);
    }
    if (S_ISREG(st.st_mode))
        return copy_file(src, dst, st.st_mode);
    return cu_warnx("%s: cannot copy a %s", src, cu_file_type(st.st_mode));
}

int cu_remove_tree(const char *path, int is_quiet_missing)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (errno == ENOENT && is_quiet_missing)
            return 0;
        return cu_warn(path);
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(path) < 0)
            return cu_warn(path);
        return 0;
    }
    DIR *dir = opendir(path);
    if (!dir)
        return cu_warn(path);
    int status = 0;
    struct dirent *entry;
    /* Removing while reading can make a directory stream skip entries,
     * so collect the names first. */
    char **names = NULL;
    size_t count = 0;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        names = cu_xrealloc(names, (count + 1) * sizeof *names);
        names[count++] = cu_path_join(path, entry->d_name);
    }
    closedir(dir);
    for (size_t i = 0; i < count; i++) {
        status |= cu_remove_tree(names[i], 0);
        free(names[i]);
    }
    free(names);
    if (rmdir(path) < 0)
        status = cu_warn(path);
    return status;
}
