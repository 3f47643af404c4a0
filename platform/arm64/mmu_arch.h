/* arm64 page-table entries for the common walker (platform/common/mmu.c,
 * pagetable.h): VMSAv8-64 descriptors, 4 KiB granule, 48-bit addresses,
 * blocks of 2 MiB and 1 GiB, memory types through MAIR indexes, AP[2:1]
 * and PXN/UXN permissions, non-global (ASID-tagged) user pages. TLB
 * maintenance is broadcast (TLBI ...IS), so it is complete when the
 * walker's lock is released. Also used with the MMU off (boot). */
#ifndef ARM64_MMU_ARCH_H
#define ARM64_MMU_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kern/util.h>
#include <plat/layout.h>
#include <plat/mmu.h>
#include <plat/mode.h>
#include "arm64.h"

#define PTE_VALID       (1UL << 0)
#define PTE_TABLE       (1UL << 1)      /* levels 1-3: table; level 0: page */
#define PTE_ATTR(i)     ((uint64_t)(i) << 2)
#define PTE_ATTR_MASK   (7UL << 2)
#define PTE_USER        (1UL << 6)      /* AP[1]: EL0 access */
#define PTE_RDONLY      (1UL << 7)      /* AP[2] */
#define PTE_SH_INNER    (3UL << 8)
#define PTE_AF          (1UL << 10)
#define PTE_NG          (1UL << 11)
#define PTE_PXN         (1UL << 53)
#define PTE_UXN         (1UL << 54)
#define PTE_ADDR_MASK   0x0000fffffffff000UL
/* Software bit of a last-level entry with VALID clear (the MMU ignores the
 * other bits then): an MMU_NONE page, its address kept. */
#define PTE_SW_NONE     (1UL << 55)

/* MAIR indices (head.S programs MAIR_EL1 to match). */
#define ATTR_DEVICE     0
#define ATTR_NORMAL     1

/* Pool pages for boot, before the page allocator runs: the identity map,
 * the image, the direct map of a few discontiguous banks and the early
 * MMIO mappings. */
#define MMU_POOL_PAGES          32
#define MMU_MAX_BLOCK_LEVEL     2       /* 1 GiB and 2 MiB blocks */
/* TTBR0 holds only the process's tables; the kernel's are in TTBR1. */
#define MMU_USER_ROOT_ENTRIES   512
#define MMU_USER_END            (1UL << 48)
#define MMU_KERNEL_START        KERNEL_DIRECT_MAP_BASE
/* MMIO mappings from arch_ioremap go to the top GiB of the VMAP range; the
 * rest of VMAP is left to libos/mm. */
#define MMU_IOREMAP_BASE        (KERNEL_VMAP_BASE + KERNEL_VMAP_SIZE - GiB)
#define MMU_IOREMAP_END         (KERNEL_VMAP_BASE + KERNEL_VMAP_SIZE)

struct mmu_arch_space {
    uint64_t context_id;        /* generation | ASID, 0 before its first
                                 * switch-in and for the kernel space */
};

extern uint64_t arm64_image_pa, arm64_image_size;
extern bool arm64_is_mmu_on;

/* Where a table page can be read and written: itself with the MMU off, its
 * image address for pool pages, its direct-map address otherwise. */
static inline uint64_t *mmu_table_ptr(uint64_t pa)
{
    if (!arm64_is_mmu_on)
        return (uint64_t *)(uintptr_t)pa;
    if (pa - arm64_image_pa < arm64_image_size)
        return (uint64_t *)(uintptr_t)(pa - arm64_image_pa + KERNEL_IMAGE_BASE);
    return phys_to_virt(pa);
}

/* Physical address of an image address, valid before and after the MMU is
 * on (before, the PC-relative address is the physical one). */
static inline uint64_t mmu_image_pa(uintptr_t va)
{
    if (!arm64_is_mmu_on)
        return va;
    return va - KERNEL_IMAGE_BASE + arm64_image_pa;
}

static inline uint64_t mmu_image_size(void)
{
    return arm64_image_size;
}

static inline bool pte_is_table(uint64_t pte, int level)
{
    return level > 0 && (pte & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE);
}

