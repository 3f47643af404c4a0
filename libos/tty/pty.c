/* Pseudo-terminals: opening /dev/ptmx allocates a pair; the slave is
 * /dev/pts/N, a terminal with the full line discipline; the master's
 * writes are the slave's typed input and its reads take the slave's
 * processed output. /dev/pts is a directory inside devfs whose entries
 * are the live pairs (not a separate devpts mount, see docs/decisions.md).
 * Closing the master hangs the slave up; a pair is freed when both sides
 * are closed. */
#include <string.h>
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/ioctl.h>
#include <kern/printk.h>
#include <kern/spinlock.h>
#include <mm/kmalloc.h>
#include <tty/tty.h>
#include <vfs/fs.h>

#define PTY_MAX 64

struct pty {
    unsigned index;
    struct tty *tty;
    bool is_locked;             /* until unlockpt (TIOCSPTLCK 0) */
    bool is_master_open;
    unsigned slave_opens;
};

/* Protects ptys[] and every pty's fields above. Taken before a tty's lock
 * (tty_set_unused), never inside it. */
static struct spinlock pty_lock = SPINLOCK_INIT;
static struct pty *ptys[PTY_MAX];

static bool is_nonblocking(struct file *f)
{
    return (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK) != 0;
}

/* Frees a pair nobody has open. pty_lock held; returns what to destroy. */
static struct pty *take_if_unused(struct pty *pty)
{
    if (pty->is_master_open || pty->slave_opens)
        return NULL;
    ptys[pty->index] = NULL;
    return pty;
}

static void pty_free(struct pty *pty)
{
    if (!pty)
        return;
    tty_destroy(pty->tty);
    kfree(pty);
}

static int pts_reopen(struct tty *tty, void *owner, struct file *f);

/* ---- master (/dev/ptmx) ------------------------------------------------- */

static int ptmx_open(struct file *f)
{
    struct pty *pty = kzalloc(sizeof(*pty));
    if (!pty)
        return -ENOMEM;
    pty->tty = tty_create("pts");
    if (!pty->tty) {
        kfree(pty);
        return -ENOMEM;
    }
    pty->is_locked = true;
    pty->is_master_open = true;
    int rc = -ENOSPC;
    spin_lock(&pty_lock);
    for (unsigned i = 0; i < PTY_MAX; i++) {
        if (!ptys[i]) {
            pty->index = i;
            tty_set_device(pty->tty, DEV_NUMBER(PTS_MAJOR, i), pts_reopen, pty);
            tty_set_drain_immediate(pty->tty);
            ptys[i] = pty;
            rc = 0;
            break;
        }
    }
    spin_unlock(&pty_lock);
    if (rc < 0) {
        pty_free(pty);
        return rc;
    }
    f->private_data = pty;
    return 0;
}

static void ptmx_release(struct file *f)
{
    struct pty *pty = f->private_data;
    tty_hangup(pty->tty);
    spin_lock(&pty_lock);
    pty->is_master_open = false;
    struct pty *unused = take_if_unused(pty);
    spin_unlock(&pty_lock);
    pty_free(unused);
}

static long ptmx_read(struct file *f, void *buf, size_t len, uint64_t *offset)
{
    (void)offset;
    struct pty *pty = f->private_data;
    return tty_output_read(pty->tty, buf, len, is_nonblocking(f));
}

static long ptmx_write(struct file *f, const void *buf, size_t len, uint64_t *offset)
{
    (void)offset;
    struct pty *pty = f->private_data;
    return tty_input(pty->tty, buf, len, is_nonblocking(f));
}

static unsigned ptmx_poll(struct file *f, struct poll_waiter *pw)
{
    struct pty *pty = f->private_data;
    return tty_device_poll(pty->tty, pw);
}

static long ptmx_ioctl(struct file *f, unsigned long request, unsigned long arg)
{
    struct pty *pty = f->private_data;
    switch (request) {
    case TIOCGPTN:
        if (!arg)
            return -EFAULT;
        *(unsigned *)arg = pty->index;
        return 0;
    case TIOCSPTLCK:
        if (!arg)
            return -EFAULT;
        spin_lock(&pty_lock);
        pty->is_locked = *(const int *)arg != 0;
        spin_unlock(&pty_lock);
        return 0;
    case TIOCSCTTY:
    case TIOCNOTTY:
        return -ENOTTY;                 /* a master is nobody's terminal */
    default:
        return tty_ioctl(pty->tty, request, arg);   /* termios, window size */
    }
}

static const struct file_ops ptmx_ops = {
    .open = ptmx_open,
    .release = ptmx_release,
    .read = ptmx_read,
    .write = ptmx_write,
    .poll = ptmx_poll,
    .ioctl = ptmx_ioctl,
};

/* ---- slave (/dev/pts/N) ------------------------------------------------- */

static const struct vnode_ops pts_node_ops;
static const struct file_ops pts_ops;

/* Counts one more open of the slave of ptys[index], when it may be
 * opened. pty_lock held. */
static struct pty *slave_attach(unsigned index)
{
    struct pty *pty = index < PTY_MAX ? ptys[index] : NULL;
    if (!pty || !pty->is_master_open || pty->is_locked)
        return NULL;
    if (pty->slave_opens++ == 0)
        tty_set_unused(pty->tty, false);
    return pty;
}

