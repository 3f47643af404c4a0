/* memcpy and memmove against a byte-at-a-time reference, at every pair of
 * source and destination offsets within a word and lengths that take each
 * path (short, word loop, unrolled loop, shifted source words). */
#include <stdint.h>
#include <string.h>
#include <ktest.h>

#define STR_BUF 192

static unsigned char str_src[STR_BUF], str_dst[STR_BUF], str_want[STR_BUF];

static void fill(unsigned long *seed)
{
    for (unsigned i = 0; i < STR_BUF; i++) {
        str_src[i] = (unsigned char)ktest_rand(seed);
        str_dst[i] = str_want[i] = (unsigned char)ktest_rand(seed);
    }
}

KTEST(string_memcpy_alignments, KTEST_DEFAULT)
{
    static const size_t lengths[] = { 0, 1, 7, 8, 9, 31, 32, 33, 40, 63, 64, 65, 100, 150 };
    unsigned long seed = 0x5eed;
    for (size_t so = 0; so < 16; so++) {
        for (size_t dof = 0; dof < 16; dof++) {
            for (size_t k = 0; k < sizeof(lengths) / sizeof(lengths[0]); k++) {
                size_t n = lengths[k];
                fill(&seed);
                for (size_t i = 0; i < n; i++)
                    str_want[dof + i] = str_src[so + i];
                void *r = memcpy(str_dst + dof, str_src + so, n);
                KTEST_EXPECT(r == str_dst + dof, "memcpy's return value");
                KTEST_EXPECT(memcmp(str_dst, str_want, STR_BUF) == 0,
                             "memcpy src+%zu -> dst+%zu, %zu bytes", so, dof, n);
                /* memmove within one buffer, both directions */
                fill(&seed);
                memcpy(str_want, str_src, STR_BUF);
                for (size_t i = n; i-- > 0;)
                    str_want[dof + 16 + i] = str_src[so + i];
                memmove(str_src + dof + 16, str_src + so, n);
                KTEST_EXPECT(memcmp(str_src, str_want, STR_BUF) == 0,
                             "memmove up +%zu -> +%zu, %zu bytes", so, dof + 16, n);
            }
        }
    }
    return 0;
}
