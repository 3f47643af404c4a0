/* The page-table walker of both ports (<plat/mmu.h>, the address-space part
 * of <plat/uspace.h>): the table-page pool, mapping, unmapping, scanning,
 * protection, and process spaces' lifetime, over the PTE primitives of the
 * port's mmu_arch.h (see pagetable.h). On arm64 this file also runs with
 * the MMU off (the boot tables): no pointers stored in data, tables reached
 * through mmu_table_ptr only.
 *
 * Policy: a table that an unmap empties is unlinked at once and freed once
 * no CPU can walk it any more: after mmu_arch_flush_remote (amd64's
 * shootdown; arm64's broadcast TLBI already did it). Entries of the
 * kernel's root are never unlinked (amd64 shares them with every process
 * root). Scans and unmaps skip missing tables whole, so their cost follows
 * the tables present, not the size of the range.
 *
 * Locking: mmu_lock (pagetable.h), interrupts off, around every change and
 * walk; the remote flush and the freeing of unlinked tables come after it
 * is released (amd64's shootdown waits for other CPUs). */
#include <limits.h>
#include <string.h>
#include <abi/errno.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <plat/cpu.h>
#include <plat/mmu.h>
#include <plat/smp.h>
#include <plat/uspace.h>
#include "pagetable.h"

struct arch_aspace kernel_space;
struct spinlock mmu_lock = SPINLOCK_INIT;
/* The space each CPU has loaded (NULL: the kernel's). Written by its CPU,
 * interrupts off, after the switch; arch_mmu_destroy waits on it. */
static struct arch_aspace *cpu_space[PLAT_MAX_CPUS];
/* Set once a process root holds copies of the kernel root's entries
 * (MMU_USER_ROOT_ENTRIES < MMU_ENTRIES, amd64): none may be added then. */
static bool is_kernel_root_shared;

/* ---- table pages ---- */

static uint64_t table_pool[MMU_POOL_PAGES][MMU_ENTRIES] __noclear __attribute__((aligned(PAGE_SIZE)));
static unsigned pool_used;
static uint64_t pool_free;              /* freed pool pages, linked by first word */
static bool use_page_allocator;

static void table_zero(uint64_t *table)
{
    memset(table, 0, MMU_ENTRIES * sizeof(*table));
}

static bool table_is_empty(const uint64_t *table)
{
    for (unsigned i = 0; i < MMU_ENTRIES; i++)
        if (table[i])
            return false;
    return true;
}

static bool is_pool_page(uint64_t pa)
{
    return pa - mmu_image_pa((uintptr_t)table_pool) < sizeof(table_pool);
}

uint64_t mmu_table_alloc(void)
{
    if (pool_free) {
        uint64_t pa = pool_free;
        uint64_t *table = mmu_table_ptr(pa);
        pool_free = table[0];
        table_zero(table);
        return pa;
    }
    if (use_page_allocator) {
        uint64_t pa = mm_table_page_alloc();
        if (pa)
            return pa;
    }
    if (pool_used < MMU_POOL_PAGES) {
        uint64_t pa = mmu_image_pa((uintptr_t)table_pool[pool_used++]);
        table_zero(mmu_table_ptr(pa));          /* the pool is __noclear */
        return pa;
    }
    return 0;
}

static void table_free(uint64_t pa)
{
    if (is_pool_page(pa)) {
        mmu_table_ptr(pa)[0] = pool_free;
        pool_free = pa;
    } else {
        mm_table_page_free(pa);
    }
}

void mmu_use_page_allocator(void)
{
    use_page_allocator = true;
}

/* Tables unlinked by a change wait in a list, chained through their first
 * entry (a page-aligned address: never a valid entry on either port),
 * until no CPU can walk them; then the caller frees them, unlocked. */
static void unlinked_add(uint64_t *list, uint64_t pa)
{
    mmu_table_ptr(pa)[0] = *list;
    *list = pa;
}

static void unlinked_free(uint64_t list)
{
    if (!list)
        return;
    unsigned long irq = spin_lock_irqsave(&mmu_lock);
    while (list) {
        uint64_t next = mmu_table_ptr(list)[0];
        mmu_table_ptr(list)[0] = 0;
        table_free(list);
        list = next;
    }
    spin_unlock_irqrestore(&mmu_lock, irq);
}

