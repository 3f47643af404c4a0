/* rmdir: removes empty directories. -p: then each parent named in the
 * operand, while it becomes empty. */
#include <string.h>
#include <unistd.h>

#include "common.h"

static int remove_with_parents(char *path)
{
    if (rmdir(path) < 0)
        return cu_warn(path);
    for (;;) {
        char *slash = strrchr(path, '/');
        while (slash && slash > path && slash[1] == '\0') {
            *slash = '\0';
            slash = strrchr(path, '/');
        }
        if (!slash || slash == path)
            return 0;
        *slash = '\0';
        if (rmdir(path) < 0)
            return cu_warn(path);
    }
}

int main(int argc, char **argv)
{
    int has_parents = 0, opt, status = 0;
    cu_prog = "rmdir";
    while ((opt = cu_getopt(argc, argv, "p")) != -1) {
        if (opt == 'p')
            has_parents = 1;
        else
            cu_usage("[-p] DIR...");
    }
    if (cu_optind == argc)
        cu_usage("[-p] DIR...");
    for (int i = cu_optind; i < argc; i++) {
        if (has_parents)
            status |= remove_with_parents(argv[i]);
        else if (rmdir(argv[i]) < 0)
            status |= cu_warn(argv[i]);
    }
    return status;
}
