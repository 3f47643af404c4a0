/* ramfs: files, directories, symlinks, FIFOs and device nodes in kernel
 * memory. The root filesystem when there is no disk, and what the initramfs
 * unpacks into. Optionally size-limited (file data, in pages): ENOSPC. */
#include <stdbool.h>
#include <string.h>
#include <abi/errno.h>
#include <kern/list.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <plat/layout.h>
#include <vfs/fs.h>

#define RAMFS_MAX_FILE_BYTES (1ULL << 30)   /* beyond: EFBIG */

struct ramfs_info {
    uint64_t limit_bytes;       /* 0: none */
    uint64_t used_bytes;        /* data pages held */
};

struct ramfs_dirent {
    struct list link;
    struct vnode *vn;           /* counted in vn->nlink, not in refcount */
    size_t len;
    char name[];
};

/* Everything below is protected by the superblock lock. */
struct ramfs_node {
    struct list entries;        /* directories: struct ramfs_dirent */
    struct vnode *parent;       /* directories: NULL once removed */
    char *link_target;          /* symlinks */
    char **pages;               /* regular files: NULL entries are holes */
    size_t page_slots;
};

static const struct vnode_ops ramfs_ops;

static struct ramfs_node *node_of(struct vnode *vn)
{
    return vn->fs_data;
}

static struct ramfs_info *info_of(struct vnode *vn)
{
    return vn->sb->fs_data;
}

static void node_free(struct vnode *vn)
{
    struct ramfs_node *node = node_of(vn);
    struct ramfs_info *info = info_of(vn);
    for (size_t i = 0; i < node->page_slots; i++) {
        if (node->pages[i]) {
            kfree(node->pages[i]);
            info->used_bytes -= PAGE_SIZE;
        }
    }
    kfree(node->pages);
    kfree(node->link_target);
    kfree(node);
    kfree(vn);
}

/* sb->lock held. */
static void ramfs_inactive(struct vnode *vn)
{
    if (vn->nlink == 0)
        node_free(vn);
}

/* Drops one link; frees the vnode when no link and no reference remain.
 * sb->lock held. */
static void drop_link(struct vnode *vn)
{
    vn->nlink--;
    if (S_ISDIR(vn->mode)) {
        vn->nlink = 0;
        node_of(vn)->parent = NULL;
    }
    vn->ctime_ns = vfs_now_ns();
    if (vn->nlink == 0 && vn->refcount == 0)
        node_free(vn);
}

static struct ramfs_dirent *find(struct vnode *dir, const char *name, size_t len)
{
    struct list *pos;
    list_for_each(pos, &node_of(dir)->entries) {
        struct ramfs_dirent *de = list_entry(pos, struct ramfs_dirent, link);
        if (de->len == len && memcmp(de->name, name, len) == 0)
            return de;
    }
    return NULL;
}

static struct vnode *node_create(struct superblock *sb, uint32_t mode, const struct cred *cred)
{
    struct vnode *vn = vnode_alloc(sb, &ramfs_ops, mode, cred);
    if (!vn)
        return NULL;
    struct ramfs_node *node = kzalloc(sizeof(*node));
    if (!node) {
        kfree(vn);
        return NULL;
    }
    list_init(&node->entries);
    vn->fs_data = node;
    return vn;
}

/* Links vn into dir under name. sb->lock held. */
static int add_entry(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
    struct ramfs_dirent *de = kmalloc(sizeof(*de) + len + 1);
    if (!de)
        return -ENOMEM;
    de->vn = vn;
    de->len = len;
    memcpy(de->name, name, len);
    de->name[len] = '\0';
    list_push_back(&node_of(dir)->entries, &de->link);
    vn->nlink++;
    if (S_ISDIR(vn->mode)) {
        node_of(vn)->parent = dir;
        dir->nlink++;
    }
    dir->mtime_ns = dir->ctime_ns = vfs_now_ns();
    return 0;
}

