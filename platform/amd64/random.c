/* The amd64 random number generator for plat_random_seed (common/random.c):
 * RDRAND, when CPUID.01H:ECX[30] says it exists; CF=0 means no value. */
#include <stdbool.h>
#include <stdint.h>
#include "platform.h"

bool rng_is_present(void)
{
    uint32_t eax = 1, ebx, ecx = 0, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    return (ecx >> 30) & 1;
}

bool rng_read64(uint64_t *value)
{
    unsigned char ok;
    __asm__ volatile("rdrand %0; setc %1" : "=r"(*value), "=qm"(ok) : : "cc");
    return ok;
}
