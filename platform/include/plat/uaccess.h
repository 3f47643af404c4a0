/* Copying to and from user memory, in both modes. Every pointer a process
 * passes is checked against the lower half and copied with these helpers,
 * which return -EFAULT for a bad address instead of faulting (an exception
 * fixup table in the platform): never dereference a user pointer directly. */
#ifndef PLAT_UACCESS_H
#define PLAT_UACCESS_H

#include <stddef.h>

/* 0, or -EFAULT when any byte of the user range is not readable/writable
 * or the range leaves the lower half. */
int copy_from_user(void *dst, const void *user_src, size_t size);
int copy_to_user(void *user_dst, const void *src, size_t size);
int clear_user(void *user_dst, size_t size);
/* Copies a NUL-terminated string of at most max bytes including the NUL.
 * Returns its length, -EFAULT, or -ENAMETOOLONG when no NUL within max. */
long strncpy_from_user(char *dst, const char *user_src, size_t max);

#endif
