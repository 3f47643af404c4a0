/* Device interrupt lines (IOAPIC GSIs on amd64, GIC SPIs on arm64, numbered
 * as the firmware names them). Handlers run in interrupt context: they only
 * acknowledge the device, move data and wake threads. */
#ifndef PLAT_IRQ_H
#define PLAT_IRQ_H

typedef void (*irq_handler_fn)(void *arg);

/* Attaches fn to the line and unmasks it. Returns 0, -EBUSY, or -EINVAL. */
int plat_irq_attach(unsigned irq, irq_handler_fn fn, void *arg);
void plat_irq_detach(unsigned irq);

#endif
