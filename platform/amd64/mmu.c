/* Page tables (4-level, 4 KiB granule). mmu_init replaces the boot tables of
 * entry.S with the final kernel tables: the image mapped W^X with 4 KiB pages,
 * the direct map of all usable RAM (2 MiB pages where aligned), the PDPTs of
 * the VMAP and image slots created up front, and no identity map. Every
 * kernel-half PML4 slot that will ever be used exists from then on, so a
 * process PML4 can copy slots 256..511 once and share all kernel tables.
 *
 * Table pages come from a pool in .bss until plat_init calls
 * mmu_use_page_allocator(), then from libos/mm. */
#include <stdint.h>
#include <string.h>
#include <abi/errno.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <plat/cpu.h>
#include <plat/memmap.h>
#include <plat/mmu.h>
#include <plat/uspace.h>
#include "amd64.h"

#define PTE_P    (1UL << 0)
#define PTE_W    (1UL << 1)
#define PTE_U    (1UL << 2)
#define PTE_PWT  (1UL << 3)
#define PTE_PCD  (1UL << 4)
#define PTE_A    (1UL << 5)
#define PTE_D    (1UL << 6)
#define PTE_PS   (1UL << 7)
#define PTE_G    (1UL << 8)
#define PTE_NX   (1UL << 63)
/* Software bit of a last-level entry with P clear (the CPU ignores every
 * other bit then): an MMU_NONE page, its address kept. Table entries never
 * have it, so PTE_MAPPED tests "a page is there" at any level. */
#define PTE_NONE (1UL << 9)
#define PTE_MAPPED (PTE_P | PTE_NONE)
#define PTE_ADDR 0x000ffffffffff000UL

#define LARGE_PAGE_SIZE (2UL * 1024 * 1024)
#define UPPER_HALF 0xffff800000000000UL

/* arch_ioremap (and the ACPI table mappings) hand out addresses from the
 * bottom 64 GiB of the VMAP range, growing upwards; the rest of VMAP is for
 * on-demand kernel mappings chosen by libos/ (ktest uses the middle). */
#define IOREMAP_BASE KERNEL_VMAP_BASE
#define IOREMAP_END  (KERNEL_VMAP_BASE + 64 * GiB)

struct arch_aspace {
    uint64_t root;              /* physical address of the PML4 */
    /* CPUs whose CR3 holds this space (bit per CPU): the targets of TLB
     * shootdowns. Set before CR3 is loaded, cleared after it is left. */
    volatile uint32_t active_cpus;
};

static struct arch_aspace kernel_aspace;
/* The space each CPU's CR3 holds (NULL: the kernel's). */
static struct arch_aspace *cpu_space[PLAT_MAX_CPUS];
/* Set once the first process space exists: kernel-half PML4 slots are
 * copied into each process PML4 at creation, so none may appear later. */
static bool is_upper_half_frozen;
/* Protects the kernel's page tables (the shared upper half) and the table
 * page pool. Innermost lock, except for libos/mm's page allocator lock taken
 * inside it through mm_table_page_alloc/free. */
static struct spinlock kernel_pt_lock = SPINLOCK_INIT;

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];
extern char boot_stack_guard[];

/* ---- table pages ---- */

/* 64 pages cover the image, the VMAP and image PDPTs and the direct map of
 * about 50 GiB of RAM with 2 MiB pages. */
