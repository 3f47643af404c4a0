/* Device drivers: drivers_init runs once at boot (SUBSYS_STAGE_DRIVERS,
 * kern/subsys.h), after the scheduler runs and before the VFS mounts its
 * root (a disk may be the root). */
#ifndef DRIVERS_DRIVERS_H
#define DRIVERS_DRIVERS_H

/* Registers the drivers, then probes virtio-mmio windows and the PCI bus.
 * Devices that fail are reported and skipped. Returns 0. */
int drivers_init(void);

#endif
