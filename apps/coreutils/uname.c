/* uname: prints system information. -s name (the default), -n node name,
 * -r release, -v version, -m machine, -a all of them in that order. */
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common.h"

int main(int argc, char **argv)
{
    int want_sys = 0, want_node = 0, want_release = 0, want_version = 0, want_machine = 0, opt;
    cu_prog = "uname";
    while ((opt = cu_getopt(argc, argv, "asnrvmpio")) != -1) {
        switch (opt) {
        case 'a': want_sys = want_node = want_release = want_version = want_machine = 1; break;
        case 's': case 'o': want_sys = 1; break;
        case 'n': want_node = 1; break;
        case 'r': want_release = 1; break;
        case 'v': want_version = 1; break;
        case 'm': case 'p': case 'i': want_machine = 1; break;
        default: cu_usage("[-asnrvm]");
        }
    }
    if (cu_optind < argc)
        cu_usage("[-asnrvm]");
    if (!(want_node || want_release || want_version || want_machine))
        want_sys = 1;
    struct utsname u;
    if (uname(&u) < 0)
        return cu_warn("uname");
    const char *fields[] = {
        want_sys ? u.sysname : NULL, want_node ? u.nodename : NULL,
        want_release ? u.release : NULL, want_version ? u.version : NULL,
        want_machine ? u.machine : NULL,
    };
    const char *sep = "";
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (!fields[i])
            continue;
        printf("%s%s", sep, fields[i]);
        sep = " ";
    }
    putchar('\n');
    return fflush(stdout) == 0 ? 0 : cu_warn("write");
}