static int ramfs_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    struct superblock *sb = dir->sb;
    int rc = 0;
    spin_lock(&sb->lock);
    struct vnode *vn;
    if (len == 2 && name[0] == '.' && name[1] == '.') {
        vn = node_of(dir)->parent ? node_of(dir)->parent
                                  : (dir == sb->root ? dir : NULL);
    } else {
        struct ramfs_dirent *de = find(dir, name, len);
        vn = de ? de->vn : NULL;
    }
    if (vn) {
        vn->refcount++;
        *out = vn;
    } else {
        rc = -ENOENT;
    }
    spin_unlock(&sb->lock);
    return rc;
}

static int ramfs_create_node(struct vnode *dir, const char *name, size_t len, uint32_t mode,
                             uint32_t rdev, const struct cred *cred, struct vnode **out)
{
    struct superblock *sb = dir->sb;
    struct vnode *vn = node_create(sb, mode, cred);
    if (!vn)
        return -ENOMEM;
    vn->rdev = rdev;
    if (S_ISDIR(mode))
        vn->nlink = 1;          /* "."; the parent's entry adds one */
    spin_lock(&sb->lock);
    int rc = dir->nlink == 0 ? -ENOENT : find(dir, name, len) ? -EEXIST : 0;
    if (rc == 0)
        rc = add_entry(dir, name, len, vn);
    spin_unlock(&sb->lock);
    if (rc < 0) {
        node_free(vn);
        return rc;
    }
    *out = vn;
    return 0;
}

static int ramfs_symlink(struct vnode *dir, const char *name, size_t len, const char *target,
                         const struct cred *cred)
{
    struct vnode *vn = node_create(dir->sb, S_IFLNK | 0777, cred);
    if (!vn)
        return -ENOMEM;
    size_t target_len = strlen(target);
    char *copy = kmalloc(target_len + 1);
    if (!copy) {
        node_free(vn);
        return -ENOMEM;
    }
    memcpy(copy, target, target_len + 1);
    node_of(vn)->link_target = copy;
    vn->size = target_len;
    struct superblock *sb = dir->sb;
    spin_lock(&sb->lock);
    int rc = dir->nlink == 0 ? -ENOENT : find(dir, name, len) ? -EEXIST : 0;
    if (rc == 0)
        rc = add_entry(dir, name, len, vn);
    spin_unlock(&sb->lock);
    if (rc < 0)
        node_free(vn);
    else
        vnode_put(vn);
    return rc;
}

static int ramfs_link(struct vnode *dir, const char *name, size_t len, struct vnode *target)
{
    struct superblock *sb = dir->sb;
    spin_lock(&sb->lock);
    int rc = dir->nlink == 0 || target->nlink == 0 ? -ENOENT
           : find(dir, name, len) ? -EEXIST : 0;
    if (rc == 0)
        rc = add_entry(dir, name, len, target);
    if (rc == 0)
        target->ctime_ns = vfs_now_ns();
    spin_unlock(&sb->lock);
    return rc;
}

static void remove_entry(struct vnode *dir, struct ramfs_dirent *de)
{
    struct vnode *vn = de->vn;
    list_remove(&de->link);
    kfree(de);
    if (S_ISDIR(vn->mode))
        dir->nlink--;
    dir->mtime_ns = dir->ctime_ns = vfs_now_ns();
    drop_link(vn);
}

static int ramfs_unlink(struct vnode *dir, const char *name, size_t len, bool is_rmdir)
{
    struct superblock *sb = dir->sb;
    int rc = 0;
    spin_lock(&sb->lock);
    struct ramfs_dirent *de = find(dir, name, len);
    if (!de)
        rc = -ENOENT;
    else if (is_rmdir && !S_ISDIR(de->vn->mode))
        rc = -ENOTDIR;
    else if (!is_rmdir && S_ISDIR(de->vn->mode))
        rc = -EISDIR;
    else if (is_rmdir && !list_empty(&node_of(de->vn)->entries))
        rc = -ENOTEMPTY;
    else if (is_rmdir && de->vn->mounted_here)
        rc = -EBUSY;
    else
        remove_entry(dir, de);
    spin_unlock(&sb->lock);
    return rc;
}

