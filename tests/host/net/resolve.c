/* host-resolve NAME [4|6|any] [hosts]: prints what our getaddrinfo (or,
 * with "hosts", gethostbyname) gives for NAME, one address a line, then
 * "canonical NAME"; on failure "error NAME_OF_EAI" and exit 2. Driven by
 * net_test.py against dnsmasq in a namespace. */
#include <stdio.h>
#include <string.h>

#include "tnd.h"

static const char *error_name(int err)
{
    switch (err) {
    case EAI_NONAME: return "EAI_NONAME";
    case EAI_AGAIN: return "EAI_AGAIN";
    case EAI_FAIL: return "EAI_FAIL";
    case EAI_FAMILY: return "EAI_FAMILY";
    case EAI_SERVICE: return "EAI_SERVICE";
    default: return "EAI_OTHER";
    }
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 64;
    if (argc > 3 && strcmp(argv[3], "hosts") == 0) {
        struct hostent *h = tnd_gethostbyname(argv[1]);
        if (!h) {
            printf("error h_errno %d %s\n", h_errno, tnd_hstrerror(h_errno));
            return 2;
        }
        for (char **a = h->h_addr_list; *a; a++)
            printf("%s\n", tnd_inet_ntoa(*(struct in_addr *)*a));
        printf("canonical %s\n", h->h_name);
        return 0;
    }
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_CANONNAME };
    if (argc > 2 && strcmp(argv[2], "4") == 0)
        hints.ai_family = AF_INET;
    if (argc > 2 && strcmp(argv[2], "6") == 0)
        hints.ai_family = AF_INET6;
    struct addrinfo *list;
    int status = tnd_getaddrinfo(argv[1], "80", &hints, &list);
    if (status != 0) {
        printf("error %s %s\n", error_name(status), tnd_gai_strerror(status));
        return 2;
    }
    for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
        char text[INET6_ADDRSTRLEN];
        const void *bytes = ai->ai_family == AF_INET
                                ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                                : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        printf("%s\n", tnd_inet_ntop(ai->ai_family, bytes, text, sizeof text));
    }
    printf("canonical %s\n", list->ai_canonname ? list->ai_canonname : "-");
    tnd_freeaddrinfo(list);
    return 0;
}
