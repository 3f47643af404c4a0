/* GICv2 (arm,cortex-a15-gic, arm,gic-400): distributor and CPU interface,
 * both memory mapped. Every interrupt stays in group 0, which the CPU
 * interface signals as IRQ (QEMU's virt GIC has no security extensions
 * when EL3 is absent). */
#include <kern/panic.h>
#include <plat/mmio.h>
#include <plat/mmu.h>
#include <plat/smp.h>
#include "arm64.h"

#define GICD_CTLR           0x000
#define GICD_TYPER          0x004
#define GICD_ISENABLER(n)   (0x100 + 4 * (n))
#define GICD_ICENABLER(n)   (0x180 + 4 * (n))
#define GICD_ICPENDR(n)     (0x280 + 4 * (n))
#define GICD_IPRIORITYR(n)  (0x400 + 4 * (n))
#define GICD_ITARGETSR(n)   (0x800 + 4 * (n))
#define GICD_ICFGR(n)       (0xc00 + 4 * (n))

#define GICC_CTLR           0x00
#define GICC_PMR            0x04
#define GICC_BPR            0x08
#define GICC_IAR            0x0c
#define GICC_EOIR           0x10

#define PRIORITY_DEFAULT    0xa0a0a0a0u

#define GICD_SGIR           0xf00

static volatile uint8_t *gicd, *gicc;
/* Per CPU number: its CPU-interface mask (GICD_ITARGETSR0's banked byte)
 * and the raw IAR of the interrupt being handled (an SGI's EOI must name
 * the source CPU too). */
static uint8_t cpu_masks[PLAT_MAX_CPUS];
static uint32_t current_iar[PLAT_MAX_CPUS];

static void gicv2_enable(unsigned intid)
{
    mmio_write32(gicd + GICD_ISENABLER(intid / 32), 1u << (intid % 32));
}

static void gicv2_disable(unsigned intid)
{
    mmio_write32(gicd + GICD_ICENABLER(intid / 32), 1u << (intid % 32));
}

static unsigned gicv2_ack(void)
{
    uint32_t iar = mmio_read32(gicc + GICC_IAR);
    current_iar[arch_cpu_id()] = iar;
    return iar & 0x3ff;
}

static void gicv2_eoi(unsigned intid)
{
    uint32_t iar = current_iar[arch_cpu_id()];
    mmio_write32(gicc + GICC_EOIR, (iar & 0x3ff) == intid ? iar : intid);
}

/* Banked distributor state (SGIs/PPIs 0-31) and the CPU interface. */
static void gicv2_init_cpu(void)
{
    uint32_t mask = mmio_read32(gicd + GICD_ITARGETSR(0)) & 0xff;
    cpu_masks[arch_cpu_id()] = (uint8_t)(mask ? mask : 1u << arch_cpu_id());
    for (unsigned i = 0; i < 32; i += 4)
        mmio_write32(gicd + GICD_IPRIORITYR(i / 4), PRIORITY_DEFAULT);
    mmio_write32(gicd + GICD_ISENABLER(0), (1u << SGI_RESCHEDULE) | (1u << SGI_CALL));
    mmio_write32(gicc + GICC_PMR, 0xf0);
    mmio_write32(gicc + GICC_BPR, 0);
    mmio_write32(gicc + GICC_CTLR, 1);
}

static void gicv2_send_sgi(unsigned cpu, unsigned intid)
{
    dsb(ishst);     /* what the target will read is visible first */
    mmio_write32(gicd + GICD_SGIR, (uint32_t)cpu_masks[cpu] << 16 | intid);
}

static const struct gic_ops gicv2_ops = {
    .enable = gicv2_enable,
    .disable = gicv2_disable,
    .ack = gicv2_ack,
    .eoi = gicv2_eoi,
    .init_cpu = gicv2_init_cpu,
    .send_sgi = gicv2_send_sgi,
};

const struct gic_ops *gicv2_init(void)
{
    gicd = arch_ioremap(arm64_dt.gicd_pa, arm64_dt.gicd_size);
    gicc = arch_ioremap(arm64_dt.gicc_pa, arm64_dt.gicc_size ? arm64_dt.gicc_size
                                                                          : 0x2000);
    if (!gicd || !gicc)
        panic("gicv2: cannot map the distributor or CPU interface");

    unsigned lines = 32 * ((mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1);
    if (lines > 1020)
        lines = 1020;
    /* ITARGETSR0..7 are banked: byte 0 reads as this CPU's own mask. */
    uint32_t cpu_mask = mmio_read32(gicd + GICD_ITARGETSR(0)) & 0xff;
    if (!cpu_mask)
        cpu_mask = 1;

    mmio_write32(gicd + GICD_CTLR, 0);
    for (unsigned i = 32; i < lines; i += 16)
        mmio_write32(gicd + GICD_ICFGR(i / 16), 0);             /* level */
    for (unsigned i = 32; i < lines; i += 4) {
        mmio_write32(gicd + GICD_IPRIORITYR(i / 4), PRIORITY_DEFAULT);
        mmio_write32(gicd + GICD_ITARGETSR(i / 4), cpu_mask * 0x01010101u);
    }
    for (unsigned i = 0; i < lines; i += 32) {
        mmio_write32(gicd + GICD_ICENABLER(i / 32), 0xffffffffu);
        mmio_write32(gicd + GICD_ICPENDR(i / 32), 0xffffffffu);
    }
    mmio_write32(gicd + GICD_CTLR, 1);
    gicv2_init_cpu();
    return &gicv2_ops;
}
