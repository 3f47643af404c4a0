/* newlib's <sys/stat.h> plus what it declares only for RTEMS and Cygwin
 * (lstat, mknod), which Tandem has (libos/user/files.c). */
#ifndef TANDEM_SYS_STAT_H
#define TANDEM_SYS_STAT_H

#include_next <sys/stat.h>

int lstat(const char *__restrict path, struct stat *__restrict buf);
int mknod(const char *path, mode_t mode, dev_t dev);

#endif
