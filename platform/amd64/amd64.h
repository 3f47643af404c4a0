/* Private to platform/amd64: CPU instruction wrappers (port I/O, MSRs, control
 * registers, CPUID) and the functions the files of this folder call in one
 * another. Nothing outside platform/amd64 includes this header. */
#ifndef AMD64_H
#define AMD64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- instructions ---- */

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *a, uint32_t *b,
                         uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                     : "a"(leaf), "c"(subleaf));
}

#define DEFINE_CR(n)                                                       \
    static inline uint64_t read_cr##n(void)                                \
    {                                                                      \
        uint64_t v;                                                        \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                  \
        return v;                                                          \
    }                                                                      \
    static inline void write_cr##n(uint64_t v)                             \
    {                                                                      \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");         \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline void invlpg(uintptr_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* TSC read ordered after earlier loads (lfence is dispatch-serialising on
 * both vendors once the OS says so; QEMU TCG executes in order anyway). */
static inline uint64_t rdtsc_ordered(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

#define CR0_MP  (1UL << 1)
#define CR0_EM  (1UL << 2)
#define CR0_WP  (1UL << 16)
#define CR4_PGE (1UL << 7)
#define CR4_OSFXSR (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define CR4_UMIP (1UL << 11)
#define CR4_SMEP (1UL << 20)
#define CR4_SMAP (1UL << 21)

#define MSR_APIC_BASE 0x1b
#define MSR_EFER      0xc0000080
#define MSR_FS_BASE   0xc0000100
#define MSR_GS_BASE   0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_STAR      0xc0000081
#define MSR_LSTAR     0xc0000082
#define MSR_FMASK     0xc0000084
#define EFER_SCE      (1UL << 0)
#define EFER_NXE      (1UL << 11)

#define RFLAGS_IF     (1UL << 9)
#define RFLAGS_AC     (1UL << 18)

/* ---- GDT selectors (cpu.c). The order suits syscall/sysret: STAR's sysret
 * base is GDT_USER_CODE32, so user SS = base + 8 and user CS = base + 16. ---- */
#define GDT_KERNEL_CODE  0x08
#define GDT_KERNEL_DATA  0x10
#define GDT_USER_CODE32  0x18
#define GDT_USER_DATA    0x20
#define GDT_USER_CODE    0x28
#define GDT_TSS          0x30

/* IST slots of the TSS (1-based, as the IDT encodes them). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI          2
#define IST_MACHINE_CHECK 3
#define IST_DIRECT 4            /* direct mode: every other vector (vectors.S) */
#define IST_COUNT 4

/* ---- interrupt vectors ---- */
#define VECTOR_PIC_BASE     0x20    /* the masked 8259s, remapped out of the way */
#define VECTOR_DEVICE_FIRST 0x30    /* plat_irq_attach allocates from here */
#define VECTOR_DEVICE_LAST  0xdf
#define VECTOR_TIMER        0xf0
#define VECTOR_IPI_RESCHEDULE 0xf1
#define VECTOR_IPI_CALL     0xf2
#define VECTOR_TLB_SHOOTDOWN 0xf3
/* Not a hardware vector: marks a frame built by the syscall entry, whose
 * error_code slot holds the syscall number as it came in (for restarts). */
#define VECTOR_SYSCALL      0x100
#define VECTOR_DIRECT_CALL  0x101   /* direct mode's gate call (vectors.S) */
#define VECTOR_SPURIOUS     0xff

/* ---- the register frame every vector saves (vectors.S builds it) ---- */
struct trap_frame {
    uint64_t cr2;               /* page faults only; 0 otherwise */
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};

/* ---- cross-file functions ---- */

/* serial.c */
void serial_init(void);

/* cpu.c */
#include <plat/smp.h>
/* What the GS base points at on each CPU. arch_cpu_id reads %gs:8. */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];            /* rsp[0]: the stack for entries from ring 3 */
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));
struct amd64_percpu {
    struct amd64_percpu *self;
    uint64_t cpu_id;
    uint64_t kernel_stack_top;  /* %gs:16: the syscall entry's stack */
    uint64_t user_rsp;          /* %gs:24: scratch for the syscall entry */
    struct tss *tss;            /* RSP0 for entries from ring 3 */
    uint64_t tlb_flush_request; /* shootdown requests (uspace.c) */
    uint64_t tlb_flush_done;
    void *current;              /* %gs:56: arch_cpu_current */
};
#define PERCPU_KERNEL_STACK 16
#define PERCPU_USER_RSP     24
static inline struct amd64_percpu *this_percpu(void)
{
    struct amd64_percpu *p;
    __asm__ volatile("movq %%gs:0, %0" : "=r"(p));
    return p;
}
extern struct amd64_percpu amd64_percpu[PLAT_MAX_CPUS];
struct cpu_tables;
void cpu_init(void);                 /* GDT, TSS, IDT, SSE, SMEP */
bool cpu_has_nx(void);
bool cpu_has_smap(void);
extern uint8_t amd64_has_smap;      /* read by the entry stubs (clac) */
uint32_t cpu_mxcsr_mask(void);
struct cpu_tables *amd64_cpu_tables_alloc(void);
void cpu_init_secondary(unsigned cpu, struct cpu_tables *tables);

