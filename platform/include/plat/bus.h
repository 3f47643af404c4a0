/* Device discovery from the firmware: the virtio-mmio windows (device tree
 * on arm64, the microvm command line on amd64) and the PCI host bridge
 * (configuration space access, the windows BARs may be placed in, and INTx
 * routing). libos/drivers enumerates and binds; the platform only says
 * where things are and how they are wired. */
#ifndef PLAT_BUS_H
#define PLAT_BUS_H

#include <stdbool.h>
#include <stdint.h>

/* ---- virtio-mmio ---- */

struct plat_mmio_window {
    uint64_t base;              /* physical */
    uint64_t size_bytes;
    unsigned irq;               /* for plat_irq_attach */
};

/* Writes up to max windows in firmware order (arm64: device-tree order;
 * amd64: the command line's virtio_mmio.device= entries, else microvm's
 * fixed layout). Empty windows are listed too: the device ID tells.
 * Returns the number written. */
unsigned plat_virtio_mmio_windows(struct plat_mmio_window *out, unsigned max);

/* ---- PCI ---- */

/* A window of CPU physical addresses through which the host bridge forwards
 * memory cycles to PCI: cpu_base maps to pci_base. */
struct plat_pci_window {
    uint64_t cpu_base;
    uint64_t pci_base;
    uint64_t size_bytes;        /* 0: none */
};

struct plat_pci_host {
    /* Memory-mapped configuration space (ECAM) of buses bus_first..bus_last,
     * 1 MiB per bus, or 0 when configuration goes through
     * plat_pci_config_read/write (amd64's port I/O). */
    uint64_t ecam_base;
    unsigned bus_first, bus_last;
    /* Where unassigned memory BARs may go. Empty when the firmware assigns
     * every BAR itself (amd64: SeaBIOS), then pci_base == cpu_base for the
     * addresses the firmware programmed. */
    struct plat_pci_window mem32;
    struct plat_pci_window mem64;
    const char *config_access;  /* "ecam" or "ports", for the boot log */
};

/* Fills *host and returns 0, or -ENODEV when the machine has no PCI. */
int plat_pci_host(struct plat_pci_host *host);

/* Configuration space through a platform-specific mechanism, for hosts
 * without ECAM (ecam_base == 0; libos/drivers/pci does ECAM itself).
 * Width 1, 2 or 4 at a naturally aligned offset (the caller checks). A
 * missing function, or an offset past 255, reads as all ones; writes to it
 * are dropped. A platform without such a mechanism reads all ones. */
uint32_t plat_pci_config_read(unsigned bus, unsigned dev, unsigned fn, unsigned offset,
                              unsigned width);
void plat_pci_config_write(unsigned bus, unsigned dev, unsigned fn, unsigned offset,
                           unsigned width, uint32_t value);

/* The platform interrupt line (for plat_irq_attach) that INTx pin (1 = INTA
 * .. 4 = INTD) of bus 0 device dev raises (bridges swizzle before asking).
 * Returns it, or -ENOENT when the firmware does not say. */
int plat_pci_intx_irq(unsigned dev, unsigned pin);

#endif
