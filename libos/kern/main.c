/* kernel_main: the portable half of boot. The platform has the MMU, the
 * console and the exception vectors up; this brings up memory, then the
 * platform's interrupt controller and timer, then runs the image's app. */
#include "version.h"
#include <kern/app.h>
#include <kern/printk.h>
#include <mm/page.h>
#include <mm/kmalloc.h>
#include <plat/boot.h>
#include <plat/cpu.h>
#include <plat/layout.h>
#include <plat/power.h>

_Noreturn void kernel_main(void)
{
    printk("tandem %s %s %s\n", TANDEM_VERSION, PLAT_ARCH_NAME, plat_machine_name());
    mm_init();
    plat_init();
    arch_irq_enable();
    printk("cpus: %u online\n", plat_cpus_online());

    int status = app_main(plat_cmdline());
    plat_poweroff(status);
}
