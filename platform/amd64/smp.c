/* Secondary CPUs and inter-processor interrupts on amd64. CPUs are the
 * enabled local APICs of the ACPI MADT (the boot CPU is number 0). Each is
 * started with INIT-SIPI-SIPI at the real-mode trampoline of
 * ap_trampoline.S, copied to physical AP_TRAMPOLINE_PA (in the first MiB,
 * reserved from the page allocator) and mapped at its identity address in
 * the kernel's tables while a CPU starts. CPUs start one at a time. */
#include <stdint.h>
#include <string.h>
#include <abi/errno.h>
#include <kern/panic.h>
#include <plat/boot.h>
#include <plat/cpu.h>
#include <plat/context.h>
#include <plat/mmu.h>
#include <plat/smp.h>
#include <plat/timer.h>
#include "amd64.h"

#define AP_TRAMPOLINE_PA 0x8000UL
#define AP_PARAMS_OFFSET 0xf00

/* Read by ap_trampoline.S at AP_TRAMPOLINE_PA + AP_PARAMS_OFFSET. */
struct ap_params {
    uint64_t cr3, cr4, cr0, efer;
    uint64_t stack_top;
    uint64_t entry;             /* amd64_ap_main */
    uint64_t cpu;
};

#define ICR_FIXED      0x00000000u
#define ICR_INIT       0x00000500u
#define ICR_STARTUP    0x00000600u
#define ICR_ASSERT     0x00004000u

extern const char ap_trampoline_start[], ap_trampoline_end[];

static uint32_t cpu_apic_ids[PLAT_MAX_CPUS];
static unsigned cpus_possible = 1;
static unsigned cpus_online = 1;

/* Handed to the CPU being started. */
static struct cpu_tables *ap_tables;
static void (*ap_entry)(void);
static volatile unsigned ap_alive;

_Static_assert(__builtin_offsetof(struct amd64_percpu, current) == ARCH_PERCPU_CURRENT,
               "ARCH_PERCPU_CURRENT");
_Static_assert(__builtin_offsetof(struct amd64_percpu, cpu_id) == ARCH_PERCPU_CPU_ID,
               "ARCH_PERCPU_CPU_ID");

void arch_cpu_current_set(unsigned cpu, void *thread)
{
    __atomic_store_n(&amd64_percpu[cpu].current, thread, __ATOMIC_RELAXED);
}

/* From plat_init, once the MADT is read and the local APIC is up. */
void amd64_smp_init(void)
{
    uint32_t boot = lapic_id();
    unsigned n = 1;

    cpu_apic_ids[0] = boot;
    for (unsigned i = 0; i < acpi_info.cpu_count && n < PLAT_MAX_CPUS; i++)
        if (acpi_info.cpu_apic_ids[i] != boot)
            cpu_apic_ids[n++] = acpi_info.cpu_apic_ids[i];
    cpus_possible = n;
}

unsigned plat_cpus_possible(void)
{
    return cpus_possible;
}

unsigned plat_cpus_online(void)
{
    return cpus_online;
}

_Noreturn void amd64_ap_main(uint64_t cpu);
_Noreturn void amd64_ap_main(uint64_t cpu)
{
    cpu_init_secondary((unsigned)cpu, ap_tables);
    lapic_init_cpu();
    void (*entry)(void) = ap_entry;
    __atomic_store_n(&ap_alive, (unsigned)cpu, __ATOMIC_RELEASE);
    entry();
    arch_halt_forever();
}

static void delay_ns(uint64_t ns)
{
    uint64_t end = plat_time_ns() + ns;
    while (plat_time_ns() < end)
        arch_cpu_relax();
}

static bool wait_alive(unsigned cpu, uint64_t timeout_ns)
{
    uint64_t end = plat_time_ns() + timeout_ns;
    while (plat_time_ns() < end) {
        if (__atomic_load_n(&ap_alive, __ATOMIC_ACQUIRE) == cpu)
            return true;
        arch_cpu_relax();
    }
    return false;
}

