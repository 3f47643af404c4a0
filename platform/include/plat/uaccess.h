/* Copying to and from user memory, in both modes. Every pointer a process
 * passes is checked against the lower half and copied with these helpers,
 * which return -EFAULT for a bad address instead of faulting (an exception
 * fixup table in the platform): never dereference a user pointer directly. */
#ifndef PLAT_UACCESS_H
#define PLAT_UACCESS_H

#include <stddef.h>
#include <stdint.h>

/* 0, or -EFAULT when any byte of the user range is not readable/writable
 * or the range leaves the lower half. */
int copy_from_user(void *dst, const void *user_src, size_t size);
int copy_to_user(void *user_dst, const void *src, size_t size);
int clear_user(void *user_dst, size_t size);
/* Copies a NUL-terminated string of at most max bytes including the NUL.
 * Returns its length, -EFAULT, or -ENAMETOOLONG when no NUL within max. */
long strncpy_from_user(char *dst, const char *user_src, size_t max);

/* The above are portable (libos/syscall/uaccess.c): they check the range
 * and call these primitives, which each architecture writes with an
 * exception-table entry for every instruction that touches user memory
 * (SMAP's stac/clac on amd64, LDTR/STTR under PAN on arm64). They do no
 * range check. copy/clear return the number of bytes NOT done (0: all);
 * strncpy returns the string's length, max when no NUL came within max
 * bytes, or -1 after a fault. */
size_t arch_copy_from_user_raw(void *dst, const void *user_src, size_t size);
size_t arch_copy_to_user_raw(void *user_dst, const void *src, size_t size);
size_t arch_clear_user_raw(void *user_dst, size_t size);
long arch_strncpy_from_user_raw(char *dst, const char *user_src, size_t max);

/* The fixup address for a fault at pc inside one of those primitives, or 0
 * (platform/common/extable.c). The platform's fault handler calls it; the
 * table (__ex_table_start/end, gathered by the linker script) holds
 * {fault pc, fixup pc} pairs. */
uintptr_t uaccess_fixup(uintptr_t pc);

#endif
