/* Per-page metadata shared by the buddy allocator and the slab layer. */
#ifndef MM_PAGE_INTERNAL_H
#define MM_PAGE_INTERNAL_H

#include <stdint.h>
#include <kern/list.h>

enum page_state {
    PAGE_RESERVED = 0,  /* not managed: firmware, kernel image, metadata */
    PAGE_FREE_HEAD,     /* first page of a free block on a free list */
    PAGE_FREE_TAIL,     /* other pages of a free block */
    PAGE_USED_HEAD,     /* first page of an allocated block */
    PAGE_USED_TAIL,
};

struct kmem_cache;

struct page {
    struct list link;           /* free list, or the cache's partial list */
    uint8_t state;              /* enum page_state */
    uint8_t order;              /* for *_HEAD pages */
    uint16_t slab_in_use;       /* objects allocated from this slab */
    void *slab_free;            /* slab free list */
    struct kmem_cache *slab_cache;  /* NULL unless this block is a slab */
    uint32_t map_count;         /* user mappings of this page (vm.c, COW);
                                   atomic; the last unmap frees the page */
};

/* The metadata of the page holding physical address pa, or NULL when the
 * allocator does not know it. */
struct page *page_of_phys(uint64_t pa);
struct page *page_head(struct page *page);
uint64_t page_to_phys(const struct page *page);

#endif
