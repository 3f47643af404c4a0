/* Pipes and FIFOs: a ring buffer between readers and writers. Writes of up
 * to PIPE_BUF bytes are atomic (never interleaved with other writes);
 * readers see EOF once the last writer is gone; writers get EPIPE (and the
 * SIGPIPE hook runs) once the last reader is gone. Blocking ends sleep on
 * the pipe's wait queues; O_NONBLOCK ends get EAGAIN. */
#include <string.h>
#include <abi/errno.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <sched/wait.h>
#include <vfs/fs.h>

#define PIPE_CAPACITY (16 * 1024)

struct pipe {
    /* Protects everything below. Taken after fifo_lock, before the wait
     * queues' own locks. */
    struct spinlock lock;
    char *buf;
    size_t head;                /* next byte to read */
    size_t count;               /* bytes buffered */
    unsigned readers, writers;  /* open ends */
    unsigned reader_opens, writer_opens;    /* ever opened: FIFO open waits */
    struct waitq readable;      /* readers wait for data or EOF */
    struct waitq writable;      /* writers wait for space; FIFO opens wait */
};

/* Protects every FIFO vnode's fifo pointer. */
static struct spinlock fifo_lock = SPINLOCK_INIT;

static struct pipe *pipe_alloc(void)
{
    struct pipe *p = kzalloc(sizeof(*p));
    if (!p)
        return NULL;
    p->buf = kmalloc(PIPE_CAPACITY);
    if (!p->buf) {
        kfree(p);
        return NULL;
    }
    p->lock = (struct spinlock)SPINLOCK_INIT;
    waitq_init(&p->readable);
    waitq_init(&p->writable);
    return p;
}

static void pipe_free(struct pipe *p)
{
    waitq_destroy(&p->readable);
    waitq_destroy(&p->writable);
    kfree(p->buf);
    kfree(p);
}

static bool is_nonblocking(struct file *f)
{
    return (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK) != 0;
}

static long pipe_read(struct file *f, void *buf, size_t len, uint64_t *offset)
{
    struct pipe *p = f->private_data;
    (void)offset;
    if (len == 0)
        return 0;
    spin_lock(&p->lock);
    while (p->count == 0) {
        if (p->writers == 0) {
            spin_unlock(&p->lock);
            return 0;           /* EOF */
        }
        if (is_nonblocking(f)) {
            spin_unlock(&p->lock);
            return -EAGAIN;
        }
        int rc = waitq_sleep(&p->readable, &p->lock, 0);
        if (rc < 0) {
            spin_unlock(&p->lock);
            return rc;          /* -EINTR: a signal is pending */
        }
    }
    size_t n = MIN(len, p->count);
    size_t first = MIN(n, PIPE_CAPACITY - p->head);
    memcpy(buf, p->buf + p->head, first);
    memcpy((char *)buf + first, p->buf, n - first);
    p->head = (p->head + n) % PIPE_CAPACITY;
    p->count -= n;
    waitq_wake_all(&p->writable);
    spin_unlock(&p->lock);
    return (long)n;
}

static long pipe_write(struct file *f, const void *buf, size_t len, uint64_t *offset)
{
    struct pipe *p = f->private_data;
    (void)offset;
    size_t done = 0;
    spin_lock(&p->lock);
    while (done < len) {
        if (p->readers == 0) {
            spin_unlock(&p->lock);
            return done ? (long)done : -EPIPE;
        }
        size_t space = PIPE_CAPACITY - p->count;
        /* up to PIPE_BUF: all at once or not at all */
        bool must_wait = len <= PIPE_BUF ? space < len : space == 0;
        if (must_wait) {
            if (is_nonblocking(f)) {
                spin_unlock(&p->lock);
                return done ? (long)done : -EAGAIN;
            }
            int rc = waitq_sleep(&p->writable, &p->lock, 0);
            if (rc < 0) {
                spin_unlock(&p->lock);
                return done ? (long)done : rc;
            }
            continue;
        }
        size_t n = MIN(space, len - done);
        size_t tail = (p->head + p->count) % PIPE_CAPACITY;
        size_t first = MIN(n, PIPE_CAPACITY - tail);
        memcpy(p->buf + tail, (const char *)buf + done, first);
        memcpy(p->buf, (const char *)buf + done + first, n - first);
        p->count += n;
        done += n;
        waitq_wake_all(&p->readable);
    }
    spin_unlock(&p->lock);
    return (long)done;
}

