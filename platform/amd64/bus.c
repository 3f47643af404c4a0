/* Device discovery on amd64 (plat/bus.h): microvm's virtio-mmio windows from
 * the kernel command line (acpi=off) or QEMU's fixed layout (ACPI on), and
 * q35's PCI: ECAM from the ACPI MCFG, else configuration mechanism #1
 * (ports 0xcf8/0xcfc), INTx through the ICH9 PIRQ links. */
#include <stdint.h>
#include <string.h>
#include <abi/errno.h>
#include <kern/spinlock.h>
#include <plat/boot.h>
#include <plat/bus.h>
#include <plat/mmu.h>
#include "amd64.h"

extern const void *acpi_mcfg;           /* acpi.c */

/* ---- virtio-mmio ---- */

static uint64_t parse_number(const char **p)
{
    const char *s = *p;
    unsigned base = 10;
    uint64_t value = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (;; s++) {
        unsigned digit;
        if (*s >= '0' && *s <= '9')
            digit = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            digit = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            digit = (unsigned)(*s - 'A' + 10);
        else
            break;
        value = value * base + digit;
    }
    *p = s;
    return value;
}

/* One "virtio_mmio.device=<size>[KMG]@<base>:<irq>[:<id>]" word (Linux's
 * syntax, which QEMU's microvm appends with acpi=off). */
static bool parse_mmio_word(const char *p, struct plat_mmio_window *w)
{
    uint64_t size = parse_number(&p);
    if (*p == 'K' || *p == 'k')
        size <<= 10, p++;
    else if (*p == 'M' || *p == 'm')
        size <<= 20, p++;
    else if (*p == 'G' || *p == 'g')
        size <<= 30, p++;
    if (*p++ != '@')
        return false;
    w->base = parse_number(&p);
    if (*p++ != ':')
        return false;
    const char *irq_start = p;
    w->irq = (unsigned)parse_number(&p);
    w->size_bytes = size;
    return p != irq_start && size != 0 && w->base != 0;
}

/* QEMU's microvm (hw/i386/microvm.c): 24 transports of 512 bytes from
 * 0xfeb00000; with ACPI (and so the second I/O APIC, GSI base 24) transport
 * i raises GSI 24 + i. Its DSDT says the same in AML we do not parse. */
#define MICROVM_MMIO_BASE 0xfeb00000u
#define MICROVM_MMIO_COUNT 24
#define MICROVM_MMIO_SIZE 512u
#define MICROVM_MMIO_GSI_BASE 24

unsigned plat_virtio_mmio_windows(struct plat_mmio_window *out, unsigned max)
{
    static const char key[] = "virtio_mmio.device=";
    unsigned n = 0;
    const char *p = plat_cmdline();
    while (*p && n < max) {
        while (*p == ' ')
            p++;
        if (strncmp(p, key, sizeof(key) - 1) == 0 &&
            parse_mmio_word(p + sizeof(key) - 1, &out[n]))
            n++;
        while (*p && *p != ' ')
            p++;
    }
    if (n > 0 || strcmp(plat_machine_name(), "microvm") != 0)
        return n;
    bool has_second_ioapic = false;
    for (unsigned i = 0; i < acpi_info.ioapic_count; i++)
        if (acpi_info.ioapics[i].gsi_base == MICROVM_MMIO_GSI_BASE)
            has_second_ioapic = true;
    if (!has_second_ioapic)
        return 0;
    for (unsigned i = 0; i < MICROVM_MMIO_COUNT && n < max; i++, n++) {
        out[n].base = MICROVM_MMIO_BASE + i * MICROVM_MMIO_SIZE;
        out[n].size_bytes = MICROVM_MMIO_SIZE;
        out[n].irq = MICROVM_MMIO_GSI_BASE + i;
    }
    return n;
}

/* ---- PCI ---- */

#define ECAM_BUS_BYTES (1u << 20)

