/* Private to platform/arm64: system-register access, barriers, MMIO, the
 * trap frame, and the functions the arm64 files call in one another. libos/
 * never includes this header. */
#ifndef ARM64_ARM64_H
#define ARM64_ARM64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define read_sysreg(reg) ({                                     \
    uint64_t value_;                                            \
    __asm__ volatile("mrs %0, " #reg : "=r"(value_));           \
    value_;                                                     \
})
#define write_sysreg(reg, value) \
    __asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(value)) : "memory")

#define isb()      __asm__ volatile("isb" : : : "memory")
#define dsb(opt)   __asm__ volatile("dsb " #opt : : : "memory")
#define dmb(opt)   __asm__ volatile("dmb " #opt : : : "memory")

/* Register access: mmio_read32 etc. from <plat/mmio.h>. */

/* What the vectors save on every exception (vectors.S knows the offsets). */
struct trap_frame {
    uint64_t x[31];
    uint64_t sp;
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
    uint64_t far;
    uint64_t orig_x0;           /* svc from EL0: x0 as it came in (restarts) */
    uint64_t reserved;          /* keeps the frame a multiple of 16 bytes */
};
#define TRAP_FRAME_SIZE 304

#define SPSR_EL1T 0x4UL         /* M[3:0]: EL1 on SP_EL0 (direct mode's processes) */
/* The ESR a direct-mode gate call's frame carries (vectors.S): an svc's
 * class with an immediate no svc of ours uses. */
#define ESR_DIRECT_CALL 0x5600d1ecUL
_Static_assert(sizeof(struct trap_frame) == TRAP_FRAME_SIZE, "trap frame layout");

/* ---- boot (boot.c, mmu.c, fdt.c) ---- */

/* Physical load address of the image, and the image's size (through _end). */
extern uint64_t arm64_image_pa;
extern uint64_t arm64_image_size;

/* Early, with the MMU off (called from head.S): builds the boot page tables. */
void arm64_early_mmu_setup(uint64_t image_pa, uint64_t dtb_pa);
/* TTBR0/TTBR1/TCR/MAIR values computed by arm64_early_mmu_setup. */
extern uint64_t arm64_boot_ttbr0, arm64_boot_ttbr1, arm64_boot_tcr;

/* With the MMU on (boot.c): the tables are read through virtual addresses. */
void arm64_mmu_boot_continue(void);
/* The C entry at the kernel's link address, from head.S. */
_Noreturn void arm64_boot_main(uint64_t dtb_pa);
/* Maps [pa, pa+size) into the direct map with the largest blocks that fit. */
int arm64_direct_map(uint64_t pa, uint64_t size);
/* Drops the boot identity map: TTBR0 walks are disabled (EPD0). */
void arm64_mmu_drop_identity(void);
/* Secondary CPUs (mmu.c, smp.c). */
uint64_t arm64_mmu_identity_create(void);
void arm64_mmu_identity_free(uint64_t root);
void arm64_mmu_secondary_regs(uint64_t *tcr, uint64_t *ttbr1);
void arm64_mmu_secondary_drop_identity(void);

/* Device tree facts (fdt.c). */
struct arm64_dt_info {
    uint64_t uart_pa, uart_size;
    unsigned uart_irq;          /* its SPI number, when has_uart_irq */
    bool has_uart_irq;
    int gic_version;            /* 2 or 3, 0 when none found */
    uint64_t gicd_pa, gicd_size;
    uint64_t gicc_pa, gicc_size;   /* GICv2 CPU interface */
    uint64_t gicr_pa, gicr_size;   /* GICv3 first redistributor region */
    unsigned timer_ppi;         /* EL1 virtual timer PPI (INTID - 16) */
    bool psci_is_smc;
    bool has_psci;
    unsigned cpus_count;
    uint64_t cpu_mpidr[16];     /* from /cpus reg, in DT order */
};
extern struct arm64_dt_info arm64_dt;
const void *arm64_fdt(void);
/* Parses everything boot needs; returns 0 or a negative errno. */
int arm64_fdt_parse(const void *fdt);
unsigned arm64_fdt_memory(uint64_t *bases, uint64_t *sizes, unsigned max);
struct mem_range;
unsigned arm64_fdt_reserved(struct mem_range *out, unsigned max);
const char *arm64_fdt_bootargs(void);
const char *arm64_fdt_machine(void);
/* Node lookups through the index arm64_fdt_parse builds (offsets as
 * libfdt's; -FDT_ERR_NOTFOUND when there is none): the next node after
 * after (-1: from the start) compatible with compatible, a node's parent,
 * its index-th "reg" pair in its parent's cell sizes (0 or -errno), and
 * whether its "status" lets it be used. */
int arm64_dt_next_compatible(int after, const char *compatible);
int arm64_dt_parent(int node);
int arm64_dt_reg(int node, int index, uint64_t *base, uint64_t *size);
bool arm64_dt_is_enabled(int node);

/* uspace.c */
extern uint64_t arm64_kernel_stack_top[];   /* per CPU, arch_set_kernel_stack */
void arm64_uspace_init_cpu(void);           /* PAN, EL0 controls; each CPU */
/* The fixup address for a faulting kernel pc at a user access, or 0. */
/* mmu.c: cleans the data cache and invalidates the instruction cache for
 * [va, va+size) of kernel addresses holding code for user pages. */
void arm64_sync_icache(uintptr_t va, size_t size);

/* smp.c: MPIDR of each CPU number (0 is the boot CPU). */
uint64_t arm64_cpu_mpidr(unsigned cpu);

/* ---- devices ---- */
void pl011_init(volatile uint8_t *base);
void gic_init(void);
void gic_init_cpu(void);             /* a secondary CPU's interface */
void gic_enable_ppi(unsigned ppi);
void gic_send_sgi(unsigned cpu, unsigned intid);
void gic_handle_irq(void);
void arm64_timer_init(void);
void arm64_timer_init_cpu(void);
void arm64_timer_irq(void);
unsigned arm64_timer_ppi(void);
/* True when the hlt-based semihosting call trapped (semihosting is off):
 * the sync handler skips the instruction. */
bool arm64_semihosting_trapped(struct trap_frame *tf);

/* GIC backends (gicv2.c, gicv3.c). SGIs used as IPIs: */
#define SGI_RESCHEDULE 0
#define SGI_CALL       1
struct gic_ops {
    void (*enable)(unsigned intid);
    void (*disable)(unsigned intid);
    unsigned (*ack)(void);
    void (*eoi)(unsigned intid);
    void (*init_cpu)(void);         /* a secondary's CPU interface, banked state */
    void (*send_sgi)(unsigned cpu, unsigned intid);
};
const struct gic_ops *gicv2_init(void);
const struct gic_ops *gicv3_init(void);

#endif
