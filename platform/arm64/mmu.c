/* arm64 page tables: the boot tables built with the MMU off (identity map
 * of the image in TTBR0, the image W^X and a window on the DTB in TTBR1),
 * the direct map of RAM, and the arch_mmu_* primitives over 4-level,
 * 4 KiB-granule tables. Parts of this file run before the MMU is on: they
 * use PC-relative addressing only (no pointers stored in data) and are
 * built with -mstrict-align. */
#include <stdbool.h>
#include <abi/errno.h>
#include <stdlib.h>
#include <kern/cmdline.h>
#include <kern/panic.h>
#include <kern/printk.h>
#include <kern/spinlock.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <plat/boot.h>
#include <plat/cpu.h>
#include <plat/mmu.h>
#include <plat/smp.h>
#include <plat/uspace.h>
#include "arm64.h"

#define PTE_VALID       (1UL << 0)
#define PTE_TABLE       (1UL << 1)      /* levels 0-2: table; level 3: page */
#define PTE_ATTR(i)     ((uint64_t)(i) << 2)
#define PTE_ATTR_MASK   (7UL << 2)
#define PTE_USER        (1UL << 6)      /* AP[1]: EL0 access */
#define PTE_RDONLY      (1UL << 7)      /* AP[2] */
#define PTE_SH_INNER    (3UL << 8)
#define PTE_AF          (1UL << 10)
#define PTE_NG          (1UL << 11)
#define PTE_PXN         (1UL << 53)
#define PTE_UXN         (1UL << 54)
#define PTE_ADDR_MASK   0x0000fffffffff000UL
/* Software bit of a level-3 entry with VALID clear (the MMU ignores the
 * other bits then): an MMU_NONE page, its address kept. */
#define PTE_SW_NONE     (1UL << 55)
#define PTE_MAPPED      (PTE_VALID | PTE_SW_NONE)

/* MAIR indices (head.S programs MAIR_EL1 to match). */
#define ATTR_DEVICE     0
#define ATTR_NORMAL     1

#define PTES_PER_TABLE  512
#define LEVEL_SHIFT(l)  (39 - 9 * (l))

#define TCR_T0SZ(n)     ((uint64_t)(n) << 0)
#define TCR_EPD0        (1UL << 7)
#define TCR_IRGN0_WBWA  (1UL << 8)
#define TCR_ORGN0_WBWA  (1UL << 10)
#define TCR_SH0_INNER   (3UL << 12)
#define TCR_TG0_4K      (0UL << 14)
#define TCR_T1SZ(n)     ((uint64_t)(n) << 16)
#define TCR_IRGN1_WBWA  (1UL << 24)
#define TCR_ORGN1_WBWA  (1UL << 26)
#define TCR_SH1_INNER   (3UL << 28)
#define TCR_TG1_4K      (2UL << 30)
#define TCR_IPS(n)      ((uint64_t)(n) << 32)
#define TCR_AS16        (1UL << 36)

/* Attributes of the kernel's own mappings. */
#define KERNEL_NORMAL   (PTE_AF | PTE_SH_INNER | PTE_ATTR(ATTR_NORMAL))
#define PROT_TEXT       (KERNEL_NORMAL | PTE_RDONLY | PTE_UXN)
#define PROT_RODATA     (KERNEL_NORMAL | PTE_RDONLY | PTE_UXN | PTE_PXN)
#define PROT_DATA       (KERNEL_NORMAL | PTE_UXN | PTE_PXN)
#define PROT_IDENTITY   (KERNEL_NORMAL)

/* MMIO mappings from arch_ioremap go to the top GiB of the VMAP range; the
 * rest of VMAP is left to libos/mm. */
#define IOREMAP_BASE    (KERNEL_VMAP_BASE + KERNEL_VMAP_SIZE - GiB)
#define IOREMAP_END     (KERNEL_VMAP_BASE + KERNEL_VMAP_SIZE)

/* Table pages for boot, before the page allocator runs: enough for the
 * identity map, the image, the direct map of a few discontiguous banks and
 * the early MMIO mappings. Pages freed later return to this pool. */
#define BOOT_TABLE_PAGES 32
static uint64_t boot_tables[BOOT_TABLE_PAGES][PTES_PER_TABLE]
    __attribute__((aligned(PAGE_SIZE)));
static unsigned boot_tables_used;
static uint64_t boot_tables_free;       /* pa of a freed pool page, chained */

struct arch_aspace {
    uint64_t root_pa;
    uint64_t context_id;        /* generation | ASID, 0 before its first
                                 * switch-in and for the kernel space */
};

static struct arch_aspace kernel_space;
/* Protects every kernel page table and the ioremap cursor. Taken with
 * interrupts off; innermost lock. */
static struct spinlock mmu_lock = SPINLOCK_INIT;
static uint64_t ioremap_next;
static bool is_mmu_on;
static bool use_page_allocator;

uint64_t arm64_image_pa;
uint64_t arm64_image_size;
uint64_t arm64_boot_ttbr0, arm64_boot_ttbr1, arm64_boot_tcr;

