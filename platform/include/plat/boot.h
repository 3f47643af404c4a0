/* The boot contract between a platform and the kernel.
 *
 * The platform entry brings the boot CPU to a state where C code in libos/
 * may run: MMU on with the kernel image mapped W^X at KERNEL_IMAGE_BASE and
 * all RAM in the direct map, exception vectors installed, the console
 * usable, the firmware's memory map and command line parsed. It prints
 * nothing on the way (the kernel's banner is the first line), then calls
 * kernel_main(), which never returns. */
#ifndef PLAT_BOOT_H
#define PLAT_BOOT_H

/* Implemented by libos/kern. */
_Noreturn void kernel_main(void);

/* Second stage, called by kernel_main once the page allocator and kmalloc
 * work: interrupt controller, timer, device discovery. */
void plat_init(void);

const char *plat_cmdline(void);        /* never NULL; "" when none */
const char *plat_machine_name(void);   /* "q35", "microvm", "virt" */
unsigned plat_cpus_online(void);

#endif
