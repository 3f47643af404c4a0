/* cp: copies files. `cp SRC DST`, or `cp SRC... DIR` into a directory;
 * -r (-R): directories with their contents (symlinks copied as links). */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static int is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static int copy_one(const char *src, const char *dst, int is_recursive)
{
    if (is_same_file(src, dst))
        return cu_warnx("'%s' and '%s' are the same file", src, dst);
    return cu_copy_tree(src, dst, is_recursive);
}

int main(int argc, char **argv)
{
    int is_recursive = 0, opt, status = 0;
    cu_prog = "cp";
    while ((opt = cu_getopt(argc, argv, "rRfp")) != -1) {
        if (opt == 'r' || opt == 'R')
            is_recursive = 1;
        else if (opt != 'f' && opt != 'p')
            cu_usage("[-r] SRC DST | [-r] SRC... DIR");
    }
    int count = argc - cu_optind;
    if (count < 2)
        cu_usage("[-r] SRC DST | [-r] SRC... DIR");
    const char *last = argv[argc - 1];
    if (!is_directory(last)) {
        if (count > 2)
            return cu_warnx("target '%s' is not a directory", last);
        return copy_one(argv[cu_optind], last, is_recursive);
    }
    for (int i = cu_optind; i < argc - 1; i++) {
        char *base = cu_basename(argv[i]);
        char *dst = cu_path_join(last, base);
        status |= copy_one(argv[i], dst, is_recursive);
        free(dst);
        free(base);
    }
    return status;
}
