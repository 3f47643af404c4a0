/* touch: creates files that do not exist. Tandem's kernel has no call to
 * set a file's times yet (no utimensat), so an existing file is left as
 * it is; -c: do not create either. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

int main(int argc, char **argv)
{
    int no_create = 0, opt, status = 0;
    cu_prog = "touch";
    while ((opt = cu_getopt(argc, argv, "cam")) != -1) {
        if (opt == 'c')
            no_create = 1;
        else if (opt != 'a' && opt != 'm')
            cu_usage("[-c] FILE...");
    }
    if (cu_optind == argc)
        cu_usage("[-c] FILE...");
    for (int i = cu_optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0)
            continue;
        if (errno != ENOENT) {
            status |= cu_warn(argv[i]);
            continue;
        }
        if (no_create)
            continue;
        int fd = open(argv[i], O_WRONLY | O_CREAT, 0666);
        if (fd < 0) {
            status |= cu_warn(argv[i]);
            continue;
        }
        close(fd);
    }
    return status;
}
