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

/* ---- the node index ----
 * libfdt finds a node by compatible, path or as a node's parent by walking
 * the tree from its start, through a bounds-checked call per byte of each
 * node name: the boot's dozen such searches were 85% of the translated
 * blocks of an arm64 hello boot under TCG (QEMU's virt tree has 56 nodes
 * and 219 properties). arm64_fdt_parse reads the structure block once,
 * here, and keeps each node's offset, parent, name, "compatible" and
 * "device_type"; the lookups below read that. A tree this walk does not
 * accept (too many nodes, too deep, malformed) is searched through libfdt
 * as before. */
#define DT_INDEX_MAX 512
#define DT_DEPTH_MAX 16

struct dt_node {
    int offset, parent;                 /* parent: -1 for the root */
    const char *name;                   /* "name@unit" */
    const char *compatible;             /* a string list, or NULL */
    int compatible_len;
    const char *device_type;            /* or NULL */
};

static struct dt_node dt_nodes[DT_INDEX_MAX] __noclear;     /* filled before use */
static int dt_count = -1;               /* -1: no index */

static uint32_t be32_at(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The length of the NUL-terminated string at s within [s, end), or -1. */
static int bounded_len(const char *s, const char *end)
{
    const char *nul = memchr(s, '\0', (size_t)(end - s));
    return nul ? (int)(nul - s) : -1;
}

/* Walks the structure block (tags FDT_BEGIN_NODE, FDT_PROP, FDT_END_NODE,
 * FDT_NOP, FDT_END, big-endian, 4-byte aligned); returns the node count or
 * -1. */
static int dt_walk(const void *fdt)
{
    const uint8_t *base = (const uint8_t *)fdt + fdt_off_dt_struct(fdt);
    const uint8_t *end = base + fdt_size_dt_struct(fdt), *p = base;
    const char *strings = (const char *)fdt + fdt_off_dt_strings(fdt);
    const char *strings_end = strings + fdt_size_dt_strings(fdt);
    int stack[DT_DEPTH_MAX], depth = 0, count = 0;

    while (p + 4 <= end) {
        uint32_t tag = be32_at(p);
        int offset = (int)(p - base);
        p += 4;
        if (tag == FDT_BEGIN_NODE) {
            int len = bounded_len((const char *)p, (const char *)end);
            if (len < 0 || count == DT_INDEX_MAX || depth == DT_DEPTH_MAX)
                return -1;
            struct dt_node *n = &dt_nodes[count];
            *n = (struct dt_node){ .offset = offset, .name = (const char *)p,
                                   .parent = depth ? dt_nodes[stack[depth - 1]].offset : -1 };
            stack[depth++] = count++;
            p += ALIGN_UP((unsigned)len + 1, 4u);
        } else if (tag == FDT_PROP) {
            if (p + 8 > end || depth == 0)
                return -1;
            uint32_t len = be32_at(p), name_off = be32_at(p + 4);
            const char *value = (const char *)p + 8;
            p += 8;
            if (len > (uint32_t)(end - p) || name_off >= (uint32_t)(strings_end - strings))
                return -1;
            p += ALIGN_UP(len, 4u);
            const char *name = strings + name_off;
            if (bounded_len(name, strings_end) < 0)
                return -1;
            struct dt_node *n = &dt_nodes[stack[depth - 1]];
            if (!strcmp(name, "compatible")) {
                n->compatible = value;
                n->compatible_len = (int)len;
            } else if (!strcmp(name, "device_type") && len && value[len - 1] == '\0') {
                n->device_type = value;
            }
        } else if (tag == FDT_END_NODE) {
            if (depth-- == 0)
                return -1;
        } else if (tag == FDT_END) {
            return depth == 0 ? count : -1;
        } else if (tag != FDT_NOP) {
            return -1;
        }
    }
    return -1;
}

static void dt_index(const void *fdt)
{
    dt_count = dt_walk(fdt);
}

/* Whether a node named name ("name@unit") is the path component comp
 * (len bytes): the whole name, or without "@unit" when comp has none. */
static bool name_matches(const char *name, const char *comp, int len)
{
    if (strncmp(name, comp, (size_t)len))
        return false;
    return name[len] == '\0' || (name[len] == '@' && !memchr(comp, '@', (size_t)len));
}

/* The node at an absolute path of len bytes ("/chosen"); aliases and
 * trees without an index go through libfdt. */
static int dt_path(const char *path, int len)
{
    if (dt_count < 0 || len < 1 || path[0] != '/')
        return fdt_path_offset_namelen(boot_fdt, path, len);
    int node = 0;
    const char *p = path, *end = path + len;
    while (p < end) {
        if (*p == '/') {
            p++;
            continue;
        }
        const char *slash = memchr(p, '/', (size_t)(end - p));
        int comp_len = (int)((slash ? slash : end) - p);
        int found = -FDT_ERR_NOTFOUND;
        for (int i = 0; i < dt_count && found < 0; i++)
            if (dt_nodes[i].parent == node && name_matches(dt_nodes[i].name, p, comp_len))
                found = dt_nodes[i].offset;
        if (found < 0)
            return found;
        node = found;
        p += comp_len;
    }
    return node;
}

static int dt_path_offset(const char *path)
{
    return dt_path(path, (int)strlen(path));
}

/* The index entry of the node at offset, or NULL (no index, no node). */
static const struct dt_node *dt_node_at(int offset)
{
    int lo = 0, hi = dt_count;          /* offsets ascend with the index */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (dt_nodes[mid].offset < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < dt_count && dt_nodes[lo].offset == offset ? &dt_nodes[lo] : NULL;
}

int arm64_dt_next_compatible(int after, const char *compatible)
{
    if (dt_count < 0)
        return fdt_node_offset_by_compatible(boot_fdt, after, compatible);
    const struct dt_node *from = after < 0 ? NULL : dt_node_at(after);
    for (int i = from ? (int)(from - dt_nodes) + 1 : 0; i < dt_count; i++)
        if (dt_nodes[i].compatible &&
            fdt_stringlist_contains(dt_nodes[i].compatible, dt_nodes[i].compatible_len,
                                    compatible))
            return dt_nodes[i].offset;
    return -FDT_ERR_NOTFOUND;
}

/* The next node after after (-1: the first) whose device_type is type. */
static int dt_next_device_type(int after, const char *type)
{
    if (dt_count < 0)
        return fdt_node_offset_by_prop_value(boot_fdt, after, "device_type", type,
                                             (int)strlen(type) + 1);
    const struct dt_node *from = after < 0 ? NULL : dt_node_at(after);
    for (int i = from ? (int)(from - dt_nodes) + 1 : 0; i < dt_count; i++)
        if (dt_nodes[i].device_type && !strcmp(dt_nodes[i].device_type, type))
            return dt_nodes[i].offset;
    return -FDT_ERR_NOTFOUND;
}

int arm64_dt_parent(int node)
{
    const struct dt_node *n = dt_count < 0 ? NULL : dt_node_at(node);
    if (n)
        return n->parent >= 0 ? n->parent : -FDT_ERR_NOTFOUND;
    return fdt_parent_offset(boot_fdt, node);
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
int arm64_dt_reg(int node, int index, uint64_t *base, uint64_t *size)
{
    const void *fdt = boot_fdt;
    int parent = arm64_dt_parent(node);
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

bool arm64_dt_is_enabled(int node)
{
    const char *status = fdt_getprop(boot_fdt, node, "status", NULL);
    return !status || !strcmp(status, "okay") || !strcmp(status, "ok");
}

unsigned arm64_fdt_memory(uint64_t *bases, uint64_t *sizes, unsigned max)
{
    unsigned count = 0;

    for (int node = dt_next_device_type(-1, "memory"); node >= 0;
         node = dt_next_device_type(node, "memory")) {
        if (!arm64_dt_is_enabled(node))
            continue;
        for (int i = 0; count < max; i++) {
            uint64_t base, size;
            if (arm64_dt_reg(node, i, &base, &size))
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
    int parent = dt_path_offset("/reserved-memory");
    if (parent >= 0) {
        int node;
        fdt_for_each_subnode(node, fdt, parent) {
            uint64_t base, size;
            if (count >= max)
                break;
            if (arm64_dt_is_enabled(node) && arm64_dt_reg(node, 0, &base, &size) == 0 && size)
                out[count++] = (struct mem_range){ base, size };
        }
    }
    return count;
}

static int find_uart(const void *fdt)
{
    int chosen = dt_path_offset("/chosen");
    if (chosen >= 0) {
        int len;
        const char *path = fdt_getprop(fdt, chosen, "stdout-path", &len);
        if (path && len > 0) {
            /* "path:options": the options (baud rate) are not ours to use. */
            const char *colon = memchr(path, ':', (size_t)len);
            int namelen = colon ? (int)(colon - path) : (int)strnlen(path, (size_t)len);
            int node = dt_path(path, namelen);
            if (node >= 0 && fdt_node_check_compatible(fdt, node, "arm,pl011") == 0)
                return node;
        }
    }
    return arm64_dt_next_compatible(-1, "arm,pl011");
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

static void find_gic(void)
{
    static const char *const gicv2_compatibles[] = {
        "arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic", "arm,cortex-a7-gic",
    };
    int node = arm64_dt_next_compatible(-1, "arm,gic-v3");
    if (node >= 0) {
        arm64_dt.gic_version = 3;
        arm64_dt_reg(node, 0, &arm64_dt.gicd_pa, &arm64_dt.gicd_size);
        arm64_dt_reg(node, 1, &arm64_dt.gicr_pa, &arm64_dt.gicr_size);
        return;
    }
    for (unsigned i = 0; i < ARRAY_SIZE(gicv2_compatibles); i++) {
        node = arm64_dt_next_compatible(-1, gicv2_compatibles[i]);
        if (node >= 0) {
            arm64_dt.gic_version = 2;
            arm64_dt_reg(node, 0, &arm64_dt.gicd_pa, &arm64_dt.gicd_size);
            arm64_dt_reg(node, 1, &arm64_dt.gicc_pa, &arm64_dt.gicc_size);
            return;
        }
    }
}

/* The timer's "interrupts" lists the secure, non-secure physical, virtual
 * and hypervisor timers as (type, number, flags) triples; we use virtual. */
static void find_timer(const void *fdt)
{
    arm64_dt.timer_ppi = 11;        /* the architected default */
    int node = arm64_dt_next_compatible(-1, "arm,armv8-timer");
    if (node < 0)
        node = arm64_dt_next_compatible(-1, "arm,armv7-timer");
    if (node < 0)
        return;
    int len;
    const fdt32_t *irqs = fdt_getprop(fdt, node, "interrupts", &len);
    if (irqs && len >= (int)(9 * sizeof(fdt32_t)) && fdt32_to_cpu(irqs[6]) == 1)
        arm64_dt.timer_ppi = fdt32_to_cpu(irqs[7]);
}

static void find_psci(const void *fdt)
{
    int node = arm64_dt_next_compatible(-1, "arm,psci-1.0");
    if (node < 0)
        node = arm64_dt_next_compatible(-1, "arm,psci-0.2");
    if (node < 0 || !arm64_dt_is_enabled(node))
        return;
    const char *method = fdt_getprop(fdt, node, "method", NULL);
    if (!method)
        return;
    arm64_dt.has_psci = true;
    arm64_dt.psci_is_smc = !strcmp(method, "smc");
}

static void count_cpus(void)
{
    int cpus = dt_path_offset("/cpus");
    int node;
    unsigned count = 0;

    if (cpus >= 0) {
        for (node = dt_next_device_type(-1, "cpu"); node >= 0;
             node = dt_next_device_type(node, "cpu")) {
            if (arm64_dt_parent(node) != cpus || !arm64_dt_is_enabled(node))
                continue;
            uint64_t mpidr, unused;
            if (count < ARRAY_SIZE(arm64_dt.cpu_mpidr) &&
                arm64_dt_reg(node, 0, &mpidr, &unused) == 0)
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
    dt_index(fdt);

    int uart = find_uart(fdt);
    if (uart >= 0) {
        arm64_dt_reg(uart, 0, &arm64_dt.uart_pa, &arm64_dt.uart_size);
        find_uart_irq(fdt, uart);
    }
    find_gic();
    find_timer(fdt);
    find_psci(fdt);
    count_cpus();
    return 0;
}

/* The command line (/chosen/bootargs), or "". */
const char *arm64_fdt_bootargs(void)
{
    int chosen = dt_path_offset("/chosen");
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
