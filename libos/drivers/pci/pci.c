/* PCI enumeration and resources: walks bus 0 and the buses behind bridges
 * the firmware numbered, sizes every BAR, places the memory BARs the
 * firmware left unassigned in the host bridge's windows (arm64 virt has no
 * PCI firmware at all), routes INTx (with the bridge swizzle) and binds the
 * registered drivers. Probing runs once, single-threaded, from
 * drivers_init: no lock but for the driver list. */
#include <string.h>
#include <abi/errno.h>
#include <kern/printk.h>
#include <kern/spinlock.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <plat/bus.h>
#include <plat/mmu.h>
#include <drivers/pci.h>

#define PCI_VENDOR_ID 0x00
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CLASS_REVISION 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_SECONDARY_BUS 0x19
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_COMMAND_IO 0x1u
#define PCI_COMMAND_MEMORY 0x2u
#define PCI_COMMAND_MASTER 0x4u
#define PCI_STATUS_CAP_LIST 0x10u

#define PCI_MAX_BRIDGE_DEPTH 4

static struct spinlock drivers_lock = SPINLOCK_INIT;   /* protects drivers; a leaf */
static struct list drivers = LIST_INIT(drivers);
static struct list devices = LIST_INIT(devices);       /* probe time only */

static struct plat_pci_host host;
/* Next free addresses in the host windows (bump allocation: nothing is
 * ever unplugged). */
static uint64_t next_mem32, next_mem64;

/* Each ECAM bus's configuration space, mapped on first use and never
 * unmapped. Protected by ecam_lock, a leaf lock. */
#define ECAM_BUS_BYTES (1u << 20)
static volatile uint8_t *ecam_bus_map[256];
static struct spinlock ecam_lock = SPINLOCK_INIT;

/* The ECAM address of bus/dev/fn/offset, or NULL outside the host's bus
 * range. Called under ecam_lock. */
static volatile uint8_t *ecam_address(unsigned bus, unsigned dev, unsigned fn, unsigned offset)
{
    if (bus < host.bus_first || bus > host.bus_last || bus > 255)
        return NULL;
    if (!ecam_bus_map[bus]) {
        uint64_t pa = host.ecam_base + (uint64_t)(bus - host.bus_first) * ECAM_BUS_BYTES;
        ecam_bus_map[bus] = arch_ioremap(pa, ECAM_BUS_BYTES);
        if (!ecam_bus_map[bus])
            return NULL;
    }
    return ecam_bus_map[bus] + (dev << 15 | fn << 12 | offset);
}

static bool config_args_ok(unsigned offset, unsigned width)
{
    return offset < 4096 && (width == 1 || width == 2 || width == 4) &&
           (offset & (width - 1)) == 0;
}

/* Configuration space of bus/dev/fn: ECAM when the host has it, else the
 * platform's own mechanism. A missing function reads as all ones. */
static uint32_t config_read(unsigned bus, unsigned dev, unsigned fn, unsigned offset,
                            unsigned width)
{
    uint32_t value = width == 4 ? 0xffffffffu : width == 2 ? 0xffffu : 0xffu;

    if (!config_args_ok(offset, width) || dev >= 32 || fn >= 8)
        return value;
    if (!host.ecam_base)
        return plat_pci_config_read(bus, dev, fn, offset, width);
    unsigned long flags = spin_lock_irqsave(&ecam_lock);
    volatile uint8_t *a = ecam_address(bus, dev, fn, offset);
    if (a)
        value = width == 1 ? *a : width == 2 ? *(volatile uint16_t *)a : *(volatile uint32_t *)a;
    spin_unlock_irqrestore(&ecam_lock, flags);
    return value;
}

uint32_t pci_config_read(struct pci_device *pdev, unsigned offset, unsigned width)
{
    return config_read(pdev->bus, pdev->dev, pdev->fn, offset, width);
}

void pci_config_write(struct pci_device *pdev, unsigned offset, unsigned width, uint32_t value)
{
    if (!config_args_ok(offset, width) || pdev->dev >= 32 || pdev->fn >= 8)
        return;
    if (!host.ecam_base) {
        plat_pci_config_write(pdev->bus, pdev->dev, pdev->fn, offset, width, value);
        return;
    }
    unsigned long flags = spin_lock_irqsave(&ecam_lock);
    volatile uint8_t *a = ecam_address(pdev->bus, pdev->dev, pdev->fn, offset);
    if (a && width == 1)
        *a = (uint8_t)value;
    else if (a && width == 2)
        *(volatile uint16_t *)a = (uint16_t)value;
    else if (a)
        *(volatile uint32_t *)a = value;
    spin_unlock_irqrestore(&ecam_lock, flags);
}

