/* Physical memory as the firmware describes it (PVH start info on amd64, the
 * device tree on arm64). */
#ifndef PLAT_MEMMAP_H
#define PLAT_MEMMAP_H

#include <stdint.h>

struct mem_range {
    uint64_t base;
    uint64_t size;
};

#define MEMMAP_MAX_RANGES 64

/* Usable RAM, sorted by base, non-overlapping, page-aligned (partial pages
 * at the edges are dropped). Returns the number of ranges written. */
unsigned plat_mem_usable(struct mem_range *out, unsigned max);

/* Ranges inside usable RAM that the page allocator must not hand out: the
 * kernel image, boot page tables and stacks, the device tree, boot modules.
 * Page-aligned (rounded outward). Returns the number written. */
unsigned plat_mem_reserved(struct mem_range *out, unsigned max);

#endif
