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
            pl011_init((uintptr_t)uart);
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


/* Sorts ranges by base (insertion sort: a handful of entries). */
static void sort_ranges(struct mem_range *ranges, unsigned count)
{
    for (unsigned i = 1; i < count; i++) {
        struct mem_range key = ranges[i];
        unsigned j = i;
        while (j > 0 && ranges[j - 1].base > key.base) {
            ranges[j] = ranges[j - 1];
            j--;
        }
        ranges[j] = key;
    }
}

unsigned plat_mem_usable(struct mem_range *out, unsigned max)
{
    struct mem_range ranges[MAX_BANKS];
    unsigned count = 0;

    for (unsigned i = 0; i < bank_count; i++) {
        uint64_t base = ALIGN_UP(bank_base[i], PAGE_SIZE);
        uint64_t end = ALIGN_DOWN(bank_base[i] + bank_size[i], PAGE_SIZE);
        if (end > base)
            ranges[count++] = (struct mem_range){ base, end - base };
    }
    sort_ranges(ranges, count);

    /* Merge overlapping or touching banks. */
    unsigned written = 0;
    for (unsigned i = 0; i < count; i++) {
        if (written && ranges[i].base <= out[written - 1].base + out[written - 1].size) {
            struct mem_range *last = &out[written - 1];
            uint64_t end = MAX(last->base + last->size, ranges[i].base + ranges[i].size);
            last->size = end - last->base;
        } else if (written < max) {
            out[written++] = ranges[i];
        }
    }
    return written;
}

/* Adds [base, base+size), rounded outward to pages and clipped to usable
 * RAM, to out. */
static unsigned add_reserved(struct mem_range *out, unsigned count, unsigned max,
                             const struct mem_range *usable, unsigned usable_count,
                             uint64_t base, uint64_t size)
{
    uint64_t start = ALIGN_DOWN(base, PAGE_SIZE);
    uint64_t end = ALIGN_UP(base + size, PAGE_SIZE);

    for (unsigned i = 0; i < usable_count && count < max; i++) {
        uint64_t lo = MAX(start, usable[i].base);
        uint64_t hi = MIN(end, usable[i].base + usable[i].size);
        if (hi > lo)
            out[count++] = (struct mem_range){ lo, hi - lo };
    }
    return count;
}

unsigned plat_mem_reserved(struct mem_range *out, unsigned max)
{
    struct mem_range usable[MAX_BANKS];
    struct mem_range firmware[MEMMAP_MAX_RANGES];
    unsigned usable_count = plat_mem_usable(usable, MAX_BANKS);
    unsigned count = 0;

    /* The image holds the boot stack and the boot page tables (.bss). */
    count = add_reserved(out, count, max, usable, usable_count,
                         arm64_image_pa, arm64_image_size);
    count = add_reserved(out, count, max, usable, usable_count, dtb_pa, dtb_size);
    unsigned firmware_count = arm64_fdt_reserved(firmware, MEMMAP_MAX_RANGES);
    for (unsigned i = 0; i < firmware_count; i++)
        count = add_reserved(out, count, max, usable, usable_count,
                             firmware[i].base, firmware[i].size);
    sort_ranges(out, count);
    return count;
}
