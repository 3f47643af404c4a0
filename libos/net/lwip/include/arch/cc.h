/* lwIP's compiler and platform port for the kernel side (no libc beyond
 * the kernel's klibc): types, format strings, diagnostics, randomness.
 * Included by lwip/arch.h only. */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* No <unistd.h> in the kernel: ssize_t comes from here (arch.h uses
 * SSIZE_MAX to tell whether it exists). BYTE_ORDER stays lwIP's default
 * (little endian: both our architectures). */
typedef long ssize_t;
#define SSIZE_MAX LONG_MAX
#define LWIP_NO_UNISTD_H 1

/* No <inttypes.h> or <ctype.h> either: lwIP's own character helpers, and
 * format strings for LP64. */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

/* netif_find parses "eth1"'s number with atoi, which klibc lacks. */
#include <stdlib.h>
#define atoi(s) ((int)strtol((s), NULL, 10))

void lwip_port_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void lwip_port_assert(const char *message, const char *file, int line);
uint32_t lwip_port_rand(void);

#define LWIP_PLATFORM_DIAG(x) do { lwip_port_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) lwip_port_assert((x), __FILE__, __LINE__)
#define LWIP_RAND() lwip_port_rand()

#endif
