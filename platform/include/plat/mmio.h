/* Device register access: one load or store of the width named, never
 * merged, split or reordered with other register accesses by the compiler.
 * Each architecture supplies the accessors in <plat/mmio_arch.h>
 * (platform/<arch>/include/plat/): a plain volatile access on amd64; on
 * arm64 an explicit single ldr/str without writeback, which a hypervisor
 * can decode when it traps the access. Ordering against normal memory
 * (DMA buffers) is the caller's (barriers), as on Linux with the
 * _relaxed accessors. */
#ifndef PLAT_MMIO_H
#define PLAT_MMIO_H

#include <stdint.h>

/* uint8_t mmio_read8(volatile void *addr), and 16, 32, 64;
 * void mmio_write8(volatile void *addr, uint8_t value), and 16, 32, 64. */
#include <plat/mmio_arch.h>

#endif
