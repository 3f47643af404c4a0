/* Memory and string functions for the kernel side. The kernel does not link
 * newlib's: those are built for the process side (red zone, SSE, small code
 * model on amd64), while kernel code is general-registers-only. */
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

/* Word copies whenever the length allows, whatever the alignment: the
 * destination is aligned first, then a source at another offset is read as
 * aligned words and shifted together (both ports are little-endian; no
 * unaligned access, which code with the MMU off must not make). Under TCG
 * every guest load and store costs, so bytes at a time would cost 8x: the
 * network path copies frames between buffers at unrelated offsets. The
 * aligned reads may touch bytes of the source's first and last words
 * outside [src, src + n), never another page. */
typedef uint64_t __attribute__((may_alias)) word_t;
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "memcpy shifts for little-endian");

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (n >= 32) {
        while ((uintptr_t)d & 7) {
            *d++ = *s++;
            n--;
        }
        unsigned shift = (unsigned)((uintptr_t)s & 7) * 8;
        if (shift == 0) {
            for (; n >= 64; n -= 64, d += 64, s += 64) {
                const word_t *ws = (const word_t *)(const void *)s;
                word_t *wd = (word_t *)(void *)d;
                word_t w0 = ws[0], w1 = ws[1], w2 = ws[2], w3 = ws[3];
                word_t w4 = ws[4], w5 = ws[5], w6 = ws[6], w7 = ws[7];
                wd[0] = w0;
                wd[1] = w1;
                wd[2] = w2;
                wd[3] = w3;
                wd[4] = w4;
                wd[5] = w5;
                wd[6] = w6;
                wd[7] = w7;
            }
            for (; n >= 8; n -= 8, d += 8, s += 8)
                *(word_t *)(void *)d = *(const word_t *)(const void *)s;
        } else {
            const word_t *ws = (const word_t *)(const void *)(s - shift / 8);
            word_t lo = *ws++;
            for (; n >= 8; n -= 8, d += 8, s += 8) {
                word_t hi = *ws++;
                *(word_t *)(void *)d = lo >> shift | hi << (64 - shift);
                lo = hi;
            }
        }
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    uint64_t pattern = (unsigned char)c * 0x0101010101010101ULL;

    while (n && ((uintptr_t)d & 7)) {
        *d++ = (unsigned char)c;
        n--;
    }
    /* 64 bytes a round: under TCG each round is a translated block's run,
     * which costs more than its stores (zeroing a page: 64 rounds, not 512) */
    for (; n >= 64; n -= 64, d += 64) {
        word_t *w = (word_t *)(void *)d;
        w[0] = pattern;
        w[1] = pattern;
        w[2] = pattern;
        w[3] = pattern;
        w[4] = pattern;
        w[5] = pattern;
        w[6] = pattern;
        w[7] = pattern;
    }
    for (; n >= 8; n -= 8, d += 8)
        *(word_t *)(void *)d = pattern;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (; n; n--, p++)
        if (*p == (unsigned char)c)
            return (void *)p;
    return NULL;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    const char *p = s;
    unsigned long value = 0;
    int negative = 0, any = 0;

    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    if (*p == '+' || *p == '-')
        negative = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    for (; digit_value(*p) < base; p++, any = 1)
        value = value * (unsigned long)base + (unsigned long)digit_value(*p);
    if (end)
        *end = (char *)(any ? p : s);
    return negative ? -value : value;
}

long strtol(const char *s, char **end, int base)
{
    return (long)strtoul(s, end, base);
}
