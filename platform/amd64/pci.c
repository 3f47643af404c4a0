/* PCI configuration space through the legacy I/O ports 0xcf8/0xcfc
 * (configuration mechanism #1). q35 and pc have it; microvm has no port-I/O
 * PCI at all, so reads there return all ones. */
#include <stdint.h>
#include "amd64.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc

uint32_t pci_config_read32(unsigned bus, unsigned dev, unsigned fn, unsigned offset)
{
    outl(PCI_CONFIG_ADDRESS, 0x80000000u | (bus & 0xff) << 16 | (dev & 0x1f) << 11 |
                             (fn & 7) << 8 | (offset & 0xfc));
    return inl(PCI_CONFIG_DATA);
}