void mmu_free_tree(uint64_t table_pa, int level, unsigned entries)
{
    uint64_t *table = mmu_table_ptr(table_pa);

    for (unsigned i = 0; level > 0 && i < entries; i++)
        if (pte_is_table(table[i], level))
            mmu_free_tree(pte_addr(table[i]), level - 1, MMU_ENTRIES);
    table_free(table_pa);
}

/* ---- walking ---- */

/* The entry for va at the lowest level the walk reaches, and that level
 * in *level: a leaf, or an entry with no table below it (nothing of its
 * span is mapped). */
static uint64_t *walk(uint64_t root_pa, uintptr_t va, int *level)
{
    uint64_t *table = mmu_table_ptr(root_pa);

    for (int l = MMU_ROOT_LEVEL;; l--) {
        uint64_t *entry = &table[mmu_index(va, l)];
        if (l == 0 || !pte_is_table(*entry, l)) {
            *level = l;
            return entry;
        }
        table = mmu_table_ptr(pte_addr(*entry));
    }
}

/* The first address after va's entry at level, end when that passes end
 * (or wraps): how a scan skips an unmapped entry at once. */
static inline uintptr_t skip_entry(uintptr_t va, int level, uintptr_t end)
{
    uintptr_t next = ALIGN_DOWN(va, mmu_span(level)) + mmu_span(level);
    return next <= va || next > end ? end : next;
}

/* Scans [va, end) for a leaf, over at most `steps` entries. True with *at
 * on it and *entry, *level its entry; false with *at where it stopped. */
static bool scan(uint64_t root_pa, uintptr_t va, uintptr_t end, unsigned steps,
                 uintptr_t *at, uint64_t *entry, int *level)
{
    bool is_found = false;

    for (; va < end && steps; steps--) {
        uint64_t *e = walk(root_pa, va, level);
        if (pte_is_leaf(*e, *level)) {
            *entry = *e;
            is_found = true;
            break;
        }
        va = skip_entry(va, *level, end);
    }
    *at = MIN(va, end);
    return is_found;
}

static void leaf_result(uint64_t entry, int level, uintptr_t va, uint64_t *pa,
                        unsigned *flags)
{
    uint64_t span = mmu_span(level);

    if (pa)
        *pa = (pte_addr(entry) & ~(span - 1)) + (va & (span - 1));
    if (flags)
        *flags = pte_flags(entry);
}

/* ---- mapping and unmapping, recursively from a table ---- */

static int map_level(uint64_t table_pa, int level, uintptr_t va, uint64_t pa, uint64_t size,
                     uint64_t prot, int max_block_level)
{
    uint64_t *table = mmu_table_ptr(table_pa);
    uint64_t span = mmu_span(level);

    while (size) {
        uint64_t chunk = MIN(span - (va & (span - 1)), size);
        uint64_t *entry = &table[mmu_index(va, level)];
        uint64_t e = *entry;

        if (pte_is_leaf(e, level)) {
            /* Already there: fine only if it maps this the same way. */
            if (e != pte_leaf(pa - (va & (span - 1)), prot, level))
                return -EEXIST;
        } else if (level == 0 ||
                   (!pte_is_table(e, level) && level <= max_block_level && chunk == span &&
                    !(pa & (span - 1)))) {
            *entry = pte_leaf(pa, prot, level);
        } else {
            if (!pte_is_table(e, level)) {
                if (level == MMU_ROOT_LEVEL && table_pa == kernel_space.root &&
                    is_kernel_root_shared && mmu_index(va, level) >= MMU_USER_ROOT_ENTRIES)
                    panic("mmu: new kernel root entry for %p after process spaces exist",
                          (void *)va);
                uint64_t child = mmu_table_alloc();
                if (!child)
                    return -ENOMEM;
                e = pte_table(child, va);
                *entry = e;
            }
            int err = map_level(pte_addr(e), level - 1, va, pa, chunk, prot, max_block_level);
            if (err)
                return err;
        }
        va += chunk;
        pa += chunk;
        size -= chunk;
    }
    return 0;
}

