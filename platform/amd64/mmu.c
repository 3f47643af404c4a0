/* amd64 paging: the final kernel tables and the hardware side of address
 * spaces. mmu_init replaces the boot tables of entry.S with the final kernel
 * tables: the image mapped W^X with 4 KiB pages, the direct map of all
 * usable RAM (2 MiB pages where aligned), the PDPTs of the VMAP and image
 * slots created up front, and no identity map. Every kernel-half PML4 slot
 * that will ever be used exists from then on, so a process PML4 can copy
 * slots 256..511 once and share all kernel tables. The walker itself is
 * platform/common/mmu.c over the entries of mmu_arch.h; what stays here is
 * CR3, the shootdown IPI and the boot mappings. */
#include <stdint.h>
#include <kern/panic.h>
#include <kern/util.h>
#include <plat/cpu.h>
#include <plat/memmap.h>
#include <plat/mmu.h>
#include <plat/uspace.h>
#include "amd64.h"
#include "pagetable.h"

extern char __kernel_start[], __text_end[], __rodata_end[];
extern char boot_stack_guard[];

void arch_tlb_flush_all_local(void)
{
    unsigned long irq = arch_irq_save();
    uint64_t cr4 = read_cr4();
    write_cr4(cr4 & ~CR4_PGE);          /* drops global entries too */
    write_cr4(cr4);
    arch_irq_restore(irq);
}

/* ---- address spaces: the hardware side (pagetable.h) ---- */

void mmu_arch_space_new(void)
{
}

void mmu_arch_space_free(struct arch_aspace *as)
{
    (void)as;           /* no tags: CR3 loads flushed its entries */
}

void mmu_arch_switch(struct arch_aspace *old, struct arch_aspace *as, unsigned cpu)
{
    if (old == as)
        return;
    if (as != &kernel_space)
        __atomic_or_fetch(&as->arch.active_cpus, 1u << cpu, __ATOMIC_SEQ_CST);
    write_cr3(as->root);
    if (old != &kernel_space)
        __atomic_and_fetch(&old->arch.active_cpus, ~(1u << cpu), __ATOMIC_SEQ_CST);
}

/* Other CPUs running a process space flush their TLB (a full non-global
 * flush, by reloading CR3) and the caller waits until they have. The
 * caller's own CPU already invalidated with invlpg; kernel-space changes
 * invalidate the calling CPU only (arch_tlb_flush_all_local). While
 * waiting with interrupts off, a CPU serves the requests sent to it, so two
 * CPUs shooting at each other cannot deadlock. Called without mmu_lock. */
void mmu_arch_flush_remote(struct arch_aspace *as)
{
    uint64_t want[PLAT_MAX_CPUS];

    if (as == &kernel_space)
        return;
    unsigned long irq = arch_irq_save();
    unsigned self = arch_cpu_id();

    __atomic_thread_fence(__ATOMIC_SEQ_CST);    /* PTE stores before the mask load */
    uint32_t targets = __atomic_load_n(&as->arch.active_cpus, __ATOMIC_SEQ_CST) & ~(1u << self);
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

/* ---- the final kernel tables ---- */

static void boot_map(uintptr_t va, uint64_t pa, uint64_t size, unsigned flags, int max_block_level)
{
    int err = mmu_map_range(kernel_space.root, va, pa, size, pte_prot(flags, va), max_block_level);

    if (err)
        panic("mmu: cannot map %p at boot (error %d): raise MMU_POOL_PAGES", (void *)va, err);
}

/* [start, end) of the image, but for the boot stack's guard page. */
static void boot_map_image(char *start, char *end, unsigned flags)
{
    char *guard = boot_stack_guard;

    if (guard >= start && guard < end) {
        if (guard > start)
            boot_map((uintptr_t)start, mmu_image_pa((uintptr_t)start), guard - start, flags, 0);
        start = guard + PAGE_SIZE;
    }
    if (start < end)
        boot_map((uintptr_t)start, mmu_image_pa((uintptr_t)start), end - start, flags, 0);
}

void mmu_init(void)
{
    kernel_space.root = mmu_table_alloc();

    boot_map_image(__kernel_start, __text_end, MMU_READ | MMU_EXEC);
    boot_map_image(__text_end, __rodata_end, MMU_READ);
    boot_map_image(__rodata_end, __kernel_end, MMU_READ | MMU_WRITE);

    struct mem_range ram[MEMMAP_MAX_RANGES];
    unsigned n = plat_mem_usable(ram, MEMMAP_MAX_RANGES);
    for (unsigned i = 0; i < n; i++) {
        uint64_t end = MIN(ram[i].base + ram[i].size, KERNEL_DIRECT_MAP_SIZE);
        if (ram[i].base < end)
            boot_map((uintptr_t)phys_to_virt(ram[i].base), ram[i].base, end - ram[i].base,
                     MMU_READ | MMU_WRITE, MMU_MAX_BLOCK_LEVEL);
    }

    /* The VMAP slot's PDPT, so the slot is shared from the start. */
    if (mmu_kernel_table_create(KERNEL_VMAP_BASE, 2))
        panic("mmu: no table page for the VMAP slot");

    write_cr3(kernel_space.root);
    /* Global pages only now: the boot tables' entries are gone with CR3. */
    write_cr4(read_cr4() | CR4_PGE);
}