static int pts_open(struct file *f)
{
    if (f->vn->ops != &pts_node_ops)
        return -ENXIO;                  /* a mknod copy of the directory's number */
    unsigned index = (unsigned)(uintptr_t)f->vn->fs_data;
    spin_lock(&pty_lock);
    struct pty *pty = slave_attach(index);
    spin_unlock(&pty_lock);
    if (!pty)
        return -EIO;
    f->private_data = pty;
    tty_open_controlling(pty->tty, f->flags);
    return 0;
}

/* /dev/tty of a session whose terminal is this slave (tty_list_lock held,
 * which keeps the pair's tty alive: it is destroyed after leaving it). */
static int pts_reopen(struct tty *tty, void *owner, struct file *f)
{
    (void)tty;
    struct pty *pty = owner;
    spin_lock(&pty_lock);
    struct pty *attached = ptys[pty->index] == pty ? slave_attach(pty->index) : NULL;
    spin_unlock(&pty_lock);
    if (!attached)
        return -EIO;
    f->private_data = pty;
    f->ops = &pts_ops;
    return 0;
}

static void pts_release(struct file *f)
{
    struct pty *pty = f->private_data;
    spin_lock(&pty_lock);
    if (--pty->slave_opens == 0)
        tty_set_unused(pty->tty, true);
    struct pty *unused = take_if_unused(pty);
    spin_unlock(&pty_lock);
    pty_free(unused);
}

static long pts_read(struct file *f, void *buf, size_t len, uint64_t *offset)
{
    (void)offset;
    struct pty *pty = f->private_data;
    return tty_read(pty->tty, buf, len, is_nonblocking(f));
}

static long pts_write(struct file *f, const void *buf, size_t len, uint64_t *offset)
{
    (void)offset;
    struct pty *pty = f->private_data;
    return tty_write(pty->tty, buf, len, is_nonblocking(f));
}

static unsigned pts_poll(struct file *f, struct poll_waiter *pw)
{
    struct pty *pty = f->private_data;
    return tty_poll(pty->tty, pw);
}

static long pts_ioctl(struct file *f, unsigned long request, unsigned long arg)
{
    struct pty *pty = f->private_data;
    if (request == TIOCGPTN || request == TIOCSPTLCK)
        return -ENOTTY;
    return tty_ioctl(pty->tty, request, arg);
}

static const struct file_ops pts_ops = {
    .open = pts_open,
    .release = pts_release,
    .read = pts_read,
    .write = pts_write,
    .poll = pts_poll,
    .ioctl = pts_ioctl,
};

/* ---- the /dev/pts directory --------------------------------------------- */

static void pts_node_inactive(struct vnode *vn)
{
    kfree(vn);                          /* sb->lock held; nothing else keeps it */
}

static const struct vnode_ops pts_node_ops = {
    .inactive = pts_node_inactive,
};

static bool pty_is_live(unsigned index)
{
    spin_lock(&pty_lock);
    bool is_live = index < PTY_MAX && ptys[index] && ptys[index]->is_master_open;
    spin_unlock(&pty_lock);
    return is_live;
}

static int pts_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    if (len == 2 && name[0] == '.' && name[1] == '.') {
        vnode_get(dir->sb->root);
        *out = dir->sb->root;
        return 0;
    }
    unsigned index = 0;
    if (len == 0 || len > 2 || (len == 2 && name[0] == '0'))
        return -ENOENT;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -ENOENT;
        index = index * 10 + (unsigned)(name[i] - '0');
    }
    if (!pty_is_live(index))
        return -ENOENT;
    const struct cred root = CRED_ROOT;
    struct vnode *vn = vnode_alloc(dir->sb, &pts_node_ops, S_IFCHR | 0620, &root);
    if (!vn)
        return -ENOMEM;
    vn->rdev = DEV_NUMBER(PTS_MAJOR, index);    /* opens with pts_ops */
    vn->nlink = 1;
    vn->fs_data = (void *)(uintptr_t)index;
    *out = vn;
    return 0;
}

static int pts_readdir(struct vnode *dir, uint64_t *pos,
                       int (*emit)(void *arg, const char *name, size_t len, uint64_t ino,
                                   uint32_t mode), void *arg)
{
    for (;; (*pos)++) {
        if (*pos == 0) {
            if (emit(arg, ".", 1, dir->ino, dir->mode))
                return 0;
            continue;
        }
        if (*pos == 1) {
            if (emit(arg, "..", 2, dir->sb->root->ino, S_IFDIR | 0755))
                return 0;
            continue;
        }
        if (*pos - 2 >= PTY_MAX)
            return 0;
        unsigned index = (unsigned)(*pos - 2);
        if (!pty_is_live(index))
            continue;
        char name[4];
        int len = snprintf(name, sizeof(name), "%u", index);
        if (emit(arg, name, (size_t)len, 0x10000 + index, S_IFCHR | 0620))
            return 0;
    }
}

static const struct vnode_ops pts_dir_ops = {
    .lookup = pts_lookup,
    .readdir = pts_readdir,
};

int tty_register_pty_devices(void)
{
    static const struct devfs_device ptmx = {
        "ptmx", S_IFCHR | 0666, &ptmx_ops, NULL, DEV_NUMBER(TTY_MAJOR, 2),
    };
    static const struct devfs_device pts = {
        "pts", S_IFDIR | 0755, &pts_ops, NULL, DEV_NUMBER(PTS_MAJOR, 0),
    };
    int rc = devfs_register(&ptmx);
    if (rc < 0 && rc != -EEXIST)
        return rc;
    rc = devfs_register_dir(&pts, &pts_dir_ops);
    return rc < 0 && rc != -EEXIST ? rc : 0;
}
