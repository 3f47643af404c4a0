/* plat_random_seed on amd64: RDRAND, when CPUID.01H:ECX[30] says it exists.
 * RDRAND may transiently fail (CF=0): retried a few times, as Intel advises. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <abi/errno.h>
#include <plat/random.h>

#define RDRAND_RETRIES 10

static bool has_rdrand(void)
{
    uint32_t eax = 1, ebx, ecx = 0, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    return (ecx >> 30) & 1;
}

static bool rdrand64(uint64_t *value)
{
    for (int i = 0; i < RDRAND_RETRIES; i++) {
        unsigned char ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*value), "=qm"(ok) : : "cc");
        if (ok)
            return true;
    }
    return false;
}

int plat_random_seed(void *buf, size_t len)
{
    if (!has_rdrand())
        return -ENODEV;
    for (size_t done = 0; done < len;) {
        uint64_t value;
        if (!rdrand64(&value))
            return -EIO;
        size_t n = len - done < sizeof(value) ? len - done : sizeof(value);
        memcpy((char *)buf + done, &value, n);
        done += n;
    }
    return (int)len;
}
