/* ln: makes links. `ln [-s] [-f] TARGET [LINK]`, or several targets into
 * a directory; -s: symbolic links, else hard links; -f: replace an
 * existing LINK. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static int is_symbolic, is_forced;

static int make_link(const char *target, const char *link_path)
{
    if (is_forced && unlink(link_path) < 0 && errno != ENOENT)
        return cu_warn(link_path);
    int rc = is_symbolic ? symlink(target, link_path) : link(target, link_path);
    if (rc < 0) {
        if (!is_symbolic && errno == ENOENT && access(target, F_OK) < 0)
            return cu_warn(target);
        return cu_warn(link_path);
    }
    return 0;
}

static int is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int link_into(const char *target, const char *dir)
{
    char *base = cu_basename(target);
    char *path = cu_path_join(dir, base);
    int status = make_link(target, path);
    free(path);
    free(base);
    return status;
}

int main(int argc, char **argv)
{
    int opt, status = 0;
    cu_prog = "ln";
    while ((opt = cu_getopt(argc, argv, "sfn")) != -1) {
        if (opt == 's')
            is_symbolic = 1;
        else if (opt == 'f')
            is_forced = 1;
        else if (opt != 'n')
            cu_usage("[-sf] TARGET [LINK] | [-sf] TARGET... DIR");
    }
    int count = argc - cu_optind;
    if (count < 1)
        cu_usage("[-sf] TARGET [LINK] | [-sf] TARGET... DIR");
    if (count == 1)
        return link_into(argv[cu_optind], ".");
    const char *last = argv[argc - 1];
    if (count == 2 && !is_directory(last))
        return make_link(argv[cu_optind], last);
    if (!is_directory(last))
        return cu_warnx("target '%s' is not a directory", last);
    for (int i = cu_optind; i < argc - 1; i++)
        status |= link_into(argv[i], last);
    return status;
}
