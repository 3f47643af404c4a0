/* ACPI tables: RSDP -> XSDT/RSDT -> MADT (local APICs, I/O APICs, ISA
 * interrupt overrides) and FADT (PM timer, sleep registers, \_S5 from the
 * DSDT for power-off). Results go to acpi_info; tables are mapped read-only
 * in the ioremap window and never unmapped. The RSDP comes from the PVH
 * start info (SeaBIOS's pvh option ROM and qboot both fill it in), else
 * from the EBDA and BIOS ROM areas, as the ACPI spec says. */
#include <stdint.h>
#include <string.h>
#include <kern/printk.h>
#include <kern/util.h>
#include <plat/mmu.h>
#include "amd64.h"
#include "pagetable.h"

struct acpi_info acpi_info;
/* The MCFG table (checksummed, mapped) or NULL; declared in bus.c. */
const void *acpi_mcfg;

struct __attribute__((packed)) acpi_rsdp {
    char signature[8];
    uint8_t checksum;
    char oem_id[6];
    uint8_t revision;
    uint32_t rsdt_address;
    uint32_t length;            /* revision >= 2 */
    uint64_t xsdt_address;
    uint8_t extended_checksum;
    uint8_t reserved[3];
};

struct __attribute__((packed)) acpi_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
};

struct __attribute__((packed)) acpi_gas {
    uint8_t space_id;           /* 0 memory, 1 I/O port */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
};

static uint8_t checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += b[i];
    return sum;
}

/* Maps a whole table and checks its checksum; NULL when it is bad. */
static const struct acpi_header *map_table(uint64_t pa)
{
    const struct acpi_header *h = mmu_map_phys(pa, sizeof(*h), MMU_READ);
    if (!h)
        return NULL;
    uint32_t length = h->length;
    if (length < sizeof(*h) || length > 16 * MiB)
        return NULL;
    if (ALIGN_UP(pa + length, PAGE_SIZE) > ALIGN_UP(pa + sizeof(*h), PAGE_SIZE)) {
        h = mmu_map_phys(pa, length, MMU_READ);
        if (!h)
            return NULL;
    }
    if (checksum(h, length) != 0) {
        printk("acpi: table %.4s at %#lx has a bad checksum\n", h->signature,
               (unsigned long)pa);
        return NULL;
    }
    return h;
}

static bool rsdp_valid(const struct acpi_rsdp *r)
{
    if (memcmp(r->signature, "RSD PTR ", 8) != 0 || checksum(r, 20) != 0)
        return false;
    return r->revision < 2 || checksum(r, r->length < sizeof(*r) ? sizeof(*r) : r->length) == 0;
}

static const struct acpi_rsdp *scan_rsdp(uint64_t pa, size_t len)
{
    const uint8_t *area = mmu_map_phys(pa, len, MMU_READ);
    if (!area)
        return NULL;
    for (size_t off = 0; off + sizeof(struct acpi_rsdp) <= len; off += 16)
        if (rsdp_valid((const struct acpi_rsdp *)(area + off)))
            return (const struct acpi_rsdp *)(area + off);
    return NULL;
}

static const struct acpi_rsdp *find_rsdp(void)
{
    uint64_t pa = boot_rsdp();
    if (pa) {
        const struct acpi_rsdp *r = mmu_map_phys(pa, sizeof(*r), MMU_READ);
        if (r && rsdp_valid(r))
            return r;
    }
    /* The first KiB of the EBDA (its segment is at 0x40e), then the BIOS
     * read-only area. */
    const uint16_t *ebda_segment = mmu_map_phys(0x40e, 2, MMU_READ);
    if (ebda_segment && *ebda_segment) {
        const struct acpi_rsdp *r = scan_rsdp((uint64_t)*ebda_segment << 4, 1024);
        if (r)
            return r;
    }
    return scan_rsdp(0xe0000, 0x20000);
}

static void parse_madt(const struct acpi_header *h)
{
    const uint8_t *p = (const uint8_t *)h + sizeof(*h);
    const uint8_t *end = (const uint8_t *)h + h->length;
    uint32_t lapic32;

    memcpy(&lapic32, p, 4);
    acpi_info.lapic_address = lapic32;
    for (p += 8; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
        switch (p[0]) {
        case 0: {                   /* processor local APIC */
            uint32_t flags;
            memcpy(&flags, p + 4, 4);
            if ((flags & 3) && acpi_info.cpu_count < ACPI_MAX_CPUS)
                acpi_info.cpu_apic_ids[acpi_info.cpu_count++] = p[3];
            break;
        }
        case 9: {                   /* processor local x2APIC */
            uint32_t id, flags;
            memcpy(&id, p + 4, 4);
            memcpy(&flags, p + 8, 4);
            if ((flags & 3) && acpi_info.cpu_count < ACPI_MAX_CPUS)
                acpi_info.cpu_apic_ids[acpi_info.cpu_count++] = id;
            break;
        }
        case 1:                     /* I/O APIC */
            if (acpi_info.ioapic_count < ACPI_MAX_IOAPICS) {
                struct acpi_ioapic *io = &acpi_info.ioapics[acpi_info.ioapic_count++];
                io->id = p[2];
                memcpy(&io->address, p + 4, 4);
                memcpy(&io->gsi_base, p + 8, 4);
            }
            break;
        case 2:                     /* interrupt source override */
            if (acpi_info.override_count < ACPI_MAX_OVERRIDES) {
                struct acpi_override *o = &acpi_info.overrides[acpi_info.override_count++];
                o->isa_irq = p[3];
                memcpy(&o->gsi, p + 4, 4);
                memcpy(&o->flags, p + 8, 2);
            }
            break;
        case 5:                     /* 64-bit local APIC address */
            memcpy(&acpi_info.lapic_address, p + 4, 8);
            break;
        default:
            break;
        }
    }
}

