/* plat_random_seed on arm64: the RNDR register (FEAT_RNG), when
 * ID_AA64ISAR0_EL1.RNDR says it exists. A read may fail (NZCV.Z set):
 * retried a few times. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <abi/errno.h>
#include <plat/random.h>

#define RNDR_RETRIES 10

static bool has_rndr(void)
{
    uint64_t isar0;
    __asm__ volatile("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
    return ((isar0 >> 60) & 0xf) >= 1;
}

static bool rndr64(uint64_t *value)
{
    for (int i = 0; i < RNDR_RETRIES; i++) {
        uint64_t ok;
        __asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tcset %1, ne" : "=r"(*value), "=r"(ok) : : "cc");
        if (ok)
            return true;
    }
    return false;
}

int plat_random_seed(void *buf, size_t len)
{
    if (!has_rndr())
        return -ENODEV;
    for (size_t done = 0; done < len;) {
        uint64_t value;
        if (!rndr64(&value))
            return -EIO;
        size_t n = len - done < sizeof(value) ? len - done : sizeof(value);
        memcpy((char *)buf + done, &value, n);
        done += n;
    }
    return (int)len;
}
