/* inet_pton/inet_ntop/inet_aton of libos/user/net/inet.c: tables of valid
 * and invalid text forms, then random addresses and random strings
 * compared with glibc's answers (the reference). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tnd.h"

static int failures;

struct pton_case {
    int af;
    const char *text;
    int result;
    const char *canonical;      /* what inet_ntop prints back, if valid */
};

static const struct pton_case pton_cases[] = {
    {AF_INET, "0.0.0.0", 1, "0.0.0.0"},
    {AF_INET, "127.0.0.1", 1, "127.0.0.1"},
    {AF_INET, "255.255.255.255", 1, "255.255.255.255"},
    {AF_INET, "10.1.2.3", 1, "10.1.2.3"},
    {AF_INET, "256.1.1.1", 0, NULL},
    {AF_INET, "1.2.3", 0, NULL},
    {AF_INET, "1.2.3.4.5", 0, NULL},
    {AF_INET, "01.2.3.4", 0, NULL},
    {AF_INET, "1.2.3.4 ", 0, NULL},
    {AF_INET, " 1.2.3.4", 0, NULL},
    {AF_INET, "1..3.4", 0, NULL},
    {AF_INET, "1.2.3.", 0, NULL},
    {AF_INET, "0x1.2.3.4", 0, NULL},
    {AF_INET, "", 0, NULL},
    {AF_INET, "1.2.3.1000", 0, NULL},
    {AF_INET6, "::", 1, "::"},
    {AF_INET6, "::1", 1, "::1"},
    {AF_INET6, "1::", 1, "1::"},
    {AF_INET6, "2001:db8::1", 1, "2001:db8::1"},
    {AF_INET6, "2001:DB8:0:0:0:0:0:1", 1, "2001:db8::1"},
    {AF_INET6, "2001:db8:0:1:0:0:0:1", 1, "2001:db8:0:1::1"},
    {AF_INET6, "2001:0:0:1:0:0:0:1", 1, "2001:0:0:1::1"},
    {AF_INET6, "2001:db8:1:1:1:1:0:1", 1, "2001:db8:1:1:1:1:0:1"},
    {AF_INET6, "1:0:0:2:0:0:3:4", 1, "1::2:0:0:3:4"},
    {AF_INET6, "fe80::a:b:c:d", 1, "fe80::a:b:c:d"},
    {AF_INET6, "::ffff:1.2.3.4", 1, "::ffff:1.2.3.4"},
    {AF_INET6, "::1.2.3.4", 1, "::1.2.3.4"},
    {AF_INET6, "1:2:3:4:5:6:1.2.3.4", 1, "1:2:3:4:5:6:102:304"},
    {AF_INET6, "1:2:3:4:5:6:7:8", 1, "1:2:3:4:5:6:7:8"},
    {AF_INET6, "1:2:3:4:5:6:7::", 1, "1:2:3:4:5:6:7:0"},
    {AF_INET6, "::2:3:4:5:6:7:8", 1, "0:2:3:4:5:6:7:8"},
    {AF_INET6, "1:2:3:4:5:6:7:8:9", 0, NULL},
    {AF_INET6, "1:2:3:4:5:6:7", 0, NULL},
    {AF_INET6, "1::2::3", 0, NULL},
    {AF_INET6, ":::", 0, NULL},
    {AF_INET6, ":1::", 0, NULL},
    {AF_INET6, "1:", 0, NULL},
    {AF_INET6, "12345::", 0, NULL},
    {AF_INET6, "g::", 0, NULL},
    {AF_INET6, "1:2:3:4:5:6:7:8::", 0, NULL},
    {AF_INET6, "::1.2.3", 0, NULL},
    {AF_INET6, "::1.2.3.4:5", 0, NULL},
    {AF_INET6, "1:2:3:4:5:6:7:1.2.3.4", 0, NULL},
    {AF_INET6, "", 0, NULL},
};

