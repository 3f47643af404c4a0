/* Open files and descriptor tables. A struct file carries the offset and
 * the status flags, shared by every descriptor dup'd from it and by a
 * forked child's copy of it; a descriptor adds only FD_CLOEXEC. */
#include <string.h>
#include <abi/errno.h>
#include <kern/panic.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <vfs/fs.h>
#include "vfs_internal.h"

struct fdtable {
    /* Protects the slots. Taken alone (never with another VFS lock held). */
    struct spinlock lock;
    int size;
    int limit;                  /* RLIMIT_NOFILE; atomic, written without the lock */
    struct file **files;
    unsigned char *cloexec;
};

struct file *file_alloc(struct vnode *vn, const struct file_ops *ops, int flags)
{
    struct file *f = kzalloc(sizeof(*f));
    if (!f)
        return NULL;
    f->refcount = 1;
    f->vn = vn;
    if (vn)
        vnode_get(vn);
    f->ops = ops;
    mutex_init(&f->pos_lock);
    f->lock = (struct spinlock)SPINLOCK_INIT;
    f->flags = flags;
    return f;
}

void file_get(struct file *f)
{
    __atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *f)
{
    if (!f || __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    filelock_file_release(f);
    if (f->ops && f->ops->release)
        f->ops->release(f);
    vnode_put(f->vn);
    kfree(f);
}

/* A descriptor of fdt that named f is gone (close, dup2 over it, exec,
 * exit): the process's record locks on the file go with it (POSIX), then
 * the table's reference. */
static void fd_close_file(struct fdtable *fdt, struct file *f)
{
    if (!f)
        return;
    filelock_posix_release(f->vn, fdt);
    file_put(f);
}

struct fdtable *fdtable_create(void)
{
    struct fdtable *fdt = kzalloc(sizeof(*fdt));
    if (!fdt)
        return NULL;
    fdt->lock = (struct spinlock)SPINLOCK_INIT;
    fdt->limit = FDTABLE_MAX;
    return fdt;
}

int fd_limit(struct fdtable *fdt)
{
    return __atomic_load_n(&fdt->limit, __ATOMIC_RELAXED);
}

void vfs_ctx_set_fd_limit(struct vfs_ctx *ctx, uint64_t limit)
{
    __atomic_store_n(&ctx->fds->limit, (int)MIN(limit, (uint64_t)FDTABLE_MAX),
                     __ATOMIC_RELAXED);
}

/* Grows to at least min_size slots. Called without the lock; the new
 * arrays are swapped in under it. */
static int fdtable_grow(struct fdtable *fdt, int min_size)
{
    if (min_size > FDTABLE_MAX)
        return -EMFILE;
    int size = 16;
    while (size < min_size)
        size *= 2;
    if (size > FDTABLE_MAX)
        size = FDTABLE_MAX;
    struct file **files = kzalloc((size_t)size * sizeof(*files));
    unsigned char *cloexec = kzalloc((size_t)size);
    if (!files || !cloexec) {
        kfree(files);
        kfree(cloexec);
        return -ENOMEM;
    }
    spin_lock(&fdt->lock);
    if (fdt->size >= size) {
        spin_unlock(&fdt->lock);
        kfree(files);
        kfree(cloexec);
        return 0;
    }
    if (fdt->size) {
        memcpy(files, fdt->files, (size_t)fdt->size * sizeof(*files));
        memcpy(cloexec, fdt->cloexec, (size_t)fdt->size);
    }
    struct file **old_files = fdt->files;
    unsigned char *old_cloexec = fdt->cloexec;
    fdt->files = files;
    fdt->cloexec = cloexec;
    fdt->size = size;
    spin_unlock(&fdt->lock);
    kfree(old_files);
    kfree(old_cloexec);
    return 0;
}

struct fdtable *fdtable_clone(struct fdtable *src)
{
    struct fdtable *fdt = fdtable_create();
    if (!fdt)
        return NULL;
    fdt->limit = fd_limit(src);
    for (;;) {
        spin_lock(&src->lock);
        int size = src->size;
        spin_unlock(&src->lock);
        if (size && fdtable_grow(fdt, size) < 0) {
            fdtable_destroy(fdt);
            return NULL;
        }
        spin_lock(&src->lock);
        if (src->size == size || src->size <= fdt->size)
            break;
        spin_unlock(&src->lock);
    }
    for (int fd = 0; fd < src->size; fd++) {
        if (src->files[fd]) {
            file_get(src->files[fd]);
            fdt->files[fd] = src->files[fd];
            fdt->cloexec[fd] = src->cloexec[fd];
        }
    }
    spin_unlock(&src->lock);
    return fdt;
}

void fdtable_destroy(struct fdtable *fdt)
{
    if (!fdt)
        return;
    for (int fd = 0; fd < fdt->size; fd++)
        fd_close_file(fdt, fdt->files[fd]);
    kfree(fdt->files);
    kfree(fdt->cloexec);
    kfree(fdt);
}

int fd_install(struct fdtable *fdt, struct file *f, int min_fd, bool cloexec)
{
    if (min_fd < 0 || min_fd >= FDTABLE_MAX)
        return -EINVAL;
    for (;;) {
        int limit = fd_limit(fdt);
        spin_lock(&fdt->lock);
        for (int fd = min_fd; fd < MIN(fdt->size, limit); fd++) {
            if (!fdt->files[fd]) {
                fdt->files[fd] = f;
                fdt->cloexec[fd] = cloexec;
                spin_unlock(&fdt->lock);
                return fd;
            }
        }
        int want = MAX(fdt->size, min_fd) + 1;
        spin_unlock(&fdt->lock);
        if (want > limit)
            return -EMFILE;
        int rc = fdtable_grow(fdt, want);
        if (rc < 0)
            return rc;
    }
}

struct file *fd_get(struct fdtable *fdt, int fd)
{
    struct file *f = NULL;
    if (!fdt)
        return NULL;
    spin_lock(&fdt->lock);
    if (fd >= 0 && fd < fdt->size && fdt->files[fd]) {
        f = fdt->files[fd];
        file_get(f);
    }
    spin_unlock(&fdt->lock);
    return f;
}

/* Takes the file out of slot fd (the process's record locks on it go:
 * the descriptor is closed); returns it (the table's reference) or NULL. */
struct file *fd_remove(struct fdtable *fdt, int fd)
{
    struct file *f = NULL;
    spin_lock(&fdt->lock);
    if (fd >= 0 && fd < fdt->size) {
        f = fdt->files[fd];
        fdt->files[fd] = NULL;
        fdt->cloexec[fd] = 0;
    }
    spin_unlock(&fdt->lock);
    if (f)
        filelock_posix_release(f->vn, fdt);
    return f;
}

/* Puts f (the caller's reference is taken) at exactly newfd, closing what
 * was there. */
int fd_replace(struct fdtable *fdt, int newfd, struct file *f, bool cloexec)
{
    if (newfd < 0 || newfd >= fd_limit(fdt))
        return -EBADF;
    if (newfd >= fdt->size) {
        int rc = fdtable_grow(fdt, newfd + 1);
        if (rc < 0)
            return rc;
    }
    spin_lock(&fdt->lock);
    struct file *old = fdt->files[newfd];
    fdt->files[newfd] = f;
    fdt->cloexec[newfd] = cloexec;
    spin_unlock(&fdt->lock);
    fd_close_file(fdt, old);
    return newfd;
}

int fd_get_cloexec(struct fdtable *fdt, int fd)
{
    int rc = -EBADF;
    spin_lock(&fdt->lock);
    if (fd >= 0 && fd < fdt->size && fdt->files[fd])
        rc = fdt->cloexec[fd] ? FD_CLOEXEC : 0;
    spin_unlock(&fdt->lock);
    return rc;
}

int fd_set_cloexec(struct fdtable *fdt, int fd, bool cloexec)
{
    int rc = -EBADF;
    spin_lock(&fdt->lock);
    if (fd >= 0 && fd < fdt->size && fdt->files[fd]) {
        fdt->cloexec[fd] = cloexec;
        rc = 0;
    }
    spin_unlock(&fdt->lock);
    return rc;
}

void fdtable_close_on_exec(struct fdtable *fdt)
{
    for (int fd = 0;; fd++) {
        spin_lock(&fdt->lock);
        if (fd >= fdt->size) {
            spin_unlock(&fdt->lock);
            return;
        }
        struct file *f = NULL;
        if (fdt->files[fd] && fdt->cloexec[fd]) {
            f = fdt->files[fd];
            fdt->files[fd] = NULL;
            fdt->cloexec[fd] = 0;
        }
        spin_unlock(&fdt->lock);
        fd_close_file(fdt, f);
    }
}
