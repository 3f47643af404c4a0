/* tty: prints the name of the terminal on standard input, or `not a tty`
 * with status 1. -s: no output, status only. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int is_silent = argc > 1 && strcmp(argv[1], "-s") == 0;
    const char *name = isatty(STDIN_FILENO) ? ttyname(STDIN_FILENO) : NULL;
    if (!name) {
        if (!is_silent)
            puts("not a tty");
        return 1;
    }
    if (!is_silent)
        puts(name);
    return 0;
}
