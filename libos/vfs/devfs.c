/* devfs: the /dev directory. Drivers register devices (name, mode, file
 * operations); every devfs instance shows all of them. A device's number
 * (st_rdev, and what mknod takes) is the Linux number it registers with
 * (terminals: 5:0, 4:64, ...) or else its registration index + 1, so a
 * device node made with mknod on another filesystem opens the same driver. */
#include <string.h>
#include <abi/errno.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <vfs/fs.h>
#include "vfs_internal.h"

#define DEVFS_MAX_DEVICES 32

/* Protects the registry. Devices are never unregistered. */
static struct spinlock registry_lock = SPINLOCK_INIT;
static struct devfs_device registry[DEVFS_MAX_DEVICES];
static const struct vnode_ops *registry_dir_ops[DEVFS_MAX_DEVICES];  /* directories */
static unsigned registry_count;

/* Per instance: a vnode for each device, made on first lookup, kept by the
 * instance (sb->lock protects the array). */
struct devfs_info {
    struct vnode *nodes[DEVFS_MAX_DEVICES];
};

static int register_entry(const struct devfs_device *dev, const struct vnode_ops *dir_ops)
{
    if (!dev || !dev->name || !dev->fops || strlen(dev->name) > NAME_MAX)
        return -EINVAL;
    if (S_ISDIR(dev->mode) != (dir_ops != NULL))
        return -EINVAL;
    spin_lock(&registry_lock);
    for (unsigned i = 0; i < registry_count; i++) {
        if (strcmp(registry[i].name, dev->name) == 0) {
            spin_unlock(&registry_lock);
            return -EEXIST;
        }
    }
    if (registry_count == DEVFS_MAX_DEVICES) {
        spin_unlock(&registry_lock);
        return -ENOSPC;
    }
    registry[registry_count] = *dev;
    registry_dir_ops[registry_count] = dir_ops;
    int number = (int)++registry_count;
    spin_unlock(&registry_lock);
    return number;
}

int devfs_register(const struct devfs_device *dev)
{
    return register_entry(dev, NULL);
}

int devfs_register_dir(const struct devfs_device *dev, const struct vnode_ops *dir_ops)
{
    return dir_ops ? register_entry(dev, dir_ops) : -EINVAL;
}

const struct file_ops *devfs_device_ops(uint32_t rdev, void **driver_data)
{
    const struct file_ops *ops = NULL;
    spin_lock(&registry_lock);
    if (rdev >= 1 && rdev <= registry_count && !registry[rdev - 1].rdev) {
        ops = registry[rdev - 1].fops;
        *driver_data = registry[rdev - 1].driver_data;
    }
    for (unsigned i = 0; i < registry_count && !ops && rdev > DEVFS_MAX_DEVICES; i++) {
        const struct devfs_device *dev = &registry[i];
        if (dev->rdev == rdev ||
            (S_ISDIR(dev->mode) && dev->rdev && DEV_MAJOR(dev->rdev) == DEV_MAJOR(rdev))) {
            ops = dev->fops;
            *driver_data = dev->driver_data;
        }
    }
    spin_unlock(&registry_lock);
    return ops;
}

static const struct vnode_ops devfs_node_ops;

static int devfs_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    struct superblock *sb = dir->sb;
    if (len == 2 && name[0] == '.' && name[1] == '.') {
        vnode_get(dir);         /* the VFS crosses back over the mount */
        *out = dir;
        return 0;
    }
    int index = -1;
    uint32_t mode = 0;
    uint32_t rdev = 0;
    const struct vnode_ops *dir_ops = NULL;
    spin_lock(&registry_lock);
    for (unsigned i = 0; i < registry_count; i++) {
        if (strlen(registry[i].name) == len && memcmp(registry[i].name, name, len) == 0) {
            index = (int)i;
            mode = registry[i].mode;
            rdev = registry[i].rdev ? registry[i].rdev : i + 1;
            dir_ops = registry_dir_ops[i];
        }
    }
    spin_unlock(&registry_lock);
    if (index < 0)
        return -ENOENT;
    if (S_ISDIR(mode) && !dir_ops)
        return -ENOENT;

    struct devfs_info *info = sb->fs_data;
    const struct cred root = CRED_ROOT;
    struct vnode *fresh = vnode_alloc(sb, S_ISDIR(mode) ? dir_ops : &devfs_node_ops, mode, &root);
    if (!fresh)
        return -ENOMEM;
    fresh->rdev = rdev;
    fresh->nlink = S_ISDIR(mode) ? 2 : 1;
    spin_lock(&sb->lock);
    struct vnode *vn = info->nodes[index];
    if (!vn) {
        vn = info->nodes[index] = fresh;    /* the instance keeps this ref */
        fresh = NULL;
    }
    vn->refcount++;
    spin_unlock(&sb->lock);
    kfree(fresh);
    *out = vn;
    return 0;
}

static int devfs_readdir(struct vnode *dir, uint64_t *pos,
                         int (*emit)(void *arg, const char *name, size_t len, uint64_t ino,
                                     uint32_t mode), void *arg)
{
    for (;;) {
        if (*pos == 0) {
            if (emit(arg, ".", 1, dir->ino, dir->mode))
                return 0;
        } else if (*pos == 1) {
            if (emit(arg, "..", 2, dir->ino, dir->mode))
                return 0;
        } else {
            struct devfs_device dev;
            spin_lock(&registry_lock);
            bool has = *pos - 2 < registry_count;
            if (has)
                dev = registry[*pos - 2];
            spin_unlock(&registry_lock);
            if (!has)
                return 0;
            if (emit(arg, dev.name, strlen(dev.name), 1000 + *pos, dev.mode))
                return 0;
        }
        (*pos)++;
    }
}

static const struct vnode_ops devfs_dir_ops = {
    .lookup = devfs_lookup,
    .readdir = devfs_readdir,
};

static const struct vnode_ops devfs_node_ops = {
    .lookup = NULL,
};

struct superblock *devfs_create(void)
{
    struct superblock *sb = sb_create("devfs", 0);
    if (!sb)
        return NULL;
    struct devfs_info *info = kzalloc(sizeof(*info));
    const struct cred root = CRED_ROOT;
    struct vnode *root_vn = info ? vnode_alloc(sb, &devfs_dir_ops, S_IFDIR | 0755, &root) : NULL;
    if (!root_vn) {
        kfree(info);
        kfree(sb);
        return NULL;
    }
    root_vn->nlink = 2;
    sb->fs_data = info;
    sb->root = root_vn;
    return sb;
}
