/* Host unit tests of the buddy allocator and kmalloc over a heap arena with
 * holes and reserved ranges, under ASan and UBSan. */
#include <stdint.h>
#include <string.h>
#include <mm/kmalloc.h>
#include <mm/page.h>
#include <plat/memmap.h>
#include "stubs.h"

#define ARENA_PAGES 4096        /* 16 MiB */
static uint8_t *arena;

/* Two usable ranges with a hole between them, one of them unaligned to any
 * large order; one reserved range inside the first. */
unsigned plat_mem_usable(struct mem_range *out, unsigned max)
{
    CHECK(max >= 2, "max %u", max);
    uint64_t base = (uint64_t)(uintptr_t)arena;
    out[0] = (struct mem_range){ base + 3 * PAGE_SIZE, 1500 * PAGE_SIZE };
    out[1] = (struct mem_range){ base + 2048 * PAGE_SIZE, 2048 * PAGE_SIZE };
    return 2;
}

unsigned plat_mem_reserved(struct mem_range *out, unsigned max)
{
    CHECK(max >= 1, "max %u", max);
    out[0] = (struct mem_range){ (uint64_t)(uintptr_t)arena + 100 * PAGE_SIZE, 7 * PAGE_SIZE };
    return 1;
}

static int in_usable(uint64_t pa, uint64_t size)
{
    struct mem_range r[2];
    plat_mem_usable(r, 2);
    for (int i = 0; i < 2; i++)
        if (pa >= r[i].base && pa + size <= r[i].base + r[i].size)
            return 1;
    return 0;
}

static void test_exhaust_and_merge(void)
{
    struct mm_stats stats;
    mm_get_stats(&stats);
    uint64_t baseline = mm_free_pages();
    /* usable pages minus reserved minus descriptors */
    CHECK(baseline < 3548 && baseline > 3400, "free pages %llu", (unsigned long long)baseline);
    CHECK(stats.usable_bytes == 3548ULL * PAGE_SIZE, "usable bytes %llu",
          (unsigned long long)stats.usable_bytes);

    static uint64_t taken[4096];
    unsigned n = 0;
    uint64_t pa;
    while ((pa = pages_alloc(0, 0)) != 0) {
        CHECK(n < 4096, "more pages than exist");
        CHECK(in_usable(pa, PAGE_SIZE), "page %llx outside usable RAM", (unsigned long long)pa);
        uint64_t rbase = (uint64_t)(uintptr_t)arena + 100 * PAGE_SIZE;
        CHECK(pa + PAGE_SIZE <= rbase || pa >= rbase + 7 * PAGE_SIZE, "reserved page handed out");
        memset((void *)(uintptr_t)pa, (int)n, PAGE_SIZE);
        taken[n++] = pa;
    }
    CHECK(n == baseline, "took %u pages, %llu were free", n, (unsigned long long)baseline);
    CHECK(mm_free_pages() == 0, "free pages %llu", (unsigned long long)mm_free_pages());
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *p = (const uint8_t *)(uintptr_t)taken[i];
        CHECK(p[0] == (uint8_t)i && p[PAGE_SIZE - 1] == (uint8_t)i, "page %u overwritten", i);
    }
    for (unsigned i = 0; i < n; i++)
        pages_free(taken[n - 1 - i], 0);
    CHECK(mm_free_pages() == baseline, "free %llu, baseline %llu",
          (unsigned long long)mm_free_pages(), (unsigned long long)baseline);
    /* 2048 aligned pages in the second range merge back into order-10 blocks */
    uint64_t big = pages_alloc(PAGE_ORDER_MAX, PAGES_ZERO);
    CHECK(big && (big & ((PAGE_SIZE << PAGE_ORDER_MAX) - 1)) == 0, "order-10 block %llx",
          (unsigned long long)big);
    pages_free(big, PAGE_ORDER_MAX);
}

static void test_double_free_panics(void)
{
    jmp_buf jb;
    uint64_t pa = pages_alloc(1, 0);
    CHECK(pa, "alloc");
    pages_free(pa, 1);
    host_panic_catch = &jb;
    if (setjmp(jb) == 0) {
        pages_free(pa, 1);
        CHECK(0, "double free did not panic");
    }
    host_panic_catch = NULL;
    CHECK(strstr(host_panic_message, "bad free"), "message: %s", host_panic_message);
}

