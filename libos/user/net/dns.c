/* DNS messages (RFC 1035 section 4) without I/O. Every read is bounded by
 * the message length; compression pointers are followed at most
 * DNS_MAX_POINTERS times, so a loop of pointers ends; a name longer than
 * 255 bytes, a label type other than 0 or a pointer, or a byte that cannot
 * stand in a host name makes the message bad. The answer section is walked
 * once per CNAME hop (no table of records: the parser needs no memory). */
#include <string.h>
#include <strings.h>

#include "dns.h"

#define DNS_HEADER_BYTES  12
#define DNS_MAX_POINTERS  32
#define DNS_FLAG_QR       0x8000
#define DNS_FLAG_TC       0x0200
#define DNS_FLAG_RD       0x0100
#define DNS_RCODE_MASK    0x000f
#define DNS_RCODE_NXDOMAIN 3

static unsigned get16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

static void put16(uint8_t *p, unsigned value)
{
    p[0] = (uint8_t)(value >> 8);
    p[1] = (uint8_t)value;
}

static int is_name_byte(uint8_t c) { return c > ' ' && c < 0x7f && c != '.'; }

int dns_build_query(uint8_t *buf, size_t size, uint16_t id, const char *name, uint16_t type)
{
    size_t name_len = strlen(name);
    if (name_len > 0 && name[name_len - 1] == '.')
        name_len--;                     /* "example.org." is absolute anyway */
    if (name_len == 0 || name_len > 253 || size < DNS_HEADER_BYTES + name_len + 2 + 4)
        return -1;
    memset(buf, 0, DNS_HEADER_BYTES);
    put16(buf, id);
    put16(buf + 2, DNS_FLAG_RD);
    put16(buf + 4, 1);                  /* one question */
    size_t at = DNS_HEADER_BYTES;
    const char *label = name, *end = name + name_len;
    while (label < end) {
        const char *dot = memchr(label, '.', (size_t)(end - label));
        size_t label_len = (size_t)((dot ? dot : end) - label);
        if (label_len == 0 || label_len > 63)
            return -1;
        buf[at++] = (uint8_t)label_len;
        for (size_t i = 0; i < label_len; i++) {
            if (!is_name_byte((uint8_t)label[i]))
                return -1;
            buf[at++] = (uint8_t)label[i];
        }
        label += label_len + (dot ? 1 : 0);
        if (dot && label == end)
            return -1;                  /* "a..": an empty last label */
    }
    buf[at++] = 0;
    put16(buf + at, type);
    put16(buf + at + 2, DNS_CLASS_IN);
    return (int)(at + 4);
}

/* Reads the name at msg[*at] as dotted text into out (DNS_MAX_NAME + 1
 * bytes) and moves *at past it (past the first pointer, if any). */
static int read_name(const uint8_t *msg, size_t len, size_t *at, char *out)
{
    size_t pos = *at, text_len = 0, wire_len = 0;
    int pointers = 0, is_jumped = 0;
    for (;;) {
        if (pos >= len)
            return -1;
        uint8_t byte = msg[pos];
        if ((byte & 0xc0) == 0xc0) {
            if (pos + 1 >= len || ++pointers > DNS_MAX_POINTERS)
                return -1;
            if (!is_jumped)
                *at = pos + 2;
            is_jumped = 1;
            pos = (size_t)(byte & 0x3f) << 8 | msg[pos + 1];
            continue;
        }
        if (byte & 0xc0)
            return -1;                  /* extended label types */
        pos++;
        if (byte == 0)
            break;
        wire_len += 1u + byte;
        if (wire_len + 1 > DNS_MAX_NAME || pos + byte > len)
            return -1;
        if (text_len > 0)
            out[text_len++] = '.';
        for (unsigned i = 0; i < byte; i++) {
            if (!is_name_byte(msg[pos + i]))
                return -1;
            out[text_len++] = (char)msg[pos + i];
        }
        pos += byte;
    }
    if (!is_jumped)
        *at = pos;
    out[text_len] = '\0';
    return 0;
}

