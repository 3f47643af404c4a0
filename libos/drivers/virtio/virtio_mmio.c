/* The virtio-mmio transport: version 2 (virtio 1.x) register windows, and
 * version 1 ("legacy", QEMU's default for virtio-mmio unless
 * -global virtio-mmio.force-legacy=false) with its page-frame queue
 * address. Windows come from the platform (plat/bus.h). */
#include <string.h>
#include <abi/errno.h>
#include <kern/printk.h>
#include <mm/kmalloc.h>
#include <plat/bus.h>
#include <plat/mmu.h>
#include <drivers/irq.h>
#include <drivers/virtio.h>
#include "virtio_internal.h"

#define MMIO_MAGIC 0x000
#define MMIO_VERSION 0x004
#define MMIO_DEVICE_ID 0x008
#define MMIO_VENDOR_ID 0x00c
#define MMIO_DEVICE_FEATURES 0x010
#define MMIO_DEVICE_FEATURES_SEL 0x014
#define MMIO_DRIVER_FEATURES 0x020
#define MMIO_DRIVER_FEATURES_SEL 0x024
#define MMIO_GUEST_PAGE_SIZE 0x028      /* legacy */
#define MMIO_QUEUE_SEL 0x030
#define MMIO_QUEUE_NUM_MAX 0x034
#define MMIO_QUEUE_NUM 0x038
#define MMIO_QUEUE_ALIGN 0x03c          /* legacy */
#define MMIO_QUEUE_PFN 0x040            /* legacy */
#define MMIO_QUEUE_READY 0x044
#define MMIO_QUEUE_NOTIFY 0x050
#define MMIO_INTERRUPT_STATUS 0x060
#define MMIO_INTERRUPT_ACK 0x064
#define MMIO_STATUS 0x070
#define MMIO_QUEUE_DESC 0x080
#define MMIO_QUEUE_AVAIL 0x090
#define MMIO_QUEUE_USED 0x0a0
#define MMIO_CONFIG_GENERATION 0x0fc
#define MMIO_CONFIG 0x100

#define MMIO_MAGIC_VALUE 0x74726976u    /* "virt" */
#define MMIO_MAX_WINDOWS 32

struct mmio_transport {
    volatile uint8_t *regs;
    unsigned irq;
    struct virtio_device dev;
};

static inline volatile uint8_t *reg(struct virtio_device *dev, unsigned offset)
{
    struct mmio_transport *t = dev->transport_data;
    return t->regs + offset;
}

static uint8_t mmio_get_status(struct virtio_device *dev)
{
    return (uint8_t)mmio_read32(reg(dev, MMIO_STATUS));
}

static void mmio_set_status(struct virtio_device *dev, uint8_t status)
{
    mmio_write32(reg(dev, MMIO_STATUS), status);
}

static uint64_t mmio_get_features(struct virtio_device *dev)
{
    mmio_write32(reg(dev, MMIO_DEVICE_FEATURES_SEL), 0);
    uint64_t low = mmio_read32(reg(dev, MMIO_DEVICE_FEATURES));
    if (dev->is_legacy)
        return low;
    mmio_write32(reg(dev, MMIO_DEVICE_FEATURES_SEL), 1);
    return low | (uint64_t)mmio_read32(reg(dev, MMIO_DEVICE_FEATURES)) << 32;
}

static void mmio_set_features(struct virtio_device *dev, uint64_t features)
{
    mmio_write32(reg(dev, MMIO_DRIVER_FEATURES_SEL), 0);
    mmio_write32(reg(dev, MMIO_DRIVER_FEATURES), (uint32_t)features);
    if (dev->is_legacy)
        return;
    mmio_write32(reg(dev, MMIO_DRIVER_FEATURES_SEL), 1);
    mmio_write32(reg(dev, MMIO_DRIVER_FEATURES), (uint32_t)(features >> 32));
}

static uint64_t config_read_once(struct virtio_device *dev, unsigned offset, unsigned width)
{
    volatile uint8_t *a = reg(dev, MMIO_CONFIG + offset);
    switch (width) {
    case 1:
        return mmio_read8(a);
    case 2:
        return mmio_read16(a);
    case 4:
        return mmio_read32(a);
    default:
        return mmio_read32(a) | (uint64_t)mmio_read32(a + 4) << 32;
    }
}

static uint64_t mmio_config_read(struct virtio_device *dev, unsigned offset, unsigned width)
{
    if (dev->is_legacy)
        return config_read_once(dev, offset, width);
    /* Re-read while the device changes the configuration under us. */
    for (;;) {
        uint32_t generation = mmio_read32(reg(dev, MMIO_CONFIG_GENERATION));
        uint64_t value = config_read_once(dev, offset, width);
        if (mmio_read32(reg(dev, MMIO_CONFIG_GENERATION)) == generation)
            return value;
    }
}

static void mmio_config_write(struct virtio_device *dev, unsigned offset, unsigned width,
                              uint64_t value)
{
    volatile uint8_t *a = reg(dev, MMIO_CONFIG + offset);
    if (width == 1)
        mmio_write8(a, (uint8_t)value);
    else if (width == 2)
        mmio_write16(a, (uint16_t)value);
    else
        mmio_write32(a, (uint32_t)value);
}

