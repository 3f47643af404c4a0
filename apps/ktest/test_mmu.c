/* Page-table tests through the platform's arch_mmu_* primitives, and the
 * fault test (an access to an unmapped kernel address must panic). */
#include <stdint.h>
#include <abi/errno.h>
#include <kern/util.h>
#include <mm/page.h>
#include <plat/mmu.h>
#include <ktest.h>

/* Far from the bottom of the VMAP range, where ioremap hands out addresses. */
#define TEST_VA (KERNEL_VMAP_BASE + KERNEL_VMAP_SIZE / 2)

static int check_unmapped(struct arch_aspace *as, uintptr_t va)
{
    uint64_t pa;
    unsigned flags;
    int rc = arch_mmu_query(as, va, &pa, &flags);

    KTEST_EXPECT(rc == -ENOENT, "query of unmapped %p: expected -ENOENT, got %d", (void *)va, rc);
    return 0;
}

KTEST(mmu_map_unmap, KTEST_DEFAULT)
{
    struct arch_aspace *as = arch_mmu_kernel_space();
    uint64_t baseline = mm_free_pages();
    const unsigned order = 2, pages = 1u << order;
    /* two ranges 1 GiB apart, so the second needs new intermediate tables */
    const uintptr_t vas[2] = { TEST_VA, TEST_VA + GiB + 3 * PAGE_SIZE };

    for (int r = 0; r < 2; r++) {
        uintptr_t va = vas[r];
        uint64_t pa = pages_alloc(order, PAGES_ZERO);
        KTEST_EXPECT(pa, "pages_alloc failed");
        for (unsigned i = 0; i < pages; i++)
            if (check_unmapped(as, va + i * PAGE_SIZE))
                return -1;

        int rc = arch_mmu_map(as, va, pa, pages * PAGE_SIZE, MMU_READ | MMU_WRITE);
        KTEST_EXPECT(rc == 0, "arch_mmu_map: %d", rc);
        for (unsigned i = 0; i < pages; i++) {
            uint64_t got_pa;
            unsigned flags;
            rc = arch_mmu_query(as, va + i * PAGE_SIZE, &got_pa, &flags);
            KTEST_EXPECT(rc == 0 && got_pa == pa + i * PAGE_SIZE,
                         "query page %u: rc %d, expected pa %p, got %p", i, rc,
                         (void *)(pa + i * PAGE_SIZE), (void *)got_pa);
            KTEST_EXPECT((flags & (MMU_READ | MMU_WRITE)) == (MMU_READ | MMU_WRITE) &&
                         !(flags & (MMU_EXEC | MMU_USER)),
                         "query page %u: flags %#x, expected read+write only", i, flags);
        }

        /* Writes through the new mapping land in the pages (seen through the
         * direct map), and the other way round. */
        volatile uint64_t *mapped = (volatile uint64_t *)va;
        uint64_t *direct = phys_to_virt(pa);
        for (unsigned i = 0; i < pages * PAGE_SIZE / 8; i += 61)
            mapped[i] = 0xabcd000000000000ULL + i;
        for (unsigned i = 0; i < pages * PAGE_SIZE / 8; i += 61)
            KTEST_EXPECT(direct[i] == 0xabcd000000000000ULL + i,
                         "word %u through the direct map: %llx", i,
                         (unsigned long long)direct[i]);
        direct[1] = 0x5555;
        KTEST_EXPECT(mapped[1] == 0x5555, "direct-map write not seen through the mapping");

        rc = arch_mmu_map(as, va + PAGE_SIZE, pa, PAGE_SIZE, MMU_READ);
        KTEST_EXPECT(rc == -EEXIST, "mapping over a mapped page: expected -EEXIST, got %d", rc);

        rc = arch_mmu_unmap(as, va, pages * PAGE_SIZE);
        KTEST_EXPECT(rc == 0, "arch_mmu_unmap: %d", rc);
        for (unsigned i = 0; i < pages; i++)
            if (check_unmapped(as, va + i * PAGE_SIZE))
                return -1;
        pages_free(pa, order);
    }

    /* The direct map answers queries too (it may use large pages). */
    uint64_t pa = pages_alloc(0, 0);
    uint64_t got_pa;
    unsigned flags;
    int rc = arch_mmu_query(as, (uintptr_t)phys_to_virt(pa) + 8, &got_pa, &flags);
    KTEST_EXPECT(rc == 0 && got_pa == pa + 8, "direct map query: rc %d, expected %p, got %p",
                 rc, (void *)(pa + 8), (void *)got_pa);
    KTEST_EXPECT(!(flags & MMU_EXEC), "the direct map is executable (flags %#x)", flags);
    pages_free(pa, 0);

    /* The kernel's own text is executable and not writable: W^X. */
    rc = arch_mmu_query(as, (uintptr_t)ktest_fn_mmu_map_unmap, &got_pa, &flags);
    KTEST_EXPECT(rc == 0 && (flags & MMU_EXEC) && !(flags & MMU_WRITE),
                 "kernel text: rc %d flags %#x, expected exec without write", rc, flags);

    KTEST_EXPECT(mm_free_pages() == baseline, "free pages: expected %llu, got %llu "
                 "(table pages leaked?)", (unsigned long long)baseline,
                 (unsigned long long)mm_free_pages());
    return 0;
}

KTEST(fault, KTEST_NAMED_ONLY)
{
    uintptr_t va = TEST_VA + 0x1230;

    if (check_unmapped(arch_mmu_kernel_space(), va & ~(PAGE_SIZE - 1)))
        return -1;
    printk("# reading unmapped kernel address %p: expect a panic\n", (void *)va);
    uint64_t value = *(volatile uint64_t *)va;
    ktest_fail("read of unmapped %p returned %llx instead of faulting", (void *)va,
               (unsigned long long)value);
}
