/* reboot(2) for Tandem processes, with Linux's command values: the kernel
 * syncs every filesystem, then resets or powers the machine off. Root
 * only (EPERM otherwise). */
#ifndef _SYS_REBOOT_H
#define _SYS_REBOOT_H

#define RB_AUTOBOOT     0x01234567  /* reset */
#define RB_HALT_SYSTEM  0xcdef0123  /* Tandem powers off, as RB_POWER_OFF */
#define RB_POWER_OFF    0x4321fedc
#define RB_ENABLE_CAD   0x89abcdef  /* accepted, nothing to configure */
#define RB_DISABLE_CAD  0

int reboot(int how);

#endif
