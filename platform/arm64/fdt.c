/* The device tree, read once at boot through libfdt: RAM banks, reserved
 * memory, the command line, and where the console, interrupt controller,
 * timer and PSCI are. (Debian's libfdt.a is built with
 * -fstack-protector-strong: its __stack_chk_guard and __stack_chk_fail are
 * the kernel's own, libos/kern/stack_protector.c.) */
#include <libfdt.h>
#include <abi/errno.h>
#include <kern/panic.h>
#include <kern/util.h>
#include <plat/memmap.h>
#include "arm64.h"

struct arm64_dt_info arm64_dt;
static const void *boot_fdt;

const void *arm64_fdt(void)
{
    return boot_fdt;
}

static uint64_t read_cells(const fdt32_t *cells, int count)
{
    uint64_t value = 0;
    for (int i = 0; i < count; i++)
        value = (value << 32) | fdt32_to_cpu(cells[i]);
    return value;
}

/* The index-th (address, size) pair of node's "reg", in the parent's cell
 * sizes. Translation through "ranges" is not done: on virt every device we
 * use sits on the root bus. */
static int dt_reg(const void *fdt, int node, int index, uint64_t *base, uint64_t *size)
{
    int parent = fdt_parent_offset(fdt, node);
    if (parent < 0)
        return -EINVAL;
    int address_cells = fdt_address_cells(fdt, parent);
    int size_cells = fdt_size_cells(fdt, parent);
    if (address_cells < 1 || address_cells > 2 || size_cells < 0 || size_cells > 2)
        return -EINVAL;
    int len;
    const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
    int entry_cells = address_cells + size_cells;
    if (!reg || len < (int)sizeof(fdt32_t) * entry_cells * (index + 1))
        return -ENOENT;
    reg += entry_cells * index;
    *base = read_cells(reg, address_cells);
    *size = read_cells(reg + address_cells, size_cells);
    return 0;
}

static bool dt_is_enabled(const void *fdt, int node)
{
    const char *status = fdt_getprop(fdt, node, "status", NULL);
    return !status || !strcmp(status, "okay") || !strcmp(status, "ok");
}

unsigned arm64_fdt_memory(uint64_t *bases, uint64_t *sizes, unsigned max)
{
    const void *fdt = boot_fdt;
    unsigned count = 0;

    for (int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7);
         node >= 0;
         node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7)) {
        if (!dt_is_enabled(fdt, node))
            continue;
        for (int i = 0; count < max; i++) {
            uint64_t base, size;
            if (dt_reg(fdt, node, i, &base, &size))
                break;
            if (size) {
                bases[count] = base;
                sizes[count] = size;
                count++;
            }
        }
    }
    return count;
}

/* Appends the firmware's reservations: /memreserve/ and /reserved-memory. */
unsigned arm64_fdt_reserved(struct mem_range *out, unsigned max)
{
    const void *fdt = boot_fdt;
    unsigned count = 0;

    int entries = fdt_num_mem_rsv(fdt);
    for (int i = 0; i < entries && count < max; i++) {
        uint64_t base, size;
        if (fdt_get_mem_rsv(fdt, i, &base, &size) == 0 && size)
            out[count++] = (struct mem_range){ base, size };
    }
    int parent = fdt_path_offset(fdt, "/reserved-memory");
    if (parent >= 0) {
        int node;
        fdt_for_each_subnode(node, fdt, parent) {
            uint64_t base, size;
            if (count >= max)
                break;
            if (dt_is_enabled(fdt, node) && dt_reg(fdt, node, 0, &base, &size) == 0 && size)
                out[count++] = (struct mem_range){ base, size };
        }
    }
    return count;
}

static int find_uart(const void *fdt)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen >= 0) {
        int len;
        const char *path = fdt_getprop(fdt, chosen, "stdout-path", &len);
        if (path && len > 0) {
            /* "path:options": the options (baud rate) are not ours to use. */
            const char *colon = memchr(path, ':', (size_t)len);
            int namelen = colon ? (int)(colon - path) : (int)strnlen(path, (size_t)len);
            int node = fdt_path_offset_namelen(fdt, path, namelen);
            if (node >= 0 && fdt_node_check_compatible(fdt, node, "arm,pl011") == 0)
                return node;
        }
    }
    return fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
}

