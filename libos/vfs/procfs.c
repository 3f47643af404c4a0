/* procfs: the filesystem mechanics of /proc (fstype "proc"). The root
 * lists the system files (procfs_files.c), the symlink "self" and one
 * directory per process; a process directory holds stat, status, cmdline
 * and comm, whose content the process layer renders (vfs/procfs.h), and
 * directories other subsystems register (/proc/net) hold theirs. A
 * file's content is generated once, when it is opened: every read of that
 * open file sees the same snapshot, at any offset and in any piece size.
 * Vnodes are made on lookup and freed with their last reference; nothing
 * is cached. */
#include <string.h>
#include <abi/errno.h>
#include <kern/printk.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <vfs/fs.h>
#include <vfs/procfs.h>
#include "procfs_internal.h"

/* Where the directory positions of the process entries start: position
 * PID_POS_BASE + n continues with the first pid >= n. */
#define PID_POS_BASE 16
#define SNAPSHOT_FIRST_TRY 4096

static const struct procfs_source *source;

void procfs_set_source(const struct procfs_source *src)
{
    __atomic_store_n(&source, src, __ATOMIC_RELEASE);
}

static const struct procfs_source *get_source(void)
{
    return __atomic_load_n(&source, __ATOMIC_ACQUIRE);
}

/* Registered directories: slots published by dir_count (release), never
 * removed. dirs_lock serialises registrations. */
struct procfs_dir {
    const char *name;
    const struct procfs_dir_file *files;
    unsigned count;
};
static struct spinlock dirs_lock = SPINLOCK_INIT;
static struct procfs_dir dirs[PROCFS_DIRS_MAX];
static unsigned dir_count;

int procfs_register_dir(const char *name, const struct procfs_dir_file *files, unsigned count)
{
    if (count > PROCFS_DIR_FILES_MAX || !name || !name[0])
        return -EINVAL;
    spin_lock(&dirs_lock);
    if (dir_count == PROCFS_DIRS_MAX) {
        spin_unlock(&dirs_lock);
        return -ENOSPC;
    }
    dirs[dir_count] = (struct procfs_dir){ name, files, count };
    __atomic_store_n(&dir_count, dir_count + 1, __ATOMIC_RELEASE);
    spin_unlock(&dirs_lock);
    return 0;
}

static unsigned get_dir_count(void)
{
    return __atomic_load_n(&dir_count, __ATOMIC_ACQUIRE);
}

/* What a vnode is: fs_data holds (arg << 8) | (file << 4) | kind, arg
 * being the pid (or a system file's index) and file a pid file's index. */
enum node_kind {
    NODE_ROOT,
    NODE_SELF,
    NODE_SYSTEM,        /* a file of procfs_files.c; pid field: its index */
    NODE_PID_DIR,
    NODE_PID_FILE,      /* pid field: pid; the file in ino */
    NODE_DIR,           /* a registered directory; arg: its index */
    NODE_DIR_FILE,      /* arg: the directory's index; file: the file's */
};

struct pid_file_entry {
    const char *name;
    enum procfs_pid_file file;
};

static const struct pid_file_entry pid_files[] = {
    { "stat", PROCFS_PID_STAT },
    { "status", PROCFS_PID_STATUS },
    { "cmdline", PROCFS_PID_CMDLINE },
    { "comm", PROCFS_PID_COMM },
};

/* Per instance: how many vnodes besides the root are alive (sb->lock). */
struct procfs_info {
    unsigned live_nodes;
};

static enum node_kind node_kind(const struct vnode *vn)
{
    return (enum node_kind)((uintptr_t)vn->fs_data & 0xf);
}

static int node_arg(const struct vnode *vn)
{
    return (int)((uintptr_t)vn->fs_data >> 8);
}

static unsigned node_file(const struct vnode *vn)
{
    return (unsigned)((uintptr_t)vn->fs_data >> 4) & 0xf;
}

static const struct vnode_ops dir_ops, pid_dir_ops, self_ops, file_ops, reg_dir_ops;

/* Inode numbers: stable for a name, distinct across the tree. */
static uint64_t node_ino(enum node_kind kind, int arg, unsigned file)
{
    switch (kind) {
    case NODE_ROOT:
        return 1;
    case NODE_SELF:
        return 2;
    case NODE_SYSTEM:
        return 3 + (uint64_t)arg;
    case NODE_PID_DIR:
        return ((uint64_t)arg << 4) + 1000;
    case NODE_DIR:
        return 100 + ((uint64_t)arg << 4);
    case NODE_DIR_FILE:
        return 101 + ((uint64_t)arg << 4) + file;
    default:
        return ((uint64_t)arg << 4) + 1001 + file;
    }
}