/* True when dir is vn or below it. sb->lock held. */
static bool is_inside(struct vnode *dir, struct vnode *vn)
{
    for (struct vnode *d = dir; d; d = node_of(d)->parent)
        if (d == vn)
            return true;
    return false;
}

static int ramfs_rename(struct vnode *from_dir, const char *from, size_t from_len,
                        struct vnode *to_dir, const char *to, size_t to_len)
{
    struct superblock *sb = from_dir->sb;
    int rc = 0;
    struct ramfs_dirent *moved = kmalloc(sizeof(*moved) + to_len + 1);
    if (!moved)
        return -ENOMEM;
    spin_lock(&sb->lock);
    struct ramfs_dirent *src = find(from_dir, from, from_len);
    struct ramfs_dirent *dst = find(to_dir, to, to_len);
    if (!src) {
        rc = -ENOENT;
        goto out;
    }
    struct vnode *vn = src->vn;
    if (dst && dst->vn == vn)
        goto out;               /* the same file: nothing to do */
    if (S_ISDIR(vn->mode) && is_inside(to_dir, vn)) {
        rc = -EINVAL;
        goto out;
    }
    if (to_dir->nlink == 0) {
        rc = -ENOENT;
        goto out;
    }
    if (dst) {
        if (S_ISDIR(vn->mode) && !S_ISDIR(dst->vn->mode))
            rc = -ENOTDIR;
        else if (!S_ISDIR(vn->mode) && S_ISDIR(dst->vn->mode))
            rc = -EISDIR;
        else if (S_ISDIR(dst->vn->mode) && !list_empty(&node_of(dst->vn)->entries))
            rc = -ENOTEMPTY;
        else if (dst->vn->mounted_here)
            rc = -EBUSY;
        if (rc < 0)
            goto out;
        remove_entry(to_dir, dst);
    }
    /* Move: unlink src (keeping vn alive), link under the new name. */
    list_remove(&src->link);
    kfree(src);
    if (S_ISDIR(vn->mode))
        from_dir->nlink--;
    vn->nlink--;
    moved->vn = vn;
    moved->len = to_len;
    memcpy(moved->name, to, to_len);
    moved->name[to_len] = '\0';
    list_push_back(&node_of(to_dir)->entries, &moved->link);
    vn->nlink++;
    if (S_ISDIR(vn->mode)) {
        node_of(vn)->parent = to_dir;
        to_dir->nlink++;
    }
    moved = NULL;
    int64_t now = vfs_now_ns();
    from_dir->mtime_ns = from_dir->ctime_ns = to_dir->mtime_ns = to_dir->ctime_ns = now;
    vn->ctime_ns = now;
out:
    spin_unlock(&sb->lock);
    kfree(moved);
    return rc;
}

static int ramfs_readdir(struct vnode *dir, uint64_t *pos,
                         int (*emit)(void *arg, const char *name, size_t len, uint64_t ino,
                                     uint32_t mode), void *arg)
{
    struct superblock *sb = dir->sb;
    spin_lock(&sb->lock);
    struct ramfs_node *node = node_of(dir);
    if (*pos == 0) {
        if (emit(arg, ".", 1, dir->ino, dir->mode))
            goto out;
        (*pos)++;
    }
    if (*pos == 1) {
        struct vnode *parent = node->parent ? node->parent : dir;
        if (emit(arg, "..", 2, parent->ino, parent->mode))
            goto out;
        (*pos)++;
    }
    uint64_t index = 2;
    struct list *it;
    list_for_each(it, &node->entries) {
        if (index++ < *pos)
            continue;
        struct ramfs_dirent *de = list_entry(it, struct ramfs_dirent, link);
        if (emit(arg, de->name, de->len, de->vn->ino, de->vn->mode))
            goto out;
        (*pos)++;
    }
out:
    spin_unlock(&sb->lock);
    return 0;
}