/* "interrupts" = <GIC_SPI(0) number flags>: the UART's SPI. */
static void find_uart_irq(const void *fdt, int node)
{
    int len;
    const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);
    if (irq && len >= (int)(3 * sizeof(fdt32_t)) && fdt32_to_cpu(irq[0]) == 0) {
        arm64_dt.uart_irq = fdt32_to_cpu(irq[1]);
        arm64_dt.has_uart_irq = true;
    }
}

static void find_gic(const void *fdt)
{
    static const char *const gicv2_compatibles[] = {
        "arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic", "arm,cortex-a7-gic",
    };
    int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
    if (node >= 0) {
        arm64_dt.gic_version = 3;
        dt_reg(fdt, node, 0, &arm64_dt.gicd_pa, &arm64_dt.gicd_size);
        dt_reg(fdt, node, 1, &arm64_dt.gicr_pa, &arm64_dt.gicr_size);
        return;
    }
    for (unsigned i = 0; i < ARRAY_SIZE(gicv2_compatibles); i++) {
        node = fdt_node_offset_by_compatible(fdt, -1, gicv2_compatibles[i]);
        if (node >= 0) {
            arm64_dt.gic_version = 2;
            dt_reg(fdt, node, 0, &arm64_dt.gicd_pa, &arm64_dt.gicd_size);
            dt_reg(fdt, node, 1, &arm64_dt.gicc_pa, &arm64_dt.gicc_size);
            return;
        }
    }
}

/* The timer's "interrupts" lists the secure, non-secure physical, virtual
 * and hypervisor timers as (type, number, flags) triples; we use virtual. */
static void find_timer(const void *fdt)
{
    arm64_dt.timer_ppi = 11;        /* the architected default */
    int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
    if (node < 0)
        node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv7-timer");
    if (node < 0)
        return;
    int len;
    const fdt32_t *irqs = fdt_getprop(fdt, node, "interrupts", &len);
    if (irqs && len >= (int)(9 * sizeof(fdt32_t)) && fdt32_to_cpu(irqs[6]) == 1)
        arm64_dt.timer_ppi = fdt32_to_cpu(irqs[7]);
}

static void find_psci(const void *fdt)
{
    int node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-1.0");
    if (node < 0)
        node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");
    if (node < 0 || !dt_is_enabled(fdt, node))
        return;
    const char *method = fdt_getprop(fdt, node, "method", NULL);
    if (!method)
        return;
    arm64_dt.has_psci = true;
    arm64_dt.psci_is_smc = !strcmp(method, "smc");
}

static void count_cpus(const void *fdt)
{
    int cpus = fdt_path_offset(fdt, "/cpus");
    int node;
    unsigned count = 0;

    if (cpus >= 0) {
        fdt_for_each_subnode(node, fdt, cpus) {
            const char *type = fdt_getprop(fdt, node, "device_type", NULL);
            if (!type || strcmp(type, "cpu") || !dt_is_enabled(fdt, node))
                continue;
            uint64_t mpidr, unused;
            if (count < ARRAY_SIZE(arm64_dt.cpu_mpidr) &&
                dt_reg(fdt, node, 0, &mpidr, &unused) == 0)
                arm64_dt.cpu_mpidr[count] = mpidr;
            count++;
        }
    }
    arm64_dt.cpus_count = count ? count : 1;
}

int arm64_fdt_parse(const void *fdt)
{
    if (fdt_check_header(fdt))
        return -EINVAL;
    boot_fdt = fdt;

    int uart = find_uart(fdt);
    if (uart >= 0) {
        dt_reg(fdt, uart, 0, &arm64_dt.uart_pa, &arm64_dt.uart_size);
        find_uart_irq(fdt, uart);
    }
    find_gic(fdt);
    find_timer(fdt);
    find_psci(fdt);
    count_cpus(fdt);
    return 0;
}

/* The command line (/chosen/bootargs), or "". */
const char *arm64_fdt_bootargs(void)
{
    int chosen = fdt_path_offset(boot_fdt, "/chosen");
    const char *args = chosen >= 0 ? fdt_getprop(boot_fdt, chosen, "bootargs", NULL) : NULL;
    return args ? args : "";
}

/* "virt" for QEMU's virt board, else the root's model. */
const char *arm64_fdt_machine(void)
{
    if (fdt_node_check_compatible(boot_fdt, 0, "linux,dummy-virt") == 0)
        return "virt";
    const char *model = fdt_getprop(boot_fdt, 0, "model", NULL);
    return model ? model : "unknown";
}
