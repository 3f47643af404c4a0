/* The buddy page allocator. Each usable RAM range becomes a zone with an
 * array of struct page; free blocks of 2^order pages sit on one list per
 * order. Freeing merges a block with its buddy (pfn ^ 2^order) while the
 * buddy is free, of the same order, and in the same zone. */
#include <stdbool.h>
#include <string.h>
#include <kern/panic.h>
#include <kern/printk.h>
#include <kern/spinlock.h>
#include <kern/util.h>
#include <mm/page.h>
#include <plat/memmap.h>
#include <plat/mmu.h>
#include "page_internal.h"

struct zone {
    uint64_t base_pfn;
    uint64_t page_count;
    struct page *pages;
};

/* mm_lock protects the free lists, the zones' page states and the counters.
 * It is a leaf lock: nothing else is taken while holding it. */
static struct spinlock mm_lock = SPINLOCK_INIT;
static struct zone zones[MEMMAP_MAX_RANGES];
static unsigned zone_count;
static struct list free_lists[PAGE_ORDER_MAX + 1];
static uint64_t free_pages;
static uint64_t managed_pages;
static uint64_t usable_bytes;
static unsigned usable_regions;

static struct zone *zone_of_pfn(uint64_t pfn)
{
    for (unsigned i = 0; i < zone_count; i++)
        if (pfn >= zones[i].base_pfn && pfn < zones[i].base_pfn + zones[i].page_count)
            return &zones[i];
    return NULL;
}

struct page *page_of_phys(uint64_t pa)
{
    uint64_t pfn = pa >> PAGE_SHIFT;
    struct zone *zone = zone_of_pfn(pfn);

    return zone ? &zone->pages[pfn - zone->base_pfn] : NULL;
}

uint64_t page_to_phys(const struct page *page)
{
    for (unsigned i = 0; i < zone_count; i++) {
        const struct zone *z = &zones[i];
        if (page >= z->pages && page < z->pages + z->page_count)
            return (z->base_pfn + (uint64_t)(page - z->pages)) << PAGE_SHIFT;
    }
    panic("page_to_phys: %p is not a page descriptor", (const void *)page);
}

struct page *page_head(struct page *page)
{
    while (page->state == PAGE_USED_TAIL || page->state == PAGE_FREE_TAIL)
        page--;
    return page;
}

static void block_mark(struct page *head, unsigned order, enum page_state head_state,
                       enum page_state tail_state)
{
    head->state = (uint8_t)head_state;
    head->order = (uint8_t)order;
    for (uint64_t i = 1; i < (1ULL << order); i++) {
        head[i].state = (uint8_t)tail_state;
        head[i].order = 0;
    }
}

/* Page states inside a free block: its head is PAGE_FREE_HEAD with the
 * block's order; the other pages are never PAGE_FREE_HEAD nor PAGE_USED_*
 * (PAGE_FREE_TAIL, or PAGE_RESERVED as mm_init leaves them). Only the
 * pages of a block being allocated or freed are marked one by one, so
 * setting up memory and splitting a large block cost no walk over it:
 * under TCG, mm_init's walks over every page were a tenth of a hello
 * image's boot. */

/* Puts a block on its free list, merging with free buddies. */
static void block_release(struct zone *zone, uint64_t pfn, unsigned order)
{
    spin_assert_held(&mm_lock);
    block_mark(&zone->pages[pfn - zone->base_pfn], order, PAGE_FREE_TAIL, PAGE_FREE_TAIL);
    while (order < PAGE_ORDER_MAX) {
        uint64_t buddy_pfn = pfn ^ (1ULL << order);
        if (buddy_pfn < zone->base_pfn ||
            buddy_pfn + (1ULL << order) > zone->base_pfn + zone->page_count)
            break;
        struct page *buddy = &zone->pages[buddy_pfn - zone->base_pfn];
        if (buddy->state != PAGE_FREE_HEAD || buddy->order != order)
            break;
        list_remove(&buddy->link);
        buddy->state = PAGE_FREE_TAIL;
        pfn &= ~(1ULL << order);
        order++;
    }
    struct page *head = &zone->pages[pfn - zone->base_pfn];
    head->state = PAGE_FREE_HEAD;
    head->order = (uint8_t)order;
    list_push_front(&free_lists[order], &head->link);
}

bool (*mm_fail_check)(void);   /* set once at boot */

void mm_set_fail_check(bool (*should_fail)(void))
{
    mm_fail_check = should_fail;
}