int mmu_map_range(uint64_t root_pa, uintptr_t va, uint64_t pa, uint64_t size,
                  uint64_t prot, int max_block_level)
{
    return map_level(root_pa, MMU_ROOT_LEVEL, va, pa, size, prot, max_block_level);
}

/* Clears [va, va+size) below the table at level. Tables left empty go to
 * *unlinked, but those this table points to when keep_tables (the
 * kernel's root). -EINVAL when the range covers part of a block (which
 * stays). */
static int unmap_level(uint64_t table_pa, int level, uintptr_t va, uint64_t size,
                       bool keep_tables, uint64_t *unlinked)
{
    uint64_t *table = mmu_table_ptr(table_pa);
    uint64_t span = mmu_span(level);
    int err = 0;

    while (size) {
        uint64_t chunk = MIN(span - (va & (span - 1)), size);
        uint64_t *entry = &table[mmu_index(va, level)];

        if (pte_is_table(*entry, level)) {
            uint64_t child = pte_addr(*entry);
            int child_err = unmap_level(child, level - 1, va, chunk, false, unlinked);
            if (child_err)
                err = child_err;
            if (!keep_tables && table_is_empty(mmu_table_ptr(child))) {
                *entry = 0;
                mmu_arch_table_unlinked(va);
                unlinked_add(unlinked, child);
            }
        } else if (pte_is_leaf(*entry, level)) {
            if (chunk == span) {
                *entry = 0;
                mmu_arch_leaf_changed(va);
            } else {
                err = -EINVAL;
            }
        }
        va += chunk;
        size -= chunk;
    }
    return err;
}

int mmu_kernel_table_create(uintptr_t va, int level)
{
    uint64_t *table = mmu_table_ptr(kernel_space.root);

    for (int l = MMU_ROOT_LEVEL; l > level; l--) {
        uint64_t *entry = &table[mmu_index(va, l)];
        if (!pte_is_table(*entry, l)) {
            if (*entry)
                return -EEXIST;
            uint64_t pa = mmu_table_alloc();
            if (!pa)
                return -ENOMEM;
            *entry = pte_table(pa, va);
        }
        table = mmu_table_ptr(pte_addr(*entry));
    }
    return 0;
}

/* ---- <plat/mmu.h> ---- */

struct arch_aspace *arch_mmu_kernel_space(void)
{
    return &kernel_space;
}

/* Page-aligned, not wrapping, not empty, and inside the space: a process
 * space's part of the address space, or the kernel's. */
static bool range_ok(const struct arch_aspace *as, uintptr_t va, size_t size)
{
    if (!size || ((va | size) & (PAGE_SIZE - 1)) || va + size < va)
        return false;
    if (as == &kernel_space)
        return va >= MMU_KERNEL_START;
    return va + size <= MMU_USER_END;
}

int arch_mmu_map(struct arch_aspace *as, uintptr_t va, uint64_t pa, size_t size,
                 unsigned flags)
{
    if (!range_ok(as, va, size) || (pa & (PAGE_SIZE - 1)))
        return -EINVAL;
    uint64_t unlinked = 0;
    uintptr_t at;
    uint64_t entry;
    int level, err;

    unsigned long irq = spin_lock_irqsave(&mmu_lock);
    /* First check, so a failure leaves everything as it was. */
    if (scan(as->root, va, va + size, UINT_MAX, &at, &entry, &level)) {
        err = -EEXIST;
    } else {
        if ((flags & (MMU_USER | MMU_EXEC)) == (MMU_USER | MMU_EXEC))
            mmu_arch_sync_exec(pa, size);
        err = map_level(as->root, MMU_ROOT_LEVEL, va, pa, size, pte_prot(flags, va), 0);
        if (err) {
            /* Only -ENOMEM: the range was empty, undo what was mapped. */
            unmap_level(as->root, MMU_ROOT_LEVEL, va, size, as == &kernel_space, &unlinked);
            mmu_arch_flush_locked(va, size);
        }
        mmu_arch_publish();
    }
    spin_unlock_irqrestore(&mmu_lock, irq);
    if (err == -ENOMEM) {
        mmu_arch_flush_remote(as);
        unlinked_free(unlinked);
    }
    return err;
}