static long ramfs_readlink(struct vnode *vn, char *buf, size_t size)
{
    spin_lock(&vn->sb->lock);
    const char *target = node_of(vn)->link_target;
    size_t n = MIN(strlen(target), size);
    memcpy(buf, target, n);
    spin_unlock(&vn->sb->lock);
    return (long)n;
}

static long ramfs_read(struct vnode *vn, void *buf, size_t len, uint64_t offset)
{
    spin_lock(&vn->sb->lock);
    struct ramfs_node *node = node_of(vn);
    size_t done = 0;
    if (offset < vn->size) {
        len = (size_t)MIN((uint64_t)len, vn->size - offset);
        while (done < len) {
            uint64_t at = offset + done;
            size_t page = (size_t)(at / PAGE_SIZE), in = (size_t)(at % PAGE_SIZE);
            size_t n = MIN(len - done, PAGE_SIZE - in);
            if (page < node->page_slots && node->pages[page])
                memcpy((char *)buf + done, node->pages[page] + in, n);
            else
                memset((char *)buf + done, 0, n);
            done += n;
        }
    }
    vn->atime_ns = vfs_now_ns();
    spin_unlock(&vn->sb->lock);
    return (long)done;
}

/* Makes room for page slots [0, count). sb->lock held. */
static int grow_slots(struct ramfs_node *node, size_t count)
{
    if (count <= node->page_slots)
        return 0;
    size_t slots = MAX(count, node->page_slots * 2);
    char **pages = kzalloc(slots * sizeof(*pages));
    if (!pages)
        return -ENOMEM;
    if (node->page_slots)
        memcpy(pages, node->pages, node->page_slots * sizeof(*pages));
    kfree(node->pages);
    node->pages = pages;
    node->page_slots = slots;
    return 0;
}

static long ramfs_write(struct vnode *vn, const void *buf, size_t len, uint64_t offset)
{
    if (offset >= RAMFS_MAX_FILE_BYTES)
        return len ? -EFBIG : 0;
    len = (size_t)MIN((uint64_t)len, RAMFS_MAX_FILE_BYTES - offset);
    spin_lock(&vn->sb->lock);
    struct ramfs_node *node = node_of(vn);
    struct ramfs_info *info = info_of(vn);
    size_t done = 0;
    int rc = grow_slots(node, (size_t)((offset + len + PAGE_SIZE - 1) / PAGE_SIZE));
    while (rc == 0 && done < len) {
        uint64_t at = offset + done;
        size_t page = (size_t)(at / PAGE_SIZE), in = (size_t)(at % PAGE_SIZE);
        size_t n = MIN(len - done, PAGE_SIZE - in);
        if (!node->pages[page]) {
            if (info->limit_bytes && info->used_bytes + PAGE_SIZE > info->limit_bytes) {
                rc = -ENOSPC;
                break;
            }
            node->pages[page] = kzalloc(PAGE_SIZE);
            if (!node->pages[page]) {
                rc = -ENOMEM;           /* as Linux's tmpfs; ENOSPC is the limit's */
                break;
            }
            info->used_bytes += PAGE_SIZE;
        }
        memcpy(node->pages[page] + in, (const char *)buf + done, n);
        done += n;
    }
    if (done) {
        if (offset + done > vn->size)
            vn->size = offset + done;
        vn->mtime_ns = vn->ctime_ns = vfs_now_ns();
    }
    spin_unlock(&vn->sb->lock);
    return done ? (long)done : rc;
}

