/* Powering the machine off with a status the host sees as QEMU's exit
 * status (after scripts/run maps it back: see tests/harness/qemu.py). */
#ifndef PLAT_POWER_H
#define PLAT_POWER_H

_Noreturn void plat_poweroff(int status);
/* Resets the machine (QEMU started with -no-reboot exits instead, 0). */
_Noreturn void plat_reboot(void);

#endif