extern char _text[], _etext[], _erodata[], _end[];

/* Where a table page can be read and written: itself with the MMU off, its
 * image address for pool pages, its direct-map address otherwise. */
static uint64_t *table_ptr(uint64_t pa)
{
    if (!is_mmu_on)
        return (uint64_t *)(uintptr_t)pa;
    if (pa - arm64_image_pa < arm64_image_size)
        return (uint64_t *)(uintptr_t)(pa - arm64_image_pa + KERNEL_IMAGE_BASE);
    return phys_to_virt(pa);
}

/* Physical address of an object inside the image, valid before and after
 * the MMU is on (before, the PC-relative address is the physical one). */
static uint64_t image_pa_of(const void *p)
{
    uintptr_t addr = (uintptr_t)p;
    if (!is_mmu_on)
        return addr;
    return addr - KERNEL_IMAGE_BASE + arm64_image_pa;
}

static bool is_pool_page(uint64_t pa)
{
    uint64_t first = image_pa_of(boot_tables);
    return pa >= first && pa < first + sizeof(boot_tables);
}

static void zero_table(uint64_t *table)
{
    for (unsigned i = 0; i < PTES_PER_TABLE; i++)
        table[i] = 0;
}

/* A zeroed table page, or 0. */
static uint64_t table_alloc(void)
{
    uint64_t pa = 0;
    if (use_page_allocator)
        pa = mm_table_page_alloc();
    if (!pa && boot_tables_free) {
        pa = boot_tables_free;
        boot_tables_free = table_ptr(pa)[0];
        zero_table(table_ptr(pa));
    }
    if (!pa && boot_tables_used < BOOT_TABLE_PAGES)
        pa = image_pa_of(boot_tables[boot_tables_used++]);   /* zero (.bss) */
    return pa;
}

static void table_free(uint64_t pa)
{
    if (is_pool_page(pa)) {
        table_ptr(pa)[0] = boot_tables_free;
        boot_tables_free = pa;
    } else {
        mm_table_page_free(pa);
    }
}

static inline unsigned pte_index(uint64_t va, int level)
{
    return (va >> LEVEL_SHIFT(level)) & (PTES_PER_TABLE - 1);
}

static inline bool pte_is_table(uint64_t pte, int level)
{
    return level < 3 && (pte & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE);
}

/* Maps [va, va+size) to pa below the table at `level`. Blocks (1 GiB at
 * level 1, 2 MiB at level 2) are used where allowed and aligned; an
 * existing identical mapping is accepted, a different one is -EEXIST. */
static int map_level(uint64_t table_pa, int level, uint64_t va, uint64_t pa,
                     uint64_t size, uint64_t attrs, bool allow_blocks)
{
    uint64_t *table = table_ptr(table_pa);
    uint64_t block = 1UL << LEVEL_SHIFT(level);

    while (size) {
        uint64_t chunk = block - (va & (block - 1));
        if (chunk > size)
            chunk = size;
        unsigned idx = pte_index(va, level);
        uint64_t pte = table[idx];

        if (level == 3) {
            uint64_t want = (attrs & PTE_SW_NONE) ? pa | PTE_SW_NONE
                                                  : pa | attrs | PTE_VALID | PTE_TABLE;
            if (pte & PTE_MAPPED) {
                if (pte != want)
                    return -EEXIST;
            } else {
                table[idx] = want;
            }
        } else if ((pte & PTE_VALID) && !pte_is_table(pte, level)) {
            /* An existing block: fine only if it already maps this. */
            uint64_t block_pa = pte & PTE_ADDR_MASK & ~(block - 1);
            if (block_pa + (va & (block - 1)) != pa ||
                (pte & ~PTE_ADDR_MASK) != (attrs | PTE_VALID))
                return -EEXIST;
        } else if (!(pte & PTE_VALID) && allow_blocks && level >= 1 &&
                   chunk == block && !(pa & (block - 1))) {
            table[idx] = pa | attrs | PTE_VALID;
        } else {
            if (!(pte & PTE_VALID)) {
                uint64_t next = table_alloc();
                if (!next)
                    return -ENOMEM;
                pte = next | PTE_VALID | PTE_TABLE;
                table[idx] = pte;
            }
            int err = map_level(pte & PTE_ADDR_MASK, level + 1, va, pa, chunk,
                                attrs, allow_blocks);
            if (err)
                return err;
        }
        va += chunk;
        pa += chunk;
        size -= chunk;
    }
    return 0;
}

/* Looks up va: the leaf entry and the size it maps, or 0. */
static uint64_t walk(uint64_t root_pa, uint64_t va, uint64_t *leaf_size)
{
    uint64_t table_pa = root_pa;
    for (int level = 0; level <= 3; level++) {
        uint64_t pte = table_ptr(table_pa)[pte_index(va, level)];
        if (level == 3 && !(pte & PTE_VALID) && (pte & PTE_SW_NONE)) {
            *leaf_size = PAGE_SIZE;
            return pte;
        }
        if (!(pte & PTE_VALID))
            return 0;
        if (level == 3 || !pte_is_table(pte, level)) {
            if (level == 0 || (level == 3 && !(pte & PTE_TABLE)))
                return 0;           /* reserved encodings */
            *leaf_size = 1UL << LEVEL_SHIFT(level);
            return pte;
        }
        table_pa = pte & PTE_ADDR_MASK;
    }
    return 0;
}

