/* Interrupt dispatch over the GIC, whichever version the device tree names
 * (gicv2.c, gicv3.c): device lines by their device-tree SPI number (the
 * second cell of "interrupts"; the GIC INTID is that + 32), the timer PPI,
 * acknowledge / handle / end-of-interrupt. */
#include <abi/errno.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <plat/irq.h>
#include <plat/smp.h>
#include "arm64.h"

#define SPI_BASE        32
#define MAX_SPIS        988     /* INTIDs 32..1019 */
#define INTID_SPURIOUS  1020

struct irq_slot {
    irq_handler_fn fn;
    void *arg;
};

static const struct gic_ops *gic;
static struct irq_slot spi_handlers[MAX_SPIS];
/* Protects spi_handlers against concurrent attach/detach (not against the
 * interrupt path, which reads a slot once it is published). */
static struct spinlock irq_lock = SPINLOCK_INIT;

void gic_init(void)
{
    if (arm64_dt.gic_version == 3)
        gic = gicv3_init();
    else if (arm64_dt.gic_version == 2)
        gic = gicv2_init();
    if (!gic)
        panic("gic: no usable interrupt controller in the device tree");
}

void gic_enable_ppi(unsigned ppi)
{
    gic->enable(16 + ppi);
}

/* On a secondary CPU: its CPU interface and banked SGI/PPI state. */
void gic_init_cpu(void)
{
    gic->init_cpu();
}

void gic_send_sgi(unsigned cpu, unsigned intid)
{
    gic->send_sgi(cpu, intid);
}

int plat_irq_attach(unsigned irq, irq_handler_fn fn, void *arg)
{
    if (irq >= MAX_SPIS || !fn || !gic)
        return -EINVAL;
    unsigned long flags = spin_lock_irqsave(&irq_lock);
    if (spi_handlers[irq].fn) {
        spin_unlock_irqrestore(&irq_lock, flags);
        return -EBUSY;
    }
    spi_handlers[irq].arg = arg;
    __atomic_store_n(&spi_handlers[irq].fn, fn, __ATOMIC_RELEASE);
    gic->enable(SPI_BASE + irq);
    spin_unlock_irqrestore(&irq_lock, flags);
    return 0;
}

void plat_irq_detach(unsigned irq)
{
    if (irq >= MAX_SPIS || !gic)
        return;
    unsigned long flags = spin_lock_irqsave(&irq_lock);
    gic->disable(SPI_BASE + irq);
    __atomic_store_n(&spi_handlers[irq].fn, NULL, __ATOMIC_RELEASE);
    spi_handlers[irq].arg = NULL;
    spin_unlock_irqrestore(&irq_lock, flags);
}

/* Called from the IRQ vector with interrupts masked. Handles every pending
 * interrupt before returning. */
void gic_handle_irq(void)
{
    for (;;) {
        unsigned intid = gic->ack();
        if (intid >= INTID_SPURIOUS)
            return;
        if (intid < 16) {
            /* SGI 0: reschedule, SGI 1: call function (smp.c). The EOI
             * comes first, as for the timer: the kernel may switch
             * threads before this handler returns. */
            gic->eoi(intid);
            ipi_interrupt(intid == SGI_RESCHEDULE ? IPI_RESCHEDULE : IPI_CALL_FUNCTION);
            continue;
        } else if (intid == 16 + arm64_timer_ppi()) {
            arm64_timer_irq();
        } else if (intid >= SPI_BASE && intid - SPI_BASE < MAX_SPIS) {
            struct irq_slot *slot = &spi_handlers[intid - SPI_BASE];
            irq_handler_fn fn = __atomic_load_n(&slot->fn, __ATOMIC_ACQUIRE);
            if (fn)
                fn(slot->arg);
            else
                gic->disable(intid);    /* nobody wants it: stop the storm */
        }
        gic->eoi(intid);
    }
}
