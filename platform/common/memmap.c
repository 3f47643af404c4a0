/* Memory-map arithmetic both ports use behind <plat/memmap.h>: firmware
 * ranges (e820 / fw_cfg on amd64, /memory banks on arm64) come unaligned,
 * unsorted and overlapping; the kernel wants whole pages, sorted, merged,
 * and reserved ranges clipped to usable RAM. */
#include <kern/util.h>
#include <plat/layout.h>
#include <plat/memmap.h>
#include "platform.h"

/* Insertion sort by base: a handful of entries. */
void mem_ranges_sort(struct mem_range *r, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        struct mem_range key = r[i];
        unsigned j = i;
        while (j > 0 && r[j - 1].base > key.base) {
            r[j] = r[j - 1];
            j--;
        }
        r[j] = key;
    }
}

unsigned mem_ranges_normalize(struct mem_range *r, unsigned n)
{
    unsigned kept = 0;

    for (unsigned i = 0; i < n; i++) {
        uint64_t start = ALIGN_UP(r[i].base, PAGE_SIZE);
        uint64_t end = ALIGN_DOWN(r[i].base + r[i].size, PAGE_SIZE);
        if (end > start)
            r[kept++] = (struct mem_range){ start, end - start };
    }
    mem_ranges_sort(r, kept);
    unsigned out = 0;
    for (unsigned i = 0; i < kept; i++) {
        if (out && r[i].base <= r[out - 1].base + r[out - 1].size) {
            uint64_t end = MAX(r[out - 1].base + r[out - 1].size, r[i].base + r[i].size);
            r[out - 1].size = end - r[out - 1].base;
        } else {
            r[out++] = r[i];
        }
    }
    return out;
}

unsigned mem_range_clip(struct mem_range *out, unsigned count, unsigned max,
                        const struct mem_range *usable, unsigned usable_count,
                        uint64_t base, uint64_t size)
{
    uint64_t start = ALIGN_DOWN(base, PAGE_SIZE);
    uint64_t end = ALIGN_UP(base + size, PAGE_SIZE);

    for (unsigned i = 0; i < usable_count && count < max; i++) {
        uint64_t lo = MAX(start, usable[i].base);
        uint64_t hi = MIN(end, usable[i].base + usable[i].size);
        if (hi > lo)
            out[count++] = (struct mem_range){ lo, hi - lo };
    }
    return count;
}
