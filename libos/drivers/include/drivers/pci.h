/* The PCI bus layer: enumeration of the host bridge's buses (through
 * bridges), BAR sizing and, where firmware left them unassigned (arm64
 * virt), placement in the host bridge's windows; INTx routing; the
 * capability list. Drivers register for a vendor and a device-ID range. */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include <kern/list.h>

#define PCI_BAR_COUNT 6

struct pci_bar {
    uint64_t cpu_address;               /* 0: absent or unassigned */
    uint64_t size_bytes;
    bool is_io;
    bool is_64bit;
};

struct pci_device {
    uint8_t bus, dev, fn;
    uint16_t vendor_id, device_id;
    uint8_t class_code, subclass, prog_if, header_type;
    uint8_t interrupt_pin;              /* 1..4 = INTA..INTD, 0 none */
    int irq;                            /* platform line, -ENOENT when none */
    struct pci_bar bars[PCI_BAR_COUNT];
    char name[16];                      /* "pci 00:03.0" */
    void *driver_data;
    struct list link;
};

struct pci_driver {
    const char *name;
    uint16_t vendor_id;
    uint16_t device_first, device_last;
    int (*probe)(struct pci_device *pdev);
    struct list link;
};

/* Configuration space of pdev (width 1, 2, 4). */
uint32_t pci_config_read(struct pci_device *pdev, unsigned offset, unsigned width);
void pci_config_write(struct pci_device *pdev, unsigned offset, unsigned width, uint32_t value);

/* Offset of the first capability with id after offset after (0: from the
 * start), or 0 when there is none. */
unsigned pci_find_capability(struct pci_device *pdev, uint8_t id, unsigned after);
/* Turns on memory decoding and bus mastering (DMA). */
void pci_enable(struct pci_device *pdev);
/* Maps length bytes at offset into memory BAR bar (NULL when the BAR is
 * absent, unassigned, I/O, or too small). */
volatile void *pci_map_bar(struct pci_device *pdev, unsigned bar, uint64_t offset,
                           uint64_t length);

void pci_register_driver(struct pci_driver *driver);
/* Enumerates and binds (drivers_init). */
void pci_init(void);

#endif