/* Compares host names ignoring case and a trailing dot on either. */
static int same_name(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 0 && a[la - 1] == '.')
        la--;
    if (lb > 0 && b[lb - 1] == '.')
        lb--;
    return la == lb && strncasecmp(a, b, la) == 0;
}

/* One walk of the answer section: the A records of `owner` go to out, the
 * first CNAME of `owner` to next_name (empty if none). */
static enum dns_status walk_answers(const uint8_t *msg, size_t len, size_t at, unsigned count,
                                    const char *owner, struct dns_answer *out, char *next_name)
{
    char rr_name[DNS_MAX_NAME + 1];
    next_name[0] = '\0';
    for (unsigned i = 0; i < count; i++) {
        if (read_name(msg, len, &at, rr_name) < 0 || len - at < 10)
            return DNS_BAD_MESSAGE;
        unsigned type = get16(msg + at), class = get16(msg + at + 2);
        size_t rdlength = get16(msg + at + 8);
        at += 10;
        if (len - at < rdlength)
            return DNS_BAD_MESSAGE;
        size_t rdata = at, rdata_end = at + rdlength;
        at = rdata_end;
        if (class != DNS_CLASS_IN || !same_name(rr_name, owner))
            continue;
        if (type == DNS_TYPE_A) {
            if (rdlength != 4)
                return DNS_BAD_MESSAGE;
            if (out->address_count < DNS_MAX_ADDRS)
                memcpy(out->addresses[out->address_count++], msg + rdata, 4);
        } else if (type == DNS_TYPE_CNAME && next_name[0] == '\0') {
            size_t name_at = rdata;
            if (read_name(msg, len, &name_at, next_name) < 0 || name_at != rdata_end ||
                next_name[0] == '\0')
                return DNS_BAD_MESSAGE;
        }
    }
    return DNS_FOUND;
}

enum dns_status dns_parse_answer(const uint8_t *msg, size_t len, uint16_t id, const char *name,
                                 struct dns_answer *out)
{
    char text[DNS_MAX_NAME + 1], next[DNS_MAX_NAME + 1];
    memset(out, 0, sizeof *out);
    if (len < DNS_HEADER_BYTES)
        return DNS_BAD_MESSAGE;
    unsigned flags = get16(msg + 2);
    if (get16(msg) != id || !(flags & DNS_FLAG_QR) || get16(msg + 4) != 1)
        return DNS_NOT_OURS;
    if (flags & DNS_FLAG_TC)
        return DNS_BAD_MESSAGE;         /* no TCP fallback: an A answer fits */
    size_t at = DNS_HEADER_BYTES;
    if (read_name(msg, len, &at, text) < 0 || len - at < 4)
        return DNS_BAD_MESSAGE;
    if (!same_name(text, name) || get16(msg + at) != DNS_TYPE_A ||
        get16(msg + at + 2) != DNS_CLASS_IN)
        return DNS_NOT_OURS;
    at += 4;
    unsigned rcode = flags & DNS_RCODE_MASK;
    if (rcode == DNS_RCODE_NXDOMAIN)
        return DNS_NO_NAME;
    if (rcode != 0)
        return DNS_SERVER_FAIL;

    unsigned answers = get16(msg + 6);
    size_t name_len = strlen(name);
    if (name_len > DNS_MAX_NAME)
        return DNS_BAD_MESSAGE;
    memcpy(text, name, name_len + 1);
    if (name_len > 0 && text[name_len - 1] == '.')
        text[name_len - 1] = '\0';     /* the canonical name has no final dot */
    for (int hop = 0; hop <= DNS_MAX_CNAME_HOPS; hop++) {
        enum dns_status status = walk_answers(msg, len, at, answers, text, out, next);
        if (status != DNS_FOUND) {
            out->address_count = 0;
            return status;
        }
        if (out->address_count > 0) {
            memcpy(out->canonical_name, text, sizeof text);
            return DNS_FOUND;
        }
        if (next[0] == '\0')
            return DNS_NO_NAME;
        memcpy(text, next, sizeof text);
    }
    return DNS_NO_NAME;                 /* a CNAME chain too long, or a loop */
}