uint64_t pages_alloc(unsigned order, unsigned flags)
{
    if (order > PAGE_ORDER_MAX)
        return 0;
    if (mm_fail_check && unlikely(mm_fail_check()))
        return 0;

    unsigned long irq = spin_lock_irqsave(&mm_lock);
    unsigned found = order;
    while (found <= PAGE_ORDER_MAX && list_empty(&free_lists[found]))
        found++;
    if (found > PAGE_ORDER_MAX) {
        spin_unlock_irqrestore(&mm_lock, irq);
        return 0;
    }
    struct page *head = list_entry(free_lists[found].next, struct page, link);
    list_remove(&head->link);
    uint64_t pa = page_to_phys(head);
    struct zone *zone = zone_of_pfn(pa >> PAGE_SHIFT);

    /* Split: give back the upper halves until the block has the right size. */
    while (found > order) {
        found--;
        uint64_t upper_pfn = (pa >> PAGE_SHIFT) + (1ULL << found);
        struct page *upper = &zone->pages[upper_pfn - zone->base_pfn];
        upper->state = PAGE_FREE_HEAD;
        upper->order = (uint8_t)found;
        list_push_front(&free_lists[found], &upper->link);
    }
    block_mark(head, order, PAGE_USED_HEAD, PAGE_USED_TAIL);
    head->slab_cache = NULL;
    free_pages -= 1ULL << order;
    spin_unlock_irqrestore(&mm_lock, irq);

    if (flags & PAGES_ZERO)
        memset(phys_to_virt(pa), 0, PAGE_SIZE << order);
    return pa;
}

void pages_free(uint64_t pa, unsigned order)
{
    uint64_t pfn = pa >> PAGE_SHIFT;

    unsigned long irq = spin_lock_irqsave(&mm_lock);
    struct zone *zone = zone_of_pfn(pfn);
    struct page *head = zone ? &zone->pages[pfn - zone->base_pfn] : NULL;
    if (!head || (pa & (PAGE_SIZE - 1)) || head->state != PAGE_USED_HEAD ||
        head->order != order) {
        spin_unlock_irqrestore(&mm_lock, irq);
        panic("pages_free: bad free of %p order %u (state %d order %d)", (void *)pa, order,
              head ? head->state : -1, head ? head->order : -1);
    }
    free_pages += 1ULL << order;
    block_release(zone, pfn, order);
    spin_unlock_irqrestore(&mm_lock, irq);
}

void *pages_alloc_virt(unsigned order, unsigned flags)
{
    uint64_t pa = pages_alloc(order, flags);

    return pa ? phys_to_virt(pa) : NULL;
}

void pages_free_virt(void *va, unsigned order)
{
    pages_free((uint64_t)((uintptr_t)va - KERNEL_DIRECT_MAP_BASE), order);
}

uint64_t mm_table_page_alloc(void)
{
    return pages_alloc(0, PAGES_ZERO);
}

void mm_table_page_free(uint64_t pa)
{
    pages_free(pa, 0);
}

uint64_t mm_free_pages(void)
{
    unsigned long irq = spin_lock_irqsave(&mm_lock);
    uint64_t n = free_pages;
    spin_unlock_irqrestore(&mm_lock, irq);
    return n;
}

void mm_get_stats(struct mm_stats *stats)
{
    unsigned long irq = spin_lock_irqsave(&mm_lock);
    stats->usable_bytes = usable_bytes;
    stats->usable_regions = usable_regions;
    stats->managed_pages = managed_pages;
    stats->free_pages = free_pages;
    spin_unlock_irqrestore(&mm_lock, irq);
}

/* --- start-up ----------------------------------------------------------- */

static bool overlaps(uint64_t base, uint64_t size, const struct mem_range *r, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (base < r[i].base + r[i].size && r[i].base < base + size)
            return true;
    return false;
}

/* The first page frame after the reserved range that holds page frame
 * pfn, or 0 when none does. */
static uint64_t reserved_end_pfn(uint64_t pfn, const struct mem_range *r, unsigned n)
{
    uint64_t pa = pfn << PAGE_SHIFT;
    for (unsigned i = 0; i < n; i++)
        if (pa < r[i].base + r[i].size && r[i].base < pa + PAGE_SIZE)
            return ALIGN_UP(r[i].base + r[i].size, PAGE_SIZE) >> PAGE_SHIFT;
    return 0;
}

/* Finds room for the page descriptors: page-aligned, inside usable RAM,
 * clear of every reserved range. */