static void test_tables(void)
{
    for (size_t i = 0; i < sizeof pton_cases / sizeof pton_cases[0]; i++) {
        const struct pton_case *c = &pton_cases[i];
        unsigned char ours[16], theirs[16];
        int result = tnd_inet_pton(c->af, c->text, ours);
        CHECK(result == c->result, "inet_pton(\"%s\") = %d, expected %d", c->text, result,
              c->result);
        CHECK(inet_pton(c->af, c->text, theirs) == c->result,
              "the table disagrees with glibc on \"%s\"", c->text);
        if (result != 1 || !c->canonical)
            continue;
        char text[INET6_ADDRSTRLEN];
        const char *printed = tnd_inet_ntop(c->af, ours, text, sizeof text);
        CHECK(printed && strcmp(printed, c->canonical) == 0, "inet_ntop of \"%s\" = \"%s\", "
              "expected \"%s\"", c->text, printed ? printed : "(null)", c->canonical);
    }
    unsigned char any[16];
    CHECK(tnd_inet_pton(12345, "1.2.3.4", any) == -1, "an unknown family is -1");
    char small[8];
    CHECK(tnd_inet_ntop(AF_INET, "\x7f\0\0\1", small, sizeof small) == NULL,
          "a short buffer gives NULL");
    CHECK(memcmp(&tnd_in6addr_loopback, &in6addr_loopback, 16) == 0, "in6addr_loopback");
    CHECK(memcmp(&tnd_in6addr_any, &in6addr_any, 16) == 0, "in6addr_any");
}

static void test_aton(void)
{
    static const char *texts[] = {
        "1.2.3.4", "127.1", "10.1.2", "0x7f.1", "017.0.0.1", "4294967295", "4294967296",
        "1.2.3.4.5", "256.1", "1.16777215", "1.16777216", "0x", "08.1.1.1", "1.2.3.4 junk",
        "1.2.3.4x", "", ".1", "1.", "0xffffffff", "1.2.65535", "1.2.65536", "00000",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct in_addr ours = {0}, theirs = {0};
        int our_result = tnd_inet_aton(texts[i], &ours), their_result = inet_aton(texts[i], &theirs);
        CHECK(our_result == their_result && ours.s_addr == theirs.s_addr,
              "inet_aton(\"%s\") = %d %08x, glibc %d %08x", texts[i], our_result, ours.s_addr,
              their_result, theirs.s_addr);
        CHECK(tnd_inet_addr(texts[i]) == inet_addr(texts[i]), "inet_addr(\"%s\")", texts[i]);
    }
    struct in_addr address = { htonl(0xc0a80001) };
    CHECK(strcmp(tnd_inet_ntoa(address), "192.168.0.1") == 0, "inet_ntoa");
}

/* Random addresses with many zero groups, printed by both. */
static void test_random_ntop(void)
{
    for (int round = 0; round < 20000; round++) {
        unsigned char bytes[16];
        for (int i = 0; i < 16; i += 2) {
            int r = rand() % 4;
            bytes[i] = r == 0 ? (unsigned char)rand() : 0;
            bytes[i + 1] = r <= 1 ? (unsigned char)rand() : 0;
        }
        if (round % 7 == 0)
            memset(bytes, 0, 10), bytes[10] = bytes[11] = 0xff;
        char ours[INET6_ADDRSTRLEN], theirs[INET6_ADDRSTRLEN];
        tnd_inet_ntop(AF_INET6, bytes, ours, sizeof ours);
        inet_ntop(AF_INET6, bytes, theirs, sizeof theirs);
        CHECK(strcmp(ours, theirs) == 0, "inet_ntop: ours \"%s\", glibc \"%s\"", ours, theirs);
        unsigned char back[16];
        CHECK(tnd_inet_pton(AF_INET6, ours, back) == 1 && memcmp(back, bytes, 16) == 0,
              "inet_pton(inet_ntop(x)) != x for \"%s\"", ours);
        if (failures > 10)
            return;
    }
}

/* Random strings over the address alphabet: both must agree. */
static void test_random_pton(void)
{
    static const char alphabet[] = "0123456789abcdefABCDEF:.:::..x ";
    for (int round = 0; round < 200000; round++) {
        char text[48];
        int len = rand() % 46;
        for (int i = 0; i < len; i++)
            text[i] = alphabet[rand() % (sizeof alphabet - 1)];
        text[len] = '\0';
        for (int af = AF_INET; af <= AF_INET6; af += AF_INET6 - AF_INET) {
            unsigned char ours[16] = {0}, theirs[16] = {0};
            int our_result = tnd_inet_pton(af, text, ours);
            int their_result = inet_pton(af, text, theirs);
            CHECK(our_result == their_result &&
                  (our_result != 1 || memcmp(ours, theirs, af == AF_INET ? 4 : 16) == 0),
                  "inet_pton(%d, \"%s\") = %d, glibc %d", af, text, our_result, their_result);
        }
        if (failures > 10)
            return;
    }
}

int main(void)
{
    srand(12);
    test_tables();
    test_aton();
    test_random_ntop();
    test_random_pton();
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("inet: all passed\n");
    return 0;
}
