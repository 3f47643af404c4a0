/* output.c: the shell's output: written straight to the file descriptor,
 * so nothing sits in a stdio buffer when the shell forks, and error
 * messages in the `sh: line N: ...` form. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sh.h"

void out_write(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, s, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        s += k;
        n -= (size_t)k;
    }
}

static void out_vprintf(int fd, const char *prefix, const char *fmt, va_list ap)
{
    char small[512];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    char *text = small;
    if ((size_t)n >= sizeof small) {
        text = xmalloc((size_t)n + 1);
        vsnprintf(text, (size_t)n + 1, fmt, ap);
    }
    if (prefix)
        out_write(fd, prefix, strlen(prefix));
    out_write(fd, text, (size_t)n);
    if (text != small)
        free(text);
}

void out_printf(int fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    out_vprintf(fd, NULL, fmt, ap);
    va_end(ap);
}

void sh_error(const char *fmt, ...)
{
    char prefix[64];
    if (current_line > 0)
        snprintf(prefix, sizeof prefix, "sh: line %d: ", current_line);
    else
        snprintf(prefix, sizeof prefix, "sh: ");
    va_list ap;
    va_start(ap, fmt);
    out_vprintf(2, prefix, fmt, ap);
    va_end(ap);
    out_write(2, "\n", 1);
}
