/* The boot CPU's descriptor tables (GDT with a TSS whose IST stacks catch
 * double faults, NMIs and machine checks on a known-good stack), control
 * register setup (SSE for process code, SMEP), and the CPU primitives of
 * <plat/cpu.h>. */
#include <stdint.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <plat/cpu.h>
#include <plat/mode.h>
#include "amd64.h"


#define IST_STACK_SIZE (16 * 1024)

/* Each CPU's descriptor tables: a GDT (selectors: see GDT_* in amd64.h;
 * the TSS descriptor takes two slots) and a TSS whose IST stacks catch
 * double faults, NMIs and machine checks on a known-good stack. The boot
 * CPU's are static; the others' come from amd64_cpu_tables_alloc. */
struct cpu_tables {
    uint64_t gdt[8] __attribute__((aligned(16)));
    struct tss tss;
};

static struct cpu_tables boot_tables;
static uint8_t boot_ist_stacks[IST_COUNT][IST_STACK_SIZE] __noclear __attribute__((aligned(16)));

/* Per-CPU data reached through the GS base: arch_cpu_id reads cpu_id. */
struct amd64_percpu amd64_percpu[PLAT_MAX_CPUS];

struct __attribute__((packed)) table_pointer {
    uint16_t limit;
    uint64_t base;
};

static bool has_nx;
uint8_t amd64_has_smap;
static uint32_t mxcsr_mask = 0xffbf;

bool cpu_has_nx(void)
{
    return has_nx;
}

bool cpu_has_smap(void)
{
    return amd64_has_smap;
}

/* The MXCSR bits this CPU accepts (FXSAVE's MXCSR_MASK; 0xffbf when it
 * says 0): fxrstor of any other bit faults, so signal frames are masked. */
uint32_t cpu_mxcsr_mask(void)
{
    return mxcsr_mask;
}

static void read_mxcsr_mask(void)
{
    static uint8_t area[512] __attribute__((aligned(16)));
    __asm__ volatile("fxsave64 %0" : "=m"(area));
    uint32_t mask = *(uint32_t *)(area + 28);
    if (mask)
        mxcsr_mask = mask;
}

static void gdt_init(struct cpu_tables *t, uint8_t *ist_stacks)
{
    uint64_t *gdt = t->gdt;

    gdt[0] = 0;
    gdt[GDT_KERNEL_CODE / 8] = 0x00af9a000000ffffUL;  /* L, P, DPL0, code */
    gdt[GDT_KERNEL_DATA / 8] = 0x00cf92000000ffffUL;  /* P, DPL0, data */
    gdt[GDT_USER_CODE32 / 8] = 0x00cffa000000ffffUL;  /* 32-bit code, DPL3 */
    gdt[GDT_USER_DATA / 8] = 0x00cff2000000ffffUL;    /* data, DPL3 */
    gdt[GDT_USER_CODE / 8] = 0x00affa000000ffffUL;    /* L, DPL3 */

    for (int i = 0; i < IST_COUNT; i++)
        t->tss.ist[i] = (uint64_t)(uintptr_t)(ist_stacks + (i + 1) * IST_STACK_SIZE);
    t->tss.iomap_base = sizeof(t->tss);               /* no I/O bitmap */

    uint64_t base = (uint64_t)(uintptr_t)&t->tss;
    uint64_t limit = sizeof(t->tss) - 1;
    gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                       (0x89UL << 40) |                /* P, available 64-bit TSS */
                       (((limit >> 16) & 0xf) << 48) |
                       (((base >> 24) & 0xff) << 56);
    gdt[GDT_TSS / 8 + 1] = base >> 32;

    struct table_pointer ptr = { sizeof(t->gdt) - 1, (uint64_t)(uintptr_t)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movl %2, %%eax\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "movw %%ax, %%ss\n\t"
        "xorl %%eax, %%eax\n\t"
        "movw %%ax, %%fs\n\t"
        "movw %%ax, %%gs\n\t"
        : : "m"(ptr), "i"(GDT_KERNEL_CODE), "i"(GDT_KERNEL_DATA) : "rax", "memory");
    __asm__ volatile("ltr %w0" : : "r"(GDT_TSS));
}

/* Loading %gs above cleared the GS base: set it afterwards. */
static void percpu_init(unsigned cpu)
{
    struct amd64_percpu *p = &amd64_percpu[cpu];
    p->self = p;
    p->cpu_id = cpu;
    wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)p);
    wrmsr(MSR_KERNEL_GS_BASE, 0);       /* user mode's, after swapgs */
}

void cpu_init(void)
{
    uint32_t a, b, c, d;

    gdt_init(&boot_tables, &boot_ist_stacks[0][0]);
    percpu_init(0);
    amd64_percpu[0].tss = &boot_tables.tss;
    idt_init();

    cpuid(0x80000001, 0, &a, &b, &c, &d);
    has_nx = d & (1u << 20);

    /* SSE for process code (newlib's libm); the kernel itself is built
     * -mgeneral-regs-only. x87 emulation off, FWAIT honours TS. */
    write_cr0((read_cr0() & ~CR0_EM) | CR0_MP | CR0_WP);
    uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    cpuid(0, 0, &a, &b, &c, &d);
    if (a >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        /* Not in direct mode, where process code runs at ring 0 from
         * user pages. */
        if ((b & (1u << 7)) && !plat_direct_mode)
            cr4 |= CR4_SMEP;
        /* Kernel accesses to user pages fault except between stac/clac
         * in the user-copy helpers (uaccess.S). amd64_has_smap says
         * stac/clac exist (the entry stubs clear AC with it). */
        if (b & (1u << 20)) {
            if (!plat_direct_mode)
                cr4 |= CR4_SMAP;
            amd64_has_smap = 1;
        }
        /* UMIP: sgdt, sidt, sldt, smsw and str fault (#GP) in user mode
         * rather than show where the kernel's tables are. The secondary
         * CPUs copy this CR4 (smp.c). */
        if (c & (1u << 2))
            cr4 |= CR4_UMIP;
    }
    write_cr4(cr4);
    read_mxcsr_mask();
    uspace_init_cpu();
}

/* A secondary CPU's tables, allocated by the boot CPU before the startup
 * IPI: the tables and the IST stacks. NULL when memory is short. */
struct cpu_tables *amd64_cpu_tables_alloc(void)
{
    struct cpu_tables *t = kzalloc(sizeof(*t) + IST_COUNT * IST_STACK_SIZE + 16);
    return t;
}

/* On the secondary CPU itself (CR0/CR4/EFER came from the trampoline). */
void cpu_init_secondary(unsigned cpu, struct cpu_tables *t)
{
    uint8_t *ist = (uint8_t *)ALIGN_UP((uintptr_t)(t + 1), 16);
    gdt_init(t, ist);
    percpu_init(cpu);
    amd64_percpu[cpu].tss = &t->tss;
    idt_load();
    uspace_init_cpu();
}

void arch_wait_for_interrupt(void)
{
    /* sti's one-instruction shadow makes sti;hlt atomic. */
    __asm__ volatile("sti; hlt" : : : "memory");
}

_Noreturn void arch_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}
