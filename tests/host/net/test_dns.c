/* libos/user/net/dns.c on hand-made answers (CNAME chains, loops, error
 * codes, foreign ids and questions, every truncation) and a bounded
 * structural fuzz: damaged copies of valid answers, each in a buffer of
 * its exact size so that AddressSanitizer sees any read past the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"

static int failures;

#define CHECK(cond, ...) do { \
        if (!(cond)) { \
            fprintf(stderr, "%s:%d: FAIL %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__); \
            fputc('\n', stderr); \
            failures++; \
        } \
    } while (0)

/* A message under construction. */
struct msg {
    uint8_t bytes[DNS_MAX_MESSAGE];
    size_t len;
};

static void put8(struct msg *m, unsigned v) { m->bytes[m->len++] = (uint8_t)v; }
static void put16(struct msg *m, unsigned v) { put8(m, v >> 8); put8(m, v); }

static void put_name(struct msg *m, const char *name)
{
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t len = dot ? (size_t)(dot - name) : strlen(name);
        put8(m, (unsigned)len);
        memcpy(m->bytes + m->len, name, len);
        m->len += len;
        name += len + (dot ? 1 : 0);
    }
    put8(m, 0);
}

/* Header and question; counts: answers. */
static void start(struct msg *m, unsigned id, unsigned flags, const char *qname, unsigned answers)
{
    m->len = 0;
    put16(m, id);
    put16(m, flags);
    put16(m, 1);
    put16(m, answers);
    put16(m, 0);
    put16(m, 0);
    put_name(m, qname);
    put16(m, DNS_TYPE_A);
    put16(m, DNS_CLASS_IN);
}

/* An RR whose owner is a pointer to the question's name. */
static void rr_a_at_question(struct msg *m, const uint8_t address[4])
{
    put16(m, 0xc00c);
    put16(m, DNS_TYPE_A);
    put16(m, DNS_CLASS_IN);
    put16(m, 0);
    put16(m, 60);
    put16(m, 4);
    memcpy(m->bytes + m->len, address, 4);
    m->len += 4;
}

static void rr_a(struct msg *m, const char *owner, const uint8_t address[4])
{
    put_name(m, owner);
    put16(m, DNS_TYPE_A);
    put16(m, DNS_CLASS_IN);
    put16(m, 0);
    put16(m, 60);
    put16(m, 4);
    memcpy(m->bytes + m->len, address, 4);
    m->len += 4;
}

static void rr_cname(struct msg *m, const char *owner, const char *target)
{
    put_name(m, owner);
    put16(m, DNS_TYPE_CNAME);
    put16(m, DNS_CLASS_IN);
    put16(m, 0);
    put16(m, 60);
    size_t length_at = m->len;
    put16(m, 0);
    size_t start_at = m->len;
    put_name(m, target);
    m->bytes[length_at + 1] = (uint8_t)(m->len - start_at);
}

/* Parses the message from a heap copy of its exact size. */
static enum dns_status parse(const struct msg *m, size_t len, unsigned id, const char *name,
                             struct dns_answer *out)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, m->bytes, len);
    enum dns_status status = dns_parse_answer(copy, len, (uint16_t)id, name, out);
    free(copy);
    CHECK(out->address_count >= 0 && out->address_count <= DNS_MAX_ADDRS, "address count %d",
          out->address_count);
    CHECK(memchr(out->canonical_name, 0, sizeof out->canonical_name) != NULL, "unterminated");
    return status;
}

static const uint8_t addr1[4] = {10, 1, 2, 3}, addr2[4] = {10, 1, 2, 4};

static struct msg samples[8];
static int sample_count;

static void keep(const struct msg *m)
{
    if (sample_count < 8)
        samples[sample_count++] = *m;
}