/* The entry for va at the lowest level the walk reaches, and that level:
 * a leaf, or an invalid entry whose whole span (LEVEL_SHIFT) is unmapped. */
static uint64_t *walk_entry(uint64_t root_pa, uint64_t va, int *level_out)
{
    uint64_t table_pa = root_pa;
    uint64_t *entry = NULL;
    int level;
    for (level = 0; level <= 3; level++) {
        entry = &table_ptr(table_pa)[pte_index(va, level)];
        if (level == 3 || !pte_is_table(*entry, level))
            break;
        table_pa = *entry & PTE_ADDR_MASK;
    }
    *level_out = level;
    return entry;
}

/* The first address after va's entry at level, end when that passes end
 * (or wraps): how a scan skips an unmapped entry at once. */
static inline uintptr_t skip_entry(uintptr_t va, int level, uintptr_t end)
{
    uintptr_t span = 1UL << LEVEL_SHIFT(level);
    uintptr_t next = ALIGN_DOWN(va, span) + span;
    return next <= va || next > end ? end : next;
}

static bool table_is_empty(const uint64_t *table)
{
    for (unsigned i = 0; i < PTES_PER_TABLE; i++)
        if (table[i])
            return false;
    return true;
}

/* Clears [va, va+size) below the table at `level`, freeing tables that
 * become empty. Returns -EINVAL when the range splits a block. */
static int unmap_level(uint64_t table_pa, int level, uint64_t va, uint64_t size)
{
    uint64_t *table = table_ptr(table_pa);
    uint64_t block = 1UL << LEVEL_SHIFT(level);
    int err = 0;

    while (size) {
        uint64_t chunk = block - (va & (block - 1));
        if (chunk > size)
            chunk = size;
        unsigned idx = pte_index(va, level);
        uint64_t pte = table[idx];

        if (pte & PTE_MAPPED) {
            if (pte_is_table(pte, level)) {
                uint64_t next = pte & PTE_ADDR_MASK;
                int e = unmap_level(next, level + 1, va, chunk);
                if (e)
                    err = e;
                if (table_is_empty(table_ptr(next))) {
                    table[idx] = 0;
                    dsb(ishst);
                    /* Drop walk-cache entries that point at the table. */
                    __asm__ volatile("tlbi vmalle1is" : : : "memory");
                    dsb(ish);
                    table_free(next);
                }
            } else if (chunk == block) {
                table[idx] = 0;
            } else {
                err = -EINVAL;
            }
        }
        va += chunk;
        size -= chunk;
    }
    return err;
}

static uint64_t attrs_from_flags(unsigned flags)
{
    if (flags & MMU_NONE)
        return PTE_SW_NONE;
    uint64_t attrs = PTE_AF;

    if (flags & MMU_DEVICE)
        attrs |= PTE_ATTR(ATTR_DEVICE) | PTE_PXN | PTE_UXN;
    else
        attrs |= PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER;
    if (!(flags & MMU_WRITE))
        attrs |= PTE_RDONLY;
    if (flags & MMU_USER) {
        attrs |= PTE_USER | PTE_NG | PTE_PXN;
        if (!(flags & MMU_EXEC))
            attrs |= PTE_UXN;
    } else {
        attrs |= PTE_UXN;
        if (!(flags & MMU_EXEC))
            attrs |= PTE_PXN;
    }
    return attrs;
}

static unsigned flags_from_pte(uint64_t pte)
{
    if (!(pte & PTE_VALID))
        return MMU_NONE;
    unsigned flags = MMU_READ;

    if (!(pte & PTE_RDONLY))
        flags |= MMU_WRITE;
    if (pte & PTE_USER) {
        flags |= MMU_USER;
        if (!(pte & PTE_UXN))
            flags |= MMU_EXEC;
    } else if (!(pte & PTE_PXN)) {
        flags |= MMU_EXEC;
    }
    if ((pte & PTE_ATTR_MASK) == PTE_ATTR(ATTR_DEVICE))
        flags |= MMU_DEVICE;
    return flags;
}

/* ---- boot, MMU off ---- */

