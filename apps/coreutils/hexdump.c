/* hexdump: shows files ("-" or none: standard input) in hexadecimal.
 * -C: util-linux's canonical form (offset, 16 bytes in two groups of 8,
 * the printable characters between bars); default: 16-bit words. A line
 * equal to the one before is shown once as `*`. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static int is_canonical;

static void print_line(unsigned long long offset, const unsigned char *b, size_t n)
{
    if (is_canonical) {
        printf("%08llx ", offset);
        for (size_t i = 0; i < 16; i++) {
            if (i == 8)
                putchar(' ');
            if (i < n)
                printf(" %02x", b[i]);
            else
                fputs("   ", stdout);
        }
        fputs("  |", stdout);
        for (size_t i = 0; i < n; i++)
            putchar(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.');
        puts("|");
        return;
    }
    printf("%07llx", offset);
    for (size_t i = 0; i < n; i += 2) {
        unsigned word = b[i] | (i + 1 < n ? (unsigned)b[i + 1] << 8 : 0);
        printf(" %04x", word);
    }
    putchar('\n');
}

/* Fills a 16-byte line across reads and files, as hexdump does. */
static unsigned char line[16], prev[16];
static size_t line_len;
static unsigned long long offset;
static int has_prev, is_starred;

static void flush_line(void)
{
    if (line_len == 16 && has_prev && memcmp(line, prev, 16) == 0) {
        if (!is_starred)
            puts("*");
        is_starred = 1;
    } else {
        print_line(offset, line, line_len);
        is_starred = 0;
    }
    memcpy(prev, line, 16);
    has_prev = line_len == 16;
    offset += line_len;
    line_len = 0;
}

static int dump(int fd)
{
    unsigned char buf[4096];
    for (;;) {
        ssize_t got = read(fd, buf, sizeof buf);
        if (got <= 0)
            return (int)got;
        for (ssize_t i = 0; i < got; i++) {
            line[line_len++] = buf[i];
            if (line_len == 16)
                flush_line();
        }
    }
}

int main(int argc, char **argv)
{
    int opt, status = 0;
    cu_prog = "hexdump";
    while ((opt = cu_getopt(argc, argv, "C")) != -1) {
        if (opt == 'C')
            is_canonical = 1;
        else
            cu_usage("[-C] [file...]");
    }
    int nfiles = argc - cu_optind;
    for (int i = 0; i < (nfiles ? nfiles : 1); i++) {
        const char *name = nfiles ? argv[cu_optind + i] : "-";
        int fd = cu_open_input(name);
        if (fd < 0) {
            status = cu_warn(name);
            continue;
        }
        if (dump(fd) < 0)
            status = cu_warn(name);
        cu_close_input(fd);
    }
    if (line_len > 0)
        flush_line();
    if (offset > 0 || has_prev)
        printf(is_canonical ? "%08llx\n" : "%07llx\n", offset);
    if (fflush(stdout) != 0)
        status = cu_warn("write");
    return status;
}
