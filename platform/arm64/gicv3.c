/* GICv3 (arm,gic-v3): the distributor (affinity routing), this CPU's
 * redistributor found by its affinity, and the ICC_* system-register CPU
 * interface. Interrupts are non-secure group 1. */
#include <kern/panic.h>
#include <plat/mmio.h>
#include <plat/mmu.h>
#include <plat/smp.h>
#include "arm64.h"

#define GICD_CTLR           0x0000
#define GICD_TYPER          0x0004
#define GICD_IGROUPR(n)     (0x0080 + 4 * (n))
#define GICD_ISENABLER(n)   (0x0100 + 4 * (n))
#define GICD_ICENABLER(n)   (0x0180 + 4 * (n))
#define GICD_ICPENDR(n)     (0x0280 + 4 * (n))
#define GICD_IPRIORITYR(n)  (0x0400 + 4 * (n))
#define GICD_ICFGR(n)       (0x0c00 + 4 * (n))
#define GICD_IROUTER(n)     (0x6000 + 8 * (n))
#define GICD_CTLR_RWP       (1u << 31)
#define GICD_CTLR_ENABLE    ((1u << 4) | (1u << 1) | (1u << 0))   /* ARE, Grp1, Grp0/1A */

#define GICR_CTLR           0x0000
#define GICR_TYPER          0x0008
#define GICR_WAKER          0x0014
#define GICR_CTLR_RWP       (1u << 3)
#define GICR_TYPER_VLPIS    (1u << 1)
#define GICR_TYPER_LAST     (1u << 4)
#define GICR_WAKER_SLEEP    (1u << 1)
#define GICR_WAKER_ASLEEP   (1u << 2)
#define GICR_SGI_BASE       0x10000
#define GICR_IGROUPR0       (GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0     (GICR_SGI_BASE + 0x0100)
#define GICR_ICENABLER0     (GICR_SGI_BASE + 0x0180)
#define GICR_ICPENDR0       (GICR_SGI_BASE + 0x0280)
#define GICR_IPRIORITYR(n)  (GICR_SGI_BASE + 0x0400 + 4 * (n))

#define ICC_PMR_EL1         S3_0_C4_C6_0
#define ICC_IAR1_EL1        S3_0_C12_C12_0
#define ICC_EOIR1_EL1       S3_0_C12_C12_1
#define ICC_BPR1_EL1        S3_0_C12_C12_3
#define ICC_CTLR_EL1        S3_0_C12_C12_4
#define ICC_SRE_EL1         S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1     S3_0_C12_C12_7

#define PRIORITY_DEFAULT    0xa0a0a0a0u
#define SPIN_LIMIT          10000000

#define ICC_SGI1R_EL1       S3_0_C12_C11_5

static volatile uint8_t *gicd;
static volatile uint8_t *gicrs[PLAT_MAX_CPUS];     /* each CPU's redistributor */
#define gicr (gicrs[arch_cpu_id()])

static void wait_rwp(volatile uint8_t *reg, uint32_t bit)
{
    for (int i = 0; i < SPIN_LIMIT; i++)
        if (!(mmio_read32(reg) & bit))
            return;
    panic("gicv3: register write did not complete");
}

static void gicv3_enable(unsigned intid)
{
    if (intid < 32) {
        mmio_write32(gicr + GICR_ISENABLER0, 1u << intid);
        wait_rwp(gicr + GICR_CTLR, GICR_CTLR_RWP);
    } else {
        mmio_write32(gicd + GICD_ISENABLER(intid / 32), 1u << (intid % 32));
    }
}

static void gicv3_disable(unsigned intid)
{
    if (intid < 32) {
        mmio_write32(gicr + GICR_ICENABLER0, 1u << intid);
        wait_rwp(gicr + GICR_CTLR, GICR_CTLR_RWP);
    } else {
        mmio_write32(gicd + GICD_ICENABLER(intid / 32), 1u << (intid % 32));
        wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);
    }
}

static unsigned gicv3_ack(void)
{
    unsigned intid = read_sysreg(ICC_IAR1_EL1) & 0xffffff;
    dsb(sy);
    return intid;
}

static void gicv3_eoi(unsigned intid)
{
    write_sysreg(ICC_EOIR1_EL1, intid);
    isb();
}

/* Affinity routing: the target's Aff3.Aff2.Aff1 and a bit for its Aff0. */
static void gicv3_send_sgi(unsigned cpu, unsigned intid)
{
    uint64_t mpidr = arm64_cpu_mpidr(cpu);
    uint64_t value = ((mpidr >> 32) & 0xff) << 48 | ((mpidr >> 16) & 0xff) << 32 |
                     ((mpidr >> 8) & 0xff) << 16 | (1UL << (mpidr & 0xf)) |
                     (uint64_t)intid << 24;
    dsb(ishst);
    write_sysreg(ICC_SGI1R_EL1, value);
    isb();
}

