/* arm64 register accessors for <plat/mmio.h>: one explicit load or store
 * with a plain base register (no writeback addressing, no pairs), so that
 * a hypervisor can decode every access it traps (ESR_EL2.ISV). */
#ifndef PLAT_MMIO_ARCH_H
#define PLAT_MMIO_ARCH_H

#include <stdint.h>

#define MMIO_ACCESSORS(bits, type, load, store, reg)                          \
    static inline type mmio_read##bits(volatile void *addr)                   \
    {                                                                         \
        uint64_t value;                                                       \
        __asm__ volatile(load " %" reg "0, [%1]" : "=r"(value) : "r"(addr) : "memory"); \
        return (type)value;                                                   \
    }                                                                         \
    static inline void mmio_write##bits(volatile void *addr, type value)      \
    {                                                                         \
        __asm__ volatile(store " %" reg "0, [%1]" : : "rZ"((uint64_t)value), "r"(addr) \
                         : "memory");                                         \
    }
MMIO_ACCESSORS(8, uint8_t, "ldrb", "strb", "w")
MMIO_ACCESSORS(16, uint16_t, "ldrh", "strh", "w")
MMIO_ACCESSORS(32, uint32_t, "ldr", "str", "w")
MMIO_ACCESSORS(64, uint64_t, "ldr", "str", "x")
#undef MMIO_ACCESSORS

#endif
