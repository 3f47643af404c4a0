/* The physical page allocator: a binary buddy allocator over the RAM the
 * firmware reports, minus what the platform reserved. Blocks are 2^order
 * pages, naturally aligned. */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <plat/layout.h>

#define PAGE_ORDER_MAX 10               /* largest block: 2^10 pages, 4 MiB */
#define PAGES_ZERO 0x1u                 /* pages_alloc: fill with zeros */

/* Called once by kernel_main; prints the "mem:" line. */
void mm_init(void);

/* Returns the physical address of 2^order contiguous pages, or 0 when none
 * is free. Physical page 0 is never handed out. */
uint64_t pages_alloc(unsigned order, unsigned flags);
/* Frees a block from pages_alloc with the same order. Panics on a double
 * free or an order mismatch: those are kernel bugs. */
void pages_free(uint64_t pa, unsigned order);

/* The same, through the direct map. */
void *pages_alloc_virt(unsigned order, unsigned flags);
void pages_free_virt(void *va, unsigned order);

struct mm_stats {
    uint64_t usable_bytes;      /* RAM the firmware reports usable */
    unsigned usable_regions;
    uint64_t managed_pages;     /* pages the allocator owns */
    uint64_t free_pages;
};
void mm_get_stats(struct mm_stats *stats);

/* Allocation-failure injection (/dev/fail-nth, Linux's fail-nth): the
 * scheduler registers a check that pages_alloc and kmalloc ask first; when
 * it says so, they fail as if memory had run out. */
void mm_set_fail_check(bool (*should_fail)(void));
extern bool (*mm_fail_check)(void);
uint64_t mm_free_pages(void);

#endif
