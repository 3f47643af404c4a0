/* Private to the platform: the one page-table walker (platform/common/mmu.c)
 * and what each port gives it. Both ports have 4-level tables of 512
 * 8-byte entries over 48-bit addresses with 4 KiB pages, so indexes and
 * spans are common; what an entry looks like, how the TLB is invalidated
 * and how a root is loaded differ, and come from the port's mmu_arch.h
 * (static inline PTE primitives) and the mmu_arch_* functions below.
 *
 * Levels count up from the leaf: 0 is the last-level table (4 KiB
 * entries), 1 maps 2 MiB per entry, 2 maps 1 GiB, 3 is the root. */
#ifndef PLATFORM_PAGETABLE_H
#define PLATFORM_PAGETABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <plat/mmu.h>
#include <kern/spinlock.h>
#include "mmu_arch.h"

#define MMU_LEVELS      4
#define MMU_ROOT_LEVEL  (MMU_LEVELS - 1)
#define MMU_ENTRIES     512

static inline unsigned mmu_index(uintptr_t va, int level)
{
    return (va >> (PAGE_SHIFT + 9 * level)) & (MMU_ENTRIES - 1);
}

/* Bytes one entry maps at level. */
static inline uint64_t mmu_span(int level)
{
    return 1UL << (PAGE_SHIFT + 9 * level);
}

struct arch_aspace {
    uint64_t root;                  /* physical address of the root table */
    struct mmu_arch_space arch;     /* the port's own (CPU mask, ASID) */
};

/* The kernel's tables (amd64: the shared upper half; arm64: TTBR1). */
extern struct arch_aspace kernel_space;
/* Protects every page table, the table-page pool and the ioremap cursor.
 * Taken with interrupts off. Not a leaf: libos/mm's page allocator lock
 * (mm_lock) is taken inside it through mm_table_page_alloc/free. */
extern struct spinlock mmu_lock;

/* A zeroed table page's physical address, or 0. Under mmu_lock (or at
 * boot, alone). From the .bss pool until mmu_use_page_allocator, then
 * from libos/mm; freed pool pages are reused first. */
uint64_t mmu_table_alloc(void);
/* Frees a table and every table below it (not the pages they map); at
 * the root level only the first `entries` entries are followed. Under
 * mmu_lock; no CPU may walk the tree any more. */
void mmu_free_tree(uint64_t table_pa, int level, unsigned entries);
/* From plat_init on, table pages come from mm_table_page_alloc. */
void mmu_use_page_allocator(void);

/* Maps [va, va+size) to pa below the table at `level` of the tree rooted
 * at root_pa, with leaf bits prot (pte_prot). Blocks are used up to
 * max_block_level where aligned (0: 4 KiB pages only). An existing
 * identical mapping is accepted, a different one is -EEXIST; -ENOMEM when
 * a table page is short (what was mapped stays). Under mmu_lock, or at
 * boot. */
int mmu_map_range(uint64_t root_pa, uintptr_t va, uint64_t pa, uint64_t size,
                  uint64_t prot, int max_block_level);
/* Creates the kernel tables down to the table at `level` covering va. */
int mmu_kernel_table_create(uintptr_t va, int level);
/* Maps pa into the ioremap window (MMU_IOREMAP_BASE..END) with flags. */
void *mmu_map_phys(uint64_t pa, size_t size, unsigned flags);

/* ---- what each port implements (platform/<arch>/mmu.c) ---- */

/* Before a process space gets its root (outside mmu_lock; may print). */
void mmu_arch_space_new(void);
/* A process space is being freed, no CPU runs it any more: forget it
 * (arm64: its ASID's TLB entries). Under mmu_lock. */
void mmu_arch_space_free(struct arch_aspace *as);
/* Loads as (the kernel space: no process half) on this CPU, which ran
 * old. Called on every activation, also when old == as. Interrupts off. */
void mmu_arch_switch(struct arch_aspace *old, struct arch_aspace *as, unsigned cpu);
/* After a change to as's entries, mmu_lock released: makes the other CPUs
 * drop what they cached of them before returning (amd64: shootdown IPIs
 * for a process space). Tables unlinked by the change are freed after. */
void mmu_arch_flush_remote(struct arch_aspace *as);

#endif
