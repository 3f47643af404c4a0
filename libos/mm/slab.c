/* kmalloc: power-of-two size classes from 16 to 2048 bytes, each served by
 * slabs (one block from the page allocator, carved into equal objects with
 * an in-object free list). A slab whose last object is freed goes straight
 * back to the page allocator, so an idle heap holds no empty slabs.
 * Larger requests are whole page blocks.
 *
 * Debug mode (kmalloc_set_debug, "kmalloc_debug=1" on the kernel command
 * line; docs/kmalloc-debug.md): kfree fills the object with POISON_FREE and
 * parks it in a FIFO quarantine instead of reusing it. When it leaves the
 * quarantine the poison must be intact, or something wrote to it after
 * kfree: panic. Freeing an object that is in the quarantine panics too. */
#include <stdbool.h>
#include <stdint.h>
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

#define POISON_FREE 0x6b
#define POISON_WORD 0x6b6b6b6b6b6b6b6bULL
#define QUARANTINE_SLOTS 1024
#define QUARANTINE_BYTES (2UL << 20)
/* Page blocks above this are poisoned and checked at once, not parked. */
#define QUARANTINE_MAX_OBJECT (64UL << 10)

struct quarantined {
    void *ptr;
    size_t size;                /* object size, or the page block's bytes */
    void *caller;               /* kfree's return address */
};

/* Debug mode: read without the lock (set once at boot, before other CPUs;
 * the host and ktests may flip it). The quarantine ring, its count and
 * bytes are under heap_lock. */
static bool debug_on;
static struct quarantined quarantine[QUARANTINE_SLOTS];
static unsigned q_head, q_count;
static size_t q_bytes;

static void quarantine_drain_locked(unsigned long irq);

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

