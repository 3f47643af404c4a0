/* Helpers shared by the coreutils (apps/coreutils): error reports in the
 * `prog: what: strerror` form, whole-buffer I/O, line reading, and the
 * file-tree walks behind cp, mv and rm. Portable POSIX C: the same code
 * builds for Tandem (newlib + libos/user) and for the host (glibc). */
#ifndef COREUTILS_COMMON_H
#define COREUTILS_COMMON_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/stat.h>

/* The program's name for messages; each main() sets it first. */
extern const char *cu_prog;

/* `prog: what: strerror(errno)` on stderr; returns 1 (an exit status). */
int cu_warn(const char *what);
/* `prog: ` + formatted message + newline on stderr; returns 1. */
int cu_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cu_warn, then exit(1). */
void cu_die(const char *what) __attribute__((noreturn));
/* Prints the usage line `usage: prog ARGS` and exits with status 2. */
void cu_usage(const char *args) __attribute__((noreturn));

/* Writes all n bytes (retrying short writes); 0 or -1 with errno. */
int cu_write_all(int fd, const void *buf, size_t n);
/* Copies in to out until end of file; 0, or -1 with errno (is_read_error
 * tells which side failed when not NULL). */
int cu_copy_fd(int in, int out, int *is_read_error);
/* Opens an input operand: "-" is standard input. -1 with errno on error. */
int cu_open_input(const char *name);
/* Closes an input opened by cu_open_input (never closes stdin). */
void cu_close_input(int fd);

/* Reads one line (with its '\n' when present) into *buf, growing it;
 * returns the length, 0 at end of file, -1 on a read error. */
ssize_t cu_getline(char **buf, size_t *cap, FILE *f);
/* Reads a whole small file (like /proc/meminfo) into a NUL-terminated
 * malloc'd buffer; NULL with errno on failure. */
char *cu_read_file(const char *path, size_t *len_out);

/* dir + "/" + name, malloc'd (no doubled slash). Never NULL: exits on
 * out of memory. */
char *cu_path_join(const char *dir, const char *name);
/* The last component of path (after the last '/', ignoring trailing
 * slashes), malloc'd. */
char *cu_basename(const char *path);
/* malloc that exits with a message on failure. */
void *cu_xmalloc(size_t n);
void *cu_xrealloc(void *p, size_t n);

/* "drwxr-xr-x" (10 characters + NUL) for a st_mode. */
void cu_mode_string(mode_t mode, char out[11]);
/* "regular file", "directory", ... for a st_mode. */
const char *cu_file_type(mode_t mode);
/* Linux's major/minor split of a device number. */
unsigned cu_dev_major(unsigned long long dev);
unsigned cu_dev_minor(unsigned long long dev);
/* "1.5K", "20M", "3.0G": bytes in powers of 1024, like `df -h`. */
void cu_human_size(unsigned long long bytes, char *out, size_t size);

/* POSIX getopt, the same on every C library: options end at the first
 * operand, "-" is an operand, "--" ends them (newlib's getopt permutes
 * and takes "-" for an option). A leading '+' in optstring is ignored.
 * Reports unknown options and missing arguments itself, returning '?'. */
extern int cu_optind;
extern char *cu_optarg;
int cu_getopt(int argc, char *const argv[], const char *optstring);

/* Parses a non-negative decimal number; 0 on success, -1 if malformed. */
int cu_parse_ulong(const char *s, unsigned long *out);

/* Copies src to dst: regular files (mode kept), symlinks as links, and
 * with is_recursive directories and their contents; other types are
 * refused. Reports errors itself; returns 0 or 1 (an exit status). */
int cu_copy_tree(const char *src, const char *dst, int is_recursive);
/* Removes path; directories with their contents. Reports errors itself
 * (unless is_quiet_missing and the path does not exist); returns 0 or 1. */
int cu_remove_tree(const char *path, int is_quiet_missing);

#endif
