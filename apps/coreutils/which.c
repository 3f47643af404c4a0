/* which: prints where each command would be found in PATH; status 1 if
 * one is not found. -a: every match, not only the first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static int is_executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static int find(const char *name, const char *path_list, int show_all)
{
    if (strchr(name, '/')) {
        if (!is_executable_file(name))
            return 0;
        puts(name);
        return 1;
    }
    int found = 0;
    const char *p = path_list;
    for (;;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        char *dir = cu_xmalloc(len + 2);
        memcpy(dir, p, len);
        dir[len] = '\0';
        char *candidate = cu_path_join(len ? dir : ".", name);
        if (is_executable_file(candidate)) {
            puts(candidate);
            found = 1;
        }
        free(candidate);
        free(dir);
        if (!colon || (found && !show_all))
            return found;
        p = colon + 1;
    }
}

int main(int argc, char **argv)
{
    int show_all = 0, opt, status = 0;
    cu_prog = "which";
    while ((opt = cu_getopt(argc, argv, "a")) != -1) {
        if (opt == 'a')
            show_all = 1;
        else
            cu_usage("[-a] command...");
    }
    if (cu_optind == argc)
        cu_usage("[-a] command...");
    const char *path_list = getenv("PATH");
    if (!path_list)
        path_list = "/bin:/sbin";
    for (int i = cu_optind; i < argc; i++)
        if (!find(argv[i], path_list, show_all))
            status = 1;
    return status;
}
