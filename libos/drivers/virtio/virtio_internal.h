/* Private to the virtio core and its transports. */
#ifndef DRIVERS_VIRTIO_INTERNAL_H
#define DRIVERS_VIRTIO_INTERNAL_H

#include <drivers/virtio.h>

struct virtq *virtq_create(struct virtio_device *dev, unsigned index, unsigned size);
void virtq_destroy(struct virtq *vq);

/* Transports' probe entry points (drivers.c calls them). */
void virtio_mmio_probe_all(void);
void virtio_pci_register(void);

/* Register access with the widths the device expects (volatile, so the
 * compiler neither merges nor splits them). */
static inline uint32_t virtio_read32(volatile void *addr)
{
    return *(volatile uint32_t *)addr;
}
static inline void virtio_write32(volatile void *addr, uint32_t value)
{
    *(volatile uint32_t *)addr = value;
}
static inline uint16_t virtio_read16(volatile void *addr)
{
    return *(volatile uint16_t *)addr;
}
static inline void virtio_write16(volatile void *addr, uint16_t value)
{
    *(volatile uint16_t *)addr = value;
}
static inline uint8_t virtio_read8(volatile void *addr)
{
    return *(volatile uint8_t *)addr;
}
static inline void virtio_write8(volatile void *addr, uint8_t value)
{
    *(volatile uint8_t *)addr = value;
}

#endif
