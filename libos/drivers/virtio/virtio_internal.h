/* Private to the virtio core and its transports. */
#ifndef DRIVERS_VIRTIO_INTERNAL_H
#define DRIVERS_VIRTIO_INTERNAL_H

#include <drivers/virtio.h>
#include <plat/mmio.h>

struct virtq *virtq_create(struct virtio_device *dev, unsigned index, unsigned size);
void virtq_destroy(struct virtq *vq);

/* Transports' probe entry points (drivers.c calls them). */
void virtio_mmio_probe_all(void);
void virtio_pci_register(void);

/* Register access: mmio_read32 etc. from <plat/mmio.h>. */

#endif