static void gicv3_init_cpu(void);

static const struct gic_ops gicv3_ops = {
    .enable = gicv3_enable,
    .disable = gicv3_disable,
    .ack = gicv3_ack,
    .eoi = gicv3_eoi,
    .init_cpu = gicv3_init_cpu,
    .send_sgi = gicv3_send_sgi,
};

/* Walks the redistributor frames for the one whose affinity is ours. Each
 * frame is mapped on its own, so only what is used stays mapped. */
static volatile uint8_t *find_redistributor(void)
{
    uint64_t mpidr = read_sysreg(mpidr_el1);
    uint32_t affinity = (uint32_t)((mpidr & 0xffffff) | (((mpidr >> 32) & 0xff) << 24));
    uint64_t offset = 0;

    while (offset < arm64_dt.gicr_size) {
        volatile uint8_t *frame = arch_ioremap(arm64_dt.gicr_pa + offset, 0x20000);
        if (!frame)
            return 0;
        uint64_t typer = mmio_read64(frame + GICR_TYPER);
        if ((uint32_t)(typer >> 32) == affinity)
            return frame;
        if (typer & GICR_TYPER_LAST)
            return 0;
        offset += (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
    }
    return 0;
}

const struct gic_ops *gicv3_init(void)
{
    gicd = arch_ioremap(arm64_dt.gicd_pa, arm64_dt.gicd_size);
    if (!gicd)
        panic("gicv3: cannot map the distributor");

    /* Distributor: SPIs in group 1, level, default priority, routed here. */
    mmio_write32(gicd + GICD_CTLR, 0);
    wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);
    unsigned lines = 32 * ((mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1);
    if (lines > 1020)
        lines = 1020;
    uint64_t route = read_sysreg(mpidr_el1) & 0xff00ffffffUL;
    for (unsigned i = 32; i < lines; i += 32) {
        mmio_write32(gicd + GICD_ICENABLER(i / 32), 0xffffffffu);
        mmio_write32(gicd + GICD_ICPENDR(i / 32), 0xffffffffu);
        mmio_write32(gicd + GICD_IGROUPR(i / 32), 0xffffffffu);
    }
    for (unsigned i = 32; i < lines; i += 16)
        mmio_write32(gicd + GICD_ICFGR(i / 16), 0);
    for (unsigned i = 32; i < lines; i += 4)
        mmio_write32(gicd + GICD_IPRIORITYR(i / 4), PRIORITY_DEFAULT);
    for (unsigned i = 32; i < lines; i++)
        mmio_write64(gicd + GICD_IROUTER(i), route);
    wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);
    mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ENABLE);
    wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);

    gicv3_init_cpu();
    return &gicv3_ops;
}

/* This CPU's redistributor and CPU interface. */
static void gicv3_init_cpu(void)
{
    gicr = find_redistributor();
    if (!gicr)
        panic("gicv3: no redistributor for this CPU");
    /* Redistributor: wake it, SGIs and PPIs in group 1, all disabled but
     * the IPIs. */
    mmio_write32(gicr + GICR_WAKER, mmio_read32(gicr + GICR_WAKER) & ~GICR_WAKER_SLEEP);
    for (int i = 0; i < SPIN_LIMIT && (mmio_read32(gicr + GICR_WAKER) & GICR_WAKER_ASLEEP); i++)
        ;
    mmio_write32(gicr + GICR_ICENABLER0, 0xffffffffu);
    wait_rwp(gicr + GICR_CTLR, GICR_CTLR_RWP);
    mmio_write32(gicr + GICR_ICPENDR0, 0xffffffffu);
    mmio_write32(gicr + GICR_IGROUPR0, 0xffffffffu);
    for (unsigned i = 0; i < 32; i += 4)
        mmio_write32(gicr + GICR_IPRIORITYR(i / 4), PRIORITY_DEFAULT);
    mmio_write32(gicr + GICR_ISENABLER0, (1u << SGI_RESCHEDULE) | (1u << SGI_CALL));
    wait_rwp(gicr + GICR_CTLR, GICR_CTLR_RWP);

    /* CPU interface through system registers. */
    write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | 1);
    isb();
    if (!(read_sysreg(ICC_SRE_EL1) & 1))
        panic("gicv3: system register interface disabled by a higher EL");
    write_sysreg(ICC_PMR_EL1, 0xf0);
    write_sysreg(ICC_BPR1_EL1, 0);
    write_sysreg(ICC_CTLR_EL1, 0);      /* EOImode 0: EOI also deactivates */
    write_sysreg(ICC_IGRPEN1_EL1, 1);
    isb();
}