void arm64_early_mmu_setup(uint64_t image_pa, uint64_t dtb_pa)
{
    uint64_t text = (uintptr_t)_text, etext = (uintptr_t)_etext;
    uint64_t erodata = (uintptr_t)_erodata, end = (uintptr_t)_end;

    arm64_image_pa = image_pa;
    arm64_image_size = end - text;

    uint64_t root1 = table_alloc();
    uint64_t root0 = table_alloc();
    kernel_space.root_pa = root1;

    /* Identity map of the image, only to survive turning the MMU on. */
    uint64_t id_base = ALIGN_DOWN(image_pa, 2 * MiB);
    uint64_t id_end = ALIGN_UP(image_pa + arm64_image_size, 2 * MiB);
    map_level(root0, 0, id_base, id_base, id_end - id_base, PROT_IDENTITY, true);

    /* The image, page by page, W^X. */
    map_level(root1, 0, KERNEL_IMAGE_BASE, image_pa, etext - text, PROT_TEXT, false);
    map_level(root1, 0, KERNEL_IMAGE_BASE + (etext - text), image_pa + (etext - text),
              erodata - etext, PROT_RODATA, false);
    map_level(root1, 0, KERNEL_IMAGE_BASE + (erodata - text), image_pa + (erodata - text),
              end - erodata, PROT_DATA, false);

    /* The DTB at its direct-map address, so C code can parse it before
     * the whole direct map exists (same attributes as the direct map). */
    const volatile uint32_t *dtb = (const volatile uint32_t *)(uintptr_t)dtb_pa;
    if (dtb_pa && !(dtb_pa & 7) && dtb[0] == __builtin_bswap32(0xd00dfeed)) {
        uint64_t dtb_size = __builtin_bswap32(dtb[1]);
        uint64_t base = ALIGN_DOWN(dtb_pa, PAGE_SIZE);
        uint64_t top = ALIGN_UP(dtb_pa + dtb_size, PAGE_SIZE);
        map_level(root1, 0, KERNEL_DIRECT_MAP_BASE + base, base, top - base, PROT_DATA, false);
    }

    uint64_t mmfr0 = read_sysreg(id_aa64mmfr0_el1);
    uint64_t parange = mmfr0 & 0xf;
    if (parange > 5)
        parange = 5;            /* 48 bits: 52 needs LPA2 with 4 KiB pages */
    uint64_t tcr = TCR_T0SZ(16) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
                   TCR_TG0_4K | TCR_T1SZ(16) | TCR_IRGN1_WBWA | TCR_ORGN1_WBWA |
                   TCR_SH1_INNER | TCR_TG1_4K | TCR_IPS(parange);
    if (((mmfr0 >> 4) & 0xf) == 2)
        tcr |= TCR_AS16;
    arm64_boot_tcr = tcr;
    arm64_boot_ttbr0 = root0;
    arm64_boot_ttbr1 = root1;
}

/* ---- boot, MMU on ---- */

void arm64_mmu_boot_continue(void)
{
    is_mmu_on = true;
    ioremap_next = IOREMAP_BASE;
}

int arm64_direct_map(uint64_t pa, uint64_t size)
{
    unsigned long flags = spin_lock_irqsave(&mmu_lock);
    int err = map_level(kernel_space.root_pa, 0, KERNEL_DIRECT_MAP_BASE + pa, pa, size,
                        PROT_DATA, true);
    dsb(ishst);
    isb();
    spin_unlock_irqrestore(&mmu_lock, flags);
    return err;
}

/* Frees a table and every table below it (not the pages they map). */
static void free_table_tree(uint64_t table_pa, int level)
{
    uint64_t *table = table_ptr(table_pa);
    for (unsigned i = 0; level < 3 && i < PTES_PER_TABLE; i++)
        if (pte_is_table(table[i], level))
            free_table_tree(table[i] & PTE_ADDR_MASK, level + 1);
    table_free(table_pa);
}

void arm64_mmu_drop_identity(void)
{
    arm64_boot_tcr |= TCR_EPD0;
    write_sysreg(tcr_el1, arm64_boot_tcr);
    write_sysreg(ttbr0_el1, 0);
    isb();
    __asm__ volatile("tlbi vmalle1" : : : "memory");
    dsb(nsh);
    isb();
    /* The identity tables are boot-pool pages: back to the pool. */
    free_table_tree(arm64_boot_ttbr0, 0);
    arm64_boot_ttbr0 = 0;
}

void arm64_mmu_use_page_allocator(void)
{
    use_page_allocator = true;
}

/* ---- the plat/mmu.h primitives ---- */

struct arch_aspace *arch_mmu_kernel_space(void)
{
    return &kernel_space;
}

static bool range_ok(struct arch_aspace *as, uintptr_t va, size_t size)
{
    if (!size || (va | size) & (PAGE_SIZE - 1) || va + size < va)
        return false;
    if (as == &kernel_space)
        return va >= KERNEL_DIRECT_MAP_BASE;
    return va + size <= (1UL << 48);
}

static void tlb_flush_range(uintptr_t va, size_t size)
{
    dsb(ishst);
    if (size > 64 * PAGE_SIZE) {
        __asm__ volatile("tlbi vmalle1is" : : : "memory");
    } else {
        for (size_t off = 0; off < size; off += PAGE_SIZE)
            __asm__ volatile("tlbi vaae1is, %0" : : "r"(((va + off) >> 12) & 0xfffffffffffUL)
                             : "memory");
    }
    dsb(ish);
    isb();
}