static unsigned mmio_queue_max_size(struct virtio_device *dev, unsigned index)
{
    mmio_write32(reg(dev, MMIO_QUEUE_SEL), index);
    if (!dev->is_legacy && mmio_read32(reg(dev, MMIO_QUEUE_READY)))
        return 0;                       /* already in use: not ours to set up */
    return mmio_read32(reg(dev, MMIO_QUEUE_NUM_MAX));
}

static int mmio_queue_enable(struct virtio_device *dev, struct virtq *vq)
{
    mmio_write32(reg(dev, MMIO_QUEUE_SEL), vq->index);
    mmio_write32(reg(dev, MMIO_QUEUE_NUM), vq->size);
    if (dev->is_legacy) {
        /* One block: descriptors and available ring, the used ring at the
         * next page boundary (virtq_create lays it out so). */
        if (vq->desc_pa >> (32 + 12))
            return -EINVAL;
        mmio_write32(reg(dev, MMIO_QUEUE_ALIGN), 4096);
        mmio_write32(reg(dev, MMIO_QUEUE_PFN), (uint32_t)(vq->desc_pa >> 12));
        return 0;
    }
    mmio_write32(reg(dev, MMIO_QUEUE_DESC), (uint32_t)vq->desc_pa);
    mmio_write32(reg(dev, MMIO_QUEUE_DESC + 4), (uint32_t)(vq->desc_pa >> 32));
    mmio_write32(reg(dev, MMIO_QUEUE_AVAIL), (uint32_t)vq->avail_pa);
    mmio_write32(reg(dev, MMIO_QUEUE_AVAIL + 4), (uint32_t)(vq->avail_pa >> 32));
    mmio_write32(reg(dev, MMIO_QUEUE_USED), (uint32_t)vq->used_pa);
    mmio_write32(reg(dev, MMIO_QUEUE_USED + 4), (uint32_t)(vq->used_pa >> 32));
    mmio_write32(reg(dev, MMIO_QUEUE_READY), 1);
    return 0;
}

static void mmio_queue_notify(struct virtio_device *dev, struct virtq *vq)
{
    mmio_write32(reg(dev, MMIO_QUEUE_NOTIFY), vq->index);
}

static uint32_t mmio_interrupt_ack(struct virtio_device *dev)
{
    uint32_t status = mmio_read32(reg(dev, MMIO_INTERRUPT_STATUS));
    if (status)
        mmio_write32(reg(dev, MMIO_INTERRUPT_ACK), status);
    return status;
}

static int mmio_irq_attach(struct virtio_device *dev, void (*fn)(void *arg), void *arg)
{
    struct mmio_transport *t = dev->transport_data;
    return drivers_irq_attach(t->irq, fn, arg);
}

static const struct virtio_transport_ops mmio_ops = {
    .get_status = mmio_get_status,
    .set_status = mmio_set_status,
    .get_features = mmio_get_features,
    .set_features = mmio_set_features,
    .config_read = mmio_config_read,
    .config_write = mmio_config_write,
    .queue_max_size = mmio_queue_max_size,
    .queue_enable = mmio_queue_enable,
    .queue_notify = mmio_queue_notify,
    .interrupt_ack = mmio_interrupt_ack,
    .irq_attach = mmio_irq_attach,
};

static void probe_window(const struct plat_mmio_window *w)
{
    if (w->size_bytes < MMIO_CONFIG)
        return;
    volatile uint8_t *regs = arch_ioremap(w->base, w->size_bytes);
    if (!regs)
        return;
    if (mmio_read32(regs + MMIO_MAGIC) != MMIO_MAGIC_VALUE)
        return;
    uint32_t version = mmio_read32(regs + MMIO_VERSION);
    uint32_t device_id = mmio_read32(regs + MMIO_DEVICE_ID);
    if (device_id == 0)
        return;                         /* an empty slot */
    if (version != 1 && version != 2) {
        printk("virtio-mmio: %#lx: unknown version %u\n", (unsigned long)w->base, version);
        return;
    }
    struct mmio_transport *t = kzalloc(sizeof(*t));
    if (!t)
        return;
    t->regs = regs;
    t->irq = w->irq;
    t->dev.device_id = device_id;
    t->dev.vendor_id = mmio_read32(regs + MMIO_VENDOR_ID);
    t->dev.is_legacy = version == 1;
    t->dev.ops = &mmio_ops;
    t->dev.transport_data = t;
    snprintf(t->dev.name, sizeof(t->dev.name), "mmio%s@%#lx", version == 1 ? "-v1" : "",
             (unsigned long)w->base);
    if (t->dev.is_legacy)
        mmio_write32(regs + MMIO_GUEST_PAGE_SIZE, 4096);
    /* The device stays on the core's list even when no driver binds. */
    virtio_device_add(&t->dev);
}

void virtio_mmio_probe_all(void)
{
    struct plat_mmio_window windows[MMIO_MAX_WINDOWS];
    unsigned n = plat_virtio_mmio_windows(windows, MMIO_MAX_WINDOWS);
    /* QEMU plugs the first -device into the highest window (virt and
     * microvm alike): probe from the top down so that it becomes vda. */
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && windows[j - 1].base < windows[j].base; j--) {
            struct plat_mmio_window w = windows[j];
            windows[j] = windows[j - 1];
            windows[j - 1] = w;
        }
    for (unsigned i = 0; i < n; i++)
        probe_window(&windows[i]);
}