int arch_mmu_unmap(struct arch_aspace *as, uintptr_t va, size_t size)
{
    if (!range_ok(as, va, size))
        return -EINVAL;
    uint64_t unlinked = 0;
    unsigned long irq = spin_lock_irqsave(&mmu_lock);
    int err = unmap_level(as->root, MMU_ROOT_LEVEL, va, size, as == &kernel_space, &unlinked);
    mmu_arch_flush_locked(va, size);
    spin_unlock_irqrestore(&mmu_lock, irq);
    mmu_arch_flush_remote(as);
    unlinked_free(unlinked);
    return err;
}

int arch_mmu_query(struct arch_aspace *as, uintptr_t va, uint64_t *pa, unsigned *flags)
{
    int level;
    unsigned long irq = spin_lock_irqsave(&mmu_lock);
    uint64_t entry = *walk(as->root, va, &level);
    spin_unlock_irqrestore(&mmu_lock, irq);

    if (!pte_is_leaf(entry, level))
        return -ENOENT;
    leaf_result(entry, level, va, pa, flags);
    return 0;
}

int arch_mmu_next_mapped(struct arch_aspace *as, uintptr_t va, uintptr_t end, uintptr_t *at,
                         uint64_t *pa, unsigned *flags)
{
    uint64_t entry = 0;
    int level = 0;
    unsigned long irq = spin_lock_irqsave(&mmu_lock);
    bool is_found = scan(as->root, va, end, MMU_SCAN_STEPS, at, &entry, &level);
    spin_unlock_irqrestore(&mmu_lock, irq);

    if (is_found)
        leaf_result(entry, level, *at, pa, flags);
    return is_found;
}

void *mmu_map_phys(uint64_t pa, size_t size, unsigned flags)
{
    static uintptr_t ioremap_next = MMU_IOREMAP_BASE;
    uint64_t first = ALIGN_DOWN(pa, PAGE_SIZE);
    uint64_t len = ALIGN_UP(pa + size, PAGE_SIZE) - first;

    if (!size || pa + size < pa)
        return NULL;
    /* One unmapped page between windows catches overruns. */
    uintptr_t va = __atomic_fetch_add(&ioremap_next, len + PAGE_SIZE, __ATOMIC_RELAXED);
    if (va + len > MMU_IOREMAP_END || va + len < va)
        return NULL;
    if (arch_mmu_map(&kernel_space, va, first, len, flags) != 0)
        return NULL;
    return (void *)(va + (pa - first));
}

void *arch_ioremap(uint64_t pa, size_t size)
{
    return mmu_map_phys(pa, size, MMU_READ | MMU_WRITE | MMU_DEVICE);
}

uint64_t arch_virt_to_phys(const void *ptr)
{
    uintptr_t va = (uintptr_t)ptr;
    uint64_t pa;

    if (va - KERNEL_IMAGE_BASE < mmu_image_size())
        return mmu_image_pa(va);
    if (va - KERNEL_DIRECT_MAP_BASE < KERNEL_DIRECT_MAP_SIZE)
        return va - KERNEL_DIRECT_MAP_BASE;
    if (arch_mmu_query(&kernel_space, va, &pa, NULL) == 0)
        return pa;
    return ~0UL;
}

/* ---- process address spaces (<plat/uspace.h>) ---- */

struct arch_aspace *arch_mmu_create(void)
{
    struct arch_aspace *as = kzalloc(sizeof(*as));
    if (!as)
        return NULL;
    mmu_arch_space_new();
    unsigned long irq = spin_lock_irqsave(&mmu_lock);
    as->root = mmu_table_alloc();
    if (as->root && MMU_USER_ROOT_ENTRIES < MMU_ENTRIES) {
        /* The kernel's part of the root: the same tables in every space. */
        const uint64_t *kernel = mmu_table_ptr(kernel_space.root);
        uint64_t *root = mmu_table_ptr(as->root);
        for (unsigned i = MMU_USER_ROOT_ENTRIES; i < MMU_ENTRIES; i++)
            root[i] = kernel[i];
        is_kernel_root_shared = true;
    }
    spin_unlock_irqrestore(&mmu_lock, irq);
    if (!as->root) {
        kfree(as);
        return NULL;
    }
    return as;
}

