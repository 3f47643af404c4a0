/* poweroff, reboot, halt (one program, its name says which): syncs the
 * filesystems and asks the kernel to power off or reset the machine. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    (void)argc;
    const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    int how = RB_POWER_OFF;
    if (strcmp(name, "reboot") == 0)
        how = RB_AUTOBOOT;
    else if (strcmp(name, "halt") == 0)
        how = RB_HALT_SYSTEM;
    sync();
    if (reboot(how) < 0) {
        fprintf(stderr, "%s: reboot: %s\n", name, strerror(errno));
        return 1;
    }
    return 0;
}
