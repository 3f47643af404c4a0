/* chown: changes the owner and/or group of files. OWNER[:GROUP] or
 * :GROUP, numeric ids (or "root"); -h changes a symbolic link itself
 * rather than its target. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

/* A numeric id or "root"; -1 for an empty or bad one (*is_bad set). */
static long parse_id(const char *s, size_t len, int *is_bad)
{
    if (len == 0)
        return -1;
    if (len == 4 && strncmp(s, "root", 4) == 0)
        return 0;
    long id = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || id > 65534) {
            *is_bad = 1;
            return -1;
        }
        id = id * 10 + (s[i] - '0');
    }
    if (id > 65534)
        *is_bad = 1;
    return id;
}

int main(int argc, char **argv)
{
    cu_prog = "chown";
    int is_nofollow = 0, i = 1;
    if (i < argc && strcmp(argv[i], "-h") == 0) {
        is_nofollow = 1;
        i++;
    }
    if (argc - i < 2)
        cu_usage("[-h] OWNER[:GROUP] FILE...");
    const char *spec = argv[i++];
    const char *colon = strchr(spec, ':');
    int is_bad = 0;
    long uid = parse_id(spec, colon ? (size_t)(colon - spec) : strlen(spec), &is_bad);
    long gid = colon ? parse_id(colon + 1, strlen(colon + 1), &is_bad) : -1;
    if (is_bad || (uid < 0 && gid < 0))
        return cu_warnx("invalid owner: %s", spec);
    int status = 0;
    for (; i < argc; i++) {
        int rc = is_nofollow ? lchown(argv[i], (uid_t)uid, (gid_t)gid)
                             : chown(argv[i], (uid_t)uid, (gid_t)gid);
        if (rc < 0)
            status = cu_warn(argv[i]);
    }
    return status;
}
