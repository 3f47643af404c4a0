/* Interrupt lines shared between devices (PCI INTx lines are): each line
 * gets one platform handler that calls every device handler on it. */
#ifndef DRIVERS_IRQ_H
#define DRIVERS_IRQ_H

#include <plat/irq.h>

/* Adds fn(arg) to the handlers of line irq. Returns 0, -ENOMEM, or what
 * plat_irq_attach returns for the line's first handler. */
int drivers_irq_attach(unsigned irq, irq_handler_fn fn, void *arg);

#endif
