/* drivers_init (driver registration, then bus probing) and interrupt lines
 * shared between several devices. */
#include <abi/errno.h>
#include <kern/printk.h>
#include <kern/spinlock.h>
#include <kern/subsys.h>
#include <mm/kmalloc.h>
#include <drivers/drivers.h>
#include <drivers/irq.h>
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include "virtio/virtio_internal.h"

void virtio_blk_register(void);
void virtio_net_register(void);

struct irq_handler {
    irq_handler_fn fn;
    void *arg;
    struct irq_handler *next;
};

struct irq_line {
    unsigned irq;
    struct irq_handler *handlers;       /* published with a release store */
    struct irq_line *next;
};

/* Protects lines and the handler lists' writers; readers (the interrupt
 * path) follow pointers published before they become reachable and never
 * freed. Taken at probe time only. */
static struct spinlock lines_lock = SPINLOCK_INIT;
static struct irq_line *lines;

static void irq_line_dispatch(void *arg)
{
    struct irq_line *line = arg;
    for (struct irq_handler *h = __atomic_load_n(&line->handlers, __ATOMIC_ACQUIRE); h;
         h = h->next)
        h->fn(h->arg);
}

int drivers_irq_attach(unsigned irq, irq_handler_fn fn, void *arg)
{
    struct irq_handler *h = kzalloc(sizeof(*h));
    struct irq_line *fresh = kzalloc(sizeof(*fresh));
    if (!h || !fresh) {
        kfree(h);
        kfree(fresh);
        return -ENOMEM;
    }
    h->fn = fn;
    h->arg = arg;
    unsigned long flags = spin_lock_irqsave(&lines_lock);
    struct irq_line *line = lines;
    while (line && line->irq != irq)
        line = line->next;
    if (line) {
        h->next = line->handlers;
        __atomic_store_n(&line->handlers, h, __ATOMIC_RELEASE);
        spin_unlock_irqrestore(&lines_lock, flags);
        kfree(fresh);
        return 0;
    }
    fresh->irq = irq;
    fresh->handlers = h;
    fresh->next = lines;
    lines = fresh;
    spin_unlock_irqrestore(&lines_lock, flags);
    int rc = plat_irq_attach(irq, irq_line_dispatch, fresh);
    if (rc < 0) {
        flags = spin_lock_irqsave(&lines_lock);
        struct irq_line **pp = &lines;
        while (*pp != fresh)
            pp = &(*pp)->next;
        *pp = fresh->next;
        spin_unlock_irqrestore(&lines_lock, flags);
        kfree(fresh);
        kfree(h);
    }
    return rc;
}

int drivers_init(void)
{
    virtio_blk_register();
    virtio_net_register();
    virtio_pci_register();
    virtio_mmio_probe_all();
    pci_init();
    return 0;
}
SUBSYS_REGISTER(drivers, SUBSYS_STAGE_DRIVERS, drivers_init, NULL);
