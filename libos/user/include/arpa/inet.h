/* Address text conversions. */
#ifndef _ARPA_INET_H
#define _ARPA_INET_H

#include <netinet/in.h>

in_addr_t inet_addr(const char *text);
int inet_aton(const char *text, struct in_addr *out);
char *inet_ntoa(struct in_addr in);                 /* static buffer */
int inet_pton(int af, const char *text, void *out); /* 1, 0 bad text, -1 EAFNOSUPPORT */
const char *inet_ntop(int af, const void *in, char *out, socklen_t size);

#endif