static uint32_t node_mode(enum node_kind kind)
{
    switch (kind) {
    case NODE_ROOT:
    case NODE_PID_DIR:
    case NODE_DIR:
        return S_IFDIR | 0555;
    case NODE_SELF:
        return S_IFLNK | 0777;
    default:
        return S_IFREG | 0444;
    }
}

static const struct vnode_ops *node_ops(enum node_kind kind)
{
    switch (kind) {
    case NODE_ROOT:
        return &dir_ops;
    case NODE_PID_DIR:
        return &pid_dir_ops;
    case NODE_DIR:
        return &reg_dir_ops;
    case NODE_SELF:
        return &self_ops;
    default:
        return &file_ops;
    }
}

static int node_make(struct superblock *sb, enum node_kind kind, int arg, unsigned file,
                     struct vnode **out)
{
    const struct cred root = CRED_ROOT;
    struct vnode *vn = vnode_alloc(sb, node_ops(kind), node_mode(kind), &root);
    if (!vn)
        return -ENOMEM;
    vn->fs_data = (void *)(((uintptr_t)arg << 8) | (file << 4) | kind);
    vn->ino = node_ino(kind, arg, file);
    vn->nlink = S_ISDIR(vn->mode) ? 2 : 1;
    struct procfs_info *info = sb->fs_data;
    spin_lock(&sb->lock);
    info->live_nodes++;
    spin_unlock(&sb->lock);
    *out = vn;
    return 0;
}

/* sb->lock held: the last reference went. */
static void node_inactive(struct vnode *vn)
{
    if (node_kind(vn) == NODE_ROOT)
        return;
    struct procfs_info *info = vn->sb->fs_data;
    info->live_nodes--;
    kfree(vn);
}

static bool pid_exists(int pid)
{
    const struct procfs_source *src = get_source();
    return src && pid > 0 && src->next_pid(pid) == pid;
}

/* A decimal pid without sign or leading zeros; -1 otherwise. */
static int parse_pid(const char *name, size_t len)
{
    if (len == 0 || len > 9 || name[0] == '0')
        return -1;
    int pid = 0;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        pid = pid * 10 + (name[i] - '0');
    }
    return pid;
}

static bool name_is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && memcmp(name, want, len) == 0;
}

/* ---- the root ------------------------------------------------------- */

static int root_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    if (name_is(name, len, "..")) {
        vnode_get(dir);
        *out = dir;
        return 0;
    }
    if (name_is(name, len, "self"))
        return node_make(dir->sb, NODE_SELF, 0, 0, out);
    for (unsigned i = 0; i < procfs_system_file_count(); i++) {
        if (name_is(name, len, procfs_system_file_name(i)))
            return node_make(dir->sb, NODE_SYSTEM, (int)i, 0, out);
    }
    for (unsigned i = 0; i < get_dir_count(); i++) {
        if (name_is(name, len, dirs[i].name))
            return node_make(dir->sb, NODE_DIR, (int)i, 0, out);
    }
    int pid = parse_pid(name, len);
    if (pid < 0 || !pid_exists(pid))
        return -ENOENT;
    return node_make(dir->sb, NODE_PID_DIR, pid, 0, out);
}

typedef int (*emit_fn)(void *arg, const char *name, size_t len, uint64_t ino, uint32_t mode);

/* Positions: 0 ".", 1 "..", 2 "self", 3.. the system files, then the
 * registered directories, then from PID_POS_BASE the processes (see
 * PID_POS_BASE). */
static int root_readdir(struct vnode *dir, uint64_t *pos, emit_fn emit, void *arg)
{
    unsigned nsystem = procfs_system_file_count();
    unsigned ndirs = get_dir_count();
    for (;;) {
        uint64_t next = *pos + 1;
        int rc;
        if (*pos == 0) {
            rc = emit(arg, ".", 1, dir->ino, dir->mode);
        } else if (*pos == 1) {
            rc = emit(arg, "..", 2, dir->ino, dir->mode);
        } else if (*pos == 2) {
            rc = emit(arg, "self", 4, node_ino(NODE_SELF, 0, 0), node_mode(NODE_SELF));
        } else if (*pos < 3 + nsystem) {
            unsigned i = (unsigned)(*pos - 3);
            const char *name = procfs_system_file_name(i);
            rc = emit(arg, name, strlen(name), node_ino(NODE_SYSTEM, (int)i, 0),
                      node_mode(NODE_SYSTEM));
        } else if (*pos < 3 + nsystem + ndirs) {
            unsigned i = (unsigned)(*pos - 3 - nsystem);
            rc = emit(arg, dirs[i].name, strlen(dirs[i].name), node_ino(NODE_DIR, (int)i, 0),
                      node_mode(NODE_DIR));
            if (rc == 0 && i + 1 == ndirs)
                next = PID_POS_BASE;
        } else {
            const struct procfs_source *src = get_source();
            uint64_t from = *pos < PID_POS_BASE ? 1 : *pos - PID_POS_BASE;
            int pid = src && from < 0x7fffffff ? src->next_pid((int)from) : -1;
            if (pid < 0)
                return 0;
            char name[16];
            int len = snprintf(name, sizeof(name), "%d", pid);
            rc = emit(arg, name, (size_t)len, node_ino(NODE_PID_DIR, pid, 0),
                      node_mode(NODE_PID_DIR));
            next = PID_POS_BASE + (uint64_t)pid + 1;
        }
        if (rc)
            return 0;
        *pos = next;
    }
}

