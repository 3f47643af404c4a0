/* The C half of boot: from amd64_boot_main (called by entry.S on the boot
 * stack, boot page tables active) to kernel_main, then plat_init once the
 * kernel's allocators run. Also the PVH start info (command line, memory map,
 * RSDP) and the machine's name. */
#include <stdint.h>
#include <string.h>
#include <kern/panic.h>
#include <plat/boot.h>
#include <plat/mmu.h>
#include "amd64.h"
#include "pagetable.h"

#define XEN_HVM_START_MAGIC 0x336ec578

/* xen/include/public/arch-x86/hvm/start_info.h */
struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;      /* version >= 1 */
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};

#define CMDLINE_MAX 2048
static char cmdline[CMDLINE_MAX];
static uint64_t rsdp_paddr;
static const char *machine_name = "unknown";

/* The boot tables map physical 0..4 GiB at the direct map's address, and
 * the loader puts everything of the start info below 4 GiB. */
static const void *boot_phys(uint64_t pa)
{
    return pa < 4 * 1024UL * 1024 * 1024 ? phys_to_virt(pa) : NULL;
}

static void parse_start_info(uint64_t pa)
{
    const struct hvm_start_info *si = boot_phys(pa);

    if (!si || si->magic != XEN_HVM_START_MAGIC)
        panic("boot: no PVH start info at %#lx", (unsigned long)pa);
    if (si->cmdline_paddr) {
        const char *s = boot_phys(si->cmdline_paddr);
        if (s)
            strlcpy(cmdline, s, sizeof(cmdline));
    }
    rsdp_paddr = si->rsdp_paddr;

    const struct hvm_memmap_table_entry *map = NULL;
    if (si->version >= 1 && si->memmap_paddr && si->memmap_entries)
        map = boot_phys(si->memmap_paddr);
    if (map) {
        for (uint32_t i = 0; i < si->memmap_entries; i++)
            memmap_add(map[i].addr, map[i].size, map[i].type);
    } else if (!memmap_load_fw_cfg()) {
        panic("boot: no memory map in the start info nor in fw_cfg");
    }
}

/* The PCI host bridge at 00:00.0 through port 0xcf8 names the chipset:
 * Intel 82G33/Q35 MCH (8086:29c0) on q35, 82441FX (8086:1237) on pc. microvm
 * has no port-I/O PCI, so nothing answers there. Costs two port accesses. */
static void detect_machine(void)
{
    uint32_t id = pci_config_read32(0, 0, 0, 0);

    if (id == 0x29c08086)
        machine_name = "q35";
    else if (id == 0x12378086)
        machine_name = "pc";
    else if ((id & 0xffff) == 0xffff || id == 0)
        machine_name = "microvm";
}

_Noreturn void amd64_boot_main(uint32_t start_info_paddr);

_Noreturn void amd64_boot_main(uint32_t start_info_paddr)
{
    serial_init();
    cpu_init();
    parse_start_info(start_info_paddr);
    mmu_init();
    detect_machine();
    tsc_calibrate();
    kernel_main();
}

void plat_init(void)
{
    mmu_use_page_allocator();
    acpi_init();
    pic_disable();
    lapic_init();
    ioapic_init();
    lapic_timer_calibrate();
    amd64_smp_init();
}

uint64_t boot_rsdp(void)
{
    return rsdp_paddr;
}

const char *plat_cmdline(void)
{
    return cmdline;
}

const char *plat_machine_name(void)
{
    return machine_name;
}

