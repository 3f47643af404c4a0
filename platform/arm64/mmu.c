/* arm64 paging: the boot tables built with the MMU off (identity map of
 * the image in TTBR0, the image W^X and a window on the DTB in TTBR1), the
 * direct map of RAM, the TTBR0/TTBR1 split, cache maintenance for code, and
 * ASIDs: the hardware side of the common walker (platform/common/mmu.c over
 * the entries of mmu_arch.h). Parts of this file run before the MMU is on:
 * they use PC-relative addressing only (no pointers stored in data) and are
 * built with -mstrict-align. */
#include <stdbool.h>
#include <abi/errno.h>
#include <stdlib.h>
#include <kern/cmdline.h>
#include <kern/panic.h>
#include <kern/printk.h>
#include <kern/spinlock.h>
#include <kern/util.h>
#include <plat/boot.h>
#include <plat/cpu.h>
#include <plat/mmu.h>
#include <plat/smp.h>
#include <plat/uspace.h>
#include "arm64.h"
#include "pagetable.h"

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

bool arm64_is_mmu_on;
uint64_t arm64_image_pa;
uint64_t arm64_image_size;
uint64_t arm64_boot_ttbr0, arm64_boot_ttbr1, arm64_boot_tcr;

extern char _text[], _etext[], _erodata[], _end[];

/* ---- boot, MMU off ---- */

