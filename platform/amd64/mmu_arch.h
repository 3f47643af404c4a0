/* amd64 page-table entries for the common walker (platform/common/mmu.c,
 * pagetable.h): 4-level paging, 4 KiB pages and 2 MiB large pages (PS),
 * NX when the CPU has it, UC device memory through PCD|PWT with the
 * power-on PAT, global (G) kernel pages. The TLB is invalidated locally
 * with invlpg; other CPUs by the shootdown IPI in mmu.c. */
#ifndef AMD64_MMU_ARCH_H
#define AMD64_MMU_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kern/util.h>
#include <plat/layout.h>
#include <plat/mmu.h>
#include "amd64.h"

#define PTE_P    (1UL << 0)
#define PTE_W    (1UL << 1)
#define PTE_U    (1UL << 2)
#define PTE_PWT  (1UL << 3)
#define PTE_PCD  (1UL << 4)
#define PTE_A    (1UL << 5)
#define PTE_D    (1UL << 6)
#define PTE_PS   (1UL << 7)
#define PTE_G    (1UL << 8)
#define PTE_NX   (1UL << 63)
/* Software bit of a last-level entry with P clear (the CPU ignores every
 * other bit then): an MMU_NONE page, its address kept. */
#define PTE_NONE (1UL << 9)
#define PTE_ADDR 0x000ffffffffff000UL

#define UPPER_HALF 0xffff800000000000UL

/* 64 pool pages cover the image, the VMAP and image PDPTs and the direct
 * map of about 50 GiB of RAM with 2 MiB pages. */
#define MMU_POOL_PAGES          64
#define MMU_MAX_BLOCK_LEVEL     1       /* 2 MiB pages (1 GiB ones need pdpe1gb) */
/* PML4 slots 0..255 are the process's; 256..511 point at the kernel's
 * PDPTs, the same in every root. */
#define MMU_USER_ROOT_ENTRIES   256
#define MMU_USER_END            (1UL << 47)     /* USER_SPACE_END: slot 256 on is the kernel's */
/* The kernel space maps low identity pages too (the AP trampoline); page
 * 0 never. */
#define MMU_KERNEL_START        PAGE_SIZE
/* arch_ioremap (and the ACPI tables) get the bottom 64 GiB of VMAP; the
 * rest is for on-demand kernel mappings chosen by libos/ (ktest uses the
 * middle). */
#define MMU_IOREMAP_BASE        KERNEL_VMAP_BASE
#define MMU_IOREMAP_END         (KERNEL_VMAP_BASE + 64 * GiB)

struct mmu_arch_space {
    /* CPUs whose CR3 holds this space (bit per CPU): the targets of TLB
     * shootdowns. Set before CR3 is loaded, cleared after it is left. */
    volatile uint32_t active_cpus;
};

extern char __kernel_end[];

/* Table pages, the pool's included, are reached through the direct map
 * (entry.S's boot tables have it too). */
static inline uint64_t *mmu_table_ptr(uint64_t pa)
{
    return phys_to_virt(pa);
}

static inline uint64_t mmu_image_pa(uintptr_t va)
{
    return va - KERNEL_IMAGE_BASE;
}

static inline uint64_t mmu_image_size(void)
{
    return (uintptr_t)__kernel_end - KERNEL_IMAGE_BASE;
}

static inline bool pte_is_table(uint64_t pte, int level)
{
    return level > 0 && (pte & (PTE_P | PTE_PS)) == PTE_P;
}

static inline bool pte_is_leaf(uint64_t pte, int level)
{
    if (level == 0)
        return pte & (PTE_P | PTE_NONE);
    return (pte & (PTE_P | PTE_PS)) == (PTE_P | PTE_PS);
}

static inline uint64_t pte_addr(uint64_t pte)
{
    return pte & PTE_ADDR;
}

/* Tables are writable and, in the lower half, user-accessible: the leaf
 * entry alone decides. */
static inline uint64_t pte_table(uint64_t pa, uintptr_t va)
{
    return pa | PTE_P | PTE_W | (va < UPPER_HALF ? PTE_U : 0);
}

static inline uint64_t pte_prot(unsigned flags, uintptr_t va)
{
    if (flags & MMU_NONE)
        return PTE_NONE;
    uint64_t bits = PTE_P | PTE_A;

    if (flags & MMU_WRITE)
        bits |= PTE_W | PTE_D;
    if (!(flags & MMU_EXEC) && cpu_has_nx())
        bits |= PTE_NX;
    if (flags & MMU_USER)
        bits |= PTE_U;
    if (flags & MMU_DEVICE)
        bits |= PTE_PCD | PTE_PWT;      /* UC with the power-on PAT */
    if (va >= UPPER_HALF)
        bits |= PTE_G;
    return bits;
}

static inline uint64_t pte_leaf(uint64_t pa, uint64_t prot, int level)
{
    if (prot & PTE_NONE)
        return pa | PTE_NONE;
    return pa | prot | (level > 0 ? PTE_PS : 0);
}

static inline unsigned pte_flags(uint64_t pte)
{
    if (!(pte & PTE_P))
        return MMU_NONE;
    unsigned flags = MMU_READ;

    if (pte & PTE_W)
        flags |= MMU_WRITE;
    if (!(pte & PTE_NX))
        flags |= MMU_EXEC;
    if (pte & PTE_U)
        flags |= MMU_USER;
    if (pte & PTE_PCD)
        flags |= MMU_DEVICE;
    return flags;
}

/* ---- TLB (mmu_lock held) ---- */

/* A present leaf at va was cleared or changed: this CPU's copy goes. */
static inline void mmu_arch_leaf_changed(uintptr_t va)
{
    invlpg(va);
}

/* The table covering va was unlinked: invlpg also drops this CPU's
 * paging-structure caches; other CPUs' go with mmu_arch_flush_remote. */
static inline void mmu_arch_table_unlinked(uintptr_t va)
{
    invlpg(va);
}

/* After a change to a range: done page by page above. */
static inline void mmu_arch_flush_locked(uintptr_t va, size_t size)
{
    (void)va;
    (void)size;
}

/* New entries need no barrier: the walker sees ordinary stores. */
static inline void mmu_arch_publish(void)
{
}

/* Instruction fetches are coherent with stores. */
static inline void mmu_arch_sync_exec(uint64_t pa, size_t size)
{
    (void)pa;
    (void)size;
}

#endif
