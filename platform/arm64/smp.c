/* Secondary CPUs and inter-processor interrupts on arm64. CPUs are the
 * enabled /cpus nodes of the device tree (their "reg" is the MPIDR), the
 * boot CPU numbered 0. Each is started with PSCI CPU_ON (hvc or smc, as
 * /psci/method says) at head.S's secondary_entry, with an identity map of
 * the image in TTBR0 so it can turn its MMU on; CPUs start one at a time.
 * IPIs are SGIs 0 (reschedule) and 1 (call function). */
#include <stdint.h>
#include <abi/errno.h>
#include <kern/util.h>
#include <plat/boot.h>
#include <plat/context.h>
#include <plat/cpu.h>
#include <plat/mmu.h>
#include <plat/smp.h>
#include <plat/timer.h>
#include "arm64.h"

#define PSCI_CPU_ON_64 0xc4000003UL

/* Read by head.S's secondary_entry with the MMU off (offsets fixed). */
struct arm64_secondary_boot {
    uint64_t ttbr0, ttbr1, tcr;
    uint64_t stack_top;
    uint64_t entry;             /* arm64_secondary_main */
    uint64_t cpu;
};

static struct arm64_secondary_boot secondary_boot __attribute__((aligned(64)));
static uint64_t cpu_mpidr[PLAT_MAX_CPUS];
static unsigned cpus_possible;
static unsigned cpus_online = 1;
static void (*secondary_entry_fn)(void);
static volatile unsigned secondary_alive;

#define MPIDR_AFFINITY 0xff00ffffffUL

/* TPIDR_EL1 holds the CPU number, so the thread takes a second load
 * (include/plat/smp_arch.h). */
void *arm64_cpu_current[PLAT_MAX_CPUS];

void arch_cpu_current_set(unsigned cpu, void *thread)
{
    __atomic_store_n(&arm64_cpu_current[cpu], thread, __ATOMIC_RELAXED);
}

static void smp_discover(void)
{
    uint64_t self = read_sysreg(mpidr_el1) & MPIDR_AFFINITY;
    unsigned n = 1;

    cpu_mpidr[0] = self;
    unsigned listed = MIN(arm64_dt.cpus_count, ARRAY_SIZE(arm64_dt.cpu_mpidr));
    for (unsigned i = 0; i < listed && n < PLAT_MAX_CPUS; i++)
        if ((arm64_dt.cpu_mpidr[i] & MPIDR_AFFINITY) != self)
            cpu_mpidr[n++] = arm64_dt.cpu_mpidr[i] & MPIDR_AFFINITY;
    cpus_possible = arm64_dt.has_psci ? n : 1;
}

unsigned plat_cpus_possible(void)
{
    if (!cpus_possible)
        smp_discover();
    return cpus_possible;
}

unsigned plat_cpus_online(void)
{
    return cpus_online;
}

uint64_t arm64_cpu_mpidr(unsigned cpu)
{
    return cpu_mpidr[cpu];
}

static int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry_pa, uint64_t context)
{
    register uint64_t x0 __asm__("x0") = PSCI_CPU_ON_64;
    register uint64_t x1 __asm__("x1") = mpidr;
    register uint64_t x2 __asm__("x2") = entry_pa;
    register uint64_t x3 __asm__("x3") = context;

    if (arm64_dt.psci_is_smc)
        __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    else
        __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return (int64_t)x0;
}

_Noreturn void arm64_secondary_main(uint64_t cpu);
_Noreturn void arm64_secondary_main(uint64_t cpu)
{
    arm64_mmu_secondary_drop_identity();
    write_sysreg(tpidr_el1, cpu);
    arm64_uspace_init_cpu();
    gic_init_cpu();
    arm64_timer_init_cpu();
    void (*entry)(void) = secondary_entry_fn;
    __atomic_store_n(&secondary_alive, (unsigned)cpu, __ATOMIC_RELEASE);
    entry();
    arch_halt_forever();
}

/* Cleans [p, p+size) to the point of coherency: the secondary reads it with
 * its MMU and caches off. */
static void clean_dcache(const void *p, size_t size)
{
    uintptr_t line = 64, addr = ALIGN_DOWN((uintptr_t)p, line);
    for (; addr < (uintptr_t)p + size; addr += line)
        __asm__ volatile("dc civac, %0" : : "r"(addr) : "memory");
    dsb(sy);
}

int plat_cpu_start(unsigned cpu, void *stack_top, void (*entry)(void))
{
    extern char secondary_entry[];

    if (cpu == 0 || cpu >= plat_cpus_possible())
        return -ENODEV;
    uint64_t identity = arm64_mmu_identity_create();
    if (!identity)
        return -ENOMEM;

    struct arm64_secondary_boot *boot = &secondary_boot;
    boot->ttbr0 = identity;
    arm64_mmu_secondary_regs(&boot->tcr, &boot->ttbr1);
    boot->stack_top = (uint64_t)(uintptr_t)stack_top;
    boot->entry = (uint64_t)(uintptr_t)arm64_secondary_main;
    boot->cpu = cpu;
    secondary_entry_fn = entry;
    __atomic_store_n(&secondary_alive, 0, __ATOMIC_RELEASE);
    clean_dcache(boot, sizeof(*boot));

    int err = 0;
    int64_t rc = psci_cpu_on(cpu_mpidr[cpu], arch_virt_to_phys(secondary_entry),
                             arch_virt_to_phys(boot));
    if (rc != 0) {
        err = -ENODEV;
    } else {
        uint64_t give_up = plat_time_ns() + 1000 * 1000 * 1000UL;
        while (__atomic_load_n(&secondary_alive, __ATOMIC_ACQUIRE) != cpu) {
            if (plat_time_ns() > give_up) {
                err = -ETIMEDOUT;
                break;
            }
            arch_cpu_relax();
        }
    }
    /* A CPU that timed out may still use the tables: keep them then. */
    if (err != -ETIMEDOUT)
        arm64_mmu_identity_free(identity);
    if (!err)
        cpus_online++;
    return err;
}

void arch_send_ipi(unsigned cpu, enum arch_ipi kind)
{
    gic_send_sgi(cpu, kind == IPI_RESCHEDULE ? SGI_RESCHEDULE : SGI_CALL);
}

void *arch_context_init(void *stack_top, void (*entry)(void *), void *arg)
{
    extern char arm64_thread_trampoline[];
    /* Popped by arch_context_switch: x19..x28, x29, x30. */
    uint64_t *sp = (uint64_t *)stack_top - 12;
    for (int i = 0; i < 12; i++)
        sp[i] = 0;
    sp[0] = (uint64_t)(uintptr_t)entry;                     /* x19 */
    sp[1] = (uint64_t)(uintptr_t)arg;                       /* x20 */
    sp[11] = (uint64_t)(uintptr_t)arm64_thread_trampoline;  /* x30 */
    return sp;
}
