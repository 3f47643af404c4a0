/* Time. plat_time_ns is the TSC scaled to nanoseconds; the one-shot timer is
 * the local APIC timer (divide by 16). Both are calibrated against the 8254
 * PIT's channel 0, read by polling with latch commands: it is the one
 * reference clock both q35 and microvm have (microvm has no HPET and, being
 * hardware-reduced ACPI, no PM timer; channel 2 would need port 0x61, which
 * microvm lacks). The PIT's output stays masked at the 8259 and I/O APIC.
 * Conversions multiply by a 32.32 fixed-point factor in 128 bits (inlined
 * by GCC; no 128-bit division, which would call libgcc). */
#include <stdint.h>
#include <kern/panic.h>
#include <plat/cpu.h>
#include <plat/smp.h>
#include <plat/timer.h>
#include "amd64.h"

#define NSEC_PER_SEC 1000000000UL
#define PIT_HZ 1193182UL
#define PIT_CHANNEL0 0x40
#define PIT_COMMAND  0x43
#define PIT_RELOAD   0xffffu
/* Short windows: they were most of a boot (3 x 10 ms + 3 x 5 ms of the
 * hello image's 131 ms on microvm; now 2 x 2 ms + 2 x 1 ms, see agreed). Reading the PIT takes a few
 * microseconds under TCG, so 2 ms still measures the TSC within 0.3%;
 * the local APIC timer is measured against the TSC, read without exits. */
#define CALIBRATION_PIT_TICKS (PIT_HZ / 500)    /* 2 ms */
#define CALIBRATION_LAPIC_NS  (1000 * 1000UL)   /* 1 ms */

static uint64_t tsc_hz;
static uint64_t tsc_base;
static uint64_t tsc_ns_mult;        /* ns = ticks * mult >> 32 */
static uint64_t lapic_hz;
static uint64_t lapic_ticks_mult;   /* lapic ticks = ns * mult >> 32 */

/* Each CPU's one-shot deadline; touched with interrupts off only, by the
 * CPU itself. */
static uint64_t armed_deadline_ns[PLAT_MAX_CPUS];
static bool is_armed[PLAT_MAX_CPUS];

static uint16_t pit_read(void)
{
    outb(PIT_COMMAND, 0x00);                /* latch channel 0 */
    uint8_t lo = inb(PIT_CHANNEL0);
    uint8_t hi = inb(PIT_CHANNEL0);
    return (uint16_t)(hi << 8 | lo);
}

/* Measures the TSC ticks over CALIBRATION_PIT_TICKS of the PIT; 0 when the
 * PIT does not count. */
static uint64_t measure_tsc_hz(void)
{
    outb(PIT_COMMAND, 0x34);                /* channel 0, lo/hi, mode 2, binary */
    outb(PIT_CHANNEL0, PIT_RELOAD & 0xff);
    outb(PIT_CHANNEL0, PIT_RELOAD >> 8);

    uint16_t previous = pit_read();
    uint64_t tsc_start = rdtsc_ordered();
    uint64_t pit_elapsed = 0, tsc_end = tsc_start;
    unsigned idle_reads = 0;

    while (pit_elapsed < CALIBRATION_PIT_TICKS) {
        uint16_t now = pit_read();
        tsc_end = rdtsc_ordered();
        /* Mode 2 counts PIT_RELOAD..1 and reloads. */
        uint32_t delta = now <= previous ? (uint32_t)(previous - now)
                                         : (uint32_t)previous + (PIT_RELOAD - now);
        if (delta == 0 && ++idle_reads > 10000000)
            return 0;
        pit_elapsed += delta;
        previous = now;
    }
    /* Stop channel 0: mode 0 with a count of 1 fires once, then idles. */
    outb(PIT_COMMAND, 0x30);
    outb(PIT_CHANNEL0, 1);
    outb(PIT_CHANNEL0, 0);
    return (tsc_end - tsc_start) * PIT_HZ / pit_elapsed;
}

/* CPUID leaf 0x15 (TSC/crystal ratio) or 0x16 (base MHz), for machines
 * without a PIT. */
static uint64_t cpuid_tsc_hz(void)
{
    uint32_t max, b, c, d, a;

    cpuid(0, 0, &max, &b, &c, &d);
    if (max >= 0x15) {
        cpuid(0x15, 0, &a, &b, &c, &d);
        if (a && b && c)
            return (uint64_t)c * b / a;
    }
    if (max >= 0x16) {
        cpuid(0x16, 0, &a, &b, &c, &d);
        if (a)
            return (uint64_t)(a & 0xffff) * 1000000;
    }
    return 0;
}

