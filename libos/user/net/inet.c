/* Address text conversions: inet_pton/inet_ntop for AF_INET and AF_INET6
 * (RFC 4291 text forms in, RFC 5952 out: the longest run of two or more
 * zero groups becomes "::", the first on a tie), and the older inet_aton
 * family (a, a.b, a.b.c, a.b.c.d in decimal, octal or hex). Portable C:
 * tests/host builds it against glibc's headers too. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Strict dotted quad: four decimal parts 0..255, no leading zeros. */
static int pton4(const char *text, uint8_t out[4])
{
    int parts = 0;
    while (parts < 4) {
        if (*text < '0' || *text > '9')
            return 0;
        unsigned value = 0;
        int digits = 0;
        while (*text >= '0' && *text <= '9') {
            if (digits > 0 && value == 0)
                return 0;       /* leading zero */
            value = value * 10 + (unsigned)(*text++ - '0');
            if (value > 255 || ++digits > 3)
                return 0;
        }
        out[parts++] = (uint8_t)value;
        if (parts < 4 && *text++ != '.')
            return 0;
    }
    return *text == '\0';
}

static int pton6(const char *text, uint8_t out[16])
{
    uint8_t bytes[16] = {0};
    int count = 0;              /* bytes filled */
    int gap = -1;               /* byte index where "::" stands */

    if (text[0] == ':') {
        if (text[1] != ':')
            return 0;
        gap = 0;
        text += 2;
    }
    while (*text) {
        if (count >= 16)
            return 0;
        /* An embedded dotted quad may end the address. */
        const char *end = text;
        while (*end && *end != ':')
            end++;
        if (*end == '\0' && strchr(text, '.')) {
            if (count > 12 || !pton4(text, bytes + count))
                return 0;
            count += 4;
            break;
        }
        unsigned value = 0;
        int digits = 0;
        for (; *text && *text != ':'; text++) {
            int digit = hex_value(*text);
            if (digit < 0 || ++digits > 4)
                return 0;
            value = value << 4 | (unsigned)digit;
        }
        if (digits == 0)
            return 0;
        bytes[count++] = (uint8_t)(value >> 8);
        bytes[count++] = (uint8_t)value;
        if (*text == ':') {
            text++;
            if (*text == ':') {
                if (gap >= 0)
                    return 0;   /* a second "::" */
                gap = count;
                text++;
            } else if (*text == '\0') {
                return 0;       /* a trailing single ':' */
            }
        }
    }
    if (gap >= 0) {
        if (count == 16)
            return 0;           /* "::" must stand for at least one group */
        int tail = count - gap;
        memset(out, 0, 16);
        memcpy(out, bytes, (size_t)gap);
        memcpy(out + 16 - tail, bytes + gap, (size_t)tail);
        return 1;
    }
    if (count != 16)
        return 0;
    memcpy(out, bytes, 16);
    return 1;
}

int inet_pton(int af, const char *text, void *out)
{
    if (af == AF_INET)
        return pton4(text, out);
    if (af == AF_INET6)
        return pton6(text, out);
    errno = EAFNOSUPPORT;
    return -1;
}

static const char *ntop4(const uint8_t *in, char *out, socklen_t size)
{
    char text[INET_ADDRSTRLEN];
    snprintf(text, sizeof text, "%u.%u.%u.%u", in[0], in[1], in[2], in[3]);
    if (strlen(text) >= size) {
        errno = ENOSPC;
        return NULL;
    }
    return strcpy(out, text);
}

static const char *ntop6(const uint8_t *in, char *out, socklen_t size)
{
    unsigned groups[8];
    for (int i = 0; i < 8; i++)
        groups[i] = (unsigned)in[2 * i] << 8 | in[2 * i + 1];
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (groups[i] != 0) {
            i++;
            continue;
        }
        int start = i;
        while (i < 8 && groups[i] == 0)
            i++;
        if (i - start > best_len) {
            best = start;
            best_len = i - start;
        }
    }
    if (best_len < 2)
        best = -1;

    char text[INET6_ADDRSTRLEN], *p = text;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            *p++ = ':';
            if (best + best_len == 8)
                *p++ = ':';
            i += best_len - 1;
            continue;
        }
        if (i > 0)
            *p++ = ':';
        /* IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d). */
        if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && groups[5] == 0xffff))) {
            p += sprintf(p, "%u.%u.%u.%u", in[12], in[13], in[14], in[15]);
            break;
        }
        p += sprintf(p, "%x", groups[i]);
    }
    *p = '\0';
    if ((size_t)(p - text) >= size) {
        errno = ENOSPC;
        return NULL;
    }
    return strcpy(out, text);
}

const char *inet_ntop(int af, const void *in, char *out, socklen_t size)
{
    if (af == AF_INET)
        return ntop4(in, out, size);
    if (af == AF_INET6)
        return ntop6(in, out, size);
    errno = EAFNOSUPPORT;
    return NULL;
}

/* One number of an inet_aton part: 0x.. hex, 0.. octal, else decimal. */
static const char *aton_part(const char *text, uint32_t *value)
{
    unsigned base = 10;
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text += 2;
    } else if (text[0] == '0') {
        base = 8;
    }
    uint64_t total = 0;
    int digits = 0;
    for (;; text++, digits++) {
        int digit = hex_value(*text);
        if (digit < 0 || (unsigned)digit >= base)
            break;
        total = total * base + (unsigned)digit;
        if (total > 0xffffffffu)
            return NULL;
    }
    if (digits == 0 && base != 8)
        return NULL;
    *value = (uint32_t)total;
    return text;
}

int inet_aton(const char *text, struct in_addr *out)
{
    uint32_t parts[4];
    int count = 0;
    for (;;) {
        if (*text < '0' || *text > '9')
            return 0;
        text = aton_part(text, &parts[count++]);
        if (!text)
            return 0;
        if (*text != '.' || count == 4)
            break;
        text++;
    }
    if (*text != '\0' && *text != ' ' && *text != '\t' && *text != '\n')
        return 0;
    uint32_t address;
    /* The last part fills all the bytes the earlier parts leave. */
    uint32_t last_max = count == 1 ? 0xffffffffu : 0xffffffu >> (8 * (count - 2));
    if (parts[count - 1] > last_max)
        return 0;
    address = parts[count - 1];
    for (int i = 0; i < count - 1; i++) {
        if (parts[i] > 255)
            return 0;
        address |= parts[i] << (24 - 8 * i);
    }
    if (out)
        out->s_addr = htonl(address);
    return 1;
}

in_addr_t inet_addr(const char *text)
{
    struct in_addr address;
    return inet_aton(text, &address) ? address.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
    static char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &in, text, sizeof text);
    return text;
}
