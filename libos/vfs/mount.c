/* The mount table: every mounted superblock, the global root, and the
 * superblock constructor. A mount covers a directory vnode; lookup crosses
 * from the covered vnode to the mounted root (and back for ".."). */
#include <string.h>
#include <abi/errno.h>
#include <kern/list.h>
#include <mm/kmalloc.h>
#include <vfs/fs.h>

/* mount_lock protects mount_list, every vnode's mounted_here and every
 * superblock's covered; taken before any superblock lock. */
static struct spinlock mount_lock = SPINLOCK_INIT;
static struct list mount_list = LIST_INIT(mount_list);
static struct vnode *global_root;
static unsigned short next_dev = 1;

struct superblock *sb_create(const char *fstype, unsigned flags)
{
    struct superblock *sb = kzalloc(sizeof(*sb));
    if (!sb)
        return NULL;
    sb->lock = (struct spinlock)SPINLOCK_INIT;
    sb->fstype = fstype;
    sb->flags = flags;
    list_init(&sb->link);
    spin_lock(&mount_lock);
    sb->dev = next_dev++;
    spin_unlock(&mount_lock);
    return sb;
}

struct vnode *vfs_root(void)
{
    spin_lock(&mount_lock);
    struct vnode *root = global_root;
    spin_unlock(&mount_lock);
    if (root)
        vnode_get(root);
    return root;
}

/* Mounts sb on covered (a held directory; the mount keeps that reference),
 * or as the global root when covered is NULL. */
int vfs_mount_sb(struct superblock *sb, struct vnode *covered)
{
    spin_lock(&mount_lock);
    if (!covered) {
        if (global_root) {
            spin_unlock(&mount_lock);
            return -EBUSY;
        }
        global_root = sb->root;
        vnode_get(sb->root);
    } else {
        if (covered->mounted_here) {
            spin_unlock(&mount_lock);
            return -EBUSY;
        }
        covered->mounted_here = sb;
        sb->covered = covered;
    }
    list_push_back(&mount_list, &sb->link);
    spin_unlock(&mount_lock);
    return 0;
}

/* Follows mounts stacked on vn: returns the topmost root, held, and drops
 * the caller's reference on vn. */
struct vnode *vfs_cross_mounts(struct vnode *vn)
{
    for (;;) {
        spin_lock(&mount_lock);
        struct superblock *sb = vn->mounted_here;
        struct vnode *root = sb ? sb->root : NULL;
        if (root)
            vnode_get(root);
        spin_unlock(&mount_lock);
        if (!root)
            return vn;
        vnode_put(vn);
        vn = root;
    }
}

/* For "..": when vn is the root of a mounted filesystem, the directory it
 * covers (held; the caller's reference on vn is dropped). */
struct vnode *vfs_mount_covered(struct vnode *vn)
{
    for (;;) {
        spin_lock(&mount_lock);
        struct vnode *covered = vn == vn->sb->root ? vn->sb->covered : NULL;
        if (covered)
            vnode_get(covered);
        spin_unlock(&mount_lock);
        if (!covered)
            return vn;
        vnode_put(vn);
        vn = covered;
    }
}

size_t vfs_mounted_superblocks(struct superblock **out, size_t max)
{
    size_t n = 0;
    spin_lock(&mount_lock);
    struct list *pos;
    list_for_each(pos, &mount_list) {
        if (n < max)
            out[n] = list_entry(pos, struct superblock, link);
        n++;
    }
    spin_unlock(&mount_lock);
    return n;
}

/* Detaches sb from the directory it covers and asks the filesystem to let
 * go; re-attaches it when the filesystem is busy. The caller serialises
 * mounts and unmounts (vfs_mount_mutex). */
int vfs_unmount_sb(struct superblock *sb)
{
    if (!sb->ops || !sb->ops->unmount)
        return -ENOTSUP;
    spin_lock(&mount_lock);
    struct vnode *covered = sb->covered;
    if (!covered || covered->mounted_here != sb) {
        spin_unlock(&mount_lock);
        return -EINVAL;
    }
    covered->mounted_here = NULL;
    list_remove(&sb->link);
    spin_unlock(&mount_lock);
    int rc = sb->ops->unmount(sb);      /* frees sb on success */
    if (rc < 0) {
        spin_lock(&mount_lock);
        covered->mounted_here = sb;
        list_push_back(&mount_list, &sb->link);
        spin_unlock(&mount_lock);
        return rc;
    }
    vnode_put(covered);
    return 0;
}
