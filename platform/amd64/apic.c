/* Interrupt controllers: the legacy 8259 pair is remapped and masked, the
 * local APIC (xAPIC, MMIO) takes EOIs and runs the timer, and the I/O APICs
 * route GSIs to vectors for plat_irq_attach. Addresses come from the MADT,
 * else the architectural defaults (0xfee00000, one I/O APIC at 0xfec00000). */
#include <stdint.h>
#include <abi/errno.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <plat/irq.h>
#include <plat/cpu.h>
#include <plat/mmio.h>
#include <plat/mmu.h>
#include <plat/smp.h>
#include "amd64.h"

/* ---- 8259 ---- */

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

void pic_disable(void)
{
    outb(PIC1_CMD, 0x11);               /* ICW1: init, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, VECTOR_PIC_BASE);   /* ICW2: vector base */
    outb(PIC2_DATA, VECTOR_PIC_BASE + 8);
    outb(PIC1_DATA, 4);                 /* ICW3: slave on IRQ2 */
    outb(PIC2_DATA, 2);
    outb(PIC1_DATA, 1);                 /* ICW4: 8086 mode */
    outb(PIC2_DATA, 1);
    outb(PIC1_DATA, 0xff);              /* mask everything */
    outb(PIC2_DATA, 0xff);
}

/* ---- local APIC ---- */

#define LAPIC_ID          0x020
#define LAPIC_TPR         0x080
#define LAPIC_EOI         0x0b0
#define LAPIC_SVR         0x0f0
#define LAPIC_ESR         0x280
#define LAPIC_LVT_TIMER   0x320
#define LAPIC_LVT_LINT0   0x350
#define LAPIC_LVT_LINT1   0x360
#define LAPIC_LVT_ERROR   0x370
#define LAPIC_TIMER_INIT  0x380
#define LAPIC_TIMER_CUR   0x390
#define LAPIC_TIMER_DIV   0x3e0

#define LVT_MASKED        (1u << 16)
#define LVT_NMI           (4u << 8)
#define SVR_ENABLE        (1u << 8)
#define APIC_BASE_ENABLE  (1UL << 11)

static volatile uint8_t *lapic;

static inline uint32_t lapic_read(unsigned reg)
{
    return mmio_read32(lapic + reg);
}

static inline void lapic_write(unsigned reg, uint32_t v)
{
    mmio_write32(lapic + reg, v);
}

void lapic_init(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    uint64_t pa = acpi_info.lapic_address ? acpi_info.lapic_address : (base & ~0xfffUL);

    wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    lapic = arch_ioremap(pa, PAGE_SIZE);
    if (!lapic)
        panic("apic: cannot map the local APIC at %#lx", (unsigned long)pa);
    lapic_init_cpu();
}

/* Every CPU's local APIC sits at the same address; each sees its own. */
void lapic_init_cpu(void)
{
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VECTOR_TIMER);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);       /* the 8259s are masked */
    lapic_write(LAPIC_LVT_LINT1, LVT_NMI);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
    lapic_write(LAPIC_TIMER_DIV, 0x3);              /* divide by 16 */
    lapic_eoi();
}

#define LAPIC_ICR_LOW     0x300
#define LAPIC_ICR_HIGH    0x310
#define ICR_PENDING       (1u << 12)

void lapic_send_icr(uint32_t apic_id, uint32_t low)
{
    unsigned long flags = arch_irq_save();
    while (lapic_read(LAPIC_ICR_LOW) & ICR_PENDING)
        arch_cpu_relax();
    lapic_write(LAPIC_ICR_HIGH, apic_id << 24);
    lapic_write(LAPIC_ICR_LOW, low);
    arch_irq_restore(flags);
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
    return lapic_read(LAPIC_ID) >> 24;
}

/* One-shot mode (LVT timer mode bits 0), unmasked; counting starts with
 * the write of the initial count. */
void lapic_timer_oneshot(uint32_t ticks)
{
    lapic_write(LAPIC_LVT_TIMER, VECTOR_TIMER);
    lapic_write(LAPIC_TIMER_INIT, ticks);
}

/* Masked one-shot count, for calibration. */
void lapic_timer_start_masked(uint32_t ticks)
{
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VECTOR_TIMER);
    lapic_write(LAPIC_TIMER_INIT, ticks);
}

void lapic_timer_stop(void)
{
    lapic_write(LAPIC_TIMER_INIT, 0);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VECTOR_TIMER);
}

uint32_t lapic_timer_current(void)
{
    return lapic_read(LAPIC_TIMER_CUR);
}

/* ---- I/O APIC ---- */

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_REG_VERSION 0x01
#define IOAPIC_REG_REDIRECT(n) (0x10 + 2 * (n))

#define REDIRECT_MASKED     (1u << 16)
#define REDIRECT_LEVEL      (1u << 15)
#define REDIRECT_ACTIVE_LOW (1u << 13)