#define POOL_PAGES 64
static uint8_t table_pool[POOL_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static unsigned pool_used;
static uint64_t pool_free_list;     /* freed pool pages, linked by first word */
static bool use_page_allocator;

static uint64_t image_phys(const void *va)
{
    return (uint64_t)(uintptr_t)va - KERNEL_IMAGE_BASE;
}

static bool is_pool_page(uint64_t pa)
{
    return pa >= image_phys(table_pool) && pa < image_phys(table_pool) + sizeof(table_pool);
}

/* A zeroed table page's physical address, or 0. */
static uint64_t table_alloc(void)
{
    if (pool_free_list) {
        uint64_t pa = pool_free_list;
        pool_free_list = *(uint64_t *)phys_to_virt(pa);
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
        return pa;
    }
    if (use_page_allocator) {
        uint64_t pa = mm_table_page_alloc();
        if (pa)
            return pa;
    }
    if (pool_used < POOL_PAGES)
        return image_phys(table_pool[pool_used++]);
    return 0;
}

static void table_free(uint64_t pa)
{
    if (is_pool_page(pa)) {
        *(uint64_t *)phys_to_virt(pa) = pool_free_list;
        pool_free_list = pa;
    } else {
        mm_table_page_free(pa);
    }
}

void mmu_use_page_allocator(void)
{
    use_page_allocator = true;
}

/* ---- walking ---- */

static inline unsigned table_index(uintptr_t va, int level)
{
    return (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

static inline uint64_t *table_of(uint64_t entry)
{
    return phys_to_virt(entry & PTE_ADDR);
}

/* entries[level] points at the entry for va in the table of that level
 * (4 = PML4 ... 1 = PT) for every level reached; returns the lowest level
 * reached: 1, or the level of a large page or of a non-present entry. */
static int walk(const struct arch_aspace *as, uintptr_t va, uint64_t *entries[5])
{
    uint64_t *table = phys_to_virt(as->root);

    for (int level = 4;; level--) {
        entries[level] = &table[table_index(va, level)];
        uint64_t e = *entries[level];
        if (level == 1 || !(e & PTE_P) || (e & PTE_PS))
            return level;
        table = table_of(e);
    }
}

/* Returns the entry for va at target_level, creating tables on the way.
 * NULL with *err = -ENOMEM, or -EEXIST when a large page is in the way. */
static uint64_t *walk_create(struct arch_aspace *as, uintptr_t va, int target_level,
                             bool user, int *err)
{
    uint64_t *table = phys_to_virt(as->root);

    for (int level = 4; level > target_level; level--) {
        uint64_t *entry = &table[table_index(va, level)];
        if (!(*entry & PTE_P)) {
            if (level == 4 && va >= UPPER_HALF && is_upper_half_frozen)
                panic("mmu: new kernel PML4 slot for %p after process spaces exist",
                      (void *)va);
            uint64_t pa = table_alloc();
            if (!pa) {
                *err = -ENOMEM;
                return NULL;
            }
            *entry = pa | PTE_P | PTE_W | (user ? PTE_U : 0);
        } else if (*entry & PTE_PS) {
            *err = -EEXIST;
            return NULL;
        } else if (user && !(*entry & PTE_U)) {
            *entry |= PTE_U;
        }
        table = table_of(*entry);
    }
    return &table[table_index(va, target_level)];
}

/* Bytes one entry maps at a level (1 = PT ... 4 = PML4). */
static inline uint64_t level_span(int level)
{
    return 1UL << (PAGE_SHIFT + 9 * (level - 1));
}

/* The first address after va's entry at level, end when that passes end
 * (or wraps): how a scan skips an unmapped entry at once. */
static inline uintptr_t skip_entry(uintptr_t va, int level, uintptr_t end)
{
    uintptr_t next = ALIGN_DOWN(va, level_span(level)) + level_span(level);
    return next <= va || next > end ? end : next;
}

static uint64_t pte_bits(uintptr_t va, unsigned flags)
{
    if (flags & MMU_NONE)
        return PTE_NONE;
    uint64_t bits = PTE_P | PTE_A;

    if (flags & MMU_WRITE)
        bits |= PTE_W | PTE_D;
    if (!(flags & MMU_EXEC) && cpu_has_nx())
        bits |= PTE_NX;
    if (flags & MMU_USER)
        bits |= PTE_U;
    if (flags & MMU_DEVICE)
        bits |= PTE_PCD | PTE_PWT;      /* UC with the power-on PAT */
    if (va >= UPPER_HALF)
        bits |= PTE_G;
    return bits;
}

static unsigned mmu_flags(uint64_t pte)
{
    if (!(pte & PTE_P))
        return MMU_NONE;
    unsigned flags = MMU_READ;

    if (pte & PTE_W)
        flags |= MMU_WRITE;
    if (!(pte & PTE_NX))
        flags |= MMU_EXEC;
    if (pte & PTE_U)
        flags |= MMU_USER;
    if (pte & PTE_PCD)
        flags |= MMU_DEVICE;
    return flags;
}

static bool table_is_empty(const uint64_t *table)
{
    for (unsigned i = 0; i < 512; i++)
        if (table[i])
            return false;
    return true;
}

/* After the table that entries[from] points to lost entries: frees it if
 * empty, then its parent likewise, upwards. PDPTs are freed only in the
 * process half: the kernel half's PDPTs are shared by every address space. */
static void free_empty_tables(uintptr_t va, uint64_t *entries[5], int from)
{
    int top = va >= UPPER_HALF ? 3 : 4;

    /* Process tables stay until arch_mmu_destroy: another CPU may still
     * cache a pointer to them (paging-structure caches) until the
     * shootdown that follows the unmap. */
    if (va < UPPER_HALF)
        return;

    for (int level = from; level <= top; level++) {
        uint64_t *child = table_of(*entries[level]);
        if (!table_is_empty(child))
            return;
        uint64_t pa = *entries[level] & PTE_ADDR;
        *entries[level] = 0;
        invlpg(va);                 /* also drops paging-structure caches */
        table_free(pa);
    }
}

/* ---- <plat/mmu.h> ---- */

struct arch_aspace *arch_mmu_kernel_space(void)
{
    return &kernel_aspace;
}

static int unmap_locked(struct arch_aspace *as, uintptr_t va, size_t size)
{
    uintptr_t end = va + size;
    int result = 0;

    while (va < end) {
        uint64_t *entries[5];
        int level = walk(as, va, entries);
        /* Past this PT or large page; past the whole missing table when
         * the walk stopped higher. */
        uintptr_t next = skip_entry(va, MAX(level, 2), end);

        if (level == 2 && (*entries[2] & PTE_P)) {
            /* A 2 MiB page: removed only when the range covers all of it. */
            if (IS_ALIGNED(va, LARGE_PAGE_SIZE) && next - va == LARGE_PAGE_SIZE) {
                *entries[2] = 0;
                invlpg(va);
            } else {
                result = -EINVAL;
            }
        } else if (level == 1) {
            bool changed = false;
            uint64_t *pte = entries[1];
            for (uintptr_t p = va; p < next; p += PAGE_SIZE, pte++) {
                if (*pte & PTE_MAPPED) {
                    *pte = 0;
                    invlpg(p);
                    changed = true;
                }
            }
            if (changed)
                free_empty_tables(va, entries, 2);
        }
        va = next;
    }
    return result;
}

static void tlb_shootdown(struct arch_aspace *as);

int arch_mmu_unmap(struct arch_aspace *as, uintptr_t va, size_t size)
{
    if (!IS_ALIGNED(va, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE) || va + size < va)
        return -EINVAL;
    unsigned long irq = spin_lock_irqsave(&kernel_pt_lock);
    int result = unmap_locked(as, va, size);
    spin_unlock_irqrestore(&kernel_pt_lock, irq);
    if (as != &kernel_aspace)
        tlb_shootdown(as);
    return result;
}

static int map_locked(struct arch_aspace *as, uintptr_t va, uint64_t pa, size_t size,
                      unsigned flags)
{
    /* First check, so a failure leaves everything as it was. */
    for (size_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t *entries[5];
        int level = walk(as, va + off, entries);
        if (*entries[level] & PTE_MAPPED)
            return -EEXIST;
    }
    uint64_t bits = pte_bits(va, flags);
    for (size_t off = 0; off < size; off += PAGE_SIZE) {
        int err = 0;
        uint64_t *pte = walk_create(as, va + off, 1, flags & MMU_USER, &err);
        if (!pte) {
            unmap_locked(as, va, off);
            /* Tables created for the failing page may be empty too. */
            uint64_t *entries[5];
            int level = walk(as, va + off, entries);
            if (level < 4)
                free_empty_tables(va + off, entries, level + 1);
            return err;
        }
        *pte = ((pa + off) & PTE_ADDR) | bits;
    }
    return 0;
}

int arch_mmu_map(struct arch_aspace *as, uintptr_t va, uint64_t pa, size_t size,
                 unsigned flags)
{
    if (!IS_ALIGNED(va, PAGE_SIZE) || !IS_ALIGNED(pa, PAGE_SIZE) ||
        !IS_ALIGNED(size, PAGE_SIZE) || va + size < va)
        return -EINVAL;
    unsigned long irq = spin_lock_irqsave(&kernel_pt_lock);
    int result = map_locked(as, va, pa, size, flags);
    spin_unlock_irqrestore(&kernel_pt_lock, irq);
    return result;
}

int arch_mmu_query(struct arch_aspace *as, uintptr_t va, uint64_t *pa, unsigned *flags)
{
    uint64_t *entries[5];
    unsigned long irq = spin_lock_irqsave(&kernel_pt_lock);
    int level = walk(as, va, entries);
    uint64_t e = *entries[level];
    spin_unlock_irqrestore(&kernel_pt_lock, irq);

    if (!(e & PTE_MAPPED) || level == 4)
        return -ENOENT;
    uint64_t page_size = 1UL << (PAGE_SHIFT + 9 * (level - 1));
    uint64_t base = level == 1 ? (e & PTE_ADDR) : (e & PTE_ADDR & ~(page_size - 1));
    if (pa)
        *pa = base + (va & (page_size - 1));
    if (flags)
        *flags = mmu_flags(e);
    return 0;
}

int arch_mmu_next_mapped(struct arch_aspace *as, uintptr_t va, uintptr_t end, uintptr_t *at,
                         uint64_t *pa, unsigned *flags)
{
    int found = 0;
    unsigned long irq = spin_lock_irqsave(&kernel_pt_lock);
    for (unsigned steps = 0; va < end && steps < MMU_SCAN_STEPS; steps++) {
        uint64_t *entries[5];
        int level = walk(as, va, entries);
        uint64_t e = *entries[level];
        if ((e & PTE_MAPPED) && level < 4) {
            uint64_t span = level_span(level);
            uint64_t base = level == 1 ? (e & PTE_ADDR) : (e & PTE_ADDR & ~(span - 1));
            if (pa)
                *pa = base + (va & (span - 1));
            if (flags)
                *flags = mmu_flags(e);
            found = 1;
            break;
        }
        va = skip_entry(va, level, end);
    }
    spin_unlock_irqrestore(&kernel_pt_lock, irq);
    *at = MIN(va, end);
    return found;
}

void arch_tlb_flush_all_local(void)
{
    unsigned long irq = arch_irq_save();
    uint64_t cr4 = read_cr4();
    write_cr4(cr4 & ~CR4_PGE);          /* drops global entries too */
    write_cr4(cr4);
    arch_irq_restore(irq);
}

/* ---- process address spaces (plat/uspace.h) ---- */

struct arch_aspace *arch_mmu_create(void)
{
    struct arch_aspace *as = kzalloc(sizeof(*as));
    if (!as)
        return NULL;
    unsigned long irq = spin_lock_irqsave(&kernel_pt_lock);
    as->root = table_alloc();
    if (as->root) {
        /* The kernel half: the same PDPTs as every other space. */
        const uint64_t *kernel = phys_to_virt(kernel_aspace.root);
        uint64_t *root = phys_to_virt(as->root);
        for (unsigned i = 256; i < 512; i++)
            root[i] = kernel[i];
        is_upper_half_frozen = true;
    }
    spin_unlock_irqrestore(&kernel_pt_lock, irq);
    if (!as->root) {
        kfree(as);
        return NULL;
    }
    return as;
}

static void free_lower_tables(uint64_t table_pa, int level)
{
    uint64_t *table = phys_to_virt(table_pa);
    unsigned count = level == 4 ? 256 : 512;

    for (unsigned i = 0; level > 1 && i < count; i++)
        if ((table[i] & PTE_P) && !(table[i] & PTE_PS))
            free_lower_tables(table[i] & PTE_ADDR, level - 1);
    table_free(table_pa);
}

void arch_mmu_destroy(struct arch_aspace *as)
{
    if (!as || as == &kernel_aspace)
        return;
    unsigned long irq = arch_irq_save();
    if (cpu_space[arch_cpu_id()] == as)
        arch_mmu_activate(&kernel_aspace);
    arch_irq_restore(irq);
    /* Another CPU may still be leaving the space (its last thread is
     * switching away): its CR3 must not point at freed tables. */
    while (__atomic_load_n(&as->active_cpus, __ATOMIC_ACQUIRE))
        arch_cpu_relax();
    irq = spin_lock_irqsave(&kernel_pt_lock);
    free_lower_tables(as->root, 4);
    spin_unlock_irqrestore(&kernel_pt_lock, irq);
    kfree(as);
}

void arch_mmu_activate(struct arch_aspace *as)
{
    if (!as)
        as = &kernel_aspace;
    unsigned long irq = arch_irq_save();
    unsigned cpu = arch_cpu_id();
    struct arch_aspace *old = cpu_space[cpu] ? cpu_space[cpu] : &kernel_aspace;

    if (old != as) {
        if (as != &kernel_aspace)
            __atomic_or_fetch(&as->active_cpus, 1u << cpu, __ATOMIC_SEQ_CST);
        write_cr3(as->root);
        if (old != &kernel_aspace)
            __atomic_and_fetch(&old->active_cpus, ~(1u << cpu), __ATOMIC_SEQ_CST);
        cpu_space[cpu] = as;
    }
    arch_irq_restore(irq);
}

int arch_mmu_protect(struct arch_aspace *as, uintptr_t va, size_t size, unsigned flags)
{
    if (!IS_ALIGNED(va, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE) || va + size < va)
        return -EINVAL;
    uint64_t bits = pte_bits(va, flags);
    unsigned long irq = spin_lock_irqsave(&kernel_pt_lock);
    for (uintptr_t p = va, end = va + size; p < end;) {
        uint64_t *entries[5];
        int level = walk(as, p, entries);
        if (level != 1 || !(*entries[1] & PTE_MAPPED)) {
            p = skip_entry(p, level, end);      /* nothing mapped below it */
            continue;
        }
        *entries[1] = (*entries[1] & PTE_ADDR) | bits;
        invlpg(p);
        p += PAGE_SIZE;
    }
    spin_unlock_irqrestore(&kernel_pt_lock, irq);
    if (as != &kernel_aspace)
        tlb_shootdown(as);
    return 0;
}

/* Other CPUs running as flush their TLB (a full non-global flush, by
 * reloading CR3) and the caller waits until they have. The caller's own
 * CPU already invalidated with invlpg. While waiting with interrupts off,
 * a CPU serves the requests sent to it, so two CPUs shooting at each other
 * cannot deadlock. Must not be called with kernel_pt_lock held. */
static void tlb_shootdown(struct arch_aspace *as)
{
    uint64_t want[PLAT_MAX_CPUS];
    unsigned long irq = arch_irq_save();
    unsigned self = arch_cpu_id();

    __atomic_thread_fence(__ATOMIC_SEQ_CST);    /* PTE stores before the mask load */
    uint32_t targets = __atomic_load_n(&as->active_cpus, __ATOMIC_SEQ_CST) & ~(1u << self);
    for (unsigned cpu = 0; cpu < PLAT_MAX_CPUS; cpu++) {
        if (!(targets & (1u << cpu)))
            continue;
        want[cpu] = __atomic_add_fetch(&amd64_percpu[cpu].tlb_flush_request, 1,
                                       __ATOMIC_SEQ_CST);
        amd64_send_vector(cpu, VECTOR_TLB_SHOOTDOWN);
    }
    for (unsigned cpu = 0; cpu < PLAT_MAX_CPUS; cpu++) {
        if (!(targets & (1u << cpu)))
            continue;
        while (__atomic_load_n(&amd64_percpu[cpu].tlb_flush_done, __ATOMIC_ACQUIRE) < want[cpu]) {
            amd64_tlb_shootdown_interrupt();
            arch_cpu_relax();
        }
    }
    arch_irq_restore(irq);
}

/* The shootdown vector's handler (and the waiting loop above): interrupts
 * off. */
void amd64_tlb_shootdown_interrupt(void)
{
    struct amd64_percpu *p = this_percpu();
    uint64_t request = __atomic_load_n(&p->tlb_flush_request, __ATOMIC_ACQUIRE);

    if (request == p->tlb_flush_done)
        return;
    write_cr3(read_cr3());
    __atomic_store_n(&p->tlb_flush_done, request, __ATOMIC_RELEASE);
}

void *mmu_map_phys(uint64_t pa, size_t size, unsigned flags)
{
    static uintptr_t ioremap_next = IOREMAP_BASE;
    uint64_t first = ALIGN_DOWN(pa, PAGE_SIZE);
    uint64_t len = ALIGN_UP(pa + size, PAGE_SIZE) - first;

    if (!size || pa + size < pa)
        return NULL;
    /* One unmapped page between windows catches overruns. */
    uintptr_t va = __atomic_fetch_add(&ioremap_next, len + PAGE_SIZE, __ATOMIC_RELAXED);
    if (va + len > IOREMAP_END || va + len < va)
        return NULL;
    if (arch_mmu_map(&kernel_aspace, va, first, len, flags) != 0)
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

    if (va >= KERNEL_IMAGE_BASE)
        return va - KERNEL_IMAGE_BASE;
    if (va >= KERNEL_DIRECT_MAP_BASE && va < KERNEL_DIRECT_MAP_BASE + KERNEL_DIRECT_MAP_SIZE)
        return va - KERNEL_DIRECT_MAP_BASE;
    if (arch_mmu_query(&kernel_aspace, va, &pa, NULL) == 0)
        return pa;
    return ~0UL;
}

/* ---- the final kernel tables ---- */

static void boot_map(uintptr_t va, uint64_t pa, int level, uint64_t bits)
{
    int err = 0;
    uint64_t *entry = walk_create(&kernel_aspace, va, level, false, &err);

    if (!entry)
        panic("mmu: cannot map %p at boot (error %d): raise POOL_PAGES", (void *)va, err);
    *entry = pa | bits | (level > 1 ? PTE_PS : 0);
}

static void boot_map_image(const char *start, const char *end, unsigned flags)
{
    uint64_t bits = pte_bits((uintptr_t)start, flags);

    for (const char *p = start; p < end; p += PAGE_SIZE) {
        if (p == boot_stack_guard)
            continue;
        boot_map((uintptr_t)p, image_phys(p), 1, bits);
    }
}

static void boot_map_direct(uint64_t start, uint64_t end)
{
    uint64_t bits = pte_bits(KERNEL_DIRECT_MAP_BASE, MMU_READ | MMU_WRITE);

    if (end > KERNEL_DIRECT_MAP_SIZE)
        end = KERNEL_DIRECT_MAP_SIZE;
    for (uint64_t pa = start; pa < end;) {
        uintptr_t va = (uintptr_t)phys_to_virt(pa);
        if (IS_ALIGNED(pa, LARGE_PAGE_SIZE) && end - pa >= LARGE_PAGE_SIZE) {
            boot_map(va, pa, 2, bits);
            pa += LARGE_PAGE_SIZE;
        } else {
            boot_map(va, pa, 1, bits);
            pa += PAGE_SIZE;
        }
    }
}

void mmu_init(void)
{
    kernel_aspace.root = table_alloc();

    boot_map_image(__kernel_start, __text_end, MMU_READ | MMU_EXEC);
    boot_map_image(__text_end, __rodata_end, MMU_READ);
    boot_map_image(__rodata_end, __kernel_end, MMU_READ | MMU_WRITE);

    struct mem_range ram[MEMMAP_MAX_RANGES];
    unsigned n = plat_mem_usable(ram, MEMMAP_MAX_RANGES);
    for (unsigned i = 0; i < n; i++)
        boot_map_direct(ram[i].base, ram[i].base + ram[i].size);

    /* The VMAP slot's PDPT, so the slot is shared from the start. */
    int err = 0;
    if (!walk_create(&kernel_aspace, KERNEL_VMAP_BASE, 3, false, &err))
        panic("mmu: no table page for the VMAP slot");

    write_cr3(kernel_aspace.root);
    /* Global pages only now: the boot tables' entries are gone with CR3. */
    write_cr4(read_cr4() | CR4_PGE);
}