int arch_mmu_map(struct arch_aspace *as, uintptr_t va, uint64_t pa, size_t size,
                 unsigned flags)
{
    if (!range_ok(as, va, size) || (pa & (PAGE_SIZE - 1)))
        return -EINVAL;

    unsigned long irq = spin_lock_irqsave(&mmu_lock);
    uint64_t leaf_size;
    for (size_t off = 0; off < size; off += PAGE_SIZE) {
        if (walk(as->root_pa, va + off, &leaf_size)) {
            spin_unlock_irqrestore(&mmu_lock, irq);
            return -EEXIST;
        }
    }
    /* Code for user pages was written through the direct map: make the
     * instruction fetches of EL0 see it. */
    if ((flags & (MMU_USER | MMU_EXEC)) == (MMU_USER | MMU_EXEC))
        arm64_sync_icache((uintptr_t)phys_to_virt(pa), size);
    int err = map_level(as->root_pa, 0, va, pa, size, attrs_from_flags(flags), false);
    if (err) {
        /* Only -ENOMEM can happen here: undo the part that was mapped. */
        unmap_level(as->root_pa, 0, va, size);
        tlb_flush_range(va, size);
    }
    dsb(ishst);
    isb();
    spin_unlock_irqrestore(&mmu_lock, irq);
    return err;
}

int arch_mmu_unmap(struct arch_aspace *as, uintptr_t va, size_t size)
{
    if (!range_ok(as, va, size))
        return -EINVAL;
    unsigned long irq = spin_lock_irqsave(&mmu_lock);
    int err = unmap_level(as->root_pa, 0, va, size);
    tlb_flush_range(va, size);
    spin_unlock_irqrestore(&mmu_lock, irq);
    return err;
}

int arch_mmu_query(struct arch_aspace *as, uintptr_t va, uint64_t *pa, unsigned *flags)
{
    uint64_t leaf_size = 0;
    unsigned long irq = spin_lock_irqsave(&mmu_lock);
    uint64_t pte = walk(as->root_pa, va, &leaf_size);
    spin_unlock_irqrestore(&mmu_lock, irq);
    if (!pte)
        return -ENOENT;
    if (pa)
        *pa = (pte & PTE_ADDR_MASK & ~(leaf_size - 1)) | (va & (leaf_size - 1));
    if (flags)
        *flags = flags_from_pte(pte);
    return 0;
}

int arch_mmu_next_mapped(struct arch_aspace *as, uintptr_t va, uintptr_t end, uintptr_t *at,
                         uint64_t *pa, unsigned *flags)
{
    int found = 0;
    unsigned long irq = spin_lock_irqsave(&mmu_lock);
    for (unsigned steps = 0; va < end && steps < MMU_SCAN_STEPS; steps++) {
        uint64_t leaf_size;
        uint64_t pte = walk(as->root_pa, va, &leaf_size);
        if (pte) {
            if (pa)
                *pa = (pte & PTE_ADDR_MASK & ~(leaf_size - 1)) | (va & (leaf_size - 1));
            if (flags)
                *flags = flags_from_pte(pte);
            found = 1;
            break;
        }
        int level;
        walk_entry(as->root_pa, va, &level);
        va = skip_entry(va, level, end);
    }
    spin_unlock_irqrestore(&mmu_lock, irq);
    *at = MIN(va, end);
    return found;
}

void arch_tlb_flush_all_local(void)
{
    dsb(ishst);
    __asm__ volatile("tlbi vmalle1" : : : "memory");
    dsb(nsh);
    isb();
}

/* ---- cache maintenance ---- */

void arm64_sync_icache(uintptr_t va, size_t size)
{
    uint64_t ctr = read_sysreg(ctr_el0);
    uintptr_t line = 4UL << ((ctr >> 16) & 0xf);       /* DminLine */
    for (uintptr_t p = va & ~(line - 1); p < va + size; p += line)
        __asm__ volatile("dc cvau, %0" : : "r"(p) : "memory");
    dsb(ish);
    __asm__ volatile("ic ialluis" : : : "memory");
    dsb(ish);
    isb();
}

/* ---- process address spaces (plat/uspace.h) ----
 * TTBR0 holds the current process's tables tagged with its ASID, so a
 * switch needs no TLB flush; user pages are non-global. With no process
 * space active, TTBR0 walks are off (TCR.EPD0).
 *
 * ASIDs come in generations (as Linux's arch/arm64/mm/context.c): a
 * space's context_id is generation | ASID, the generation counting in the
 * bits above the ASID. A space whose generation is the current one owns
 * its ASID; any other gets a new one at its next switch-in. When the
 * ASID space is used up the generation advances: the bitmap is cleared
 * but for the ASID each CPU is running (kept as that CPU's reserved
 * ASID, so the space using it keeps it), and every CPU's TLB is flushed
 * (tlbi vmalle1is) before any ASID is handed out again. ASIDs are not
 * freed when a space dies; they come back at the next rollover.
 *
 * Switching in a space of the current generation is lock-free: the
 * CPU's active_asids slot is moved from one current-generation value to
 * another with a compare-and-swap. A rollover clears every slot with an
 * exchange (reserving what it finds), so a CPU racing with it either
 * wins (its new ASID is reserved) or sees 0 and takes the slow path
 * under asid_lock, after the rollover. */

