/* DNS messages (RFC 1035) without I/O: building an A query and parsing an
 * answer, so that tests/host can feed it hand-made and damaged messages.
 * resolv.c does the sending. */
#ifndef NET_DNS_H
#define NET_DNS_H

#include <stddef.h>
#include <stdint.h>

#define DNS_PORT          53
#define DNS_MAX_MESSAGE   512     /* over UDP, without EDNS */
#define DNS_MAX_NAME      255     /* wire form; text form is shorter */
#define DNS_MAX_ADDRS     16
#define DNS_MAX_CNAME_HOPS 8

#define DNS_TYPE_A        1
#define DNS_TYPE_CNAME    5
#define DNS_CLASS_IN      1

/* What an answer says (dns_parse's result). */
enum dns_status {
    DNS_FOUND = 0,          /* addresses in the answer */
    DNS_NO_NAME = -1,       /* NXDOMAIN, or NOERROR with no A record */
    DNS_SERVER_FAIL = -2,   /* SERVFAIL, REFUSED, ...: ask another server */
    DNS_BAD_MESSAGE = -3,   /* short, garbled or truncated (TC) */
    DNS_NOT_OURS = -4,      /* wrong id or question: keep waiting */
};

struct dns_answer {
    int address_count;
    uint8_t addresses[DNS_MAX_ADDRS][4];    /* network order */
    char canonical_name[DNS_MAX_NAME + 1];  /* the end of the CNAME chain */
};

/* Writes a recursive query for (name, type) into buf; returns its length,
 * or -1 when the name is not a valid host name or buf is too small. */
int dns_build_query(uint8_t *buf, size_t size, uint16_t id, const char *name, uint16_t type);

/* Parses msg as the answer to the A query `id` for `name`, following CNAMEs
 * from name. Never reads outside msg[0..len). */
enum dns_status dns_parse_answer(const uint8_t *msg, size_t len, uint16_t id, const char *name,
                                 struct dns_answer *out);

#endif
