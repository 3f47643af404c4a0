/* rm: removes files. -r (-R): directories with their contents; -f: no
 * error for missing operands or none at all. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static int is_dot_or_dotdot(const char *path)
{
    char *base = cu_basename(path);
    int is_dot = strcmp(base, ".") == 0 || strcmp(base, "..") == 0;
    free(base);
    return is_dot;
}

static int remove_one(const char *path, int is_recursive, int is_forced)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (errno == ENOENT && is_forced)
            return 0;
        return cu_warn(path);
    }
    if (S_ISDIR(st.st_mode)) {
        if (!is_recursive) {
            errno = EISDIR;
            return cu_warn(path);
        }
        if (is_dot_or_dotdot(path))
            return cu_warnx("refusing to remove '.' or '..' directory: %s", path);
        return cu_remove_tree(path, is_forced);
    }
    if (unlink(path) < 0)
        return cu_warn(path);
    return 0;
}

int main(int argc, char **argv)
{
    int is_recursive = 0, is_forced = 0, opt, status = 0;
    cu_prog = "rm";
    while ((opt = cu_getopt(argc, argv, "rRfi")) != -1) {
        if (opt == 'r' || opt == 'R')
            is_recursive = 1;
        else if (opt == 'f')
            is_forced = 1;
        else if (opt != 'i')
            cu_usage("[-rf] FILE...");
    }
    if (cu_optind == argc && !is_forced)
        cu_usage("[-rf] FILE...");
    for (int i = cu_optind; i < argc; i++)
        status |= remove_one(argv[i], is_recursive, is_forced);
    return status;
}