void arm64_early_mmu_setup(uint64_t image_pa, uint64_t dtb_pa)
{
    uint64_t text = (uintptr_t)_text, etext = (uintptr_t)_etext;
    uint64_t erodata = (uintptr_t)_erodata, end = (uintptr_t)_end;

    arm64_image_pa = image_pa;
    arm64_image_size = end - text;

    uint64_t root1 = mmu_table_alloc();
    uint64_t root0 = mmu_table_alloc();
    kernel_space.root = root1;

    /* Identity map of the image, only to survive turning the MMU on. */
    uint64_t id_base = ALIGN_DOWN(image_pa, 2 * MiB);
    uint64_t id_end = ALIGN_UP(image_pa + arm64_image_size, 2 * MiB);
    mmu_map_range(root0, id_base, id_base, id_end - id_base, PROT_IDENTITY, MMU_MAX_BLOCK_LEVEL);

    /* The image, page by page, W^X. */
    mmu_map_range(root1, KERNEL_IMAGE_BASE, image_pa, etext - text, PROT_TEXT, 0);
    mmu_map_range(root1, KERNEL_IMAGE_BASE + (etext - text), image_pa + (etext - text),
                  erodata - etext, PROT_RODATA, 0);
    mmu_map_range(root1, KERNEL_IMAGE_BASE + (erodata - text), image_pa + (erodata - text),
                  end - erodata, PROT_DATA, 0);

    /* The DTB at its direct-map address, so C code can parse it before
     * the whole direct map exists (same attributes as the direct map). */
    const volatile uint32_t *dtb = (const volatile uint32_t *)(uintptr_t)dtb_pa;
    if (dtb_pa && !(dtb_pa & 7) && dtb[0] == __builtin_bswap32(0xd00dfeed)) {
        uint64_t dtb_size = __builtin_bswap32(dtb[1]);
        uint64_t base = ALIGN_DOWN(dtb_pa, PAGE_SIZE);
        uint64_t top = ALIGN_UP(dtb_pa + dtb_size, PAGE_SIZE);
        mmu_map_range(root1, KERNEL_DIRECT_MAP_BASE + base, base, top - base, PROT_DATA, 0);
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
    arm64_is_mmu_on = true;
}

int arm64_direct_map(uint64_t pa, uint64_t size)
{
    unsigned long flags = spin_lock_irqsave(&mmu_lock);
    int err = mmu_map_range(kernel_space.root, KERNEL_DIRECT_MAP_BASE + pa, pa, size,
                            PROT_DATA, MMU_MAX_BLOCK_LEVEL);
    mmu_arch_publish();
    spin_unlock_irqrestore(&mmu_lock, flags);
    return err;
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
    mmu_free_tree(arm64_boot_ttbr0, MMU_ROOT_LEVEL, MMU_ENTRIES);
    arm64_boot_ttbr0 = 0;
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


void mmu_arch_space_new(void)
{
    unsigned long irq = spin_lock_irqsave(&asid_lock);
    bool is_first = !asid_bits;
    if (is_first)
        asid_setup_locked();
    spin_unlock_irqrestore(&asid_lock, irq);
    if (is_first)
        printk("mmu: %u-bit ASIDs\n", asid_bits);
}

/* No walk may keep cached entries of the space's tables once they are
 * freed; the ASID itself stays taken until the next rollover. */
void mmu_arch_space_free(struct arch_aspace *as)
{
    uint64_t ctx = __atomic_load_n(&as->arch.context_id, __ATOMIC_RELAXED);
    if (ctx) {
        dsb(ishst);
        __asm__ volatile("tlbi aside1is, %0" : : "r"(ASID_OF(ctx) << 48) : "memory");
        dsb(ish);
        isb();
    }
}

/* The ASID as runs with on this CPU, after a new one if its generation is
 * past. Interrupts off. */
static uint64_t asid_switch_in(struct arch_aspace *as, unsigned cpu)
{
    uint64_t ctx = __atomic_load_n(&as->arch.context_id, __ATOMIC_RELAXED);
    uint64_t gen = __atomic_load_n(&asid_generation, __ATOMIC_RELAXED);
    uint64_t old_active = __atomic_load_n(&active_asids[cpu], __ATOMIC_RELAXED);

    /* Fast path: the space's generation is current and no rollover has
     * cleared this CPU's slot since we looked. */
    if (old_active && IS_CURRENT_GEN(ctx, gen) &&
        __atomic_compare_exchange_n(&active_asids[cpu], &old_active, ctx, false,
                                    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
        return ctx;

    spin_lock(&asid_lock);
    ctx = __atomic_load_n(&as->arch.context_id, __ATOMIC_RELAXED);
    gen = __atomic_load_n(&asid_generation, __ATOMIC_RELAXED);
    if (!IS_CURRENT_GEN(ctx, gen)) {
        ctx = asid_new_context_locked(ctx);
        __atomic_store_n(&as->arch.context_id, ctx, __ATOMIC_RELAXED);
    }
    __atomic_store_n(&active_asids[cpu], ctx, __ATOMIC_RELEASE);
    spin_unlock(&asid_lock);
    return ctx;
}


void mmu_arch_switch(struct arch_aspace *old, struct arch_aspace *as, unsigned cpu)
{
    if (as == &kernel_space) {
        if (old != as) {
            write_sysreg(tcr_el1, read_sysreg(tcr_el1) | TCR_EPD0);
            isb();
            write_sysreg(ttbr0_el1, 0);
            isb();
        }
        return;
    }
    /* Even when as is already this CPU's space: a rollover on another
     * CPU may have taken its ASID away while it ran. */
    uint64_t ctx = asid_switch_in(as, cpu);
    uint64_t ttbr0 = as->root | (ASID_OF(ctx) << 48);
    if (old != as || read_sysreg(ttbr0_el1) != ttbr0) {
        write_sysreg(ttbr0_el1, ttbr0);
        isb();
        /* TTBR0 walks are on already between process spaces (and QEMU
         * flushes its whole TLB on a TCR write, which would hide an ASID
         * reused too early from the tests). */
        if (old == &kernel_space) {
            write_sysreg(tcr_el1, read_sysreg(tcr_el1) & ~TCR_EPD0);
            isb();
        }
    }
}

/* TLBI ...IS under mmu_lock reached every CPU already. */
void mmu_arch_flush_remote(struct arch_aspace *as)
{
    (void)as;
}

/* ---- secondary CPUs ---- */

/* A TTBR0 table tree with the image at its identity address, for
 * secondary CPUs turning their MMU on (head.S secondary_entry); 0 when
 * memory is short. The CPUs drop it before arm64_mmu_identity_free. */
uint64_t arm64_mmu_identity_create(void)
{
    unsigned long flags = spin_lock_irqsave(&mmu_lock);
    uint64_t root = mmu_table_alloc();
    if (root) {
        uint64_t base = ALIGN_DOWN(arm64_image_pa, 2 * MiB);
        uint64_t end = ALIGN_UP(arm64_image_pa + arm64_image_size, 2 * MiB);
        if (mmu_map_range(root, base, base, end - base, PROT_IDENTITY, MMU_MAX_BLOCK_LEVEL)) {
            mmu_free_tree(root, MMU_ROOT_LEVEL, MMU_ENTRIES);
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
    mmu_free_tree(root, MMU_ROOT_LEVEL, MMU_ENTRIES);
    spin_unlock_irqrestore(&mmu_lock, flags);
}

/* The TCR a secondary starts with (TTBR0 walks on) and the TTBR1 root. */
void arm64_mmu_secondary_regs(uint64_t *tcr, uint64_t *ttbr1)
{
    *tcr = arm64_boot_tcr & ~TCR_EPD0;
    *ttbr1 = kernel_space.root;
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
