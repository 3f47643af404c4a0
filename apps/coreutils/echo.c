/* echo: prints its arguments separated by spaces. -n: no newline; -e:
 * interpret backslash escapes (\n \t \\ \a \b \c \e \f \r \v \0NNN);
 * -E: do not (the default). */
#include <stdio.h>
#include <string.h>

#include "common.h"

/* Leading words made only of n, e, E after a '-' are options. */
static int parse_option(const char *arg, int *no_newline, int *escapes)
{
    if (arg[0] != '-' || arg[1] == '\0')
        return 0;
    for (const char *p = arg + 1; *p; p++)
        if (*p != 'n' && *p != 'e' && *p != 'E')
            return 0;
    for (const char *p = arg + 1; *p; p++) {
        if (*p == 'n')
            *no_newline = 1;
        else
            *escapes = *p == 'e';
    }
    return 1;
}

/* Prints s with escapes; returns 1 when \c asked to stop all output. */
static int print_escaped(const char *s)
{
    for (; *s; s++) {
        if (*s != '\\' || s[1] == '\0') {
            putchar(*s);
            continue;
        }
        s++;
        switch (*s) {
        case 'n': putchar('\n'); break;
        case 't': putchar('\t'); break;
        case '\\': putchar('\\'); break;
        case 'a': putchar('\a'); break;
        case 'b': putchar('\b'); break;
        case 'c': return 1;
        case 'e': putchar('\033'); break;
        case 'f': putchar('\f'); break;
        case 'r': putchar('\r'); break;
        case 'v': putchar('\v'); break;
        case '0': {
            int value = 0;
            for (int i = 0; i < 3 && s[1] >= '0' && s[1] <= '7'; i++)
                value = value * 8 + (*++s - '0');
            putchar(value);
            break;
        }
        default:
            putchar('\\');
            putchar(*s);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    int no_newline = 0, escapes = 0, i = 1;
    cu_prog = "echo";
    while (i < argc && parse_option(argv[i], &no_newline, &escapes))
        i++;
    for (int first = i; i < argc; i++) {
        if (i > first)
            putchar(' ');
        if (!escapes) {
            fputs(argv[i], stdout);
        } else if (print_escaped(argv[i])) {
            no_newline = 1;
            break;
        }
    }
    if (!no_newline)
        putchar('\n');
    return fflush(stdout) == 0 ? 0 : cu_warn("write");
}