void arch_mmu_destroy(struct arch_aspace *as)
{
    if (!as || as == &kernel_space)
        return;
    unsigned long irq = arch_irq_save();
    if (cpu_space[arch_cpu_id()] == as)
        arch_mmu_activate(&kernel_space);
    arch_irq_restore(irq);
    /* Another CPU may still be leaving the space (its last thread is
     * switching away): its root register must not point at freed tables. */
    for (unsigned cpu = 0; cpu < PLAT_MAX_CPUS; cpu++)
        while (__atomic_load_n(&cpu_space[cpu], __ATOMIC_ACQUIRE) == as)
            arch_cpu_relax();
    irq = spin_lock_irqsave(&mmu_lock);
    mmu_arch_space_free(as);
    mmu_free_tree(as->root, MMU_ROOT_LEVEL, MMU_USER_ROOT_ENTRIES);
    spin_unlock_irqrestore(&mmu_lock, irq);
    kfree(as);
}

void arch_mmu_activate(struct arch_aspace *as)
{
    if (!as)
        as = &kernel_space;
    unsigned long irq = arch_irq_save();
    unsigned cpu = arch_cpu_id();
    struct arch_aspace *old = cpu_space[cpu] ? cpu_space[cpu] : &kernel_space;

    mmu_arch_switch(old, as, cpu);
    __atomic_store_n(&cpu_space[cpu], as == &kernel_space ? NULL : as, __ATOMIC_RELEASE);
    arch_irq_restore(irq);
}

/* The last-level table for va in the space at root, made (with the
 * tables above it) when missing. NULL when memory is short or a block maps
 * va. mmu_lock held. */
static uint64_t *leaf_table_of(uint64_t root_pa, uintptr_t va)
{
    uint64_t *table = mmu_table_ptr(root_pa);

    for (int l = MMU_ROOT_LEVEL; l > 0; l--) {
        uint64_t *entry = &table[mmu_index(va, l)];
        if (!pte_is_table(*entry, l)) {
            if (pte_is_leaf(*entry, l))
                return NULL;
            uint64_t child = mmu_table_alloc();
            if (!child)
                return NULL;
            *entry = pte_table(child, va);
        }
        table = mmu_table_ptr(pte_addr(*entry));
    }
    return table;
}

int arch_mmu_fork_range(struct arch_aspace *src, struct arch_aspace *dst, uintptr_t va,
                        size_t size, unsigned flags, bool is_src_too, void (*take)(uint64_t pa))
{
    if (!range_ok(src, va, size) || !range_ok(dst, va, size) || src == &kernel_space ||
        dst == &kernel_space || src == dst)
        return -EINVAL;
    bool is_user_exec = (flags & (MMU_USER | MMU_EXEC)) == (MMU_USER | MMU_EXEC);
    uintptr_t end = va + size;
    int err = 0;

    /* One last-level table per hold of the lock: interrupts stay off for
     * at most MMU_ENTRIES entries. */
    while (va < end && !err) {
        uintptr_t span_end = MIN(end, ALIGN_DOWN(va, mmu_span(1)) + mmu_span(1));
        uint64_t prot = pte_prot(flags, va);
        bool is_src_changed = false;
        int level;
        unsigned long irq = spin_lock_irqsave(&mmu_lock);
        uint64_t *entry = walk(src->root, va, &level);
        if (level != 0) {               /* no last-level table: nothing mapped */
            span_end = skip_entry(va, level, end);
        } else {
            uint64_t *from = entry - mmu_index(va, 0), *to = NULL;
            for (uintptr_t p = va; p < span_end; p += PAGE_SIZE) {
                uint64_t e = from[mmu_index(p, 0)];
                if (!pte_is_leaf(e, 0))
                    continue;
                if (!to && !(to = leaf_table_of(dst->root, p))) {
                    err = -ENOMEM;
                    break;
                }
                if (pte_is_leaf(to[mmu_index(p, 0)], 0)) {
                    err = -EEXIST;
                    break;
                }
                uint64_t pa = pte_addr(e);
                uint64_t leaf = pte_leaf(pa, prot, 0);
                if (is_user_exec)
                    mmu_arch_sync_exec(pa, PAGE_SIZE);
                take(pa);
                to[mmu_index(p, 0)] = leaf;
                if (is_src_too && e != leaf) {
                    from[mmu_index(p, 0)] = leaf;
                    mmu_arch_leaf_changed(p);
                    is_src_changed = true;
                }
            }
            if (is_src_changed)
                mmu_arch_flush_locked(va, span_end - va);
            mmu_arch_publish();
        }
        spin_unlock_irqrestore(&mmu_lock, irq);
        if (is_src_changed)
            mmu_arch_flush_remote(src);
        va = span_end;
    }
    return err;
}