static unsigned pipe_poll(struct file *f, struct poll_waiter *pw)
{
    struct pipe *p = f->private_data;
    int accmode = f->flags & O_ACCMODE;
    unsigned mask = 0;
    spin_lock(&p->lock);
    if (accmode != O_WRONLY) {
        if (p->count)
            mask |= POLLIN | POLLRDNORM;
        if (p->writers == 0 && p->writer_opens)
            mask |= POLLHUP;
        if (pw)
            poll_waiter_add(pw, &p->readable);
    }
    if (accmode != O_RDONLY) {
        if (PIPE_CAPACITY - p->count >= PIPE_BUF)
            mask |= POLLOUT | POLLWRNORM;
        if (p->readers == 0)
            mask |= POLLERR;
        if (pw)
            poll_waiter_add(pw, &p->writable);
    }
    spin_unlock(&p->lock);
    return mask;
}

/* Drops f's end. Returns true when no end is left. */
static bool pipe_drop_end(struct pipe *p, int accmode)
{
    spin_lock(&p->lock);
    if (accmode != O_WRONLY)
        p->readers--;
    if (accmode != O_RDONLY)
        p->writers--;
    bool is_unused = p->readers == 0 && p->writers == 0;
    waitq_wake_all(&p->readable);
    waitq_wake_all(&p->writable);
    spin_unlock(&p->lock);
    return is_unused;
}

static void pipe_release(struct file *f)
{
    if (pipe_drop_end(f->private_data, f->flags & O_ACCMODE))
        pipe_free(f->private_data);
}

static const struct file_ops pipe_file_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .poll = pipe_poll,
    .release = pipe_release,
};

/* FIFOs: the pipe hangs off the vnode while any end is open. Opening for
 * reading waits for a writer and vice versa, unless O_NONBLOCK (a
 * non-blocking writer with no reader gets ENXIO) or O_RDWR. */
static int fifo_open(struct file *f)
{
    struct vnode *vn = f->vn;
    int accmode = f->flags & O_ACCMODE;
    struct pipe *fresh = pipe_alloc();
    if (!fresh)
        return -ENOMEM;

    spin_lock(&fifo_lock);
    struct pipe *p = vn->fifo;
    if (!p) {
        p = vn->fifo = fresh;
        fresh = NULL;
    }
    spin_lock(&p->lock);
    if (accmode == O_WRONLY && is_nonblocking(f) && p->readers == 0) {
        bool is_unused = p->readers == 0 && p->writers == 0;
        if (is_unused)
            vn->fifo = NULL;
        spin_unlock(&p->lock);
        spin_unlock(&fifo_lock);
        if (is_unused)
            pipe_free(p);
        if (fresh)
            pipe_free(fresh);
        return -ENXIO;
    }
    if (accmode != O_WRONLY) {
        p->readers++;
        p->reader_opens++;
    }
    if (accmode != O_RDONLY) {
        p->writers++;
        p->writer_opens++;
    }
    waitq_wake_all(&p->readable);
    waitq_wake_all(&p->writable);
    spin_unlock(&fifo_lock);
    f->private_data = p;

    int rc = 0;
    if (!is_nonblocking(f) && accmode != O_RDWR) {
        /* wait for the other side to have opened at least once since */
        unsigned seen = accmode == O_RDONLY ? p->writer_opens : p->reader_opens;
        for (;;) {
            unsigned now = accmode == O_RDONLY ? p->writer_opens : p->reader_opens;
            unsigned others = accmode == O_RDONLY ? p->writers : p->readers;
            if (others || now != seen)
                break;
            rc = waitq_sleep(&p->writable, &p->lock, 0);
            if (rc < 0)
                break;
        }
    }
    spin_unlock(&p->lock);
    if (fresh)
        pipe_free(fresh);
    if (rc < 0) {
        f->private_data = NULL;
        spin_lock(&fifo_lock);
        if (pipe_drop_end(p, accmode)) {
            vn->fifo = NULL;
            pipe_free(p);
        }
        spin_unlock(&fifo_lock);
    }
    return rc;
}