#define ASID_MAX_BITS   16
static struct spinlock asid_lock = SPINLOCK_INIT;  /* asid_map, asid_next,
                                                    * reserved_asids, the
                                                    * generation's increments,
                                                    * asid_bits (set once);
                                                    * irqsave, leaf lock */
static unsigned asid_bits;                          /* 0 until first create */
static uint64_t asid_generation;                    /* atomic reads */
static uint64_t asid_map[(1U << ASID_MAX_BITS) / 64]; /* ASID 0 reserved */
static unsigned asid_next = 1;                      /* where the search resumes */
static uint64_t active_asids[PLAT_MAX_CPUS];        /* atomic; 0: none/kernel */
static uint64_t reserved_asids[PLAT_MAX_CPUS];      /* kept over a rollover */
static struct arch_aspace *cpu_space[PLAT_MAX_CPUS];

#define ASID_COUNT()            (1U << asid_bits)
#define ASID_OF(ctx)            ((ctx) & (ASID_COUNT() - 1))
#define IS_CURRENT_GEN(ctx, gen) ((((ctx) ^ (gen)) >> asid_bits) == 0)

static bool asid_test_and_set(unsigned asid)
{
    uint64_t bit = 1UL << (asid % 64);
    bool was_set = asid_map[asid / 64] & bit;
    asid_map[asid / 64] |= bit;
    return was_set;
}

/* The hardware's ASID width (16 bits when ID_AA64MMFR0_EL1.ASIDBits says
 * so, the TCR was set up to match), narrowed by "asid_bits=N" on the
 * command line (tests force a tiny space to exercise rollovers). Each
 * online CPU may keep one ASID reserved over a rollover, so more than
 * twice as many ASIDs as CPUs are kept (rollovers stay rare). Under
 * asid_lock. */
static void asid_setup_locked(void)
{
    unsigned bits = (arm64_boot_tcr & TCR_AS16) ? 16 : 8;
    unsigned hw_bits = bits;
    char value[8];

    if (cmdline_get(plat_cmdline(), "asid_bits", value, sizeof(value))) {
        unsigned long want = strtoul(value, NULL, 10);
        if (want && want < bits)
            bits = (unsigned)want;
    }
    while (bits < hw_bits && (1U << bits) - 1 <= 2 * plat_cpus_online())
        bits++;
    asid_bits = bits;
    __atomic_store_n(&asid_generation, 1UL << bits, __ATOMIC_RELEASE);
}

/* Starts a generation: keeps each CPU's running ASID, flushes all TLBs.
 * Under asid_lock. */
static void asid_rollover_locked(void)
{
    for (unsigned i = 0; i < (ASID_COUNT() + 63) / 64; i++)
        asid_map[i] = 0;
    for (unsigned cpu = 0; cpu < PLAT_MAX_CPUS; cpu++) {
        uint64_t ctx = __atomic_exchange_n(&active_asids[cpu], 0, __ATOMIC_ACQ_REL);
        /* 0: the CPU went through a rollover already and has not switched
         * since; its TTBR0 may still hold the ASID it reserved then. */
        if (!ctx)
            ctx = reserved_asids[cpu];
        if (ctx)
            asid_test_and_set(ASID_OF(ctx));
        reserved_asids[cpu] = ctx;
    }
    dsb(ishst);
    __asm__ volatile("tlbi vmalle1is" : : : "memory");
    dsb(ish);
    isb();
}

/* Replaces ctx by new_ctx in the reserved slots; true if it was one. */
static bool asid_update_reserved_locked(uint64_t ctx, uint64_t new_ctx)
{
    bool is_reserved = false;
    for (unsigned cpu = 0; cpu < PLAT_MAX_CPUS; cpu++) {
        if (reserved_asids[cpu] == ctx) {
            reserved_asids[cpu] = new_ctx;
            is_reserved = true;
        }
    }
    return is_reserved;
}

/* A current-generation context for a space whose context is ctx (0 when
 * it never had one). Under asid_lock. */
static uint64_t asid_new_context_locked(uint64_t ctx)
{
    uint64_t gen = __atomic_load_n(&asid_generation, __ATOMIC_RELAXED);

    if (ctx) {
        uint64_t new_ctx = gen | ASID_OF(ctx);
        /* Running somewhere during the rollover: it kept its ASID. */
        if (asid_update_reserved_locked(ctx, new_ctx))
            return new_ctx;
        /* Its old ASID may be free in this generation: no flush needed,
         * the rollover's flush removed every other user's entries. */
        if (!asid_test_and_set(ASID_OF(ctx)))
            return new_ctx;
    }
    unsigned asid = 0;
    for (unsigned i = asid_next; i < ASID_COUNT(); i++) {
        if (!asid_test_and_set(i)) {
            asid = i;
            break;
        }
    }
    if (!asid) {
        gen = __atomic_add_fetch(&asid_generation, 1UL << asid_bits, __ATOMIC_ACQ_REL);
        asid_rollover_locked();
        for (unsigned i = 1; i < ASID_COUNT(); i++) {
            if (!asid_test_and_set(i)) {
                asid = i;
                break;
            }
        }
        if (!asid)
            panic("arm64: no ASID free after a rollover (%u bits)", asid_bits);
    }
    asid_next = asid + 1;
    return gen | asid;
}