/* Allocates and carves a new slab. */
static struct page *slab_create(struct kmem_cache *cache)
{
    spin_assert_held(&heap_lock);
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
    if (mm_fail_check && unlikely(mm_fail_check()))
        return NULL;
    if (size == 0)
        size = 1;
    if (size > (1UL << KMALLOC_MAX_SHIFT)) {
        unsigned order = 0;
        while ((PAGE_SIZE << order) < size)
            order++;
        void *ptr = pages_alloc_virt(order, 0);
        if (!ptr && unlikely(debug_on)) {
            kmalloc_quarantine_drain();
            ptr = pages_alloc_virt(order, 0);
        }
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
        if (!slab && unlikely(debug_on) && q_count) {
            quarantine_drain_locked(irq);
            slab = list_empty(&cache->partial) ? slab_create(cache)
                                                : list_entry(cache->partial.next, struct page, link);
        }
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

/* Returns an object (slab object or page block, already checked) to its
 * slab or the page allocator. */
static void object_release(void *ptr)
{
    spin_assert_held(&heap_lock);
    uint64_t pa = (uint64_t)((uintptr_t)ptr - KERNEL_DIRECT_MAP_BASE);
    struct page *page = page_head(page_of_phys(pa));
    struct kmem_cache *cache = page->slab_cache;

    if (!cache) {
        pages_free(pa, page->order);
        return;
    }
    void **object = ptr;
    if (!page->slab_free)
        list_push_front(&cache->partial, &page->link);
    *object = page->slab_free;
    page->slab_free = object;
    if (--page->slab_in_use == 0) {
        list_remove(&page->link);
        page->slab_cache = NULL;
        pages_free(page_to_phys(page), cache->slab_order);
    }
}

/* Offset of the first byte of [ptr, ptr + size) that is not POISON_FREE,
 * or size. */
static size_t poison_check(const void *ptr, size_t size)
{
    const uint64_t *w = ptr;
    size_t i = 0;

    while (i + 8 <= size && w[i / 8] == POISON_WORD)
        i += 8;
    const uint8_t *b = ptr;
    while (i < size && b[i] == POISON_FREE)
        i++;
    return i;
}

/* Panics, naming the first overwritten bytes of a quarantined object. */
static _Noreturn void report_use_after_free(const struct quarantined *q, size_t offset,
                                            unsigned long irq)
{
    struct quarantined copy = *q;
    const uint8_t *b = (const uint8_t *)copy.ptr + offset;
    char hex[3 * 16 + 1];
    size_t n = copy.size - offset < 16 ? copy.size - offset : 16;
    for (size_t i = 0; i < n; i++) {
        static const char digits[] = "0123456789abcdef";
        hex[3 * i] = digits[b[i] >> 4];
        hex[3 * i + 1] = digits[b[i] & 15];
        hex[3 * i + 2] = i + 1 < n ? ' ' : '\0';
    }
    hex[n ? 3 * n - 1 : 0] = '\0';
    spin_unlock_irqrestore(&heap_lock, irq);
    panic("kmalloc: use after free: object %p (size %zu) written at offset %zu after kfree "
          "(bytes %s; kfree from %p)", copy.ptr, copy.size, offset, hex, copy.caller);
}

/* Takes the oldest object out of the quarantine, checks its poison and
 * releases it (irq: the saved state, for the panic). */
static void quarantine_evict(unsigned long irq)
{
    spin_assert_held(&heap_lock);
    struct quarantined *q = &quarantine[q_head];
    size_t offset = poison_check(q->ptr, q->size);

    if (offset != q->size)
        report_use_after_free(q, offset, irq);
    q_head = (q_head + 1) % QUARANTINE_SLOTS;
    q_count--;
    q_bytes -= q->size;
    object_release(q->ptr);
}

/* Empties the quarantine, checking every object. */
static void quarantine_drain_locked(unsigned long irq)
{
    spin_assert_held(&heap_lock);
    while (q_count)
        quarantine_evict(irq);
}

/* Debug-mode kfree of a checked object of size bytes. */
static void quarantine_put(void *ptr, size_t size, void *caller, unsigned long irq)
{
    spin_assert_held(&heap_lock);
    if (*(const uint64_t *)ptr == POISON_WORD) {
        for (unsigned i = 0; i < q_count; i++) {
            const struct quarantined *q = &quarantine[(q_head + i) % QUARANTINE_SLOTS];
            if (q->ptr == ptr) {
                void *first = q->caller;
                spin_unlock_irqrestore(&heap_lock, irq);
                panic("kmalloc: double free of object %p (size %zu) from %p; first kfree from %p",
                      ptr, size, caller, first);
            }
        }
    }
    memset(ptr, POISON_FREE, size);
    if (size > QUARANTINE_MAX_OBJECT) {
        object_release(ptr);
        return;
    }
    while (q_count && (q_count == QUARANTINE_SLOTS || q_bytes + size > QUARANTINE_BYTES))
        quarantine_evict(irq);
    quarantine[(q_head + q_count) % QUARANTINE_SLOTS] = (struct quarantined){ ptr, size, caller };
    q_count++;
    q_bytes += size;
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
    size_t size;
    if (!cache) {
        if (pa & (PAGE_SIZE - 1)) {
            spin_unlock_irqrestore(&heap_lock, irq);
            panic("kfree: %p is inside a page block", ptr);
        }
        size = PAGE_SIZE << page->order;
    } else {
        if ((pa - page_to_phys(page)) % cache->object_size) {
            spin_unlock_irqrestore(&heap_lock, irq);
            panic("kfree: %p is not the start of an object", ptr);
        }
        size = cache->object_size;
    }
    if (unlikely(debug_on)) {
        quarantine_put(ptr, size, __builtin_return_address(0), irq);
    } else if (!cache) {
        /* a page block goes back without heap_lock held */
        bytes_in_use -= size;
        spin_unlock_irqrestore(&heap_lock, irq);
        pages_free(pa, page->order);
        return;
    } else {
        object_release(ptr);
    }
    bytes_in_use -= size;
    spin_unlock_irqrestore(&heap_lock, irq);
}

void *kmalloc_debug_freed_by(const void *ptr)
{
    if (!debug_on)
        return NULL;
    void *caller = NULL;
    unsigned long irq = spin_lock_irqsave(&heap_lock);
    for (unsigned i = 0; i < q_count && !caller; i++) {
        const struct quarantined *q = &quarantine[(q_head + i) % QUARANTINE_SLOTS];
        if ((const char *)ptr >= (const char *)q->ptr &&
            (const char *)ptr < (const char *)q->ptr + q->size)
            caller = q->caller;
    }
    spin_unlock_irqrestore(&heap_lock, irq);
    return caller;
}

void kmalloc_set_debug(bool on)
{
    unsigned long irq = spin_lock_irqsave(&heap_lock);
    if (!on)
        quarantine_drain_locked(irq);
    debug_on = on;
    spin_unlock_irqrestore(&heap_lock, irq);
}

bool kmalloc_debug_enabled(void)
{
    return debug_on;
}

void kmalloc_quarantine_drain(void)
{
    unsigned long irq = spin_lock_irqsave(&heap_lock);
    quarantine_drain_locked(irq);
    spin_unlock_irqrestore(&heap_lock, irq);
}

size_t kmalloc_quarantine_bytes(void)
{
    unsigned long irq = spin_lock_irqsave(&heap_lock);
    size_t n = q_bytes;
    spin_unlock_irqrestore(&heap_lock, irq);
    return n;
}

size_t kmalloc_bytes_in_use(void)
{
    unsigned long irq = spin_lock_irqsave(&heap_lock);
    size_t n = bytes_in_use;
    spin_unlock_irqrestore(&heap_lock, irq);
    return n;
}