struct ioapic {
    volatile uint8_t *regs;
    uint32_t gsi_base;
    unsigned lines;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned ioapic_count;

struct irq_slot {
    irq_handler_fn fn;
    void *arg;
    unsigned gsi;
};

/* Indexed by vector. irq_lock protects the table and the redirection
 * entries; the dispatch path reads a slot without it (an entry is masked
 * before its slot is cleared). Innermost lock. */
static struct irq_slot irq_slots[256];
static struct spinlock irq_lock = SPINLOCK_INIT;

static uint32_t ioapic_read(struct ioapic *io, unsigned reg)
{
    mmio_write32(io->regs + IOAPIC_REGSEL, reg);
    return mmio_read32(io->regs + IOAPIC_WINDOW);
}

static void ioapic_write(struct ioapic *io, unsigned reg, uint32_t v)
{
    mmio_write32(io->regs + IOAPIC_REGSEL, reg);
    mmio_write32(io->regs + IOAPIC_WINDOW, v);
}

static void ioapic_add(uint64_t address, uint32_t gsi_base)
{
    struct ioapic *io = &ioapics[ioapic_count];

    io->regs = arch_ioremap(address, PAGE_SIZE);
    if (!io->regs)
        panic("apic: cannot map the I/O APIC at %#lx", (unsigned long)address);
    io->gsi_base = gsi_base;
    io->lines = ((ioapic_read(io, IOAPIC_REG_VERSION) >> 16) & 0xff) + 1;
    for (unsigned i = 0; i < io->lines; i++) {
        ioapic_write(io, IOAPIC_REG_REDIRECT(i), REDIRECT_MASKED);
        ioapic_write(io, IOAPIC_REG_REDIRECT(i) + 1, 0);
    }
    ioapic_count++;
}

void ioapic_init(void)
{
    for (unsigned i = 0; i < acpi_info.ioapic_count; i++)
        ioapic_add(acpi_info.ioapics[i].address, acpi_info.ioapics[i].gsi_base);
    if (!ioapic_count)
        ioapic_add(0xfec00000, 0);
}

static struct ioapic *ioapic_for(unsigned gsi, unsigned *pin)
{
    for (unsigned i = 0; i < ioapic_count; i++) {
        if (gsi >= ioapics[i].gsi_base && gsi < ioapics[i].gsi_base + ioapics[i].lines) {
            *pin = gsi - ioapics[i].gsi_base;
            return &ioapics[i];
        }
    }
    return NULL;
}

/* Trigger mode and polarity: an interrupt source override for the GSI wins;
 * otherwise ISA lines (GSI < 16) are edge/active-high and the rest
 * level/active-high, which is what QEMU's DSDTs declare for q35's PCI links
 * and microvm's virtio-mmio lines. */
static uint32_t redirect_mode(unsigned gsi)
{
    for (unsigned i = 0; i < acpi_info.override_count; i++) {
        const struct acpi_override *o = &acpi_info.overrides[i];
        if (o->gsi != gsi)
            continue;
        uint32_t mode = 0;
        if ((o->flags & 3) == 3)
            mode |= REDIRECT_ACTIVE_LOW;
        if (((o->flags >> 2) & 3) == 3)
            mode |= REDIRECT_LEVEL;
        return mode;
    }
    return gsi < 16 ? 0 : REDIRECT_LEVEL;
}

int plat_irq_attach(unsigned irq, irq_handler_fn fn, void *arg)
{
    unsigned pin;
    struct ioapic *io = ioapic_for(irq, &pin);

    if (!io || !fn)
        return -EINVAL;
    unsigned long flags = spin_lock_irqsave(&irq_lock);
    unsigned vector = 0;
    for (unsigned v = VECTOR_DEVICE_FIRST; v <= VECTOR_DEVICE_LAST; v++) {
        if (irq_slots[v].fn && irq_slots[v].gsi == irq) {
            spin_unlock_irqrestore(&irq_lock, flags);
            return -EBUSY;
        }
        if (!vector && !irq_slots[v].fn)
            vector = v;
    }
    if (!vector) {
        spin_unlock_irqrestore(&irq_lock, flags);
        return -EBUSY;
    }
    irq_slots[vector] = (struct irq_slot){ fn, arg, irq };
    ioapic_write(io, IOAPIC_REG_REDIRECT(pin) + 1, lapic_id() << 24);
    ioapic_write(io, IOAPIC_REG_REDIRECT(pin), redirect_mode(irq) | vector);
    spin_unlock_irqrestore(&irq_lock, flags);
    return 0;
}

void plat_irq_detach(unsigned irq)
{
    unsigned pin;
    struct ioapic *io = ioapic_for(irq, &pin);

    if (!io)
        return;
    unsigned long flags = spin_lock_irqsave(&irq_lock);
    ioapic_write(io, IOAPIC_REG_REDIRECT(pin), REDIRECT_MASKED);
    for (unsigned v = VECTOR_DEVICE_FIRST; v <= VECTOR_DEVICE_LAST; v++)
        if (irq_slots[v].fn && irq_slots[v].gsi == irq)
            irq_slots[v] = (struct irq_slot){ 0 };
    spin_unlock_irqrestore(&irq_lock, flags);
}

/* Interrupt context, interrupts off: acknowledge, call, EOI. */
void irq_dispatch(unsigned vector)
{
    if (vector == VECTOR_TIMER) {
        timer_handle_interrupt();
        return;
    }
    if (vector == VECTOR_TLB_SHOOTDOWN) {
        amd64_tlb_shootdown_interrupt();
        lapic_eoi();
        return;
    }
    if (vector == VECTOR_IPI_RESCHEDULE || vector == VECTOR_IPI_CALL) {
        lapic_eoi();
        ipi_interrupt(vector == VECTOR_IPI_RESCHEDULE ? IPI_RESCHEDULE : IPI_CALL_FUNCTION);
        return;
    }
    if (vector == VECTOR_SPURIOUS)
        return;                             /* spurious: no EOI */
    if (vector >= VECTOR_PIC_BASE && vector < VECTOR_PIC_BASE + 16) {
        /* A spurious IRQ 7/15 of the masked 8259s: the slave's needs an
         * EOI at the master. Never a LAPIC EOI. */
        if (vector == VECTOR_PIC_BASE + 15)
            outb(PIC1_CMD, 0x20);
        return;
    }
    struct irq_slot slot = irq_slots[vector];
    if (slot.fn)
        slot.fn(slot.arg);
    lapic_eoi();
}
