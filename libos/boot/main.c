/* kernel_main: the portable half of boot. The platform has the MMU, the
 * console and the exception vectors up; this brings up memory, then the
 * platform's interrupt controller and timer, the scheduler and the other
 * CPUs, then the optional libraries the image links, in the stage order of
 * kern/subsys.h, then runs the image's app on the boot thread. */
#include "version.h"
#include <kern/app.h>
#include <kern/cmdline.h>
#include <kern/panic.h>
#include <kern/printk.h>
#include <kern/stack_protector.h>
#include <kern/subsys.h>
#include <mm/page.h>
#include <mm/kmalloc.h>
#include <plat/boot.h>
#include <plat/cpu.h>
#include <plat/layout.h>
#include <plat/power.h>
#include <sched/sched.h>

/* The registered subsystems, sorted by stage (the linker script). */
extern const struct subsys __subsys_start[], __subsys_end[];

/* Runs every registered init hook in stage order. A failure is logged and
 * boot goes on: the app finds out what is missing (kinit checks that the
 * file tree is up). */
static void subsys_init_all(void)
{
    unsigned prev_stage = 0;
    for (const struct subsys *s = __subsys_start; s < __subsys_end; s++) {
        if (s->stage < prev_stage)
            panic("subsys: %s (stage %u) after stage %u: table not sorted", s->name,
                  s->stage, prev_stage);
        prev_stage = s->stage;
        int rc = s->init ? s->init() : 0;
        if (rc < 0)
            printk("%s: set-up failed (%d)\n", s->name, rc);
    }
}

/* The shutdown hooks in the reverse order (the VFS's writes dirty file data
 * back and marks disk filesystems clean); also reboot(2)'s (kern/subsys.h). */
void subsys_shutdown_all(void)
{
    for (const struct subsys *s = __subsys_end; s-- > __subsys_start;)
        if (s->shutdown)
            s->shutdown();
}

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
    subsys_init_all();

    int status = app_main(plat_cmdline());
    subsys_shutdown_all();
    /* In debug mode, check what is still quarantined. */
    kmalloc_quarantine_drain();
    plat_poweroff(status);
}
