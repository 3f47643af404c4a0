/* Device discovery on arm64 (plat/bus.h) from the device tree: the
 * "virtio,mmio" nodes, and the "pci-host-ecam-generic" host bridge (ECAM
 * from reg, BAR windows from ranges, INTx from interrupt-map). Nothing is
 * assigned by firmware on virt: libos/drivers/pci places the BARs. */
#include <stdint.h>
#include <string.h>
#include <libfdt.h>
#include <abi/errno.h>
#include <plat/bus.h>
#include <plat/mmu.h>
#include "arm64.h"

static uint64_t read_cells(const fdt32_t *cells, int count)
{
    uint64_t value = 0;
    for (int i = 0; i < count; i++)
        value = (value << 32) | fdt32_to_cpu(cells[i]);
    return value;
}

/* A node's own "#address-cells"/"#interrupt-cells"-style property, with
 * a default when absent. */
static int cells_prop(const void *fdt, int node, const char *name, int absent)
{
    const fdt32_t *p = fdt_getprop(fdt, node, name, NULL);
    return p ? (int)fdt32_to_cpu(*p) : absent;
}

/* reg[0] (devices sit on the root bus on virt); a window needs a size. */
static int node_reg(int node, uint64_t *base, uint64_t *size)
{
    int rc = arm64_dt_reg(node, 0, base, size);
    return rc < 0 ? rc : *size ? 0 : -ENOENT;
}

/* ---- virtio-mmio ---- */

unsigned plat_virtio_mmio_windows(struct plat_mmio_window *out, unsigned max)
{
    const void *fdt = arm64_fdt();
    unsigned n = 0;
    if (!fdt)
        return 0;
    for (int node = arm64_dt_next_compatible(-1, "virtio,mmio"); node >= 0 && n < max;
         node = arm64_dt_next_compatible(node, "virtio,mmio")) {
        int len;
        const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);
        if (!arm64_dt_is_enabled(node) || !irq || len < 12 || fdt32_to_cpu(irq[0]) != 0)
            continue;                   /* SPIs only: <GIC_SPI n flags> */
        if (node_reg(node, &out[n].base, &out[n].size_bytes) < 0)
            continue;
        out[n].irq = fdt32_to_cpu(irq[1]);
        n++;
    }
    return n;
}

/* ---- PCI ---- */

#define ECAM_BUS_BYTES (1u << 20)

static int pci_node = -FDT_ERR_NOTFOUND;
static bool is_host_read;
static uint64_t ecam_base;
static unsigned ecam_bus_first, ecam_bus_last;
static struct plat_pci_window win32, win64;

static void read_host(void)
{
    if (is_host_read)
        return;
    is_host_read = true;
    const void *fdt = arm64_fdt();
    if (!fdt)
        return;
    int node = arm64_dt_next_compatible(-1, "pci-host-ecam-generic");
    if (node < 0 || !arm64_dt_is_enabled(node))
        return;
    uint64_t base, size;
    if (node_reg(node, &base, &size) < 0)
        return;
    int len;
    const fdt32_t *range = fdt_getprop(fdt, node, "bus-range", &len);
    ecam_bus_first = range && len >= 8 ? fdt32_to_cpu(range[0]) : 0;
    ecam_bus_last = range && len >= 8 ? fdt32_to_cpu(range[1]) : 255;
    if (ecam_bus_last > 255)
        ecam_bus_last = 255;
    if (ecam_bus_last < ecam_bus_first ||
        size < (uint64_t)(ecam_bus_last - ecam_bus_first + 1) * ECAM_BUS_BYTES)
        return;

    /* ranges: <pci address (3 cells)> <cpu address> <size> */
    int cpu_cells = fdt_address_cells(fdt, arm64_dt_parent(node));
    int size_cells = fdt_size_cells(fdt, node);
    const fdt32_t *r = fdt_getprop(fdt, node, "ranges", &len);
    int entry_cells = 3 + cpu_cells + size_cells;
    if (r && cpu_cells >= 1 && cpu_cells <= 2 && size_cells >= 1 && size_cells <= 2) {
        for (int i = 0; (i + 1) * entry_cells * 4 <= len; i++) {
            const fdt32_t *e = r + i * entry_cells;
            unsigned space = (fdt32_to_cpu(e[0]) >> 24) & 3;
            struct plat_pci_window w = {
                .pci_base = read_cells(e + 1, 2),
                .cpu_base = read_cells(e + 3, cpu_cells),
                .size_bytes = read_cells(e + 3 + cpu_cells, size_cells),
            };
            if (space == 2)
                win32 = w;
            else if (space == 3)
                win64 = w;
        }
    }
    ecam_base = base;
    pci_node = node;
}