static void test_answers(void)
{
    struct msg m;
    struct dns_answer a;

    start(&m, 0x1234, 0x8180, "www.test", 2);
    rr_a_at_question(&m, addr1);
    rr_a(&m, "WWW.Test", addr2);
    keep(&m);
    CHECK(parse(&m, m.len, 0x1234, "www.test", &a) == DNS_FOUND && a.address_count == 2 &&
          memcmp(a.addresses[0], addr1, 4) == 0 && memcmp(a.addresses[1], addr2, 4) == 0,
          "two A records: count %d", a.address_count);
    CHECK(strcmp(a.canonical_name, "www.test") == 0, "canonical %s", a.canonical_name);
    CHECK(parse(&m, m.len, 0x1234, "www.test.", &a) == DNS_FOUND, "trailing dot in the name");
    CHECK(parse(&m, m.len, 0x1235, "www.test", &a) == DNS_NOT_OURS, "another id");
    CHECK(parse(&m, m.len, 0x1234, "ww.test", &a) == DNS_NOT_OURS, "another question");
    for (size_t len = 0; len < m.len; len++) {
        enum dns_status status = parse(&m, len, 0x1234, "www.test", &a);
        CHECK(status == DNS_BAD_MESSAGE, "truncated to %zu bytes: %d", len, status);
    }

    /* A chain in scrambled order: www -> alias1 -> alias2 (A). */
    start(&m, 7, 0x8180, "www.test", 4);
    rr_a(&m, "alias2.test", addr2);
    rr_a(&m, "unrelated.test", addr1);
    rr_cname(&m, "alias1.test", "alias2.test");
    rr_cname(&m, "www.test", "alias1.test");
    keep(&m);
    CHECK(parse(&m, m.len, 7, "www.test", &a) == DNS_FOUND && a.address_count == 1 &&
          memcmp(a.addresses[0], addr2, 4) == 0, "CNAME chain: count %d", a.address_count);
    CHECK(strcmp(a.canonical_name, "alias2.test") == 0, "canonical %s", a.canonical_name);

    /* A loop of CNAMEs ends. */
    start(&m, 8, 0x8180, "a.test", 2);
    rr_cname(&m, "a.test", "b.test");
    rr_cname(&m, "b.test", "a.test");
    keep(&m);
    CHECK(parse(&m, m.len, 8, "a.test", &a) == DNS_NO_NAME, "CNAME loop");

    /* A chain longer than DNS_MAX_CNAME_HOPS. */
    start(&m, 9, 0x8180, "n0.test", DNS_MAX_CNAME_HOPS + 3);
    char owner[24], target[24];
    for (int i = 0; i < DNS_MAX_CNAME_HOPS + 2; i++) {
        snprintf(owner, sizeof owner, "n%d.test", i);
        snprintf(target, sizeof target, "n%d.test", i + 1);
        rr_cname(&m, owner, target);
    }
    rr_a(&m, target, addr1);
    CHECK(parse(&m, m.len, 9, "n0.test", &a) == DNS_NO_NAME, "a chain too long");

    start(&m, 10, 0x8183, "nope.test", 0);
    CHECK(parse(&m, m.len, 10, "nope.test", &a) == DNS_NO_NAME, "NXDOMAIN");
    start(&m, 11, 0x8180, "empty.test", 0);
    CHECK(parse(&m, m.len, 11, "empty.test", &a) == DNS_NO_NAME, "NOERROR without A");
    start(&m, 12, 0x8182, "www.test", 0);
    CHECK(parse(&m, m.len, 12, "www.test", &a) == DNS_SERVER_FAIL, "SERVFAIL");
    start(&m, 13, 0x8385, "www.test", 0);
    CHECK(parse(&m, m.len, 13, "www.test", &a) == DNS_BAD_MESSAGE, "TC set");
    start(&m, 14, 0x0100, "www.test", 1);
    rr_a_at_question(&m, addr1);
    CHECK(parse(&m, m.len, 14, "www.test", &a) == DNS_NOT_OURS, "a query, not an answer");

    /* An answer whose owner is a pointer to itself. */
    start(&m, 15, 0x8180, "www.test", 1);
    size_t here = m.len;
    put16(&m, 0xc000 | (unsigned)here);
    put16(&m, DNS_TYPE_A), put16(&m, 1), put16(&m, 0), put16(&m, 60), put16(&m, 4);
    memcpy(m.bytes + m.len, addr1, 4), m.len += 4;
    keep(&m);
    CHECK(parse(&m, m.len, 15, "www.test", &a) == DNS_BAD_MESSAGE, "pointer loop");

    /* An A record of 5 bytes. */
    start(&m, 16, 0x8180, "www.test", 1);
    put16(&m, 0xc00c), put16(&m, DNS_TYPE_A), put16(&m, 1), put16(&m, 0), put16(&m, 60);
    put16(&m, 5);
    memcpy(m.bytes + m.len, "\x0a\x01\x02\x03\x04", 5), m.len += 5;
    CHECK(parse(&m, m.len, 16, "www.test", &a) == DNS_BAD_MESSAGE, "A of 5 bytes");

    /* rdlength past the end. */
    start(&m, 17, 0x8180, "www.test", 1);
    rr_a_at_question(&m, addr1);
    m.bytes[m.len - 5] = 200;
    CHECK(parse(&m, m.len, 17, "www.test", &a) == DNS_BAD_MESSAGE, "rdlength past the end");

    /* Fewer records than ancount says. */
    start(&m, 18, 0x8180, "www.test", 3);
    rr_a_at_question(&m, addr1);
    CHECK(parse(&m, m.len, 18, "www.test", &a) == DNS_BAD_MESSAGE, "ancount too big");
}

