/* mv: renames files. `mv SRC DST`, or `mv SRC... DIR` into a directory.
 * Across filesystems (EXDEV) it copies, then removes the source. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static int is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int move_one(const char *src, const char *dst)
{
    if (rename(src, dst) == 0)
        return 0;
    if (errno != EXDEV) {
        int err = errno;
        struct stat st;
        if (lstat(src, &st) < 0)
            return cu_warn(src);
        errno = err;
        return cu_warn(dst);
    }
    /* Another filesystem: replace dst like rename would, then copy. */
    struct stat st;
    if (lstat(dst, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(dst) < 0)
        return cu_warn(dst);
    if (cu_copy_tree(src, dst, 1) != 0)
        return 1;
    return cu_remove_tree(src, 0);
}

int main(int argc, char **argv)
{
    int opt, status = 0;
    cu_prog = "mv";
    while ((opt = cu_getopt(argc, argv, "fi")) != -1) {
        if (opt != 'f' && opt != 'i')
            cu_usage("SRC DST | SRC... DIR");
    }
    int count = argc - cu_optind;
    if (count < 2)
        cu_usage("SRC DST | SRC... DIR");
    const char *last = argv[argc - 1];
    if (!is_directory(last)) {
        if (count > 2)
            return cu_warnx("target '%s' is not a directory", last);
        return move_one(argv[cu_optind], last);
    }
    for (int i = cu_optind; i < argc - 1; i++) {
        char *base = cu_basename(argv[i]);
        char *dst = cu_path_join(last, base);
        status |= move_one(argv[i], dst);
        free(dst);
        free(base);
    }
    return status;
}