struct arch_aspace *arch_mmu_create(void)
{
    struct arch_aspace *as = kzalloc(sizeof(*as));
    if (!as)
        return NULL;
    unsigned long irq = spin_lock_irqsave(&asid_lock);
    bool is_first = !asid_bits;
    if (is_first)
        asid_setup_locked();
    spin_unlock_irqrestore(&asid_lock, irq);
    if (is_first)
        printk("mmu: %u-bit ASIDs\n", asid_bits);
    irq = spin_lock_irqsave(&mmu_lock);
    as->root_pa = table_alloc();
    spin_unlock_irqrestore(&mmu_lock, irq);
    if (!as->root_pa) {
        kfree(as);
        return NULL;
    }
    return as;          /* its ASID comes at its first switch-in */
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
     * switching away): its TTBR0 must not point at freed tables. */
    for (unsigned cpu = 0; cpu < PLAT_MAX_CPUS; cpu++)
        while (__atomic_load_n(&cpu_space[cpu], __ATOMIC_ACQUIRE) == as)
            arch_cpu_relax();
    irq = spin_lock_irqsave(&mmu_lock);
    free_table_tree(as->root_pa, 0);
    /* No walk may keep cached entries of the freed tables; the ASID
     * itself stays taken until the next rollover. */
    uint64_t ctx = __atomic_load_n(&as->context_id, __ATOMIC_RELAXED);
    if (ctx) {
        dsb(ishst);
        __asm__ volatile("tlbi aside1is, %0" : : "r"(ASID_OF(ctx) << 48) : "memory");
        dsb(ish);
        isb();
    }
    spin_unlock_irqrestore(&mmu_lock, irq);
    kfree(as);
}

/* The ASID as runs with on this CPU, after a new one if its generation is
 * past. Interrupts off. */
