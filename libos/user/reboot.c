/* reboot(2): the SYS_reboot call (libos/syscall/sys_proc.c); returns only
 * on failure. */
#include <sys/reboot.h>
#include "internal.h"

int reboot(int how)
{
    return (int)tandem_result(tandem_syscall1(SYS_reboot, how));
}