/* Pages at level 0; blocks at levels 1 and 2 (level-3 blocks are
 * reserved). */
static inline bool pte_is_leaf(uint64_t pte, int level)
{
    if (level == 0)
        return (pte & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE) ||
               (pte & (PTE_VALID | PTE_SW_NONE)) == PTE_SW_NONE;
    return level < 3 && (pte & (PTE_VALID | PTE_TABLE)) == PTE_VALID;
}

static inline uint64_t pte_addr(uint64_t pte)
{
    return pte & PTE_ADDR_MASK;
}

static inline uint64_t pte_table(uint64_t pa, uintptr_t va)
{
    (void)va;
    return pa | PTE_VALID | PTE_TABLE;
}

static inline uint64_t pte_prot(unsigned flags, uintptr_t va)
{
    (void)va;
    if (flags & MMU_NONE)
        return PTE_SW_NONE;
    uint64_t attrs = PTE_AF;

    if (flags & MMU_DEVICE)
        attrs |= PTE_ATTR(ATTR_DEVICE) | PTE_PXN | PTE_UXN;
    else
        attrs |= PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER;
    if (!(flags & MMU_WRITE))
        attrs |= PTE_RDONLY;
    if (flags & MMU_USER) {
        /* Direct mode runs process code at EL1: its code must not be PXN
         * (EL1 fetches from EL0-writable pages fault regardless). */
        attrs |= PTE_USER | PTE_NG;
        if (!(flags & MMU_EXEC))
            attrs |= PTE_UXN | PTE_PXN;
        else if (!plat_direct_mode)
            attrs |= PTE_PXN;
    } else {
        attrs |= PTE_UXN;
        if (!(flags & MMU_EXEC))
            attrs |= PTE_PXN;
    }
    return attrs;
}

static inline uint64_t pte_leaf(uint64_t pa, uint64_t prot, int level)
{
    if (prot & PTE_SW_NONE)
        return pa | PTE_SW_NONE;
    return pa | prot | PTE_VALID | (level == 0 ? PTE_TABLE : 0);
}

static inline unsigned pte_flags(uint64_t pte)
{
    if (!(pte & PTE_VALID))
        return MMU_NONE;
    unsigned flags = MMU_READ;

    if (!(pte & PTE_RDONLY))
        flags |= MMU_WRITE;
    if (pte & PTE_USER) {
        flags |= MMU_USER;
        if (!(pte & PTE_UXN))
            flags |= MMU_EXEC;
    } else if (!(pte & PTE_PXN)) {
        flags |= MMU_EXEC;
    }
    if ((pte & PTE_ATTR_MASK) == PTE_ATTR(ATTR_DEVICE))
        flags |= MMU_DEVICE;
    return flags;
}

/* ---- TLB and caches (mmu_lock held) ---- */

/* Leaves are invalidated per range by mmu_arch_flush_locked. */
static inline void mmu_arch_leaf_changed(uintptr_t va)
{
    (void)va;
}

/* A table was unlinked: every CPU drops walk-cache entries pointing at it
 * before it can be freed. */
static inline void mmu_arch_table_unlinked(uintptr_t va)
{
    (void)va;
    dsb(ishst);
    __asm__ volatile("tlbi vmalle1is" : : : "memory");
    dsb(ish);
}

static inline void mmu_arch_flush_locked(uintptr_t va, size_t size)
{
    dsb(ishst);
    if (size > 64 * PAGE_SIZE) {
        __asm__ volatile("tlbi vmalle1is" : : : "memory");
    } else {
        for (size_t off = 0; off < size; off += PAGE_SIZE)
            __asm__ volatile("tlbi vaae1is, %0" : : "r"(((va + off) >> 12) & 0xfffffffffffUL)
                             : "memory");
    }
    dsb(ish);
    isb();
}

/* New entries visible to the table walker before they are used. */
static inline void mmu_arch_publish(void)
{
    dsb(ishst);
    isb();
}

/* Code for user pages was written through the direct map: make the
 * instruction fetches of EL0 see it. */
static inline void mmu_arch_sync_exec(uint64_t pa, size_t size)
{
    arm64_sync_icache((uintptr_t)phys_to_virt(pa), size);
}

#endif
