/* umount: unmounts the filesystems mounted on each target. */
#include <sys/mount.h>
#include <unistd.h>

#include "common.h"

int main(int argc, char **argv)
{
    int opt, status = 0;
    cu_prog = "umount";
    while ((opt = cu_getopt(argc, argv, "")) != -1)
        cu_usage("TARGET...");
    if (cu_optind == argc)
        cu_usage("TARGET...");
    for (int i = cu_optind; i < argc; i++)
        if (umount(argv[i]) < 0)
            status = cu_warn(argv[i]);
    return status;
}