/* The first MCFG allocation (segment 0): its base and bus range. */
static uint64_t ecam_base;
static unsigned ecam_bus_first, ecam_bus_last;
static bool is_ecam_read;
/* Serialises the 0xcf8/0xcfc pair. A leaf lock. */
static struct spinlock config_lock = SPINLOCK_INIT;

static void read_mcfg(void)
{
    if (is_ecam_read)
        return;
    is_ecam_read = true;
    const uint8_t *t = acpi_mcfg;
    if (!t)
        return;
    uint32_t length;
    memcpy(&length, t + 4, 4);
    /* Header (36 bytes), 8 reserved, then 16-byte allocations. */
    for (uint32_t off = 44; off + 16 <= length; off += 16) {
        uint64_t base;
        uint16_t segment;
        memcpy(&base, t + off, 8);
        memcpy(&segment, t + off + 8, 2);
        if (segment != 0 || base == 0)
            continue;
        ecam_base = base;
        ecam_bus_first = t[off + 10];
        ecam_bus_last = t[off + 11];
        return;
    }
}

static bool has_port_config(void)
{
    return strcmp(plat_machine_name(), "microvm") != 0;
}

int plat_pci_host(struct plat_pci_host *host)
{
    read_mcfg();
    memset(host, 0, sizeof(*host));
    if (ecam_base) {
        host->ecam_base = ecam_base;
        host->bus_first = ecam_bus_first;
        host->bus_last = ecam_bus_last;
        host->config_access = "ecam";
        return 0;
    }
    if (!has_port_config())
        return -ENODEV;
    host->bus_first = 0;
    host->bus_last = 255;
    host->config_access = "ports";
    return 0;
}

uint32_t plat_pci_config_read(unsigned bus, unsigned dev, unsigned fn, unsigned offset,
                              unsigned width)
{
    uint32_t value = width == 4 ? 0xffffffffu : (1u << (8 * width)) - 1;

    if (!has_port_config() || offset >= 256 || bus >= 256)
        return value;
    unsigned long flags = spin_lock_irqsave(&config_lock);
    outl(0xcf8, 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (offset & 0xfc));
    uint16_t port = (uint16_t)(0xcfc + (offset & 3));
    value = width == 1 ? inb(port) : width == 2 ? inw(port) : inl(port);
    spin_unlock_irqrestore(&config_lock, flags);
    return value;
}

void plat_pci_config_write(unsigned bus, unsigned dev, unsigned fn, unsigned offset,
                           unsigned width, uint32_t value)
{
    if (!has_port_config() || offset >= 256 || bus >= 256)
        return;
    unsigned long flags = spin_lock_irqsave(&config_lock);
    outl(0xcf8, 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (offset & 0xfc));
    uint16_t port = (uint16_t)(0xcfc + (offset & 3));
    if (width == 1)
        outb(port, (uint8_t)value);
    else if (width == 2)
        outw(port, (uint16_t)value);
    else
        outl(port, value);
    spin_unlock_irqrestore(&config_lock, flags);
}

/* q35: slots 0-24 of bus 0 rotate over PIRQ E-H (slot 0 INTA = PIRQE, as
 * QEMU's DSDT _PRT and SeaBIOS's q35 routing say); the ICH9 wires PIRQ n
 * (A = 0) to I/O APIC GSI 16 + n. pc (PIIX): the ISA IRQ SeaBIOS put into
 * the Interrupt Line register, which is the GSI there. */
int plat_pci_intx_irq(unsigned dev, unsigned pin)
{
    if (pin < 1 || pin > 4 || dev >= 32)
        return -ENOENT;
    const char *machine = plat_machine_name();
    if (strcmp(machine, "q35") == 0) {
        if (dev <= 24)
            return 16 + 4 + (int)((dev + pin - 1) & 3);
        return 16 + (int)((pin - 1) & 3);
    }
    if (strcmp(machine, "pc") == 0) {
        uint32_t line = plat_pci_config_read(0, dev, 0, 0x3c, 1);
        return line > 0 && line < 16 ? (int)line : -ENOENT;
    }
    return -ENOENT;
}