static uint64_t asid_switch_in(struct arch_aspace *as, unsigned cpu)
{
    uint64_t ctx = __atomic_load_n(&as->context_id, __ATOMIC_RELAXED);
    uint64_t gen = __atomic_load_n(&asid_generation, __ATOMIC_RELAXED);
    uint64_t old_active = __atomic_load_n(&active_asids[cpu], __ATOMIC_RELAXED);

    /* Fast path: the space's generation is current and no rollover has
     * cleared this CPU's slot since we looked. */
    if (old_active && IS_CURRENT_GEN(ctx, gen) &&
        __atomic_compare_exchange_n(&active_asids[cpu], &old_active, ctx, false,
                                    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
        return ctx;

    spin_lock(&asid_lock);
    ctx = __atomic_load_n(&as->context_id, __ATOMIC_RELAXED);
    gen = __atomic_load_n(&asid_generation, __ATOMIC_RELAXED);
    if (!IS_CURRENT_GEN(ctx, gen)) {
        ctx = asid_new_context_locked(ctx);
        __atomic_store_n(&as->context_id, ctx, __ATOMIC_RELAXED);
    }
    __atomic_store_n(&active_asids[cpu], ctx, __ATOMIC_RELEASE);
    spin_unlock(&asid_lock);
    return ctx;
}

void arch_mmu_activate(struct arch_aspace *as)
{
    if (!as)
        as = &kernel_space;
    unsigned long irq = arch_irq_save();
    unsigned cpu = arch_cpu_id();
    struct arch_aspace *old = cpu_space[cpu] ? cpu_space[cpu] : &kernel_space;

    if (as == &kernel_space) {
        if (old != as) {
            write_sysreg(tcr_el1, read_sysreg(tcr_el1) | TCR_EPD0);
            isb();
            write_sysreg(ttbr0_el1, 0);
            isb();
            __atomic_store_n(&cpu_space[cpu], NULL, __ATOMIC_RELEASE);
        }
    } else {
        /* Even when as is already this CPU's space: a rollover on another
         * CPU may have taken its ASID away while it ran. */
        uint64_t ctx = asid_switch_in(as, cpu);
        uint64_t ttbr0 = as->root_pa | (ASID_OF(ctx) << 48);
        if (old != as || read_sysreg(ttbr0_el1) != ttbr0) {
            write_sysreg(ttbr0_el1, ttbr0);
            isb();
            /* TTBR0 walks are on already between process spaces (and
             * QEMU flushes its whole TLB on a TCR write, which would hide
             * an ASID reused too early from the tests). */
            if (old == &kernel_space) {
                write_sysreg(tcr_el1, read_sysreg(tcr_el1) & ~TCR_EPD0);
                isb();
            }
            __atomic_store_n(&cpu_space[cpu], as, __ATOMIC_RELEASE);
        }
    }
    arch_irq_restore(irq);
}

/* Rewrites the permission bits of every mapped 4 KiB page in the range. */
int arch_mmu_protect(struct arch_aspace *as, uintptr_t va, size_t size, unsigned flags)
{
    if (!range_ok(as, va, size))
        return -EINVAL;
    uint64_t attrs = attrs_from_flags(flags);
    unsigned long irq = spin_lock_irqsave(&mmu_lock);
    for (uintptr_t p = va, end = va + size; p < end;) {
        int level;
        uint64_t *entry = walk_entry(as->root_pa, p, &level);
        uint64_t pte = *entry;
        if (level != 3 || !(pte & PTE_MAPPED)) {
            /* Nothing mapped below this entry (or a block, which
             * arch_mmu_map never makes): skip all of it. */
            p = skip_entry(p, level, end);
            continue;
        }
        uint64_t pa = pte & PTE_ADDR_MASK;
        if ((flags & (MMU_USER | MMU_EXEC)) == (MMU_USER | MMU_EXEC))
            arm64_sync_icache((uintptr_t)phys_to_virt(pa), PAGE_SIZE);
        *entry = (attrs & PTE_SW_NONE) ? pa | PTE_SW_NONE : pa | attrs | PTE_VALID | PTE_TABLE;
        p += PAGE_SIZE;
    }
    tlb_flush_range(va, size);
    spin_unlock_irqrestore(&mmu_lock, irq);
    return 0;
}

void *arch_ioremap(uint64_t pa, size_t size)
{
    uint64_t offset = pa & (PAGE_SIZE - 1);
    uint64_t base = pa - offset;
    size_t length = ALIGN_UP(size + offset, PAGE_SIZE);

    if (!size)
        return NULL;
    unsigned long irq = spin_lock_irqsave(&mmu_lock);
    uintptr_t va = ioremap_next;
    /* One unmapped guard page after each mapping. */
    if (va + length + PAGE_SIZE > IOREMAP_END || va + length < va) {
        spin_unlock_irqrestore(&mmu_lock, irq);
        return NULL;
    }
    ioremap_next = va + length + PAGE_SIZE;
    spin_unlock_irqrestore(&mmu_lock, irq);

    if (arch_mmu_map(&kernel_space, va, base, length, MMU_READ | MMU_WRITE | MMU_DEVICE))
        return NULL;
    return (void *)(va + offset);
}

uint64_t arch_virt_to_phys(const void *ptr)
{
    uintptr_t va = (uintptr_t)ptr;
    uint64_t pa;

    if (va - KERNEL_IMAGE_BASE < arm64_image_size)
        return va - KERNEL_IMAGE_BASE + arm64_image_pa;
    if (va - KERNEL_DIRECT_MAP_BASE < KERNEL_DIRECT_MAP_SIZE)
        return va - KERNEL_DIRECT_MAP_BASE;
    if (arch_mmu_query(&kernel_space, va, &pa, NULL) == 0)
        return pa;
    return (uint64_t)-1;
}

/* ---- secondary CPUs ---- */

/* A TTBR0 table tree with the image at its identity address, for
 * secondary CPUs turning their MMU on (head.S secondary_entry); 0 when
 * memory is short. The CPUs drop it before arm64_mmu_identity_free. */
uint64_t arm64_mmu_identity_create(void)
{
    unsigned long flags = spin_lock_irqsave(&mmu_lock);
    uint64_t root = table_alloc();
    if (root) {
        uint64_t base = ALIGN_DOWN(arm64_image_pa, 2 * MiB);
        uint64_t end = ALIGN_UP(arm64_image_pa + arm64_image_size, 2 * MiB);
        if (map_level(root, 0, base, base, end - base, PROT_IDENTITY, true)) {
            free_table_tree(root, 0);
            root = 0;
        }
    }
    dsb(ishst);
    spin_unlock_irqrestore(&mmu_lock, flags);
    return root;
}

void arm64_mmu_identity_free(uint64_t root)
{
    unsigned long flags = spin_lock_irqsave(&mmu_lock);
    free_table_tree(root, 0);
    spin_unlock_irqrestore(&mmu_lock, flags);
}

/* The TCR a secondary starts with (TTBR0 walks on) and the TTBR1 root. */
void arm64_mmu_secondary_regs(uint64_t *tcr, uint64_t *ttbr1)
{
    *tcr = arm64_boot_tcr & ~TCR_EPD0;
    *ttbr1 = kernel_space.root_pa;
}

/* On a secondary, at its kernel address: stop using the identity map. */
void arm64_mmu_secondary_drop_identity(void)
{
    write_sysreg(tcr_el1, arm64_boot_tcr);
    write_sysreg(ttbr0_el1, 0);
    isb();
    __asm__ volatile("tlbi vmalle1" : : : "memory");
    dsb(nsh);
    isb();
}
