/* udpecho -p PORT: sends every UDP datagram received on PORT (any IPv4
 * address) back to its sender, unchanged, until interrupted. The peer of
 * scripts/bench net's UDP round trips; portable, so the same source runs
 * on Linux for the comparison. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

static char datagram[65536];

int main(int argc, char **argv)
{
    int opt, port = -1;
    while ((opt = getopt(argc, argv, "p:")) != -1) {
        if (opt == 'p')
            port = atoi(optarg);
        else
            port = -1;
    }
    if (port <= 0 || port > 65535 || optind != argc) {
        fprintf(stderr, "usage: udpecho -p PORT\n");
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        perror("udpecho: socket");
        return 1;
    }
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                                   .sin_addr = { htonl(INADDR_ANY) } };
    if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) {
        fprintf(stderr, "udpecho: bind port %d: %s\n", port, strerror(errno));
        return 1;
    }
    for (;;) {
        struct sockaddr_in from;
        socklen_t from_len = sizeof from;
        ssize_t n = recvfrom(fd, datagram, sizeof datagram, 0, (struct sockaddr *)&from,
                             &from_len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("udpecho: recvfrom");
            return 1;
        }
        if (sendto(fd, datagram, (size_t)n, 0, (struct sockaddr *)&from, from_len) < 0 &&
            errno != EINTR)
            perror("udpecho: sendto");
    }
}