int plat_pci_host(struct plat_pci_host *host)
{
    read_host();
    memset(host, 0, sizeof(*host));
    if (!ecam_base)
        return -ENODEV;
    host->ecam_base = ecam_base;
    host->bus_first = ecam_bus_first;
    host->bus_last = ecam_bus_last;
    host->mem32 = win32;
    host->mem64 = win64;
    host->config_access = "ecam";
    return 0;
}

/* Configuration space is ECAM only (libos/drivers/pci); there is no other
 * mechanism on arm64. */
uint32_t plat_pci_config_read(unsigned bus, unsigned dev, unsigned fn, unsigned offset,
                              unsigned width)
{
    (void)bus, (void)dev, (void)fn, (void)offset;
    return width == 4 ? 0xffffffffu : (1u << (8 * width)) - 1;
}

void plat_pci_config_write(unsigned bus, unsigned dev, unsigned fn, unsigned offset,
                           unsigned width, uint32_t value)
{
    (void)bus, (void)dev, (void)fn, (void)offset, (void)width, (void)value;
}

/* interrupt-map entries: <child unit address (3)> <child pin (1)> <parent
 * phandle> <parent unit address (its #address-cells)> <parent interrupt
 * (its #interrupt-cells)>, matched after interrupt-map-mask. The parent is
 * the GIC: its specifier is <GIC_SPI n flags>. */
int plat_pci_intx_irq(unsigned dev, unsigned pin)
{
    read_host();
    const void *fdt = arm64_fdt();
    if (pci_node < 0 || pin < 1 || pin > 4 || dev >= 32)
        return -ENOENT;
    int len, mask_len;
    const fdt32_t *map = fdt_getprop(fdt, pci_node, "interrupt-map", &len);
    const fdt32_t *mask = fdt_getprop(fdt, pci_node, "interrupt-map-mask", &mask_len);
    if (!map || !mask || mask_len < 16)
        return -ENOENT;
    uint32_t child[4] = { dev << 11, 0, 0, pin };
    for (int i = 0; i < 4; i++)
        child[i] &= fdt32_to_cpu(mask[i]);
    const fdt32_t *p = map, *end = map + len / 4;
    while (p + 5 <= end) {
        bool is_match = true;
        for (int i = 0; i < 4; i++)
            if (fdt32_to_cpu(p[i]) != child[i])
                is_match = false;
        int parent = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(p[4]));
        if (parent < 0)
            return -ENOENT;
        int parent_address_cells = cells_prop(fdt, parent, "#address-cells", 0);
        int parent_interrupt_cells = cells_prop(fdt, parent, "#interrupt-cells", 3);
        const fdt32_t *spec = p + 5 + parent_address_cells;
        if (spec + parent_interrupt_cells > end || parent_interrupt_cells < 2)
            return -ENOENT;
        if (is_match)
            return fdt32_to_cpu(spec[0]) == 0 ? (int)fdt32_to_cpu(spec[1]) : -ENOENT;
        p = spec + parent_interrupt_cells;
    }
    return -ENOENT;
}
