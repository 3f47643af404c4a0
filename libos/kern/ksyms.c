/* The kernel's own symbol table: the function holding an address, for
 * panic reports and backtraces. The table is made from a first link of the
 * image (libos/kern/tools/gen_ksyms.py) and linked into the second one's
 * .rodata, after all the text, so its addresses are the final ones; an
 * image linked without it (the first link) finds no names. */
#include <stdint.h>
#include <kern/ksyms.h>

struct ksym {
    uint64_t addr;
    uint64_t name_offset;       /* into the string block after the entries */
};

/* The .ksyms section's bounds (the linker scripts). */
extern const uint64_t __ksyms_start[], __ksyms_end[];
/* The end of the kernel's text (the linker scripts). */
extern const char __text_end[];

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
    if (__ksyms_end - __ksyms_start < 1 || addr >= (uintptr_t)__text_end)
        return NULL;
    uint64_t count = __ksyms_start[0];
    const struct ksym *syms = (const struct ksym *)(__ksyms_start + 1);
    const char *names = (const char *)(syms + count);
    if (count == 0 || addr < syms[0].addr)
        return NULL;
    /* the last entry whose address is <= addr */
    uint64_t lo = 0, hi = count;
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (syms[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (offset)
        *offset = addr - syms[lo].addr;
    return names + syms[lo].name_offset;
}
