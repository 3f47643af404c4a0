/* amd64 register accessors for <plat/mmio.h>: a volatile access compiles
 * to one mov of that width (uncached mappings keep it in order). */
#ifndef PLAT_MMIO_ARCH_H
#define PLAT_MMIO_ARCH_H

#include <stdint.h>

#define MMIO_ACCESSORS(bits)                                                  \
    static inline uint##bits##_t mmio_read##bits(volatile void *addr)         \
    {                                                                         \
        return *(volatile uint##bits##_t *)addr;                              \
    }                                                                         \
    static inline void mmio_write##bits(volatile void *addr, uint##bits##_t value) \
    {                                                                         \
        *(volatile uint##bits##_t *)addr = value;                             \
    }
MMIO_ACCESSORS(8)
MMIO_ACCESSORS(16)
MMIO_ACCESSORS(32)
MMIO_ACCESSORS(64)
#undef MMIO_ACCESSORS

#endif
