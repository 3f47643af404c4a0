/* newlib's <sys/stat.h> plus what it declares only for RTEMS and Cygwin
 * (lstat, mknod, UTIME_NOW/UTIME_OMIT), which Tandem has
 * (libos/user/files.c, utime.c). */
#ifndef TANDEM_SYS_STAT_H
#define TANDEM_SYS_STAT_H

#include_next <sys/stat.h>

int lstat(const char *__restrict path, struct stat *__restrict buf);
int mknod(const char *path, mode_t mode, dev_t dev);

/* utimensat/futimens's special tv_nsec values: the kernel's (Linux's). */
#ifndef UTIME_NOW
#define UTIME_NOW  ((1L << 30) - 1)
#define UTIME_OMIT ((1L << 30) - 2)
#endif

#endif
