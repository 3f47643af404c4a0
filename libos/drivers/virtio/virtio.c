/* The transport-agnostic virtio core: the driver and device lists, the
 * status handshake (reset, ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK),
 * feature negotiation, queue set-up and the interrupt handler that hands
 * used buffers to the driver's queue callbacks. */
#include <string.h>
#include <abi/errno.h>
#include <kern/printk.h>
#include <drivers/virtio.h>
#include "virtio_internal.h"

/* Protects drivers and devices; taken only at probe time (threads).
 * A leaf lock: probes run with it released. */
static struct spinlock lists_lock = SPINLOCK_INIT;
static struct list drivers = LIST_INIT(drivers);
static struct list devices = LIST_INIT(devices);
static unsigned device_count;

static void set_status_bits(struct virtio_device *dev, uint8_t bits)
{
    dev->ops->set_status(dev, (uint8_t)(dev->ops->get_status(dev) | bits));
}

static void device_reset(struct virtio_device *dev)
{
    dev->ops->set_status(dev, 0);
    /* The reset completes when status reads back 0; a device that never
     * gets there is left alone after a while. */
    for (unsigned i = 0; i < 1000000 && dev->ops->get_status(dev) != 0; i++)
        ;
}

void virtio_register_driver(struct virtio_driver *driver)
{
    spin_lock(&lists_lock);
    list_push_back(&drivers, &driver->link);
    spin_unlock(&lists_lock);
}

unsigned virtio_device_count(void)
{
    return device_count;
}

uint64_t virtio_config_read(struct virtio_device *dev, unsigned offset, unsigned width)
{
    return dev->ops->config_read(dev, offset, width);
}

int virtio_negotiate(struct virtio_device *dev, uint64_t wanted)
{
    uint64_t offered = dev->ops->get_features(dev);
    if (!dev->is_legacy) {
        if (!(offered & (1ull << VIRTIO_F_VERSION_1))) {
            printk("virtio: %s does not offer VERSION_1\n", dev->name);
            return -ENODEV;
        }
        wanted |= 1ull << VIRTIO_F_VERSION_1;
    } else {
        wanted &= 0xffffffffu;
    }
    dev->features = offered & wanted;
    dev->ops->set_features(dev, dev->features);
    if (dev->is_legacy)
        return 0;
    set_status_bits(dev, VIRTIO_STATUS_FEATURES_OK);
    if (!(dev->ops->get_status(dev) & VIRTIO_STATUS_FEATURES_OK)) {
        printk("virtio: %s refused features %#lx\n", dev->name, (unsigned long)dev->features);
        return -ENODEV;
    }
    return 0;
}

/* The device's interrupt: acknowledge, then let each queue's driver
 * callback move completed buffers and wake its waiters. */
static void virtio_interrupt(void *arg)
{
    struct virtio_device *dev = arg;
    uint32_t isr = dev->ops->interrupt_ack(dev);
    if ((isr & 2) && dev->config_changed)
        dev->config_changed(dev);
    if (!(isr & 1))
        return;                         /* configuration change or not ours */
    for (unsigned i = 0; i < dev->queue_count; i++) {
        struct virtq *vq = dev->queues[i];
        if (vq && vq->callback)
            vq->callback(vq);
    }
}

int virtio_queue_setup(struct virtio_device *dev, unsigned index, unsigned max_size,
                       virtq_callback_fn callback, struct virtq **out)
{
    if (index >= VIRTIO_MAX_QUEUES || dev->queues[index])
        return -EINVAL;
    unsigned device_max = dev->ops->queue_max_size(dev, index);
    if (device_max == 0)
        return -ENOENT;
    /* A power of two no larger than either limit (split rings need one
     * for the legacy interface; we use the mask everywhere). */
    unsigned size = 1;
    while (size * 2 <= device_max && size * 2 <= max_size && size < 32768)
        size *= 2;
    struct virtq *vq = virtq_create(dev, index, size);
    if (!vq)
        return -ENOMEM;
    vq->callback = callback;
    int rc = dev->ops->queue_enable(dev, vq);
    if (rc < 0) {
        virtq_destroy(vq);
        return rc;
    }
    dev->queues[index] = vq;
    if (index + 1 > dev->queue_count)
        dev->queue_count = index + 1;
    *out = vq;
    return 0;
}

void virtio_device_ready(struct virtio_device *dev)
{
    set_status_bits(dev, VIRTIO_STATUS_DRIVER_OK);
}

/* Called by a transport for each device it finds: resets it, starts the
 * handshake and hands it to the driver for its device ID. */
int virtio_device_add(struct virtio_device *dev)
{
    device_reset(dev);
    set_status_bits(dev, VIRTIO_STATUS_ACKNOWLEDGE);

    struct virtio_driver *driver = NULL;
    spin_lock(&lists_lock);
    struct list *pos;
    list_for_each(pos, &drivers) {
        struct virtio_driver *d = list_entry(pos, struct virtio_driver, link);
        if (d->device_id == dev->device_id)
            driver = d;
    }
    list_push_back(&devices, &dev->link);
    device_count++;
    spin_unlock(&lists_lock);
    if (!driver) {
        printk("virtio: %s: device %u, no driver\n", dev->name, dev->device_id);
        return -ENODEV;
    }

    set_status_bits(dev, VIRTIO_STATUS_DRIVER);
    int rc = dev->ops->irq_attach(dev, virtio_interrupt, dev);
    if (rc == 0)
        rc = driver->probe(dev);
    if (rc < 0) {
        printk("virtio: %s: %s driver failed (%d)\n", dev->name, driver->name, rc);
        set_status_bits(dev, VIRTIO_STATUS_FAILED);
        return rc;
    }
    return 0;
}