static uint64_t find_metadata_room(const struct mem_range *usable, unsigned usable_n,
                                   const struct mem_range *reserved, unsigned reserved_n,
                                   uint64_t bytes)
{
    for (unsigned i = 0; i < usable_n; i++) {
        uint64_t end = usable[i].base + usable[i].size;
        for (uint64_t pa = usable[i].base; pa + bytes <= end; pa += PAGE_SIZE) {
            if (pa == 0)
                continue;
            bool clash = false;
            for (unsigned j = 0; j < reserved_n; j++) {
                const struct mem_range *r = &reserved[j];
                if (pa < r->base + r->size && r->base < pa + bytes) {
                    /* skip past this reserved range */
                    pa = ALIGN_UP(r->base + r->size, PAGE_SIZE) - PAGE_SIZE;
                    clash = true;
                    break;
                }
            }
            if (!clash)
                return pa;
        }
    }
    return 0;
}

void mm_init(void)
{
    struct mem_range usable[MEMMAP_MAX_RANGES];
    struct mem_range reserved[MEMMAP_MAX_RANGES + 2];
    unsigned usable_n = plat_mem_usable(usable, MEMMAP_MAX_RANGES);
    unsigned reserved_n = plat_mem_reserved(reserved, MEMMAP_MAX_RANGES);

    for (unsigned i = 0; i <= PAGE_ORDER_MAX; i++)
        list_init(&free_lists[i]);

    uint64_t meta_bytes = 0;
    for (unsigned i = 0; i < usable_n; i++) {
        usable_bytes += usable[i].size;
        meta_bytes += (usable[i].size >> PAGE_SHIFT) * sizeof(struct page);
    }
    usable_regions = usable_n;
    meta_bytes = ALIGN_UP(meta_bytes, PAGE_SIZE);

    uint64_t meta_pa = find_metadata_room(usable, usable_n, reserved, reserved_n, meta_bytes);
    if (!meta_pa)
        panic("mm: no room for %llu bytes of page descriptors",
              (unsigned long long)meta_bytes);
    reserved[reserved_n++] = (struct mem_range){ meta_pa, meta_bytes };
    reserved[reserved_n++] = (struct mem_range){ 0, PAGE_SIZE };   /* 0 means failure */

    /* Every page starts PAGE_RESERVED, off any list (a page's link is
     * only used once it is pushed on one). */
    struct page *meta = phys_to_virt(meta_pa);
    memset(meta, 0, meta_bytes);
    for (unsigned i = 0; i < usable_n; i++) {
        struct zone *zone = &zones[zone_count++];
        zone->base_pfn = usable[i].base >> PAGE_SHIFT;
        zone->page_count = usable[i].size >> PAGE_SHIFT;
        zone->pages = meta;
        meta += zone->page_count;
    }

    /* Hand every unreserved page to the allocator, in the largest aligned
     * blocks that fit: no two of them are free buddies, so each only needs
     * its head marked (the other pages stay PAGE_RESERVED, which a free
     * block's inside may be). Nothing else runs yet; the lock is for the
     * rule. */
    unsigned long irq = spin_lock_irqsave(&mm_lock);
    for (unsigned i = 0; i < zone_count; i++) {
        struct zone *zone = &zones[i];
        uint64_t pfn = zone->base_pfn, end = zone->base_pfn + zone->page_count;
        while (pfn < end) {
            uint64_t skip_to = reserved_end_pfn(pfn, reserved, reserved_n);
            if (skip_to) {
                pfn = skip_to;          /* the whole reserved range at once */
                continue;
            }
            unsigned order = 0;
            while (order < PAGE_ORDER_MAX && !(pfn & ((2ULL << order) - 1)) &&
                   pfn + (2ULL << order) <= end &&
                   !overlaps(pfn << PAGE_SHIFT, PAGE_SIZE << (order + 1), reserved, reserved_n))
                order++;
            struct page *head = &zone->pages[pfn - zone->base_pfn];
            head->state = PAGE_FREE_HEAD;
            head->order = (uint8_t)order;
            list_push_front(&free_lists[order], &head->link);
            free_pages += 1ULL << order;
            managed_pages += 1ULL << order;
            pfn += 1ULL << order;
        }
    }
    spin_unlock_irqrestore(&mm_lock, irq);

    printk("mem: %llu MiB usable in %u regions\n",
           (unsigned long long)(usable_bytes >> 20), usable_regions);
}
