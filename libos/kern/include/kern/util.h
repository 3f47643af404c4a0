/* Small helpers used across the kernel side. */
#ifndef KERN_UTIL_H
#define KERN_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + (__typeof__(x))(a) - 1, a)
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define container_of(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Memory the boot code does not zero (it is outside [__bss_start,
 * __bss_end): for large buffers whose first contents do not matter, or
 * that their user clears piece by piece as it takes them. Under TCG the
 * boot's clearing costs a translated block per 64 bytes. ELF loaders still
 * zero it (p_memsz past p_filesz), but code must not rely on that. */
#define __noclear __attribute__((section(".bss.noclear")))

#define KiB (1024UL)
#define MiB (1024UL * KiB)
#define GiB (1024UL * MiB)

#endif