static const struct vnode_ops dir_ops = {
    .lookup = root_lookup,
    .readdir = root_readdir,
    .inactive = node_inactive,
};

/* ---- /proc/self ---------------------------------------------------- */

static long self_readlink(struct vnode *vn, char *buf, size_t size)
{
    (void)vn;
    const struct procfs_source *src = get_source();
    int pid = src ? src->self_pid() : -ENOENT;
    if (pid < 0)
        return -ENOENT;
    char text[16];
    int len = snprintf(text, sizeof(text), "%d", pid);
    size_t n = MIN((size_t)len, size);
    memcpy(buf, text, n);
    return (long)n;
}

static const struct vnode_ops self_ops = {
    .readlink = self_readlink,
    .inactive = node_inactive,
};

/* ---- /proc/<pid> ---------------------------------------------------- */

static int pid_dir_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    if (name_is(name, len, "..")) {
        vnode_get(dir->sb->root);
        *out = dir->sb->root;
        return 0;
    }
    int pid = node_arg(dir);
    for (unsigned i = 0; i < ARRAY_SIZE(pid_files); i++) {
        if (name_is(name, len, pid_files[i].name))
            return pid_exists(pid) ? node_make(dir->sb, NODE_PID_FILE, pid, i, out) : -ENOENT;
    }
    return -ENOENT;
}

static int pid_dir_readdir(struct vnode *dir, uint64_t *pos, emit_fn emit, void *arg)
{
    int pid = node_arg(dir);
    for (;; (*pos)++) {
        int rc;
        if (*pos == 0) {
            rc = emit(arg, ".", 1, dir->ino, dir->mode);
        } else if (*pos == 1) {
            rc = emit(arg, "..", 2, 1, S_IFDIR | 0555);
        } else if (*pos - 2 < ARRAY_SIZE(pid_files)) {
            unsigned i = (unsigned)(*pos - 2);
            rc = emit(arg, pid_files[i].name, strlen(pid_files[i].name),
                      node_ino(NODE_PID_FILE, pid, i), node_mode(NODE_PID_FILE));
        } else {
            return 0;
        }
        if (rc)
            return 0;
    }
}

static const struct vnode_ops pid_dir_ops = {
    .lookup = pid_dir_lookup,
    .readdir = pid_dir_readdir,
    .inactive = node_inactive,
};

/* ---- registered directories (/proc/net) ---------------------------- */

static int reg_dir_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    if (name_is(name, len, "..")) {
        vnode_get(dir->sb->root);
        *out = dir->sb->root;
        return 0;
    }
    const struct procfs_dir *d = &dirs[node_arg(dir)];
    for (unsigned i = 0; i < d->count; i++) {
        if (name_is(name, len, d->files[i].name))
            return node_make(dir->sb, NODE_DIR_FILE, node_arg(dir), i, out);
    }
    return -ENOENT;
}

static int reg_dir_readdir(struct vnode *dir, uint64_t *pos, emit_fn emit, void *arg)
{
    const struct procfs_dir *d = &dirs[node_arg(dir)];
    for (;; (*pos)++) {
        int rc;
        if (*pos == 0) {
            rc = emit(arg, ".", 1, dir->ino, dir->mode);
        } else if (*pos == 1) {
            rc = emit(arg, "..", 2, 1, S_IFDIR | 0555);
        } else if (*pos - 2 < d->count) {
            unsigned i = (unsigned)(*pos - 2);
            rc = emit(arg, d->files[i].name, strlen(d->files[i].name),
                      node_ino(NODE_DIR_FILE, node_arg(dir), i), node_mode(NODE_DIR_FILE));
        } else {
            return 0;
        }
        if (rc)
            return 0;
    }
}

