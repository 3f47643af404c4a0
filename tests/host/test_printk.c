/* The kernel's vsnprintf against the host C library's, format by format. */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <string.h>
#include "stubs.h"

int k_snprintf(char *buf, size_t size, const char *fmt, ...);

#define SAME(...)                                                           \
    do {                                                                    \
        char want[128], got[128];                                           \
        int wn = snprintf(want, sizeof(want), __VA_ARGS__);                 \
        int gn = k_snprintf(got, sizeof(got), __VA_ARGS__);                 \
        CHECK(wn == gn && strcmp(want, got) == 0,                           \
              "format %s: expected \"%s\" (%d), got \"%s\" (%d)", #__VA_ARGS__, \
              want, wn, got, gn);                                           \
    } while (0)

int main(void)
{
    SAME("plain");
    SAME("%d %i %u", -42, 7, 3000000000u);
    SAME("%x %X %o %#x %#o", 0xbeefu, 0xbeefu, 8u, 255u, 8u);
    SAME("%5d|%-5d|%05d|%.3d|%8.3d", 42, 42, 42, 7, -7);
    SAME("%ld %lu %lx", -1234567890123L, 1234567890123UL, 0xfeedfaceUL);
    SAME("%lld %llu %llx", -9223372036854775807LL - 1, 18446744073709551615ULL, 1ULL << 63);
    SAME("%zu %zd %td", (size_t)99, (ssize_t)-99, (ptrdiff_t)-5);
    SAME("%hhu %hd %hhx", 300, 70000, 0x1ff);
    SAME("%s|%10s|%-10s|%.2s|%*s|%.*s", "abc", "abc", "abc", "abc", 6, "ab", 1, "xyz");
    SAME("%c%c%3c|%-3c|", 'a', 'b', 'c', 'd');
    SAME("100%%");
    SAME("%p", (void *)0x1234);
    SAME("%.0d|%5.0d|", 0, 0);
    SAME("%#X %#x", 0xabu, 0u);
    char small[4];
    int n = k_snprintf(small, sizeof(small), "%s", "truncated");
    CHECK(n == 9 && strcmp(small, "tru") == 0, "truncation: %d \"%s\"", n, small);
    CHECK(k_snprintf(NULL, 0, "%d", 12345) == 5, "size 0");
    printf("test_printk: ok\n");
    return 0;
}
