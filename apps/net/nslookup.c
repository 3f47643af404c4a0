/* nslookup NAME: looks NAME up through getaddrinfo (/etc/hosts, then the
 * DNS servers of /etc/resolv.conf) and prints a "Name:" and an "Address:"
 * line for each address found. Exit 1 when there is none. */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: nslookup NAME\n");
        return 2;
    }
    const char *name = argv[1];
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *list;
    int status = getaddrinfo(name, NULL, &hints, &list);
    if (status != 0) {
        fprintf(stderr, "nslookup: can't resolve '%s': %s\n", name, gai_strerror(status));
        return 1;
    }
    for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
        char text[INET6_ADDRSTRLEN];
        const void *bytes = ai->ai_family == AF_INET
                                ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                                : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        if (!inet_ntop(ai->ai_family, bytes, text, sizeof text))
            continue;
        printf("Name: %s\nAddress: %s\n", name, text);
    }
    freeaddrinfo(list);
    return 0;
}