unsigned arch_mmu_unmap_take(struct arch_aspace *as, uintptr_t va, uintptr_t end,
                             uint64_t *pas, unsigned max, uintptr_t *next)
{
    *next = end;
    if (va >= end || max == 0 || !range_ok(as, va, end - va) || as == &kernel_space)
        return 0;
    uint64_t unlinked = 0;
    uintptr_t at;
    uint64_t entry;
    int level;
    unsigned n = 0;
    unsigned long irq = spin_lock_irqsave(&mmu_lock);
    bool is_found = scan(as->root, va, end, MMU_SCAN_STEPS, &at, &entry, &level);
    if (!is_found || level != 0) {      /* nothing, or a block (never in a process space) */
        spin_unlock_irqrestore(&mmu_lock, irq);
        *next = is_found ? skip_entry(at, level, end) : at;
        return 0;
    }
    /* The pages of at's last-level table, read in one pass, then cleared
     * (and the table unlinked if that empties it) by one unmap. */
    uintptr_t table_end = MIN(end, ALIGN_DOWN(at, mmu_span(1)) + mmu_span(1));
    uint64_t *table = walk(as->root, at, &level) - mmu_index(at, 0);
    uintptr_t p = at;
    for (; p < table_end && n < max; p += PAGE_SIZE) {
        uint64_t e = table[mmu_index(p, 0)];
        if (pte_is_leaf(e, 0))
            pas[n++] = pte_addr(e);
    }
    unmap_level(as->root, MMU_ROOT_LEVEL, at, p - at, false, &unlinked);
    mmu_arch_flush_locked(at, p - at);
    spin_unlock_irqrestore(&mmu_lock, irq);
    mmu_arch_flush_remote(as);
    unlinked_free(unlinked);
    *next = p;
    return n;
}

/* Rewrites the permission bits of every mapped 4 KiB page in the range;
 * blocks (which arch_mmu_map never makes) and missing tables are skipped
 * whole. */
int arch_mmu_protect(struct arch_aspace *as, uintptr_t va, size_t size, unsigned flags)
{
    if (!range_ok(as, va, size))
        return -EINVAL;
    uint64_t prot = pte_prot(flags, va);
    bool is_user_exec = (flags & (MMU_USER | MMU_EXEC)) == (MMU_USER | MMU_EXEC);
    unsigned long irq = spin_lock_irqsave(&mmu_lock);

    for (uintptr_t p = va, end = va + size; p < end;) {
        int level;
        uint64_t *entry = walk(as->root, p, &level);
        if (level != 0 || !pte_is_leaf(*entry, 0)) {
            p = skip_entry(p, level, end);
            continue;
        }
        uint64_t pa = pte_addr(*entry);
        if (is_user_exec)
            mmu_arch_sync_exec(pa, PAGE_SIZE);
        *entry = pte_leaf(pa, prot, 0);
        mmu_arch_leaf_changed(p);
        p += PAGE_SIZE;
    }
    mmu_arch_flush_locked(va, size);
    spin_unlock_irqrestore(&mmu_lock, irq);
    mmu_arch_flush_remote(as);
    return 0;
}
