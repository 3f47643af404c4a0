/* Memory with many free pages and no large free block, as a fork bomb
 * leaves it: for the tests of what must keep working then (exec, thread
 * creation). */
#include <stdint.h>
#include <mm/page.h>
#include <ktest.h>

void *ktest_fragment_memory(unsigned group_pages)
{
    void *all = NULL, *kept = NULL;
    for (void *pg; (pg = pages_alloc_virt(0, 0)) != NULL;) {
        *(void **)pg = all;
        all = pg;
    }
    while (all) {
        void *pg = all;
        all = *(void **)pg;
        if ((uintptr_t)pg % (group_pages * PAGE_SIZE) == 0) {
            *(void **)pg = kept;
            kept = pg;
        } else {
            pages_free_virt(pg, 0);
        }
    }
    return kept;
}

void ktest_unfragment_memory(void *kept)
{
    while (kept) {
        void *next = *(void **)kept;
        pages_free_virt(kept, 0);
        kept = next;
    }
}