/* idt.c */
void idt_init(void);
void idt_load(void);

/* trap.c: the C side of vectors.S */
void amd64_trap(struct trap_frame *tf);
void amd64_syscall(struct trap_frame *tf);
/* uaccess: the fixup address for a faulting kernel pc, or 0 */
/* uspace.c */
void amd64_tlb_shootdown_interrupt(void);
void uspace_init_cpu(void);          /* syscall MSRs, per CPU */
/* vectors.S: restores tf (a user frame) and returns to ring 3 */
_Noreturn void amd64_user_exit(struct trap_frame *tf);

/* boot.c */
uint64_t boot_rsdp(void);            /* from the start info; 0 if none */

/* memmap.c */
void memmap_add(uint64_t base, uint64_t size, uint32_t type);
bool memmap_load_fw_cfg(void);
/* Iterates the firmware's RAM ranges (unaligned, unsorted): returns false
 * past the end. */
bool memmap_ram_range(unsigned index, uint64_t *base, uint64_t *size);

/* mmu.c */
void mmu_init(void);                 /* final page tables; switches CR3 */
/* mmu_use_page_allocator and mmu_map_phys: platform/common/pagetable.h */

/* pci.c */
uint32_t pci_config_read32(unsigned bus, unsigned dev, unsigned fn, unsigned offset);

/* acpi.c */
#define ACPI_MAX_CPUS    64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
struct acpi_ioapic {
    uint8_t id;
    uint32_t address;
    uint32_t gsi_base;
};
struct acpi_override {          /* an ISA IRQ wired to another GSI or polarity */
    uint8_t isa_irq;
    uint32_t gsi;
    uint16_t flags;             /* MPS INTI flags: polarity bits 0-1, trigger 2-3 */
};
struct acpi_info {
    bool found;
    uint64_t lapic_address;
    unsigned cpu_count;
    uint32_t cpu_apic_ids[ACPI_MAX_CPUS];
    unsigned ioapic_count;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    unsigned override_count;
    struct acpi_override overrides[ACPI_MAX_OVERRIDES];
    /* FADT */
    uint16_t pm_timer_port;     /* 0 when absent (hardware-reduced ACPI) */
    bool pm_timer_32bit;
    uint16_t pm1a_cnt_port;
    /* Hardware-reduced ACPI (microvm): the sleep control register. */
    uint16_t sleep_control_port;
    volatile uint8_t *sleep_control;
    bool has_s5;
    uint8_t s5_slp_typ;
    /* FADT reset register (both 0/NULL: none), and the value to write. */
    uint16_t reset_port;
    volatile uint8_t *reset_mmio;
    uint8_t reset_value;
};
extern struct acpi_info acpi_info;
void acpi_init(void);

/* apic.c */
void pic_disable(void);
void lapic_init(void);
void lapic_init_cpu(void);           /* this CPU's local APIC registers */
void lapic_eoi(void);
uint32_t lapic_id(void);
/* Writes the interrupt command register: delivery mode/vector in low, the
 * destination APIC ID; waits for the previous command to be sent. */
void lapic_send_icr(uint32_t apic_id, uint32_t low);
void lapic_timer_oneshot(uint32_t ticks);
void lapic_timer_start_masked(uint32_t ticks);
void lapic_timer_stop(void);
uint32_t lapic_timer_current(void);
void ioapic_init(void);
void irq_dispatch(unsigned vector);

/* smp.c */
void amd64_smp_init(void);
void amd64_send_vector(unsigned cpu, unsigned vector);

/* timer.c */
void tsc_calibrate(void);
void lapic_timer_calibrate(void);
void timer_handle_interrupt(void);
uint64_t timer_tsc_hz(void);
uint64_t timer_lapic_hz(void);

#endif
