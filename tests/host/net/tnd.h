/* Our resolver's calls under their host names (rename.h), for tests that
 * also call glibc's. */
#ifndef TND_H
#define TND_H
#include <arpa/inet.h>
#include <netdb.h>

int tnd_inet_pton(int af, const char *text, void *out);
const char *tnd_inet_ntop(int af, const void *in, char *out, socklen_t size);
int tnd_inet_aton(const char *text, struct in_addr *out);
in_addr_t tnd_inet_addr(const char *text);
char *tnd_inet_ntoa(struct in_addr in);
int tnd_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                    struct addrinfo **res);
void tnd_freeaddrinfo(struct addrinfo *res);
const char *tnd_gai_strerror(int err);
int tnd_getnameinfo(const struct sockaddr *addr, socklen_t addrlen, char *host,
                    socklen_t hostlen, char *serv, socklen_t servlen, int flags);
struct hostent *tnd_gethostbyname(const char *name);
const char *tnd_hstrerror(int err);
extern const struct in6_addr tnd_in6addr_any, tnd_in6addr_loopback;

#define CHECK(cond, ...) do { \
        if (!(cond)) { \
            fprintf(stderr, "%s:%d: FAIL %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__); \
            fputc('\n', stderr); \
            failures++; \
        } \
    } while (0)

#endif
