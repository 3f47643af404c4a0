/* mount: without arguments lists the mounts (/proc/mounts) as `SOURCE on
 * TARGET type FSTYPE (OPTIONS)`; `mount -t TYPE [-o ro|rw] SOURCE TARGET`
 * mounts a filesystem (ext2 on a block device, ramfs, proc, devfs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common.h"

static int list_mounts(void)
{
    FILE *f = fopen("/proc/mounts", "r");
    if (!f)
        return cu_warn("/proc/mounts");
    char *line = NULL;
    size_t cap = 0;
    while (cu_getline(&line, &cap, f) > 0) {
        char source[256], target[256], fstype[64], options[256];
        if (sscanf(line, "%255s %255s %63s %255s", source, target, fstype, options) == 4)
            printf("%s on %s type %s (%s)\n", source, target, fstype, options);
    }
    free(line);
    fclose(f);
    return fflush(stdout) == 0 ? 0 : cu_warn("write");
}

/* Comma-separated options: ro and rw set the flag, others are refused. */
static int parse_options(char *options, unsigned long *flags)
{
    for (char *opt = strtok(options, ","); opt; opt = strtok(NULL, ",")) {
        if (strcmp(opt, "ro") == 0)
            *flags |= MS_RDONLY;
        else if (strcmp(opt, "rw") == 0)
            *flags &= ~(unsigned long)MS_RDONLY;
        else if (strcmp(opt, "defaults") != 0)
            return cu_warnx("unsupported option '%s'", opt);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *fstype = NULL;
    unsigned long flags = 0;
    int opt;
    cu_prog = "mount";
    while ((opt = cu_getopt(argc, argv, "t:o:r")) != -1) {
        if (opt == 't')
            fstype = cu_optarg;
        else if (opt == 'o' && parse_options(cu_optarg, &flags) != 0)
            return 1;
        else if (opt == 'r')
            flags |= MS_RDONLY;
        else if (opt != 'o')
            cu_usage("[-t TYPE [-o ro|rw] SOURCE TARGET]");
    }
    if (cu_optind == argc && !fstype)
        return list_mounts();
    if (argc - cu_optind != 2)
        cu_usage("[-t TYPE [-o ro|rw] SOURCE TARGET]");
    if (!fstype)
        return cu_warnx("a filesystem type is needed: -t TYPE");
    if (mount(argv[cu_optind], argv[cu_optind + 1], fstype, flags, NULL) < 0)
        return cu_warn(argv[cu_optind + 1]);
    return 0;
}
