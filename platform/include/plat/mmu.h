/* Page-table primitives. The portable VM layer (libos/mm) decides what to
 * map; the architecture only knows how. All sizes and addresses are
 * multiples of PAGE_SIZE. */
#ifndef PLAT_MMU_H
#define PLAT_MMU_H

#include <stddef.h>
#include <stdint.h>
#include <plat/layout.h>

#define MMU_READ   0x01u
#define MMU_WRITE  0x02u
#define MMU_EXEC   0x04u
#define MMU_USER   0x08u
#define MMU_DEVICE 0x10u   /* uncached device memory (MMIO) */
/* A page kept in the table with no access at all, from user or kernel
 * mode (PROT_NONE): query and the scans still report it (with MMU_NONE
 * alone as its flags), every access faults. The other flags are ignored. */
#define MMU_NONE   0x20u

/* An address space's page-table root. Opaque to libos/. */
struct arch_aspace;

struct arch_aspace *arch_mmu_kernel_space(void);

/* Maps [va, va+size) to [pa, pa+size) with 4 KiB pages. Returns 0, -EEXIST
 * when a page in the range is already mapped (nothing is changed then), or
 * -ENOMEM when a table page cannot be allocated. */
int arch_mmu_map(struct arch_aspace *as, uintptr_t va, uint64_t pa,
                 size_t size, unsigned flags);

/* Unmaps [va, va+size), invalidates the TLB for it, and frees table pages
 * that became empty. Pages that were not mapped are skipped. */
int arch_mmu_unmap(struct arch_aspace *as, uintptr_t va, size_t size);

/* Looks up va. Returns 0 and fills *pa and *flags, or -ENOENT. */
int arch_mmu_query(struct arch_aspace *as, uintptr_t va, uint64_t *pa,
                   unsigned *flags);

/* Scans [va, end) for the first mapped page, skipping unmapped table
 * levels whole, so the cost follows the tables present rather than the
 * size of the range. Returns 1 with *at (and *pa, *flags when not NULL)
 * at that page; 0 with *at where the scan stopped without finding one:
 * end, or earlier after MMU_SCAN_STEPS entries (the page-table lock is
 * held with interrupts off meanwhile): the caller goes on from *at. */
#define MMU_SCAN_STEPS 512
int arch_mmu_next_mapped(struct arch_aspace *as, uintptr_t va, uintptr_t end, uintptr_t *at,
                         uint64_t *pa, unsigned *flags);

/* Invalidates every TLB entry of this CPU, global (kernel) ones included.
 * Run on every CPU, it makes kernel addresses unmapped before safe to map
 * again (amd64's kernel unmaps invalidate the calling CPU only). */
void arch_tlb_flush_all_local(void);

/* Maps device registers into the kernel half (MMU_DEVICE, read/write).
 * Returns NULL on failure. */
void *arch_ioremap(uint64_t pa, size_t size);

/* Physical address of a kernel-image or direct-map address. */
uint64_t arch_virt_to_phys(const void *va);

static inline void *phys_to_virt(uint64_t pa)
{
    return (void *)(uintptr_t)(pa + KERNEL_DIRECT_MAP_BASE);
}

/* Provided by libos/mm for table pages once the page allocator runs:
 * a zeroed page's physical address, or 0 when memory is exhausted. */
uint64_t mm_table_page_alloc(void);
void mm_table_page_free(uint64_t pa);

#endif
