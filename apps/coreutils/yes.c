/* yes: prints `y` (or its arguments joined by spaces) forever, until the
 * output goes away. */
#include <string.h>
#include <unistd.h>

#include "common.h"

int main(int argc, char **argv)
{
    static char buf[8192];
    size_t line_len = 0;
    cu_prog = "yes";
    if (argc < 2) {
        buf[line_len++] = 'y';
    } else {
        for (int i = 1; i < argc; i++) {
            size_t len = strlen(argv[i]);
            if (line_len + len + 2 > sizeof buf / 2)
                return cu_warnx("arguments too long");
            if (i > 1)
                buf[line_len++] = ' ';
            memcpy(buf + line_len, argv[i], len);
            line_len += len;
        }
    }
    buf[line_len++] = '\n';
    /* Fill the buffer with whole lines so each write carries many. */
    size_t fill = line_len;
    while (fill + line_len <= sizeof buf) {
        memcpy(buf + fill, buf, line_len);
        fill += line_len;
    }
    for (;;) {
        if (cu_write_all(STDOUT_FILENO, buf, fill) < 0)
            return cu_warn("write");
    }
}
