/* Filesystem types and the mount calls: a registry of types by name
 * (ramfs and devfs built in; procfs from vfs_init; disk filesystems such
 * as libos/fs/ext2 register themselves at boot), vfs_mount,
 * vfs_mount_source and vfs_umount. vfs_mount_mutex serialises mounts,
 * unmounts and whole-tree syncs; it is the outermost VFS lock. */
#include <string.h>
#include <abi/errno.h>
#include <kern/list.h>
#include <sched/sync.h>
#include <vfs/fs.h>

struct mutex vfs_mount_mutex = {
    SPINLOCK_INIT, NULL, WAITQ_INIT(vfs_mount_mutex.waiters),
};

/* Protects fstypes; a leaf lock. */
static struct spinlock fstypes_lock = SPINLOCK_INIT;
static struct list fstypes = LIST_INIT(fstypes);
static bool has_builtins;

static int ramfs_mount(const char *source, unsigned flags, uint64_t size_limit_bytes,
                       struct superblock **out)
{
    (void)source;
    *out = ramfs_create(flags & MOUNT_RDONLY, size_limit_bytes);
    return *out ? 0 : -ENOMEM;
}

static int devfs_mount(const char *source, unsigned flags, uint64_t size_limit_bytes,
                       struct superblock **out)
{
    (void)source;
    (void)flags;
    (void)size_limit_bytes;
    *out = devfs_create();
    return *out ? 0 : -ENOMEM;
}

static struct vfs_fstype ramfs_fstype = {
    .name = "ramfs", .mount = ramfs_mount, .discard = ramfs_destroy,
};
static struct vfs_fstype devfs_fstype = {
    .name = "devfs", .mount = devfs_mount,
};

static struct vfs_fstype *find_locked(const char *name)
{
    spin_assert_held(&fstypes_lock);
    struct list *pos;
    list_for_each(pos, &fstypes) {
        struct vfs_fstype *t = list_entry(pos, struct vfs_fstype, link);
        if (strcmp(t->name, name) == 0)
            return t;
    }
    return NULL;
}

int vfs_register_fstype(struct vfs_fstype *type)
{
    if (!type || !type->name || !type->mount)
        return -EINVAL;
    spin_lock(&fstypes_lock);
    int rc = find_locked(type->name) ? -EEXIST : 0;
    if (rc == 0)
        list_push_back(&fstypes, &type->link);
    spin_unlock(&fstypes_lock);
    return rc;
}

static void register_builtins(void)
{
    spin_lock(&fstypes_lock);
    bool is_done = has_builtins;
    has_builtins = true;
    spin_unlock(&fstypes_lock);
    if (is_done)
        return;
    vfs_register_fstype(&ramfs_fstype);
    vfs_register_fstype(&devfs_fstype);
}

struct vfs_fstype *vfs_find_fstype(const char *name)
{
    register_builtins();
    spin_lock(&fstypes_lock);
    struct vfs_fstype *t = find_locked(name);
    spin_unlock(&fstypes_lock);
    return t;
}

static int do_mount(struct vfs_ctx *ctx, const char *fstype, const char *source,
                    const char *path, unsigned flags, uint64_t size_limit_bytes)
{
    if (!fstype || !path)
        return -EFAULT;
    if (ctx->ids->cred.euid != 0)
        return -EPERM;
    struct vfs_fstype *type = vfs_find_fstype(fstype);
    if (!type)
        return -ENODEV;
    struct vnode *dir;
    int rc = vfs_lookup(ctx, NULL, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dir);
    if (rc < 0)
        return rc;
    mutex_lock(&vfs_mount_mutex);
    struct superblock *sb = NULL;
    rc = dir->mounted_here ? -EBUSY : type->mount(source, flags, size_limit_bytes, &sb);
    if (rc == 0) {
        size_t len = source ? strnlen(source, sizeof(sb->source) - 1) : 0;
        memcpy(sb->source, source ? source : "", len);
        sb->source[len] = '\0';
        rc = vfs_mount_sb(sb, dir);   /* keeps the reference on dir */
    }
    if (rc < 0) {
        vnode_put(dir);
        if (sb && type->discard)
            type->discard(sb);
    }
    mutex_unlock(&vfs_mount_mutex);
    return rc;
}

int vfs_mount(struct vfs_ctx *ctx, const char *fstype, const char *path, unsigned flags,
              uint64_t size_limit_bytes)
{
    return do_mount(ctx, fstype, NULL, path, flags, size_limit_bytes);
}

int vfs_mount_source(struct vfs_ctx *ctx, const char *fstype, const char *source,
                     const char *path, unsigned flags)
{
    if (!source)
        return -EFAULT;
    return do_mount(ctx, fstype, source, path, flags, 0);
}

int vfs_umount(struct vfs_ctx *ctx, const char *path)
{
    if (ctx->ids->cred.euid != 0)
        return -EPERM;
    struct vnode *vn;
    int rc = vfs_lookup(ctx, NULL, path, LOOKUP_FOLLOW, &vn);
    if (rc < 0)
        return rc;
    struct superblock *sb = vn->sb;
    bool is_mount_root = vn == sb->root && sb->covered;
    vnode_put(vn);
    if (!is_mount_root)
        return -EINVAL;
    mutex_lock(&vfs_mount_mutex);
    rc = vfs_unmount_sb(sb);
    mutex_unlock(&vfs_mount_mutex);
    return rc;
}