static void fifo_release(struct file *f)
{
    struct pipe *p = f->private_data;
    spin_lock(&fifo_lock);
    if (pipe_drop_end(p, f->flags & O_ACCMODE)) {
        f->vn->fifo = NULL;     /* data left in a FIFO nobody has open is gone */
        pipe_free(p);
    }
    spin_unlock(&fifo_lock);
}

const struct file_ops fifo_file_ops = {
    .open = fifo_open,
    .read = pipe_read,
    .write = pipe_write,
    .poll = pipe_poll,
    .release = fifo_release,
};

/* Anonymous pipes get a vnode of their own, for fstat. */
static void pipefs_inactive(struct vnode *vn)
{
    kfree(vn);
}

static const struct vnode_ops pipefs_ops = {
    .inactive = pipefs_inactive,
};

static struct superblock *pipefs_sb;
static struct spinlock pipefs_lock = SPINLOCK_INIT;

static struct superblock *pipefs(void)
{
    spin_lock(&pipefs_lock);
    struct superblock *sb = pipefs_sb;
    spin_unlock(&pipefs_lock);
    if (sb)
        return sb;
    sb = sb_create("pipefs", 0);
    if (!sb)
        return NULL;
    spin_lock(&pipefs_lock);
    if (pipefs_sb) {
        kfree(sb);              /* lost the race; the device number is wasted */
        sb = pipefs_sb;
    } else {
        pipefs_sb = sb;
    }
    spin_unlock(&pipefs_lock);
    return sb;
}

int pipe_create(struct file **read_end, struct file **write_end, int flags)
{
    struct superblock *sb = pipefs();
    if (!sb)
        return -ENOMEM;
    const struct cred root = CRED_ROOT;
    struct vnode *vn = vnode_alloc(sb, &pipefs_ops, S_IFIFO | 0600, &root);
    if (!vn)
        return -ENOMEM;
    vn->nlink = 1;
    struct pipe *p = pipe_alloc();
    struct file *r = file_alloc(vn, &pipe_file_ops, O_RDONLY | (flags & O_NONBLOCK));
    struct file *w = file_alloc(vn, &pipe_file_ops, O_WRONLY | (flags & O_NONBLOCK));
    vnode_put(vn);              /* the files hold it now */
    if (!p || !r || !w) {
        if (p)
            pipe_free(p);
        if (r)
            r->ops = NULL;
        if (w)
            w->ops = NULL;
        file_put(r);
        file_put(w);
        return -ENOMEM;
    }
    p->readers = p->writers = 1;
    p->reader_opens = p->writer_opens = 1;
    r->private_data = w->private_data = p;
    *read_end = r;
    *write_end = w;
    return 0;
}

int vfs_pipe2(struct vfs_ctx *ctx, int fds[2], int flags)
{
    if (flags & ~(O_NONBLOCK | O_CLOEXEC))
        return -EINVAL;
    struct file *r, *w;
    int rc = pipe_create(&r, &w, flags);
    if (rc < 0)
        return rc;
    bool cloexec = (flags & O_CLOEXEC) != 0;
    int rfd = fd_install(ctx->fds, r, 0, cloexec);
    if (rfd < 0) {
        file_put(r);
        file_put(w);
        return rfd;
    }
    int wfd = fd_install(ctx->fds, w, 0, cloexec);
    if (wfd < 0) {
        vfs_close(ctx, rfd);
        file_put(w);
        return wfd;
    }
    fds[0] = rfd;
    fds[1] = wfd;
    return 0;
}

int vfs_pipe(struct vfs_ctx *ctx, int fds[2])
{
    return vfs_pipe2(ctx, fds, 0);
}