unsigned pci_find_capability(struct pci_device *pdev, uint8_t id, unsigned after)
{
    if (!(pci_config_read(pdev, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
        return 0;
    unsigned offset = after ? pci_config_read(pdev, after + 1, 1)
                            : pci_config_read(pdev, PCI_CAPABILITY_LIST, 1);
    /* At most 48 capabilities fit in 256 bytes: a loop is a broken device. */
    for (unsigned n = 0; n < 48 && offset >= 0x40 && offset < 0x100; n++) {
        offset &= ~3u;
        if (pci_config_read(pdev, offset, 1) == id)
            return offset;
        offset = pci_config_read(pdev, offset + 1, 1);
    }
    return 0;
}

void pci_enable(struct pci_device *pdev)
{
    uint32_t cmd = pci_config_read(pdev, PCI_COMMAND, 2);
    pci_config_write(pdev, PCI_COMMAND, 2, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

volatile void *pci_map_bar(struct pci_device *pdev, unsigned bar, uint64_t offset,
                           uint64_t length)
{
    if (bar >= PCI_BAR_COUNT)
        return NULL;
    struct pci_bar *b = &pdev->bars[bar];
    if (!b->cpu_address || b->is_io || offset > b->size_bytes ||
        length > b->size_bytes - offset || length == 0)
        return NULL;
    return arch_ioremap(b->cpu_address + offset, (size_t)length);
}

void pci_register_driver(struct pci_driver *driver)
{
    spin_lock(&drivers_lock);
    list_push_back(&drivers, &driver->link);
    spin_unlock(&drivers_lock);
}

/* PCI bus address -> CPU address through the host windows (identity when
 * the firmware assigned outside any window we know). */
static uint64_t pci_to_cpu(uint64_t pci_address)
{
    const struct plat_pci_window *ws[2] = { &host.mem32, &host.mem64 };
    for (int i = 0; i < 2; i++)
        if (ws[i]->size_bytes && pci_address >= ws[i]->pci_base &&
            pci_address - ws[i]->pci_base < ws[i]->size_bytes)
            return pci_address - ws[i]->pci_base + ws[i]->cpu_base;
    return pci_address;
}

/* Takes size bytes (a power of two, naturally aligned) from window w.
 * Returns the PCI address, or 0 when the window is full or absent. */
static uint64_t window_alloc(const struct plat_pci_window *w, uint64_t *next, uint64_t size)
{
    if (!w->size_bytes)
        return 0;
    if (*next == 0)
        *next = w->pci_base;
    uint64_t address = ALIGN_UP(*next, size);
    if (address < w->pci_base || address + size > w->pci_base + w->size_bytes ||
        address + size < address)
        return 0;
    *next = address + size;
    return address;
}

/* Sizes the BARs of a type-0 header with decoding off, and gives the
 * unassigned memory BARs an address. */
static void setup_bars(struct pci_device *pdev)
{
    uint32_t cmd = pci_config_read(pdev, PCI_COMMAND, 2);
    pci_config_write(pdev, PCI_COMMAND, 2, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (unsigned i = 0; i < PCI_BAR_COUNT; i++) {
        unsigned reg = PCI_BAR0 + 4 * i;
        uint32_t low = pci_config_read(pdev, reg, 4);
        struct pci_bar *b = &pdev->bars[i];
        b->is_io = low & 1;
        b->is_64bit = !b->is_io && ((low >> 1) & 3) == 2 && i + 1 < PCI_BAR_COUNT;
        uint32_t high = b->is_64bit ? pci_config_read(pdev, reg + 4, 4) : 0;

        pci_config_write(pdev, reg, 4, 0xffffffffu);
        uint64_t mask = pci_config_read(pdev, reg, 4);
        pci_config_write(pdev, reg, 4, low);
        if (b->is_64bit) {
            pci_config_write(pdev, reg + 4, 4, 0xffffffffu);
            mask |= (uint64_t)pci_config_read(pdev, reg + 4, 4) << 32;
            pci_config_write(pdev, reg + 4, 4, high);
        } else {
            mask |= 0xffffffff00000000ull;
        }
        mask &= b->is_io ? ~3ull : ~15ull;
        uint64_t size = ~mask + 1;
        if (mask == 0 || (mask & 0xffffffffull) == 0 || (size & (size - 1)) != 0) {
            b->size_bytes = 0;          /* not implemented */
        } else {
            b->size_bytes = size;
            uint64_t address = (low & (b->is_io ? ~3u : ~15u)) | (uint64_t)high << 32;
            if (!b->is_io && address == 0) {
                /* Prefer the 32-bit window (any BAR can live there); 64-bit
                 * BARs that do not fit go to the 64-bit one. */
                address = window_alloc(&host.mem32, &next_mem32, size);
                if (!address && b->is_64bit)
                    address = window_alloc(&host.mem64, &next_mem64, size);
                if (address) {
                    pci_config_write(pdev, reg, 4, (uint32_t)address | (low & 15));
                    if (b->is_64bit)
                        pci_config_write(pdev, reg + 4, 4, (uint32_t)(address >> 32));
                }
            }
            if (b->is_io)
                b->cpu_address = 0;         /* port I/O BARs are not used */
            else
                b->cpu_address = address ? pci_to_cpu(address) : 0;
        }
        if (b->is_64bit)
            i++;
    }
    pci_config_write(pdev, PCI_COMMAND, 2, cmd);
}

static void scan_bus(unsigned bus, unsigned depth, unsigned root_dev, unsigned swizzle);

static void add_function(unsigned bus, unsigned dev, unsigned fn, unsigned depth,
                         unsigned root_dev, unsigned swizzle)
{
    uint32_t ids = config_read(bus, dev, fn, PCI_VENDOR_ID, 4);
    uint8_t header_type = (uint8_t)config_read(bus, dev, fn, PCI_HEADER_TYPE, 1);
    if ((header_type & 0x7f) == 1) {            /* PCI-to-PCI bridge */
        unsigned secondary = config_read(bus, dev, fn, PCI_SECONDARY_BUS, 1);
        if (secondary > bus && secondary <= host.bus_last && depth < PCI_MAX_BRIDGE_DEPTH)
            scan_bus(secondary, depth + 1, depth == 0 ? dev : root_dev,
                     depth == 0 ? 0 : swizzle + dev);
        return;
    }
    if ((header_type & 0x7f) != 0)
        return;
    struct pci_device *pdev = kzalloc(sizeof(*pdev));
    if (!pdev)
        return;
    pdev->bus = (uint8_t)bus;
    pdev->dev = (uint8_t)dev;
    pdev->fn = (uint8_t)fn;
    pdev->vendor_id = (uint16_t)ids;
    pdev->device_id = (uint16_t)(ids >> 16);
    uint32_t class_rev = pci_config_read(pdev, PCI_CLASS_REVISION, 4);
    pdev->class_code = (uint8_t)(class_rev >> 24);
    pdev->subclass = (uint8_t)(class_rev >> 16);
    pdev->prog_if = (uint8_t)(class_rev >> 8);
    pdev->header_type = header_type;
    snprintf(pdev->name, sizeof(pdev->name), "pci %02x:%02x.%x", bus, dev, fn);
    pdev->interrupt_pin = (uint8_t)pci_config_read(pdev, PCI_INTERRUPT_PIN, 1);
    pdev->irq = -ENOENT;
    if (pdev->interrupt_pin >= 1 && pdev->interrupt_pin <= 4) {
        /* Behind bridges, INTx swizzles by device number at each level up
         * to the slot on bus 0. */
        unsigned slot = depth == 0 ? dev : root_dev;
        unsigned pin = depth == 0 ? pdev->interrupt_pin
                                  : (pdev->interrupt_pin - 1 + swizzle + dev) % 4 + 1;
        pdev->irq = plat_pci_intx_irq(slot, pin);
    }
    setup_bars(pdev);
    list_push_back(&devices, &pdev->link);
}

static void scan_bus(unsigned bus, unsigned depth, unsigned root_dev, unsigned swizzle)
{
    for (unsigned dev = 0; dev < 32; dev++) {
        if ((config_read(bus, dev, 0, PCI_VENDOR_ID, 2) & 0xffff) == 0xffff)
            continue;
        bool is_multifunction = config_read(bus, dev, 0, PCI_HEADER_TYPE, 1) & 0x80;
        for (unsigned fn = 0; fn < (is_multifunction ? 8u : 1u); fn++)
            if ((config_read(bus, dev, fn, PCI_VENDOR_ID, 2) & 0xffff) != 0xffff)
                add_function(bus, dev, fn, depth, root_dev, swizzle);
    }
}

static struct pci_driver *driver_for(struct pci_device *pdev)
{
    struct pci_driver *found = NULL;
    spin_lock(&drivers_lock);
    struct list *pos;
    list_for_each(pos, &drivers) {
        struct pci_driver *d = list_entry(pos, struct pci_driver, link);
        if (d->vendor_id == pdev->vendor_id && pdev->device_id >= d->device_first &&
            pdev->device_id <= d->device_last)
            found = d;
    }
    spin_unlock(&drivers_lock);
    return found;
}

void pci_init(void)
{
    if (plat_pci_host(&host) < 0)
        return;
    scan_bus(host.bus_first, 0, 0, 0);
    unsigned count = 0;
    struct list *pos;
    list_for_each(pos, &devices)
        count++;
    printk("pci: %u functions (config through %s)\n", count, host.config_access);
    list_for_each(pos, &devices) {
        struct pci_device *pdev = list_entry(pos, struct pci_device, link);
        struct pci_driver *d = driver_for(pdev);
        if (!d)
            continue;
        int rc = d->probe(pdev);
        if (rc < 0)
            printk("pci: %s %04x:%04x: %s failed (%d)\n", pdev->name, pdev->vendor_id,
                   pdev->device_id, d->name, rc);
    }
}
