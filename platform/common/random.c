/* plat_random_seed over the port's generator (RDRAND on amd64, RNDR on
 * arm64): a read may transiently fail, so each is retried a few times,
 * as Intel advises for RDRAND. */
#include <stdint.h>
#include <string.h>
#include <abi/errno.h>
#include <plat/random.h>
#include "platform.h"

#define RNG_RETRIES 10

static bool rng_read64_retrying(uint64_t *value)
{
    for (int i = 0; i < RNG_RETRIES; i++)
        if (rng_read64(value))
            return true;
    return false;
}

int plat_random_seed(void *buf, size_t len)
{
    if (!rng_is_present())
        return -ENODEV;
    for (size_t done = 0; done < len;) {
        uint64_t value;
        if (!rng_read64_retrying(&value))
            return -EIO;
        size_t n = len - done < sizeof(value) ? len - done : sizeof(value);
        memcpy((char *)buf + done, &value, n);
        done += n;
    }
    return (int)len;
}