/* A calibration is measured twice, and a third time when the two differ
 * by more than 1/256: the host may deschedule QEMU in the middle of one
 * (the tests boot several guests on two host CPUs), and a pause longer
 * than a PIT period (55 ms) would make the polled count wrap unseen. Two
 * that agree give their mean, else the median of three counts. */
static uint64_t median3(uint64_t a, uint64_t b, uint64_t c)
{
    if (a > b) {
        uint64_t t = a;
        a = b;
        b = t;
    }
    /* now a <= b */
    return c <= a ? a : c >= b ? b : c;
}

static uint64_t agreed(uint64_t first, uint64_t (*measure)(void))
{
    uint64_t second = measure();
    uint64_t diff = first > second ? first - second : second - first;
    if (diff <= (first > second ? first : second) / 256)
        return first / 2 + second / 2;
    return median3(first, second, measure());
}

void tsc_calibrate(void)
{
    uint64_t first = measure_tsc_hz();
    tsc_hz = first ? agreed(first, measure_tsc_hz) : 0;
    if (!tsc_hz)
        tsc_hz = cpuid_tsc_hz();
    if (!tsc_hz)
        panic("timer: no PIT and no CPUID TSC frequency");
    tsc_ns_mult = (NSEC_PER_SEC << 32) / tsc_hz;
    tsc_base = rdtsc_ordered();
}

uint64_t plat_time_ns(void)
{
    uint64_t ticks = rdtsc_ordered() - tsc_base;
    return (uint64_t)(((unsigned __int128)ticks * tsc_ns_mult) >> 32);
}

static uint64_t measure_lapic_hz(void)
{
    lapic_timer_start_masked(0xffffffffu);
    uint64_t start = plat_time_ns();
    while (plat_time_ns() - start < CALIBRATION_LAPIC_NS)
        arch_cpu_relax();
    uint32_t remaining = lapic_timer_current();
    uint64_t elapsed_ns = plat_time_ns() - start;
    lapic_timer_stop();

    uint64_t ticks = 0xffffffffu - remaining;
    return ticks * NSEC_PER_SEC / elapsed_ns;
}

void lapic_timer_calibrate(void)
{
    lapic_hz = agreed(measure_lapic_hz(), measure_lapic_hz);
    if (!lapic_hz || lapic_hz >= (1UL << 32))
        panic("timer: local APIC timer runs at %lu Hz", (unsigned long)lapic_hz);
    lapic_ticks_mult = (lapic_hz << 32) / NSEC_PER_SEC;
}

static void timer_program(uint64_t deadline_ns)
{
    uint64_t now = plat_time_ns();
    uint64_t ticks = 1;

    if (deadline_ns > now) {
        ticks = (uint64_t)(((unsigned __int128)(deadline_ns - now) * lapic_ticks_mult) >> 32) + 1;
        if (ticks > 0xffffffffu)
            ticks = 0xffffffffu;    /* fires early; the handler re-arms */
    }
    lapic_timer_oneshot((uint32_t)ticks);
}

void plat_timer_arm(uint64_t deadline_ns)
{
    unsigned long flags = arch_irq_save();
    armed_deadline_ns[arch_cpu_id()] = deadline_ns;
    is_armed[arch_cpu_id()] = true;
    timer_program(deadline_ns);
    arch_irq_restore(flags);
}

void plat_timer_disarm(void)
{
    unsigned long flags = arch_irq_save();
    is_armed[arch_cpu_id()] = false;
    lapic_timer_stop();
    arch_irq_restore(flags);
}

/* Interrupt context. The EOI goes first: timer_interrupt may switch threads
 * later on, and the local APIC timer is edge-triggered. */
void timer_handle_interrupt(void)
{
    unsigned cpu = arch_cpu_id();

    lapic_eoi();
    if (!is_armed[cpu])
        return;
    if (plat_time_ns() < armed_deadline_ns[cpu]) {
        timer_program(armed_deadline_ns[cpu]);  /* the two clocks disagree slightly */
        return;
    }
    is_armed[cpu] = false;
    timer_interrupt();
}

uint64_t timer_tsc_hz(void)
{
    return tsc_hz;
}

uint64_t timer_lapic_hz(void)
{
    return lapic_hz;
}
