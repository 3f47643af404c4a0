/* kmalloc: power-of-two size classes from 16 to 2048 bytes, each served by
 * slabs (one block from the page allocator, carved into equal objects with
 * an in-object free list). A slab whose last object is freed goes straight
 * back to the page allocator, so an idle heap holds no empty slabs.
 * Larger requests are whole page blocks. */
#include <string.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <mm/page.h>
#include <plat/mmu.h>
#include "page_internal.h"

#define KMALLOC_MIN_SHIFT 4
#define KMALLOC_MAX_SHIFT 11
#define CLASS_COUNT (KMALLOC_MAX_SHIFT - KMALLOC_MIN_SHIFT + 1)

struct kmem_cache {
    size_t object_size;
    unsigned slab_order;        /* slab = 2^slab_order pages */
    unsigned objects_per_slab;
    struct list partial;        /* slabs with at least one free object */
};

/* heap_lock protects every cache, slab free lists and the byte counter.
 * Order: heap_lock, then mm_lock (inside pages_alloc/pages_free). */
static struct spinlock heap_lock = SPINLOCK_INIT;
static struct kmem_cache caches[CLASS_COUNT];
static size_t bytes_in_use;

static struct kmem_cache *cache_for(size_t size)
{
    unsigned shift = KMALLOC_MIN_SHIFT;

    while ((1UL << shift) < size)
        shift++;
    struct kmem_cache *cache = &caches[shift - KMALLOC_MIN_SHIFT];
    if (!cache->object_size) {
        cache->object_size = 1UL << shift;
        /* at least 8 objects per slab */
        cache->slab_order = shift + 3 > PAGE_SHIFT ? shift + 3 - PAGE_SHIFT : 0;
        cache->objects_per_slab = (unsigned)((PAGE_SIZE << cache->slab_order) >> shift);
        list_init(&cache->partial);
    }
    return cache;
}

/* Allocates and carves a new slab. heap_lock held. */
static struct page *slab_create(struct kmem_cache *cache)
{
    uint64_t pa = pages_alloc(cache->slab_order, 0);

    if (!pa)
        return NULL;
    struct page *page = page_of_phys(pa);
    char *base = phys_to_virt(pa);
    void *free = NULL;
    for (unsigned i = cache->objects_per_slab; i-- > 0;) {
        void **object = (void **)(void *)(base + i * cache->object_size);
        *object = free;
        free = object;
    }
    page->slab_cache = cache;
    page->slab_free = free;
    page->slab_in_use = 0;
    list_push_front(&cache->partial, &page->link);
    return page;
}

void *kmalloc(size_t size)
{
    if (size == 0)
        size = 1;
    if (size > (1UL << KMALLOC_MAX_SHIFT)) {
        unsigned order = 0;
        while ((PAGE_SIZE << order) < size)
            order++;
        void *ptr = pages_alloc_virt(order, 0);
        if (ptr) {
            unsigned long irq = spin_lock_irqsave(&heap_lock);
            bytes_in_use += PAGE_SIZE << order;
            spin_unlock_irqrestore(&heap_lock, irq);
        }
        return ptr;
    }

    unsigned long irq = spin_lock_irqsave(&heap_lock);
    struct kmem_cache *cache = cache_for(size);
    struct page *slab;
    if (list_empty(&cache->partial)) {
        slab = slab_create(cache);
        if (!slab) {
            spin_unlock_irqrestore(&heap_lock, irq);
            return NULL;
        }
    } else {
        slab = list_entry(cache->partial.next, struct page, link);
    }
    void **object = slab->slab_free;
    slab->slab_free = *object;
    slab->slab_in_use++;
    if (!slab->slab_free)
        list_remove(&slab->link);
    bytes_in_use += cache->object_size;
    spin_unlock_irqrestore(&heap_lock, irq);
    return object;
}

void *kzalloc(size_t size)
{
    void *ptr = kmalloc(size);

    if (ptr)
        memset(ptr, 0, size);
    return ptr;
}

void kfree(void *ptr)
{
    if (!ptr)
        return;

    uint64_t pa = (uint64_t)((uintptr_t)ptr - KERNEL_DIRECT_MAP_BASE);
    struct page *page = page_of_phys(pa);
    if (!page || (page->state != PAGE_USED_HEAD && page->state != PAGE_USED_TAIL))
        panic("kfree: %p was not allocated by kmalloc", ptr);
    page = page_head(page);

    unsigned long irq = spin_lock_irqsave(&heap_lock);
    struct kmem_cache *cache = page->slab_cache;
    if (!cache) {
        if (pa & (PAGE_SIZE - 1)) {
            spin_unlock_irqrestore(&heap_lock, irq);
            panic("kfree: %p is inside a page block", ptr);
        }
        unsigned order = page->order;
        bytes_in_use -= PAGE_SIZE << order;
        spin_unlock_irqrestore(&heap_lock, irq);
        pages_free(pa, order);
        return;
    }

    uint64_t slab_pa = page_to_phys(page);
    if ((pa - slab_pa) % cache->object_size) {
        spin_unlock_irqrestore(&heap_lock, irq);
        panic("kfree: %p is not the start of an object", ptr);
    }
    void **object = ptr;
    if (!page->slab_free)
        list_push_front(&cache->partial, &page->link);
    *object = page->slab_free;
    page->slab_free = object;
    bytes_in_use -= cache->object_size;
    if (--page->slab_in_use == 0) {
        list_remove(&page->link);
        page->slab_cache = NULL;
        spin_unlock_irqrestore(&heap_lock, irq);
        pages_free(slab_pa, cache->slab_order);
        return;
    }
    spin_unlock_irqrestore(&heap_lock, irq);
}

size_t kmalloc_bytes_in_use(void)
{
    unsigned long irq = spin_lock_irqsave(&heap_lock);
    size_t n = bytes_in_use;
    spin_unlock_irqrestore(&heap_lock, irq);
    return n;
}
