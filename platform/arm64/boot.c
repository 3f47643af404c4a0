/* Boot with the MMU on: parse the device tree, map all RAM, bring up the
 * console, then hand over to kernel_main. Also the physical memory map and
 * the boot facts (command line, machine, CPUs) the kernel asks for, and
 * plat_init, the second stage once the page allocator runs. */
#include <string.h>
#include <kern/util.h>
#include <plat/boot.h>
#include <plat/memmap.h>
#include <plat/mmu.h>
#include <plat/power.h>
#include <plat/timer.h>
#include "arm64.h"
#include "pagetable.h"
#include "platform.h"

/* RAM banks as the device tree gives them (unaligned, unsorted). */
#define MAX_BANKS 16
static uint64_t bank_base[MAX_BANKS], bank_size[MAX_BANKS];
static unsigned bank_count;
static uint64_t dtb_pa, dtb_size;

#define CMDLINE_MAX 1024
static char cmdline[CMDLINE_MAX];

_Noreturn void arm64_boot_main(uint64_t dtb_phys)
{
    arm64_mmu_boot_continue();
    write_sysreg(tpidr_el1, 0);     /* arch_cpu_id(): the boot CPU is 0 */
    plat_time_ns();     /* time 0 is now */

    /* No console yet: without a usable DTB all we can do is leave. */
    const uint32_t *header = phys_to_virt(dtb_phys);
    if (!dtb_phys || arm64_fdt_parse(header))
        plat_poweroff(1);
    dtb_pa = dtb_phys;
    dtb_size = __builtin_bswap32(header[1]);

    bank_count = arm64_fdt_memory(bank_base, bank_size, MAX_BANKS);
    for (unsigned i = 0; i < bank_count; i++)
        if (arm64_direct_map(bank_base[i], bank_size[i]))
            plat_poweroff(1);
    arm64_mmu_drop_identity();
    arm64_uspace_init_cpu();

    if (arm64_dt.uart_pa) {
        void *uart = arch_ioremap(arm64_dt.uart_pa, arm64_dt.uart_size ? arm64_dt.uart_size
                                                                         : PAGE_SIZE);
        if (uart)
            pl011_init(uart);
    }
    strlcpy(cmdline, arm64_fdt_bootargs(), sizeof(cmdline));
    kernel_main();
}

void plat_init(void)
{
    mmu_use_page_allocator();
    gic_init();
    arm64_timer_init();
}

const char *plat_cmdline(void)
{
    return cmdline;
}

const char *plat_machine_name(void)
{
    return arm64_fdt_machine();
}

unsigned plat_mem_usable(struct mem_range *out, unsigned max)
{
    struct mem_range ranges[MAX_BANKS];

    for (unsigned i = 0; i < bank_count; i++)
        ranges[i] = (struct mem_range){ bank_base[i], bank_size[i] };
    unsigned count = mem_ranges_normalize(ranges, bank_count);
    if (count > max)
        count = max;
    memcpy(out, ranges, count * sizeof(*out));
    return count;
}

unsigned plat_mem_reserved(struct mem_range *out, unsigned max)
{
    struct mem_range usable[MAX_BANKS];
    struct mem_range firmware[MEMMAP_MAX_RANGES];
    unsigned usable_count = plat_mem_usable(usable, MAX_BANKS);
    unsigned count = 0;

    /* The image holds the boot stack and the boot page tables (.bss). */
    count = mem_range_clip(out, count, max, usable, usable_count,
                           arm64_image_pa, arm64_image_size);
    count = mem_range_clip(out, count, max, usable, usable_count, dtb_pa, dtb_size);
    unsigned firmware_count = arm64_fdt_reserved(firmware, MEMMAP_MAX_RANGES);
    for (unsigned i = 0; i < firmware_count; i++)
        count = mem_range_clip(out, count, max, usable, usable_count,
                               firmware[i].base, firmware[i].size);
    mem_ranges_sort(out, count);
    return count;
}