static void test_query(void)
{
    uint8_t buf[DNS_MAX_MESSAGE];
    int len = dns_build_query(buf, sizeof buf, 0xbeef, "www.test", DNS_TYPE_A);
    static const uint8_t expected[] = {0xbe, 0xef, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w',
                                       4, 't', 'e', 's', 't', 0, 0, 1, 0, 1};
    CHECK(len == (int)sizeof expected && memcmp(buf, expected, sizeof expected) == 0,
          "query for www.test: %d bytes", len);
    CHECK(dns_build_query(buf, sizeof buf, 1, "www.test.", DNS_TYPE_A) == len, "trailing dot");
    char long_label[80];
    memset(long_label, 'a', 64);
    long_label[64] = '\0';
    CHECK(dns_build_query(buf, sizeof buf, 1, long_label, DNS_TYPE_A) < 0, "64-byte label");
    long_label[63] = '\0';
    CHECK(dns_build_query(buf, sizeof buf, 1, long_label, DNS_TYPE_A) > 0, "63-byte label");
    char long_name[300];
    memset(long_name, 'a', sizeof long_name);
    for (int i = 50; i < 299; i += 51)
        long_name[i] = '.';
    long_name[254] = '\0';
    CHECK(dns_build_query(buf, sizeof buf, 1, long_name, DNS_TYPE_A) < 0, "254-byte name");
    static const char *bad[] = {"", ".", "a..b", "..", ".a", "a b", "a\tb", "a..", "x\x7f"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(dns_build_query(buf, sizeof buf, 1, bad[i], DNS_TYPE_A) < 0, "bad name \"%s\"",
              bad[i]);
    CHECK(dns_build_query(buf, 20, 1, "www.test", DNS_TYPE_A) < 0, "a buffer too small");
}

/* Bounded structural fuzz: no crash, no read out of bounds (ASan). */
static void test_fuzz(void)
{
    struct dns_answer a;
    unsigned found = 0;
    for (int round = 0; round < 200000; round++) {
        struct msg m = samples[rand() % sample_count];
        int mutations = 1 + rand() % 4;
        for (int i = 0; i < mutations && m.len > 0; i++) {
            size_t at = (size_t)rand() % m.len;
            switch (rand() % 6) {
            case 0: m.bytes[at] ^= (uint8_t)(1u << (rand() % 8)); break;
            case 1: m.bytes[at] = (uint8_t)rand(); break;
            case 2: m.bytes[at] = (uint8_t)(0xc0 | rand() % 2); break;
            case 3: m.len = at; break;
            case 4: m.bytes[at] = 0x3f; break;
            case 5: if (at + 1 < m.len) m.bytes[at] = m.bytes[at + 1] = 0xff; break;
            }
        }
        /* Keep the id and QR often, so that the parser gets past the header. */
        unsigned id = m.len >= 2 ? (unsigned)m.bytes[0] << 8 | m.bytes[1] : 0;
        const char *name = round % 2 ? "www.test" : "a.test";
        if (parse(&m, m.len, id, name, &a) == DNS_FOUND)
            found++;
        if (failures > 10)
            return;
    }
    printf("fuzz: 200000 damaged answers, %u still gave addresses\n", found);
}

int main(void)
{
    srand(53);
    test_query();
    test_answers();
    test_fuzz();
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("dns: all passed\n");
    return 0;
}
