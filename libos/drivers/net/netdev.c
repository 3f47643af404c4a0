/* The registry of network devices: eth0, eth1, ... in the order drivers
 * found them. Devices are never removed. */
#include <abi/errno.h>
#include <kern/printk.h>
#include <kern/spinlock.h>
#include <drivers/netdev.h>

/* Protects devices and count (writers); readers see a device only after
 * its slot was published with the count (release/acquire). */
static struct spinlock registry_lock = SPINLOCK_INIT;
static struct netdev *devices[NETDEV_MAX];
static unsigned count;

int netdev_register(struct netdev *dev)
{
    spin_lock(&registry_lock);
    if (count == NETDEV_MAX) {
        spin_unlock(&registry_lock);
        return -ENOSPC;
    }
    snprintf(dev->name, sizeof(dev->name), "eth%u", count);
    devices[count] = dev;
    __atomic_store_n(&count, count + 1, __ATOMIC_RELEASE);
    spin_unlock(&registry_lock);
    return 0;
}

unsigned netdev_count(void)
{
    return __atomic_load_n(&count, __ATOMIC_ACQUIRE);
}

struct netdev *netdev_get(unsigned index)
{
    return index < netdev_count() ? devices[index] : NULL;
}

void netdev_attach(struct netdev *dev, netdev_rx_fn rx, netdev_link_fn link_changed, void *arg)
{
    dev->stack_arg = arg;
    dev->link_changed = link_changed;
    __atomic_store_n(&dev->rx, rx, __ATOMIC_RELEASE);
}
