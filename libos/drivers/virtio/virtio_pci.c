/* The virtio-pci modern transport (virtio 1.x, 4.1): the common, notify,
 * ISR and device configuration structures found through vendor-specific
 * PCI capabilities, INTx interrupts. Binds modern (1af4:1040+) and
 * transitional (1af4:1000-103f) functions through their modern interface. */
#include <string.h>
#include <abi/errno.h>
#include <kern/printk.h>
#include <mm/kmalloc.h>
#include <drivers/irq.h>
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include "virtio_internal.h"

#define PCI_CAP_VENDOR 0x09
#define PCI_SUBSYSTEM_ID 0x2e

#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4

/* struct virtio_pci_common_cfg offsets */
#define COMMON_DFSELECT 0x00
#define COMMON_DF 0x04
#define COMMON_GFSELECT 0x08
#define COMMON_GF 0x0c
#define COMMON_MSIX 0x10
#define COMMON_NUMQ 0x12
#define COMMON_STATUS 0x14
#define COMMON_CFGGENERATION 0x15
#define COMMON_Q_SELECT 0x16
#define COMMON_Q_SIZE 0x18
#define COMMON_Q_MSIX 0x1a
#define COMMON_Q_ENABLE 0x1c
#define COMMON_Q_NOFF 0x1e
#define COMMON_Q_DESC 0x20
#define COMMON_Q_AVAIL 0x28
#define COMMON_Q_USED 0x30
#define COMMON_SIZE 0x38

#define VIRTIO_MSI_NO_VECTOR 0xffff

struct pci_transport {
    struct pci_device *pdev;
    volatile uint8_t *common;
    volatile uint8_t *notify;
    uint64_t notify_length;
    uint32_t notify_multiplier;
    volatile uint8_t *isr;
    volatile uint8_t *device;
    uint64_t device_length;
    struct virtio_device dev;
};

static inline struct pci_transport *transport(struct virtio_device *dev)
{
    return dev->transport_data;
}

static uint8_t vpci_get_status(struct virtio_device *dev)
{
    return mmio_read8(transport(dev)->common + COMMON_STATUS);
}

static void vpci_set_status(struct virtio_device *dev, uint8_t status)
{
    mmio_write8(transport(dev)->common + COMMON_STATUS, status);
}

static uint64_t vpci_get_features(struct virtio_device *dev)
{
    volatile uint8_t *c = transport(dev)->common;
    mmio_write32(c + COMMON_DFSELECT, 0);
    uint64_t low = mmio_read32(c + COMMON_DF);
    mmio_write32(c + COMMON_DFSELECT, 1);
    return low | (uint64_t)mmio_read32(c + COMMON_DF) << 32;
}

static void vpci_set_features(struct virtio_device *dev, uint64_t features)
{
    volatile uint8_t *c = transport(dev)->common;
    mmio_write32(c + COMMON_GFSELECT, 0);
    mmio_write32(c + COMMON_GF, (uint32_t)features);
    mmio_write32(c + COMMON_GFSELECT, 1);
    mmio_write32(c + COMMON_GF, (uint32_t)(features >> 32));
}

static uint64_t vpci_config_read(struct virtio_device *dev, unsigned offset, unsigned width)
{
    struct pci_transport *t = transport(dev);
    if (!t->device || offset + width > t->device_length)
        return 0;
    volatile uint8_t *a = t->device + offset;
    for (;;) {
        uint8_t generation = mmio_read8(t->common + COMMON_CFGGENERATION);
        uint64_t value;
        switch (width) {
        case 1:
            value = mmio_read8(a);
            break;
        case 2:
            value = mmio_read16(a);
            break;
        case 4:
            value = mmio_read32(a);
            break;
        default:
            value = mmio_read32(a) | (uint64_t)mmio_read32(a + 4) << 32;
            break;
        }
        if (mmio_read8(t->common + COMMON_CFGGENERATION) == generation)
            return value;
    }
}

static void vpci_config_write(struct virtio_device *dev, unsigned offset, unsigned width,
                              uint64_t value)
{
    struct pci_transport *t = transport(dev);
    if (!t->device || offset + width > t->device_length)
        return;
    volatile uint8_t *a = t->device + offset;
    if (width == 1)
        mmio_write8(a, (uint8_t)value);
    else if (width == 2)
        mmio_write16(a, (uint16_t)value);
    else
        mmio_write32(a, (uint32_t)value);
}

static unsigned vpci_queue_max_size(struct virtio_device *dev, unsigned index)
{
    volatile uint8_t *c = transport(dev)->common;
    if (index >= mmio_read16(c + COMMON_NUMQ))
        return 0;
    mmio_write16(c + COMMON_Q_SELECT, (uint16_t)index);
    if (mmio_read16(c + COMMON_Q_ENABLE))
        return 0;
    return mmio_read16(c + COMMON_Q_SIZE);
}

static void write64(volatile uint8_t *a, uint64_t value)
{
    mmio_write32(a, (uint32_t)value);
    mmio_write32(a + 4, (uint32_t)(value >> 32));
}

