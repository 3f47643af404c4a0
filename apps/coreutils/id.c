/* id: prints the real and effective user and group ids and the groups
 * (numeric, as "uid=0 gid=0 groups=0"). -u, -g, -G: only the user id, the
 * group id or the groups; -r with -u or -g: the real id, not the effective. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

#define GROUPS_MAX 64

int main(int argc, char **argv)
{
    cu_prog = "id";
    char which = 0;
    int is_real = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-u") == 0 || strcmp(argv[i], "-g") == 0 ||
            strcmp(argv[i], "-G") == 0)
            which = argv[i][1];
        else if (strcmp(argv[i], "-r") == 0)
            is_real = 1;
        else
            cu_usage("[-u|-g|-G] [-r]");
    }
    unsigned uid = getuid(), euid = geteuid(), gid = getgid(), egid = getegid();
    gid_t groups[GROUPS_MAX];
    int count = getgroups(GROUPS_MAX, groups);
    if (count < 0)
        cu_die("getgroups");
    if (which == 'u' || which == 'g') {
        printf("%u\n", which == 'u' ? (is_real ? uid : euid) : (is_real ? gid : egid));
        return 0;
    }
    if (which == 'G') {
        printf("%u", egid);
        for (int i = 0; i < count; i++)
            if (groups[i] != egid)
                printf(" %u", (unsigned)groups[i]);
        printf("\n");
        return 0;
    }
    printf("uid=%u gid=%u", uid, gid);
    if (euid != uid)
        printf(" euid=%u", euid);
    if (egid != gid)
        printf(" egid=%u", egid);
    printf(" groups=%u", egid);
    for (int i = 0; i < count; i++)
        if (groups[i] != egid)
            printf(",%u", (unsigned)groups[i]);
    printf("\n");
    return 0;
}
