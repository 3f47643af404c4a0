/* The generic timer: plat_time_ns from the virtual counter (CNTVCT_EL0 at
 * CNTFRQ_EL0 Hz) and the one-shot deadline on the EL1 virtual timer
 * (CNTV_CVAL/CTL, its PPI from the device tree's /timer node).
 * Conversions are fixed point: ns = ticks * ns_mult >> SHIFT and
 * ticks = ns * tick_mult >> SHIFT, with 128-bit products. */
#include <kern/panic.h>
#include <plat/timer.h>
#include "arm64.h"

#define SHIFT           32
#define CTL_ENABLE      (1u << 0)
#define CTL_IMASK       (1u << 1)
#define NSEC_PER_SEC    1000000000UL

static uint64_t boot_ticks;     /* counter value at plat_time_ns() == 0 */
static uint64_t ns_mult, tick_mult;
static unsigned timer_ppi;

/* floor((a << SHIFT) / b) without libgcc's 128-bit division. */
static uint64_t shifted_div(uint64_t a, uint64_t b)
{
    unsigned __int128 numerator = (unsigned __int128)a << SHIFT;
    unsigned __int128 remainder = 0;
    uint64_t quotient = 0;
    for (int bit = 127; bit >= 0; bit--) {
        remainder = (remainder << 1) | ((numerator >> bit) & 1);
        if (remainder >= b) {
            remainder -= b;
            if (bit < 64)
                quotient |= 1UL << bit;
        }
    }
    return quotient;
}

static inline uint64_t read_counter(void)
{
    isb();      /* not before the instructions preceding this read */
    return read_sysreg(cntvct_el0);
}

static void timer_calibrate(void)
{
    if (ns_mult)
        return;
    uint64_t freq = read_sysreg(cntfrq_el0) & 0xffffffff;
    if (!freq)
        freq = 62500000;        /* QEMU's default; CNTFRQ should be set */
    ns_mult = shifted_div(NSEC_PER_SEC, freq);
    tick_mult = shifted_div(freq, NSEC_PER_SEC);
    boot_ticks = read_counter();
}

uint64_t plat_time_ns(void)
{
    timer_calibrate();
    uint64_t ticks = read_counter() - boot_ticks;
    return (uint64_t)(((unsigned __int128)ticks * ns_mult) >> SHIFT);
}

void plat_timer_arm(uint64_t deadline_ns)
{
    timer_calibrate();
    unsigned __int128 target = (((unsigned __int128)deadline_ns * tick_mult) >> SHIFT) +
                               boot_ticks;
    uint64_t cval = target > UINT64_MAX ? UINT64_MAX : (uint64_t)target;
    write_sysreg(cntv_cval_el0, cval);
    write_sysreg(cntv_ctl_el0, CTL_ENABLE);
    isb();
}

void plat_timer_disarm(void)
{
    write_sysreg(cntv_ctl_el0, 0);
    isb();
}

unsigned arm64_timer_ppi(void)
{
    return timer_ppi;
}

/* Interrupt context: the line is level-triggered, so silence the timer
 * before the handler (which may re-arm it) and before the EOI. */
void arm64_timer_irq(void)
{
    write_sysreg(cntv_ctl_el0, CTL_IMASK);
    isb();
    timer_interrupt();
}

void arm64_timer_init(void)
{
    timer_calibrate();
    timer_ppi = arm64_dt.timer_ppi;
    arm64_timer_init_cpu();
}

/* Each CPU has its own virtual timer and its own (banked) PPI enable. */
void arm64_timer_init_cpu(void)
{
    write_sysreg(cntv_ctl_el0, 0);
    isb();
    gic_enable_ppi(timer_ppi);
}