static int vpci_queue_enable(struct virtio_device *dev, struct virtq *vq)
{
    struct pci_transport *t = transport(dev);
    volatile uint8_t *c = t->common;
    mmio_write16(c + COMMON_Q_SELECT, (uint16_t)vq->index);
    mmio_write16(c + COMMON_Q_SIZE, vq->size);
    mmio_write16(c + COMMON_Q_MSIX, VIRTIO_MSI_NO_VECTOR);
    uint64_t notify_offset = (uint64_t)mmio_read16(c + COMMON_Q_NOFF) * t->notify_multiplier;
    if (notify_offset + 2 > t->notify_length)
        return -EIO;
    vq->transport_data = (void *)(t->notify + notify_offset);
    write64(c + COMMON_Q_DESC, vq->desc_pa);
    write64(c + COMMON_Q_AVAIL, vq->avail_pa);
    write64(c + COMMON_Q_USED, vq->used_pa);
    mmio_write16(c + COMMON_Q_ENABLE, 1);
    return 0;
}

static void vpci_queue_notify(struct virtio_device *dev, struct virtq *vq)
{
    (void)dev;
    mmio_write16(vq->transport_data, (uint16_t)vq->index);
}

static uint32_t vpci_interrupt_ack(struct virtio_device *dev)
{
    return mmio_read8(transport(dev)->isr);    /* reading clears it */
}

static int vpci_irq_attach(struct virtio_device *dev, void (*fn)(void *arg), void *arg)
{
    struct pci_device *pdev = transport(dev)->pdev;
    if (pdev->irq < 0)
        return -ENXIO;
    return drivers_irq_attach((unsigned)pdev->irq, fn, arg);
}

static const struct virtio_transport_ops vpci_ops = {
    .get_status = vpci_get_status,
    .set_status = vpci_set_status,
    .get_features = vpci_get_features,
    .set_features = vpci_set_features,
    .config_read = vpci_config_read,
    .config_write = vpci_config_write,
    .queue_max_size = vpci_queue_max_size,
    .queue_enable = vpci_queue_enable,
    .queue_notify = vpci_queue_notify,
    .interrupt_ack = vpci_interrupt_ack,
    .irq_attach = vpci_irq_attach,
};

/* Maps the structure a virtio capability at cap points to; the first one
 * of each type wins, as the specification asks. */
static volatile uint8_t *map_cap(struct pci_device *pdev, unsigned cap, uint64_t *length)
{
    unsigned bar = pci_config_read(pdev, cap + 4, 1);
    uint32_t offset = pci_config_read(pdev, cap + 8, 4);
    uint32_t len = pci_config_read(pdev, cap + 12, 4);
    *length = len;
    return bar < PCI_BAR_COUNT ? pci_map_bar(pdev, bar, offset, len) : NULL;
}

static int virtio_pci_probe(struct pci_device *pdev)
{
    struct pci_transport *t = kzalloc(sizeof(*t));
    if (!t)
        return -ENOMEM;
    t->pdev = pdev;
    uint64_t length;
    for (unsigned cap = pci_find_capability(pdev, PCI_CAP_VENDOR, 0); cap;
         cap = pci_find_capability(pdev, PCI_CAP_VENDOR, cap)) {
        unsigned type = pci_config_read(pdev, cap + 3, 1);
        if (type == VIRTIO_PCI_CAP_COMMON_CFG && !t->common) {
            t->common = map_cap(pdev, cap, &length);
            if (length < COMMON_SIZE)
                t->common = NULL;
        } else if (type == VIRTIO_PCI_CAP_NOTIFY_CFG && !t->notify) {
            t->notify = map_cap(pdev, cap, &t->notify_length);
            t->notify_multiplier = pci_config_read(pdev, cap + 16, 4);
        } else if (type == VIRTIO_PCI_CAP_ISR_CFG && !t->isr) {
            t->isr = map_cap(pdev, cap, &length);
        } else if (type == VIRTIO_PCI_CAP_DEVICE_CFG && !t->device) {
            t->device = map_cap(pdev, cap, &t->device_length);
        }
    }
    if (!t->common || !t->notify || !t->isr) {
        printk("virtio-pci: %s: no usable modern interface\n", pdev->name);
        kfree(t);
        return -ENODEV;
    }
    pci_enable(pdev);
    t->dev.device_id = pdev->device_id >= 0x1040
                           ? pdev->device_id - 0x1040u
                           : pci_config_read(pdev, PCI_SUBSYSTEM_ID, 2);
    t->dev.vendor_id = pdev->vendor_id;
    t->dev.ops = &vpci_ops;
    t->dev.transport_data = t;
    memcpy(t->dev.name, pdev->name, sizeof(pdev->name));
    pdev->driver_data = t;
    return virtio_device_add(&t->dev);
}

static struct pci_driver virtio_pci_driver = {
    .name = "virtio-pci",
    .vendor_id = 0x1af4,
    .device_first = 0x1000,
    .device_last = 0x107f,
    .probe = virtio_pci_probe,
};

void virtio_pci_register(void)
{
    pci_register_driver(&virtio_pci_driver);
}
