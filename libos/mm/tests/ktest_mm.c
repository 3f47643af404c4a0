/* Allocator tests: buddy and kmalloc stress with integrity patterns, and
 * free-page / heap accounting back to baseline afterwards. */
#include <stdint.h>
#include <string.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <mm/page.h>
#include <plat/mmu.h>
#include <ktest.h>

#define STRESS_BLOCKS 384

struct block {
    uint64_t pa;
    unsigned order;
};

static struct block blocks[STRESS_BLOCKS];

/* The pattern word at index i of the block at pa: depends on both, so a
 * block that overlaps another, or lands at the wrong address, shows. */
static uint64_t pattern(uint64_t pa, uint64_t i)
{
    return (pa * 0x9E3779B97F4A7C15ULL) ^ (i * 0xBF58476D1CE4E5B9ULL) ^ i;
}

static void fill(uint64_t pa, size_t bytes)
{
    uint64_t *p = phys_to_virt(pa);
    for (size_t i = 0; i < bytes / 8; i++)
        p[i] = pattern(pa, i);
}

static int check(uint64_t pa, size_t bytes)
{
    const uint64_t *p = phys_to_virt(pa);
    for (size_t i = 0; i < bytes / 8; i++)
        if (p[i] != pattern(pa, i))
            ktest_fail("block %p word %zu: expected %llx, got %llx", (void *)pa, i,
                       (unsigned long long)pattern(pa, i), (unsigned long long)p[i]);
    return 0;
}

KTEST(pages_stress, KTEST_DEFAULT)
{
    uint64_t baseline = mm_free_pages();
    unsigned long seed = 0x1234567;
    unsigned count = 0;

    for (int round = 0; round < 3; round++) {
        while (count < STRESS_BLOCKS) {
            unsigned order = (unsigned)(ktest_rand(&seed) % 4);
            uint64_t pa = pages_alloc(order, 0);
            KTEST_EXPECT(pa, "pages_alloc(order %u) failed with %llu pages free", order,
                         (unsigned long long)mm_free_pages());
            KTEST_EXPECT(IS_ALIGNED(pa, PAGE_SIZE << order),
                         "block %p of order %u is not aligned", (void *)pa, order);
            fill(pa, PAGE_SIZE << order);
            blocks[count++] = (struct block){ pa, order };
        }
        for (unsigned i = 0; i < count; i++)
            if (check(blocks[i].pa, PAGE_SIZE << blocks[i].order))
                return -1;
        /* free a random half, so the next round reuses split and merged blocks */
        for (unsigned i = 0; i < count;) {
            if (ktest_rand(&seed) & 1) {
                pages_free(blocks[i].pa, blocks[i].order);
                blocks[i] = blocks[--count];
            } else {
                i++;
            }
        }
    }
    while (count) {
        unsigned i = (unsigned)(ktest_rand(&seed) % count);
        if (check(blocks[i].pa, PAGE_SIZE << blocks[i].order))
            return -1;
        pages_free(blocks[i].pa, blocks[i].order);
        blocks[i] = blocks[--count];
    }
    KTEST_EXPECT(mm_free_pages() == baseline, "free pages: expected %llu, got %llu",
                 (unsigned long long)baseline, (unsigned long long)mm_free_pages());
    return 0;
}

/* Takes every free page, largest blocks first, chaining the blocks through
 * their first words; then gives them all back. */
KTEST(pages_exhaust, KTEST_DEFAULT)
{
    uint64_t baseline = mm_free_pages();
    uint64_t taken = 0, head = 0;

    for (int order = PAGE_ORDER_MAX; order >= 0; order--) {
        uint64_t pa;
        while ((pa = pages_alloc((unsigned)order, 0)) != 0) {
            uint64_t *link = phys_to_virt(pa);
            link[0] = head;
            link[1] = (uint64_t)order;
            head = pa;
            taken += 1ULL << order;
        }
    }
    KTEST_EXPECT(mm_free_pages() == 0, "free pages after exhaustion: %llu",
                 (unsigned long long)mm_free_pages());
    KTEST_EXPECT(pages_alloc(0, 0) == 0, "allocation succeeded with no memory left");
    /* above the largest slab class: slabs other subsystems left partly
     * used may still hold small objects */
    KTEST_EXPECT(kmalloc(PAGE_SIZE) == NULL, "kmalloc succeeded with no memory left");
    KTEST_EXPECT(taken == baseline, "took %llu pages, expected %llu",
                 (unsigned long long)taken, (unsigned long long)baseline);
    while (head) {
        uint64_t *link = phys_to_virt(head);
        uint64_t next = link[0];
        pages_free(head, (unsigned)link[1]);
        head = next;
    }
    KTEST_EXPECT(mm_free_pages() == baseline, "free pages: expected %llu, got %llu",
                 (unsigned long long)baseline, (unsigned long long)mm_free_pages());
    /* merging must have rebuilt large blocks */
    uint64_t big = pages_alloc(PAGE_ORDER_MAX, 0);
    KTEST_EXPECT(big, "no order-%d block after freeing everything", PAGE_ORDER_MAX);
    pages_free(big, PAGE_ORDER_MAX);
    return 0;
}

#define HEAP_SLOTS 512

struct heap_object {
    unsigned char *ptr;
    size_t size;
    unsigned char tag;
};

static struct heap_object objects[HEAP_SLOTS];

