/* The CPU's hardware random number generator, for seeding the kernel's
 * CSPRNG (RDRAND on amd64, RNDR (FEAT_RNG) on arm64). */
#ifndef PLAT_RANDOM_H
#define PLAT_RANDOM_H

#include <stddef.h>

/* Fills buf with len bytes from the hardware generator. Returns len, or
 * -ENODEV when the CPU has none, -EIO when it keeps failing. */
int plat_random_seed(void *buf, size_t len);

#endif
