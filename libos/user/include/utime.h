/* newlib's <utime.h> has struct utimbuf but no utime(): Tandem has it
 * (libos/user/utime.c). */
#ifndef TANDEM_UTIME_H
#define TANDEM_UTIME_H

#include_next <utime.h>

int utime(const char *path, const struct utimbuf *times);

#endif
