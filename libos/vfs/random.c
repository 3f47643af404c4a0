/* The kernel CSPRNG behind /dev/random and /dev/urandom: ChaCha20 (RFC 8439
 * block function) keyed from the platform's hardware generator, with fast
 * key erasure (each request rekeys from the keystream, so a later
 * compromise does not reveal earlier output). Without a hardware generator
 * the key comes from timer jitter, which is weak: the boot log says so. */
#include <stdint.h>
#include <string.h>
#include <kern/printk.h>
#include <kern/spinlock.h>
#include <kern/util.h>
#include <plat/random.h>
#include <plat/timer.h>
#include <vfs/fs.h>

/* Protects key and counter. */
static struct spinlock random_lock = SPINLOCK_INIT;
static uint32_t random_key[8];
static uint64_t random_counter;
static bool random_is_seeded;

static uint32_t rotl32(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

#define QUARTER(a, b, c, d)                                                   \
    do {                                                                      \
        a += b; d ^= a; d = rotl32(d, 16);                                    \
        c += d; b ^= c; b = rotl32(b, 12);                                    \
        a += b; d ^= a; d = rotl32(d, 8);                                     \
        c += d; b ^= c; b = rotl32(b, 7);                                     \
    } while (0)

/* One 64-byte ChaCha20 block for key, counter (64-bit), nonce 0. */
static void chacha20_block(const uint32_t key[8], uint64_t counter, uint32_t out[16])
{
    uint32_t in[16] = {
        0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
        key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
        (uint32_t)counter, (uint32_t)(counter >> 32), 0, 0,
    };
    uint32_t x[16];
    memcpy(x, in, sizeof(x));
    for (int i = 0; i < 10; i++) {
        QUARTER(x[0], x[4], x[8], x[12]);
        QUARTER(x[1], x[5], x[9], x[13]);
        QUARTER(x[2], x[6], x[10], x[14]);
        QUARTER(x[3], x[7], x[11], x[15]);
        QUARTER(x[0], x[5], x[10], x[15]);
        QUARTER(x[1], x[6], x[11], x[12]);
        QUARTER(x[2], x[7], x[8], x[13]);
        QUARTER(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++)
        out[i] = x[i] + in[i];
}

/* Mixes bytes into the key: key' = first half of ChaCha20(key ^ data). */
static void mix_locked(const void *data, size_t len)
{
    spin_assert_held(&random_lock);
    const uint8_t *p = data;
    while (len) {
        uint32_t chunk[8] = { 0 };
        size_t n = MIN(len, sizeof(chunk));
        memcpy(chunk, p, n);
        for (int i = 0; i < 8; i++)
            random_key[i] ^= chunk[i];
        uint32_t block[16];
        chacha20_block(random_key, random_counter++, block);
        memcpy(random_key, block, sizeof(random_key));
        p += n;
        len -= n;
    }
}

void random_init(void)
{
    uint8_t seed[32];
    int rc = plat_random_seed(seed, sizeof(seed));
    spin_lock(&random_lock);
    if (rc == (int)sizeof(seed)) {
        mix_locked(seed, sizeof(seed));
    } else {
        /* No hardware generator: timer jitter only. */
        for (int i = 0; i < 64; i++) {
            uint64_t t = plat_time_ns();
            mix_locked(&t, sizeof(t));
        }
    }
    random_is_seeded = true;
    spin_unlock(&random_lock);
    memset(seed, 0, sizeof(seed));
    printk("random: seeded from %s\n", rc == (int)sizeof(seed) ? "the CPU's generator"
                                                                : "timer jitter (weak)");
}

void random_mix(const void *data, size_t len)
{
    spin_lock(&random_lock);
    mix_locked(data, len);
    spin_unlock(&random_lock);
}

void random_read(void *buf, size_t len)
{
    uint8_t *out = buf;
    if (!random_is_seeded)
        random_init();
    while (len) {
        /* at most 4 KiB per lock hold, then rekey */
        size_t chunk = MIN(len, (size_t)4096);
        spin_lock(&random_lock);
        for (size_t done = 0; done < chunk;) {
            uint32_t block[16];
            chacha20_block(random_key, random_counter++, block);
            size_t n = MIN(chunk - done, sizeof(block));
            memcpy(out + done, block, n);
            done += n;
        }
        uint32_t next[16];
        chacha20_block(random_key, random_counter++, next);
        memcpy(random_key, next, sizeof(random_key));
        spin_unlock(&random_lock);
        out += chunk;
        len -= chunk;
    }
}
