/* nc [-u] [-w SECS] HOST PORT, nc [-u] [-w SECS] -l -p PORT: standard input
 * to the socket and the socket to standard output, with poll. TCP: at the
 * end of standard input the sending side is shut down (half-close) and nc
 * goes on reading until the peer closes; the peer's close or half-close
 * ends a listener, and a client after the rest of its input. UDP: each read of standard input
 * is one datagram; a listener answers the first sender. -w: after the end
 * of standard input, exit when the socket has been quiet that long (UDP
 * without -w runs until interrupted, as OpenBSD's nc). */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#define NC_BUF_BYTES 65536

static char buffer[NC_BUF_BYTES];

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t done = write(fd, data, len);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            return -1;
        data += done;
        len -= (size_t)done;
    }
    return 0;
}

static int connect_to(const char *host, const char *port, int socktype)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = socktype };
    struct addrinfo *list;
    int status = getaddrinfo(host, port, &hints, &list);
    if (status != 0) {
        fprintf(stderr, "nc: %s: %s\n", host, gai_strerror(status));
        return -1;
    }
    int fd = -1, error = 0;
    for (struct addrinfo *ai = list; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            error = errno;
            close(fd);
            fd = -1;
        } else if (fd < 0) {
            error = errno;
        }
    }
    freeaddrinfo(list);
    if (fd < 0)
        fprintf(stderr, "nc: can't connect to %s:%s: %s\n", host, port, strerror(error));
    return fd;
}

/* Binds the port on every IPv4 address; for TCP waits for one client, for
 * UDP for the first datagram (written out, the socket then connected to
 * its sender). */
static int listen_on(int port, int socktype)
{
    int fd = socket(AF_INET, socktype, 0), on = 1;
    if (fd < 0) {
        perror("nc: socket");
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                                   .sin_addr = { htonl(INADDR_ANY) } };
    if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) {
        fprintf(stderr, "nc: bind port %d: %s\n", port, strerror(errno));
        close(fd);
        return -1;
    }
    if (socktype == SOCK_STREAM) {
        if (listen(fd, 1) < 0) {
            perror("nc: listen");
            close(fd);
            return -1;
        }
        int client;
        do
            client = accept(fd, NULL, NULL);
        while (client < 0 && errno == EINTR);
        if (client < 0)
            perror("nc: accept");
        close(fd);
        return client;
    }
    struct sockaddr_in from;
    socklen_t from_len = sizeof from;
    ssize_t got = recvfrom(fd, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &from_len);
    if (got < 0 || connect(fd, (struct sockaddr *)&from, from_len) < 0 ||
        write_all(STDOUT_FILENO, buffer, (size_t)got) < 0) {
        perror("nc: udp");
        close(fd);
        return -1;
    }
    return fd;
}

/* The relay. Returns the exit status. TCP, as OpenBSD's nc: the peer's
 * close (or half-close) ends a listener; a client goes on sending its
 * standard input to the end, then exits. */
static int relay(int fd, int is_udp, int is_listen, int wait_s)
{
    struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
                             { .fd = fd, .events = POLLIN } };
    int is_stdin_open = 1, is_net_open = 1;
    for (;;) {
        int timeout_ms = !is_stdin_open && wait_s > 0 ? wait_s * 1000 : -1;
        fds[0].fd = is_stdin_open ? STDIN_FILENO : -1;
        fds[1].fd = is_net_open ? fd : -1;
        int ready = poll(fds, 2, timeout_ms);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0) {
            perror("nc: poll");
            return 1;
        }
        if (ready == 0)
            return 0;                   /* -w: quiet for long enough */
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t got = recv(fd, buffer, sizeof buffer, 0);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0) {
                if (is_udp && errno == ECONNREFUSED)
                    continue;           /* nobody there yet: keep going */
                fprintf(stderr, "nc: recv: %s\n", strerror(errno));
                return 1;
            }
            if (got == 0 && !is_udp) {
                /* the peer closed, or shut its side down */
                if (is_listen || !is_stdin_open)
                    return 0;
                is_net_open = 0;
                continue;
            }
            if (write_all(STDOUT_FILENO, buffer, (size_t)got) < 0)
                return 1;
        }
        if (is_stdin_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t got = read(STDIN_FILENO, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                is_stdin_open = 0;
                if (!is_udp)
                    shutdown(fd, SHUT_WR);
                if (!is_net_open)
                    return 0;
                continue;
            }
            if (is_udp ? send(fd, buffer, (size_t)got, 0) != got
                       : write_all(fd, buffer, (size_t)got) < 0) {
                fprintf(stderr, "nc: send: %s\n", strerror(errno));
                return 1;
            }
        }
    }
}

int main(int argc, char **argv)
{
    int is_udp = 0, is_listen = 0, port = -1, wait_s = 0, opt;
    while ((opt = getopt(argc, argv, "ulp:w:")) != -1) {
        switch (opt) {
        case 'u': is_udp = 1; break;
        case 'l': is_listen = 1; break;
        case 'p': port = atoi(optarg); break;
        case 'w': wait_s = atoi(optarg); break;
        default: goto usage;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    int socktype = is_udp ? SOCK_DGRAM : SOCK_STREAM, fd;
    if (is_listen) {
        if (optind < argc && port < 0)
            port = atoi(argv[optind++]);    /* nc -l PORT, as OpenBSD's */
        if (port <= 0 || port > 65535 || optind != argc)
            goto usage;
        fd = listen_on(port, socktype);
    } else {
        if (optind != argc - 2)
            goto usage;
        fd = connect_to(argv[optind], argv[optind + 1], socktype);
    }
    if (fd < 0)
        return 1;
    int status = relay(fd, is_udp, is_listen, wait_s);
    close(fd);
    return status;
usage:
    fprintf(stderr, "usage: nc [-u] [-w SECS] HOST PORT\n       nc [-u] [-w SECS] -l -p PORT\n");
    return 2;
}
