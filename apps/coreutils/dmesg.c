/* dmesg: prints the kernel log from /dev/kmsg. Tandem's /dev/kmsg is the
 * log ring as text; Linux's gives `prio,seq,usec,flags;message` records,
 * which are shown as `[seconds] message`. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

/* A Linux record: prints it formatted and returns 1; 0 if it is not one. */
static int print_record(const char *rec, size_t len)
{
    unsigned prio;
    unsigned long long seq, usec;
    int used = 0;
    const char *semicolon = memchr(rec, ';', len);
    if (!semicolon || sscanf(rec, "%u,%llu,%llu,%n", &prio, &seq, &usec, &used) < 3 || used == 0)
        return 0;
    const char *msg = semicolon + 1;
    size_t msg_len = len - (size_t)(msg - rec);
    while (msg_len > 0 && msg[msg_len - 1] == '\n')
        msg_len--;
    printf("[%5llu.%06llu] %.*s\n", usec / 1000000, usec % 1000000, (int)msg_len, msg);
    return 1;
}

int main(int argc, char **argv)
{
    (void)argv;
    cu_prog = "dmesg";
    if (argc > 1)
        cu_usage("");
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return cu_warn("/dev/kmsg");
    static char buf[65536];
    int status = 0;
    for (;;) {
        ssize_t got = read(fd, buf, sizeof buf - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && errno == EPIPE)
            continue; /* Linux: records overwritten meanwhile */
        if (got < 0) {
            if (errno != EAGAIN)
                status = cu_warn("/dev/kmsg");
            break;
        }
        if (got == 0)
            break;
        if (!print_record(buf, (size_t)got))
            fwrite(buf, 1, (size_t)got, stdout);
    }
    close(fd);
    if (fflush(stdout) != 0)
        status = cu_warn("write");
    return status;
}