KTEST(kmalloc_stress, KTEST_DEFAULT)
{
    uint64_t pages_baseline = mm_free_pages();
    size_t heap_baseline = kmalloc_bytes_in_use();
    unsigned long seed = 42;

    memset(objects, 0, sizeof(objects));
    for (int op = 0; op < 20000; op++) {
        struct heap_object *o = &objects[ktest_rand(&seed) % HEAP_SLOTS];
        if (o->ptr) {
            for (size_t i = 0; i < o->size; i++)
                KTEST_EXPECT(o->ptr[i] == (unsigned char)(o->tag + i),
                             "object %p (size %zu) byte %zu: expected %u, got %u",
                             (void *)o->ptr, o->size, i, (unsigned char)(o->tag + i),
                             o->ptr[i]);
            kfree(o->ptr);
            o->ptr = NULL;
            continue;
        }
        /* mostly small objects, sometimes page-sized and larger ones */
        unsigned long r = ktest_rand(&seed);
        o->size = (r & 15) == 0 ? 1 + r % 20000 : 1 + r % 600;
        o->tag = (unsigned char)r;
        o->ptr = kmalloc(o->size);
        KTEST_EXPECT(o->ptr, "kmalloc(%zu) failed", o->size);
        KTEST_EXPECT(IS_ALIGNED((uintptr_t)o->ptr, 16), "kmalloc(%zu) = %p is not 16-aligned",
                     o->size, (void *)o->ptr);
        for (size_t i = 0; i < o->size; i++)
            o->ptr[i] = (unsigned char)(o->tag + i);
    }
    for (unsigned i = 0; i < HEAP_SLOTS; i++) {
        kfree(objects[i].ptr);
        objects[i].ptr = NULL;
    }
    KTEST_EXPECT(kmalloc_bytes_in_use() == heap_baseline, "heap in use: expected %zu, got %zu",
                 heap_baseline, kmalloc_bytes_in_use());
    KTEST_EXPECT(mm_free_pages() == pages_baseline, "free pages: expected %llu, got %llu",
                 (unsigned long long)pages_baseline, (unsigned long long)mm_free_pages());
    return 0;
}

KTEST(kmalloc_sizes, KTEST_DEFAULT)
{
    uint64_t pages_baseline = mm_free_pages();
    void *small[12];

    kfree(NULL);
    for (unsigned i = 0; i < ARRAY_SIZE(small); i++) {
        size_t size = 1UL << i;     /* 1 .. 2048 */
        small[i] = kmalloc(size);
        KTEST_EXPECT(small[i], "kmalloc(%zu) failed", size);
        KTEST_EXPECT(IS_ALIGNED((uintptr_t)small[i], size < 16 ? 16 : size),
                     "kmalloc(%zu) = %p is not aligned to its class", size, small[i]);
    }
    unsigned char *zeroed = kzalloc(3000);
    KTEST_EXPECT(zeroed && IS_ALIGNED((uintptr_t)zeroed, PAGE_SIZE),
                 "kzalloc(3000) = %p, expected a page-aligned block", (void *)zeroed);
    for (int i = 0; i < 3000; i++)
        KTEST_EXPECT(zeroed[i] == 0, "kzalloc byte %d is %u", i, zeroed[i]);
    void *large = kmalloc(1UL << 20);
    KTEST_EXPECT(large, "kmalloc(1 MiB) failed");
    memset(large, 0xa5, 1UL << 20);
    kfree(large);
    kfree(zeroed);
    for (unsigned i = 0; i < ARRAY_SIZE(small); i++)
        kfree(small[i]);
    KTEST_EXPECT(mm_free_pages() == pages_baseline, "free pages: expected %llu, got %llu",
                 (unsigned long long)pages_baseline, (unsigned long long)mm_free_pages());
    return 0;
}

/* Run as "kmalloc_debug=1 ktest=kmalloc_uaf": bytes written into a freed
 * object must panic when it leaves the quarantine, naming the object, its
 * size, the offset and the bytes. */
KTEST(kmalloc_uaf, KTEST_NAMED_ONLY)
{
    KTEST_EXPECT(kmalloc_debug_enabled(), "kmalloc_debug=1 is not on the command line");
    volatile uint8_t *p = kmalloc(96);
    KTEST_EXPECT(p, "no memory");
    kfree((void *)p);
    p[40] = 0x42;
    p[41] = 0x43;
    kmalloc_quarantine_drain();
    ktest_fail("a write into a freed object went unnoticed");
}

/* Run as "kmalloc_debug=1 ktest=kmalloc_double_free". */
KTEST(kmalloc_double_free, KTEST_NAMED_ONLY)
{
    KTEST_EXPECT(kmalloc_debug_enabled(), "kmalloc_debug=1 is not on the command line");
    void *p = kmalloc(50);
    KTEST_EXPECT(p, "no memory");
    kfree(p);
    kfree(p);
    ktest_fail("a double free went unnoticed");
}

/* Debug mode on and off at run time: a clean free/reuse cycle through the
 * quarantine leaves the heap accounting at its baseline. */
KTEST(kmalloc_debug_quarantine_cycles, KTEST_DEFAULT)
{
    bool was_on = kmalloc_debug_enabled();
    size_t heap = kmalloc_bytes_in_use();
    kmalloc_set_debug(true);
    for (int round = 0; round < 3000; round++) {
        char *p = kmalloc(1 + round % 3000);
        KTEST_EXPECT(p, "no memory at round %d", round);
        memset(p, round & 0xff, 1 + round % 3000);
        kfree(p);
    }
    KTEST_EXPECT(kmalloc_bytes_in_use() == heap, "heap %zu, baseline %zu",
                 kmalloc_bytes_in_use(), heap);
    KTEST_EXPECT(kmalloc_quarantine_bytes() > 0, "nothing quarantined");
    kmalloc_quarantine_drain();
    KTEST_EXPECT(kmalloc_quarantine_bytes() == 0, "quarantine not drained");
    kmalloc_set_debug(was_on);
    return 0;
}
