/* The arm64 random number generator for plat_random_seed (common/random.c):
 * the RNDR register (FEAT_RNG), when ID_AA64ISAR0_EL1.RNDR says it exists;
 * NZCV.Z set means no value. */
#include <stdbool.h>
#include <stdint.h>
#include "platform.h"

bool rng_is_present(void)
{
    uint64_t isar0;
    __asm__ volatile("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
    return ((isar0 >> 60) & 0xf) >= 1;
}

bool rng_read64(uint64_t *value)
{
    uint64_t ok;
    __asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tcset %1, ne" : "=r"(*value), "=r"(ok) : : "cc");
    return ok;
}