static void test_kmalloc(void)
{
    uint64_t baseline = mm_free_pages();
    static void *ptrs[2000];
    static size_t sizes[2000];
    unsigned long seed = 7;
    for (int i = 0; i < 2000; i++) {
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        sizes[i] = 1 + (seed >> 33) % ((i % 10) ? 700 : 9000);
        ptrs[i] = kmalloc(sizes[i]);
        CHECK(ptrs[i], "kmalloc(%zu)", sizes[i]);
        CHECK(((uintptr_t)ptrs[i] & 15) == 0, "alignment");
        memset(ptrs[i], i & 0xff, sizes[i]);
    }
    for (int i = 0; i < 2000; i += 2)
        kfree(ptrs[i]);
    for (int i = 1; i < 2000; i += 2) {
        const uint8_t *p = ptrs[i];
        for (size_t j = 0; j < sizes[i]; j++)
            CHECK(p[j] == (i & 0xff), "object %d byte %zu", i, j);
        kfree(ptrs[i]);
    }
    CHECK(kmalloc_bytes_in_use() == 0, "heap in use %zu", kmalloc_bytes_in_use());
    CHECK(mm_free_pages() == baseline, "free %llu baseline %llu",
          (unsigned long long)mm_free_pages(), (unsigned long long)baseline);

    jmp_buf jb;
    char *p = kmalloc(100);
    host_panic_catch = &jb;
    if (setjmp(jb) == 0) {
        kfree(p + 8);
        CHECK(0, "kfree of an interior pointer did not panic");
    }
    host_panic_catch = NULL;
    kfree(p);
}

/* Debug mode: poison, quarantine (objects are not reused at once), a write
 * after kfree found when the object leaves the quarantine, double free,
 * and memory back to the baseline after a drain. */
static void test_kmalloc_debug(void)
{
    uint64_t baseline = mm_free_pages();
    kmalloc_set_debug(true);

    uint8_t *a = kmalloc(100);
    CHECK(a, "kmalloc");
    kfree(a);
    for (int i = 0; i < 128; i++)
        CHECK(a[i] == 0x6b, "byte %d of a freed object is %#x, not poison", i, a[i]);
    uint8_t *b = kmalloc(100);
    CHECK(b && b != a, "a freed object was reused at once");
    kfree(b);
    CHECK(kmalloc_bytes_in_use() == 0, "heap in use %zu", kmalloc_bytes_in_use());
    CHECK(kmalloc_quarantine_bytes() == 256, "quarantined %zu", kmalloc_quarantine_bytes());

    /* many objects of every size and page blocks: the quarantine stays
     * bounded and evicts clean objects without complaint */
    for (int i = 0; i < 5000; i++) {
        size_t size = 1 + (size_t)(i * 37) % 9000;
        uint8_t *p = kmalloc(size);
        CHECK(p, "kmalloc(%zu)", size);
        memset(p, 0x11, size);
        kfree(p);
    }
    CHECK(kmalloc_quarantine_bytes() <= (2UL << 20), "quarantine %zu", kmalloc_quarantine_bytes());

    jmp_buf jb;
    uint8_t *c = kmalloc(200);
    kfree(c);
    c[77] = 0x42;
    host_panic_catch = &jb;
    if (setjmp(jb) == 0) {
        kmalloc_quarantine_drain();
        CHECK(0, "a write after kfree went unnoticed");
    }
    host_panic_catch = NULL;
    CHECK(strstr(host_panic_message, "kmalloc: use after free: object") &&
          strstr(host_panic_message, "(size 256) written at offset 77 after kfree (bytes 42 6b"),
          "message: %s", host_panic_message);
    /* the panic left heap_lock held in the real kernel; the host stub's
     * spinlocks do not care. Repair the object and drain. */
    c[77] = 0x6b;
    kmalloc_quarantine_drain();

    uint8_t *d = kmalloc(64);
    kfree(d);
    host_panic_catch = &jb;
    if (setjmp(jb) == 0) {
        kfree(d);
        CHECK(0, "a double free went unnoticed");
    }
    host_panic_catch = NULL;
    CHECK(strstr(host_panic_message, "kmalloc: double free of object") &&
          strstr(host_panic_message, "(size 64)"), "message: %s", host_panic_message);

    /* a page block written after kfree */
    uint8_t *e = kmalloc(3 * PAGE_SIZE);
    kfree(e);
    e[PAGE_SIZE + 5] = 0;
    host_panic_catch = &jb;
    if (setjmp(jb) == 0) {
        kmalloc_quarantine_drain();
        CHECK(0, "a write after kfree of a page block went unnoticed");
    }
    host_panic_catch = NULL;
    CHECK(strstr(host_panic_message, "written at offset 4101 after kfree (bytes 00 6b"),
          "message: %s", host_panic_message);
    e[PAGE_SIZE + 5] = 0x6b;

    kmalloc_set_debug(false);
    CHECK(kmalloc_quarantine_bytes() == 0, "quarantine %zu", kmalloc_quarantine_bytes());
    CHECK(kmalloc_bytes_in_use() == 0, "heap in use %zu", kmalloc_bytes_in_use());
    CHECK(mm_free_pages() == baseline, "free %llu baseline %llu",
          (unsigned long long)mm_free_pages(), (unsigned long long)baseline);
}

int main(void)
{
    arena = aligned_alloc(PAGE_SIZE << PAGE_ORDER_MAX, ARENA_PAGES * PAGE_SIZE);
    CHECK(arena, "arena");
    mm_init();
    test_exhaust_and_merge();
    test_double_free_panics();
    test_kmalloc();
    test_kmalloc_debug();
    free(arena);
    printf("test_mm: ok\n");
    return 0;
}
