/* kernel_main: the portable half of boot. The platform has the MMU, the
 * console and the exception vectors up; this brings up memory, then the
 * platform's interrupt controller and timer, the scheduler and the other
 * CPUs, then runs the image's app on the boot thread. */
#include "version.h"
#include <kern/app.h>
#include <kern/cmdline.h>
#include <kern/printk.h>
#include <kern/stack_protector.h>
#include <mm/page.h>
#include <mm/kmalloc.h>
#include <plat/boot.h>
#include <plat/cpu.h>
#include <plat/layout.h>
#include <plat/power.h>
#include <sched/sched.h>

/* The file tree (libos/vfs), set up when the image links it: a weak
 * reference, so images without a VFS do not pay for one. */
int vfs_init(void) __attribute__((weak));
/* Device drivers (libos/drivers), when linked: probed before the VFS, whose
 * root may be a disk. */
int drivers_init(void) __attribute__((weak));
/* Sockets (libos/net), when linked: registers the address families. */
int net_init(void) __attribute__((weak));
/* The network stack (libos/net/lwip), when linked: after the VFS, where
 * it publishes /proc/net, and after the socket layer (AF_INET joins it). */
int netstack_init(void) __attribute__((weak));
/* Writes dirty file data back and marks disk filesystems clean. */
void vfs_shutdown(void) __attribute__((weak));

_Noreturn void kernel_main(void)
{
    stack_guard_init();
    printk("tandem %s %s %s\n", TANDEM_VERSION, PLAT_ARCH_NAME, plat_machine_name());
    mm_init();
    char value[4];
    if (cmdline_get(plat_cmdline(), "kmalloc_debug", value, sizeof(value)) && value[0] == '1') {
        kmalloc_set_debug(true);
        printk("kmalloc: debug mode (poison, quarantine)\n");
    }
    plat_init();
    stack_guard_init();         /* the clock, if the CPU had no generator */
    sched_init();
    arch_irq_enable();
    sched_start_cpus();
    printk("cpus: %u online\n", plat_cpus_online());
    if (drivers_init)
        drivers_init();
    if (vfs_init) {
        int rc = vfs_init();
        if (rc < 0)
            printk("vfs: set-up failed (%d)\n", rc);
    }
    if (net_init) {
        int rc = net_init();
        if (rc < 0)
            printk("net: socket layer set-up failed (%d)\n", rc);
    }
    if (netstack_init) {
        int rc = netstack_init();
        if (rc < 0)
            printk("net: set-up failed (%d)\n", rc);
    }

    int status = app_main(plat_cmdline());
    if (vfs_shutdown)
        vfs_shutdown();
    /* In debug mode, check what is still quarantined. */
    kmalloc_quarantine_drain();
    plat_poweroff(status);
}
