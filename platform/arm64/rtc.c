/* The wall clock from the PL031 real-time clock that QEMU's virt board
 * describes in the device tree ("arm,pl031"): its data register counts
 * seconds since the epoch. Mapped on first use. */
#include <stdint.h>
#include <libfdt.h>
#include <plat/mmu.h>
#include <plat/timer.h>
#include "arm64.h"

#define PL031_DR 0x00   /* data register: seconds */

static uint64_t read_cells(const fdt32_t *cells, int count)
{
    uint64_t value = 0;

    for (int i = 0; i < count; i++)
        value = (value << 32) | fdt32_to_cpu(cells[i]);
    return value;
}

static volatile uint32_t *rtc_regs(void)
{
    static volatile uint32_t *regs;
    static int is_probed;

    if (is_probed)
        return regs;
    is_probed = 1;
    const void *fdt = arm64_fdt();
    int node = fdt ? fdt_node_offset_by_compatible(fdt, -1, "arm,pl031") : -1;
    if (node < 0)
        return NULL;
    int parent = fdt_parent_offset(fdt, node);
    int address_cells = fdt_address_cells(fdt, parent);
    int size_cells = fdt_size_cells(fdt, parent);
    int len;
    const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
    if (!reg || address_cells < 1 || address_cells > 2 || size_cells < 0 || size_cells > 2 ||
        len < (int)sizeof(fdt32_t) * (address_cells + size_cells))
        return NULL;
    uint64_t base = read_cells(reg, address_cells);
    regs = arch_ioremap(base, PAGE_SIZE);
    return regs;
}

uint64_t plat_wall_clock_ns(void)
{
    volatile uint32_t *regs = rtc_regs();

    return regs ? (uint64_t)regs[PL031_DR / 4] * 1000000000ULL : 0;
}