static int ramfs_truncate(struct vnode *vn, uint64_t length)
{
    if (length > RAMFS_MAX_FILE_BYTES)
        return -EFBIG;
    spin_lock(&vn->sb->lock);
    struct ramfs_node *node = node_of(vn);
    struct ramfs_info *info = info_of(vn);
    size_t keep = (size_t)((length + PAGE_SIZE - 1) / PAGE_SIZE);
    for (size_t i = keep; i < node->page_slots; i++) {
        if (node->pages[i]) {
            kfree(node->pages[i]);
            node->pages[i] = NULL;
            info->used_bytes -= PAGE_SIZE;
        }
    }
    /* Zero the tail of the last kept page so a later extension reads 0. */
    if (length % PAGE_SIZE && keep - 1 < node->page_slots && node->pages[keep - 1])
        memset(node->pages[keep - 1] + length % PAGE_SIZE, 0, PAGE_SIZE - length % PAGE_SIZE);
    vn->size = length;
    vn->mtime_ns = vn->ctime_ns = vfs_now_ns();
    spin_unlock(&vn->sb->lock);
    return 0;
}

/* The limit in pages (blocks) and what is left of it. Without a limit
 * (0) the sizes read 0, as for the other in-memory filesystems. */
static int ramfs_statfs(struct superblock *sb, struct vfs_statfs *st)
{
    struct ramfs_info *info = sb->fs_data;
    spin_lock(&sb->lock);
    uint64_t limit_bytes = info->limit_bytes, used_bytes = info->used_bytes;
    spin_unlock(&sb->lock);
    uint64_t left = used_bytes < limit_bytes ? (limit_bytes - used_bytes) / PAGE_SIZE : 0;
    *st = (struct vfs_statfs){ .block_size = PAGE_SIZE, .blocks = limit_bytes / PAGE_SIZE,
                               .blocks_free = left, .blocks_avail = left,
                               .name_max = NAME_MAX };
    return 0;
}

static const struct superblock_ops ramfs_sb_ops = {
    .statfs = ramfs_statfs,
};

static const struct vnode_ops ramfs_ops = {
    .lookup = ramfs_lookup,
    .create = ramfs_create_node,
    .symlink = ramfs_symlink,
    .link = ramfs_link,
    .unlink = ramfs_unlink,
    .rename = ramfs_rename,
    .readdir = ramfs_readdir,
    .readlink = ramfs_readlink,
    .read = ramfs_read,
    .write = ramfs_write,
    .truncate = ramfs_truncate,
    .inactive = ramfs_inactive,
};

struct superblock *ramfs_create(unsigned flags, uint64_t size_limit_bytes)
{
    struct superblock *sb = sb_create("ramfs", flags);
    if (!sb)
        return NULL;
    struct ramfs_info *info = kzalloc(sizeof(*info));
    if (!info) {
        kfree(sb);
        return NULL;
    }
    info->limit_bytes = size_limit_bytes;
    sb->fs_data = info;
    sb->ops = &ramfs_sb_ops;
    const struct cred root = CRED_ROOT;
    struct vnode *root_vn = node_create(sb, S_IFDIR | 0755, &root);
    if (!root_vn) {
        kfree(info);
        kfree(sb);
        return NULL;
    }
    root_vn->nlink = 2;
    sb->root = root_vn;         /* the superblock keeps this reference */
    return sb;
}

/* Frees an unmounted ramfs and everything in it (host tests). */
static void destroy_tree(struct vnode *dir)
{
    struct ramfs_node *node = node_of(dir);
    while (!list_empty(&node->entries)) {
        struct ramfs_dirent *de = list_entry(node->entries.next, struct ramfs_dirent, link);
        struct vnode *vn = de->vn;
        list_remove(&de->link);
        kfree(de);
        if (S_ISDIR(vn->mode)) {
            destroy_tree(vn);
            vn->nlink = 0;
        } else {
            vn->nlink--;
        }
        if (vn->nlink == 0 && vn->refcount == 0)
            node_free(vn);
    }
}

void ramfs_destroy(struct superblock *sb)
{
    spin_lock(&sb->lock);
    destroy_tree(sb->root);
    node_free(sb->root);
    spin_unlock(&sb->lock);
    kfree(sb->fs_data);
    kfree(sb);
}
