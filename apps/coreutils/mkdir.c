/* mkdir: makes directories. -p: make missing parents too and accept
 * existing directories; -m MODE: octal permissions of the new ones. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static int is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Makes each prefix of path that ends before a '/', then path itself. */
static int make_parents(const char *path, mode_t mode)
{
    char *copy = strdup(path);
    if (!copy)
        return cu_warn("strdup");
    int status = 0;
    for (char *p = copy + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(copy, saved ? 0777 : mode) < 0 && !(errno == EEXIST && is_directory(copy))) {
            status = cu_warn(copy);
            break;
        }
        if (!saved)
            break;
        *p = saved;
        while (p[1] == '/')
            p++;
        if (p[1] == '\0')
            break;
    }
    free(copy);
    return status;
}

int main(int argc, char **argv)
{
    int has_parents = 0, has_mode = 0, opt, status = 0;
    mode_t mode = 0777;
    cu_prog = "mkdir";
    while ((opt = cu_getopt(argc, argv, "pm:")) != -1) {
        if (opt == 'p') {
            has_parents = 1;
        } else if (opt == 'm') {
            char *end;
            unsigned long value = strtoul(cu_optarg, &end, 8);
            if (*cu_optarg == '\0' || *end != '\0' || value > 07777)
                return cu_warnx("invalid mode '%s'", cu_optarg);
            mode = (mode_t)value;
            has_mode = 1;
        } else {
            cu_usage("[-p] [-m MODE] DIR...");
        }
    }
    if (cu_optind == argc)
        cu_usage("[-p] [-m MODE] DIR...");
    for (int i = cu_optind; i < argc; i++) {
        int rc = has_parents ? make_parents(argv[i], mode) : (mkdir(argv[i], mode) < 0 ? cu_warn(argv[i]) : 0);
        /* -m sets the mode exactly, whatever the umask. */
        if (rc == 0 && has_mode && chmod(argv[i], mode) < 0)
            rc = cu_warn(argv[i]);
        status |= rc;
    }
    return status;
}