static const struct vnode_ops reg_dir_ops = {
    .lookup = reg_dir_lookup,
    .readdir = reg_dir_readdir,
    .inactive = node_inactive,
};

/* ---- files: a snapshot taken at open ------------------------------------ */

struct snapshot {
    size_t len;
    char data[];
};

/* Renders vn's content into buf (size bytes); returns the full length. */
static long render(struct vnode *vn, char *buf, size_t size)
{
    if (node_kind(vn) == NODE_SYSTEM)
        return procfs_system_file_render((unsigned)node_arg(vn), buf, size);
    if (node_kind(vn) == NODE_DIR_FILE) {
        if (size)
            buf[0] = '\0';
        return dirs[node_arg(vn)].files[node_file(vn)].render(buf, size);
    }
    const struct procfs_source *src = get_source();
    if (!src)
        return -ESRCH;
    return src->render(node_arg(vn), pid_files[node_file(vn)].file, buf, size);
}

static int snapshot_open(struct file *f)
{
    if ((f->flags & O_ACCMODE) != O_RDONLY)
        return -EACCES;
    size_t size = SNAPSHOT_FIRST_TRY;
    for (int attempt = 0; attempt < 3; attempt++) {
        struct snapshot *snap = kmalloc(sizeof(*snap) + size);
        if (!snap)
            return -ENOMEM;
        long len = render(f->vn, snap->data, size);
        if (len < 0) {
            kfree(snap);
            return (int)len;
        }
        if ((size_t)len < size) {       /* snprintf's NUL fitted too */
            snap->len = (size_t)len;
            f->private_data = snap;
            return 0;
        }
        kfree(snap);
        size = (size_t)len + 1;         /* grew since: try once more */
    }
    return -EAGAIN;
}

static void snapshot_release(struct file *f)
{
    kfree(f->private_data);
}

static long snapshot_read(struct file *f, void *buf, size_t len, uint64_t *offset)
{
    const struct snapshot *snap = f->private_data;
    if (*offset >= snap->len)
        return 0;
    size_t n = MIN(len, snap->len - (size_t)*offset);
    memcpy(buf, snap->data + *offset, n);
    *offset += n;
    return (long)n;
}

static unsigned snapshot_poll(struct file *f, struct poll_waiter *pw)
{
    (void)f;
    (void)pw;
    return POLLIN | POLLRDNORM;
}

static const struct file_ops snapshot_ops = {
    .open = snapshot_open,
    .release = snapshot_release,
    .read = snapshot_read,
    .poll = snapshot_poll,
    .is_seekable = true,
};

static const struct vnode_ops file_ops = {
    .inactive = node_inactive,
    .fops = &snapshot_ops,
};

/* ---- the filesystem -------------------------------------------------- */

static int procfs_statfs(struct superblock *sb, struct vfs_statfs *st)
{
    (void)sb;
    *st = (struct vfs_statfs){ .block_size = 4096, .name_max = NAME_MAX };
    return 0;
}

static void procfs_free(struct superblock *sb)
{
    kfree(sb->root);
    kfree(sb->fs_data);
    kfree(sb);
}

static int procfs_unmount(struct superblock *sb)
{
    struct procfs_info *info = sb->fs_data;
    spin_lock(&sb->lock);
    bool is_busy = info->live_nodes > 0 || sb->root->refcount > 1;
    spin_unlock(&sb->lock);
    if (is_busy)
        return -EBUSY;
    procfs_free(sb);
    return 0;
}

static const struct superblock_ops procfs_sb_ops = {
    .statfs = procfs_statfs,
    .unmount = procfs_unmount,
};

static int procfs_mount(const char *src, unsigned flags, uint64_t size_limit_bytes,
                        struct superblock **out)
{
    (void)src;
    (void)size_limit_bytes;
    struct superblock *sb = sb_create("proc", flags & MOUNT_RDONLY);
    if (!sb)
        return -ENOMEM;
    struct procfs_info *info = kzalloc(sizeof(*info));
    const struct cred root = CRED_ROOT;
    struct vnode *root_vn = info ? vnode_alloc(sb, &dir_ops, node_mode(NODE_ROOT), &root) : NULL;
    if (!root_vn) {
        kfree(info);
        kfree(sb);
        return -ENOMEM;
    }
    root_vn->fs_data = (void *)(uintptr_t)NODE_ROOT;
    root_vn->ino = node_ino(NODE_ROOT, 0, 0);
    root_vn->nlink = 2;
    sb->fs_data = info;
    sb->root = root_vn;
    sb->ops = &procfs_sb_ops;
    *out = sb;
    return 0;
}

struct vfs_fstype procfs_fstype = {
    .name = "proc", .mount = procfs_mount, .discard = procfs_free,
};