int plat_cpu_start(unsigned cpu, void *stack_top, void (*entry)(void))
{
    if (cpu == 0 || cpu >= cpus_possible)
        return -ENODEV;
    struct cpu_tables *tables = amd64_cpu_tables_alloc();
    if (!tables)
        return -ENOMEM;
    size_t size = (size_t)(ap_trampoline_end - ap_trampoline_start);
    if (size > AP_PARAMS_OFFSET)
        panic("smp: trampoline of %zu bytes overlaps its parameters", size);

    memcpy(phys_to_virt(AP_TRAMPOLINE_PA), ap_trampoline_start, size);
    struct ap_params *params = phys_to_virt(AP_TRAMPOLINE_PA + AP_PARAMS_OFFSET);
    *params = (struct ap_params){
        .cr3 = read_cr3(),
        .cr4 = read_cr4(),
        .cr0 = read_cr0(),
        .efer = rdmsr(MSR_EFER) & ~(1UL << 10),     /* LMA is read-only */
        .stack_top = (uint64_t)(uintptr_t)stack_top,
        .entry = (uint64_t)(uintptr_t)amd64_ap_main,
        .cpu = cpu,
    };
    ap_tables = tables;
    ap_entry = entry;
    __atomic_store_n(&ap_alive, 0, __ATOMIC_RELEASE);

    struct arch_aspace *kernel = arch_mmu_kernel_space();
    int err = arch_mmu_map(kernel, AP_TRAMPOLINE_PA, AP_TRAMPOLINE_PA, PAGE_SIZE,
                           MMU_READ | MMU_WRITE | MMU_EXEC);
    if (err)
        return err;

    uint32_t apic = cpu_apic_ids[cpu];
    lapic_send_icr(apic, ICR_INIT | ICR_ASSERT);
    delay_ns(10 * 1000 * 1000);
    bool is_alive = false;
    for (int i = 0; i < 2 && !is_alive; i++) {
        lapic_send_icr(apic, ICR_STARTUP | ICR_ASSERT | (AP_TRAMPOLINE_PA >> 12));
        is_alive = wait_alive(cpu, i == 0 ? 200 * 1000 * 1000UL : 1000 * 1000 * 1000UL);
    }
    arch_mmu_unmap(kernel, AP_TRAMPOLINE_PA, PAGE_SIZE);
    if (!is_alive)
        return -ETIMEDOUT;
    cpus_online++;
    return 0;
}

void amd64_send_vector(unsigned cpu, unsigned vector)
{
    lapic_send_icr(cpu_apic_ids[cpu], ICR_FIXED | ICR_ASSERT | vector);
}

void arch_send_ipi(unsigned cpu, enum arch_ipi kind)
{
    uint32_t vector = kind == IPI_RESCHEDULE ? VECTOR_IPI_RESCHEDULE : VECTOR_IPI_CALL;
    lapic_send_icr(cpu_apic_ids[cpu], ICR_FIXED | ICR_ASSERT | vector);
}

void *arch_context_init(void *stack_top, void (*entry)(void *), void *arg)
{
    extern char amd64_thread_trampoline[];
    /* Popped by arch_context_switch: r15 r14 r13 r12 rbx rbp, then the
     * return address; the trampoline then calls entry with rsp 16-aligned. */
    uint64_t *sp = (uint64_t *)stack_top - 7;
    sp[0] = 0;                                  /* r15 */
    sp[1] = 0;                                  /* r14 */
    sp[2] = 0;                                  /* r13 */
    sp[3] = (uint64_t)(uintptr_t)arg;           /* r12 */
    sp[4] = (uint64_t)(uintptr_t)entry;         /* rbx */
    sp[5] = 0;                                  /* rbp */
    sp[6] = (uint64_t)(uintptr_t)amd64_thread_trampoline;
    return sp;
}