/* Finds Name(_S5_, Package() { SLP_TYPa, ... }) in the DSDT's AML. A byte
 * search, as most small kernels do: the package is always a plain constant. */
static void parse_s5(uint64_t dsdt_pa)
{
    const struct acpi_header *h = map_table(dsdt_pa);
    if (!h)
        return;
    const uint8_t *aml = (const uint8_t *)h;
    for (uint32_t i = sizeof(*h) + 1; i + 8 < h->length; i++) {
        if (memcmp(aml + i, "_S5_", 4) != 0 || aml[i + 4] != 0x12)   /* PackageOp */
            continue;
        if (aml[i - 1] != 0x08 && !(aml[i - 1] == '\\' && aml[i - 2] == 0x08))
            continue;                                               /* NameOp */
        const uint8_t *p = aml + i + 5;
        p += (*p >> 6) + 1;         /* PkgLength */
        p++;                        /* NumElements */
        if (*p == 0x0a)             /* BytePrefix; ZeroOp/OneOp are 0 and 1 */
            p++;
        acpi_info.s5_slp_typ = *p & 7;
        acpi_info.has_s5 = true;
        return;
    }
}

static void parse_fadt(const struct acpi_header *h)
{
    const uint8_t *f = (const uint8_t *)h;
    uint32_t length = h->length;
    uint32_t u32;
    uint64_t u64;
    struct acpi_gas gas;

    memcpy(&u32, f + 76, 4);                    /* PM_TMR_BLK */
    acpi_info.pm_timer_port = (uint16_t)u32;
    memcpy(&u32, f + 64, 4);                    /* PM1a_CNT_BLK */
    acpi_info.pm1a_cnt_port = (uint16_t)u32;
    memcpy(&u32, f + 112, 4);                   /* Flags */
    acpi_info.pm_timer_32bit = u32 & (1u << 8);             /* TMR_VAL_EXT */
    bool hardware_reduced = u32 & (1u << 20);
    if (hardware_reduced)
        acpi_info.pm_timer_port = 0;

    if (length >= 129 && (u32 & (1u << 10))) { /* RESET_REG_SUP */
        memcpy(&gas, f + 116, sizeof(gas));     /* RESET_REG, RESET_VALUE */
        acpi_info.reset_value = f[128];
        if (gas.address && gas.space_id == 1)
            acpi_info.reset_port = (uint16_t)gas.address;
        else if (gas.address && gas.space_id == 0)
            acpi_info.reset_mmio = arch_ioremap(gas.address, 1);
    }

    if (length >= 256 && hardware_reduced) {
        memcpy(&gas, f + 244, sizeof(gas));     /* SLEEP_CONTROL_REG */
        if (gas.address && gas.space_id == 1) {
            acpi_info.sleep_control_port = (uint16_t)gas.address;
        } else if (gas.address && gas.space_id == 0) {
            acpi_info.sleep_control = arch_ioremap(gas.address, 1);
        }
    }

    uint64_t dsdt = 0;
    memcpy(&u32, f + 40, 4);
    dsdt = u32;
    if (length >= 148) {
        memcpy(&u64, f + 140, 8);               /* X_DSDT */
        if (u64)
            dsdt = u64;
    }
    if (dsdt)
        parse_s5(dsdt);
}

void acpi_init(void)
{
    const struct acpi_rsdp *rsdp = find_rsdp();
    if (!rsdp) {
        printk("acpi: no RSDP, using the default APIC addresses\n");
        return;
    }

    bool xsdt = rsdp->revision >= 2 && rsdp->xsdt_address;
    const struct acpi_header *root = map_table(xsdt ? rsdp->xsdt_address : rsdp->rsdt_address);
    if (!root || memcmp(root->signature, xsdt ? "XSDT" : "RSDT", 4) != 0) {
        printk("acpi: bad root table\n");
        return;
    }
    acpi_info.found = true;

    size_t entry_size = xsdt ? 8 : 4;
    size_t count = (root->length - sizeof(*root)) / entry_size;
    const uint8_t *entries = (const uint8_t *)root + sizeof(*root);
    for (size_t i = 0; i < count; i++) {
        uint64_t pa = 0;
        memcpy(&pa, entries + i * entry_size, entry_size);
        const struct acpi_header *h = map_table(pa);
        if (!h)
            continue;
        if (memcmp(h->signature, "APIC", 4) == 0)
            parse_madt(h);
        else if (memcmp(h->signature, "FACP", 4) == 0)
            parse_fadt(h);
        else if (memcmp(h->signature, "MCFG", 4) == 0)
            acpi_mcfg = h;          /* PCI ECAM windows: bus.c reads them */
    }
}
