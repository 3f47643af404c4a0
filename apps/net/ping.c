/* ping [-c N] HOST: ICMP echo requests once a second over an ICMP datagram
 * socket (socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), Linux's unprivileged
 * ping socket: the kernel sets the identifier, and recv gives the ICMP
 * message without its IP header). A line per reply, a summary at the end
 * or on ^C; exit 1 when no reply came. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#define PING_DATA_BYTES  56
#define PING_HEADER_BYTES 8
#define PING_INTERVAL_MS 1000
#define ICMP_ECHO_REPLY  0
#define ICMP_ECHO        8

static volatile sig_atomic_t is_interrupted;

static long long now_us(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

static uint16_t checksum(const uint8_t *data, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)data[i] << 8 | data[i + 1];
    if (len & 1)
        sum += (uint32_t)data[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void on_interrupt(int signo)
{
    (void)signo;
    is_interrupted = 1;
}

int main(int argc, char **argv)
{
    long count = -1;
    int opt;
    while ((opt = getopt(argc, argv, "c:")) != -1) {
        if (opt != 'c' || (count = atol(optarg)) <= 0)
            goto usage;
    }
    if (optind != argc - 1)
        goto usage;
    const char *host = argv[optind];
    struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM };
    struct addrinfo *list;
    int status = getaddrinfo(host, NULL, &hints, &list);
    if (status != 0) {
        fprintf(stderr, "ping: %s: %s\n", host, gai_strerror(status));
        return 1;
    }
    struct sockaddr_in target = *(struct sockaddr_in *)list->ai_addr;
    freeaddrinfo(list);
    int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    if (fd < 0) {
        fprintf(stderr, "ping: socket: %s\n", strerror(errno));
        return 1;
    }
    char address[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &target.sin_addr, address, sizeof address);
    printf("PING %s (%s): %d data bytes\n", host, address, PING_DATA_BYTES);
    fflush(stdout);
    signal(SIGINT, on_interrupt);

    long sent = 0, received = 0;
    long long min_us = 0, max_us = 0, total_us = 0;
    while (!is_interrupted && (count < 0 || sent < count)) {
        uint8_t packet[PING_HEADER_BYTES + PING_DATA_BYTES] = {0};
        uint16_t seq = (uint16_t)sent;
        long long sent_at = now_us();
        packet[0] = ICMP_ECHO;
        packet[6] = (uint8_t)(seq >> 8);
        packet[7] = (uint8_t)seq;
        memcpy(packet + PING_HEADER_BYTES, &sent_at, sizeof sent_at);
        for (int i = PING_HEADER_BYTES + (int)sizeof sent_at; i < (int)sizeof packet; i++)
            packet[i] = (uint8_t)i;
        uint16_t sum = checksum(packet, sizeof packet);
        packet[2] = (uint8_t)(sum >> 8);
        packet[3] = (uint8_t)sum;
        if (sendto(fd, packet, sizeof packet, 0, (struct sockaddr *)&target, sizeof target) < 0)
            fprintf(stderr, "ping: sendto: %s\n", strerror(errno));
        sent++;
        /* Wait out the interval (the last one too), taking replies. */
        long long deadline = sent_at + PING_INTERVAL_MS * 1000LL;
        for (;;) {
            long long left_us = deadline - now_us();
            if (left_us <= 0 || is_interrupted || (count > 0 && received == count))
                break;
            struct pollfd pfd = { .fd = fd, .events = POLLIN };
            if (poll(&pfd, 1, (int)((left_us + 999) / 1000)) <= 0)
                continue;
            uint8_t reply[PING_HEADER_BYTES + PING_DATA_BYTES + 64];
            ssize_t got = recv(fd, reply, sizeof reply, 0);
            if (got < PING_HEADER_BYTES + (ssize_t)sizeof sent_at || reply[0] != ICMP_ECHO_REPLY)
                continue;
            long long then;
            memcpy(&then, reply + PING_HEADER_BYTES, sizeof then);
            long long rtt_us = now_us() - then;
            unsigned reply_seq = (unsigned)reply[6] << 8 | reply[7];
            if (rtt_us < 0 || reply_seq >= (unsigned)sent)
                continue;
            if (received == 0 || rtt_us < min_us)
                min_us = rtt_us;
            if (rtt_us > max_us)
                max_us = rtt_us;
            total_us += rtt_us;
            received++;
            printf("%d bytes from %s: seq=%u time=%lld.%03lld ms\n", (int)got, address,
                   reply_seq, rtt_us / 1000, rtt_us % 1000);
            fflush(stdout);
        }
    }
    printf("\n--- %s ping statistics ---\n", host);
    printf("%ld packets transmitted, %ld packets received, %ld%% packet loss\n", sent, received,
           sent ? (sent - received) * 100 / sent : 0);
    if (received > 0) {
        long long avg_us = total_us / received;
        printf("round-trip min/avg/max = %lld.%03lld/%lld.%03lld/%lld.%03lld ms\n",
               min_us / 1000, min_us % 1000, avg_us / 1000, avg_us % 1000, max_us / 1000,
               max_us % 1000);
    }
    close(fd);
    return received > 0 ? 0 : 1;
usage:
    fprintf(stderr, "usage: ping [-c N] HOST\n");
    return 2;
}
