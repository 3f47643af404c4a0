/* Advisory file locks, as Linux has them. POSIX record locks (fcntl
 * F_GETLK, F_SETLK, F_SETLKW) belong to a process: their owner is its
 * descriptor table, so its threads share them, fork does not pass them on,
 * and closing any descriptor of the file drops them all. BSD locks (flock)
 * belong to an open file: shared by dup and fork, dropped with the last
 * reference. The two kinds never conflict with each other.
 *
 * Both hang off the vnode (vn->locks), made by the first lock request and
 * freed once no lock and no sleeper is left, so a vnode without locks costs
 * one pointer and vnodes are never freed with locks on them (every lock
 * needs an open file, which holds the vnode).
 *
 * Locking: filelock_lock, one spinlock, guards every vnode's lists and
 * vn->locks itself, and the list of blocked requests that deadlock
 * detection follows across vnodes. It is a condition lock (docs/locking.md
 * level 2): F_SETLKW and a blocking flock sleep on the vnode's waitq under
 * it; only waitq.lock nests inside. Allocation happens before it is taken,
 * freeing after it is released. */
#include <stdint.h>
#include <abi/errno.h>
#include <kern/list.h>
#include <kern/panic.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <sched/wait.h>
#include <vfs/fs.h>
#include "vfs_internal.h"

#define OFFSET_MAX INT64_MAX        /* a lock's end when it runs to EOF and beyond */
#define DEADLOCK_MAX_HOPS 16        /* waits-for chains followed at most this far */

/* A vnode's locks (vn->locks). */
struct vnode_locks {
    struct list posix;          /* struct file_lock by start; one owner's never overlap */
    struct list flocks;         /* struct file_lock, one per owning file */
    struct waitq waiters;       /* F_SETLKW and flock sleepers */
    unsigned sleepers;          /* requests that blocked and have not returned yet */
};

/* One lock: a POSIX range of a descriptor table, or a file's flock over
 * the whole file. */
struct file_lock {
    struct list link;
    const void *owner;          /* struct fdtable (POSIX) or struct file (flock) */
    int pid;                    /* POSIX: the owner's process, for F_GETLK */
    int type;                   /* F_RDLCK or F_WRLCK */
    int64_t start, end;         /* inclusive byte range */
};

/* A POSIX request asleep: who waits for whom (on the sleeper's stack). */
struct blocked_request {
    struct list link;           /* on blocked_requests */
    const void *owner;
    const void *blocker;        /* the owner of the lock it waits for */
};

static struct spinlock filelock_lock = SPINLOCK_INIT;
static struct list blocked_requests = LIST_INIT(blocked_requests);  /* filelock_lock */

/* Records freed under the lock wait here until it is released; fresh ones
 * are taken from here too (callers put in what they allocated first). */
struct lock_pool {
    struct list records;
    struct vnode_locks *spare;  /* made for a vnode that got one meanwhile */
    struct vnode_locks *idle;   /* a vn->locks nothing uses any more */
};

static void pool_init(struct lock_pool *pool)
{
    list_init(&pool->records);
    pool->spare = pool->idle = NULL;
}

static int pool_fill(struct lock_pool *pool, int count)
{
    for (int i = 0; i < count; i++) {
        struct file_lock *l = kzalloc(sizeof(*l));
        if (!l)
            return -ENOLCK;
        list_push_back(&pool->records, &l->link);
    }
    return 0;
}

static struct file_lock *pool_take(struct lock_pool *pool)
{
    if (list_empty(&pool->records))
        panic("filelock: record pool empty");
    struct file_lock *l = list_entry(pool->records.next, struct file_lock, link);
    list_remove(&l->link);
    return l;
}

static void pool_put(struct lock_pool *pool, struct file_lock *l)
{
    list_remove(&l->link);
    list_push_back(&pool->records, &l->link);
}

/* Called with filelock_lock released. */
static void pool_free(struct lock_pool *pool)
{
    while (!list_empty(&pool->records)) {
        struct file_lock *l = list_entry(pool->records.next, struct file_lock, link);
        list_remove(&l->link);
        kfree(l);
    }
    struct vnode_locks *states[] = { pool->spare, pool->idle };
    for (size_t i = 0; i < ARRAY_SIZE(states); i++) {
        if (states[i]) {
            waitq_destroy(&states[i]->waiters);
            kfree(states[i]);
        }
    }
}

static struct vnode_locks *locks_peek(struct vnode *vn)
{
    return __atomic_load_n(&vn->locks, __ATOMIC_ACQUIRE);
}

/* Takes filelock_lock and returns vn's locks, made if need be when
 * is_create (NULL otherwise, or -ENOLCK in *rc without memory). */
static struct vnode_locks *locks_lock(struct vnode *vn, bool is_create, struct lock_pool *pool,
                                      int *rc)
{
    *rc = 0;
    spin_lock(&filelock_lock);
    if (vn->locks || !is_create)
        return vn->locks;
    spin_unlock(&filelock_lock);
    struct vnode_locks *fresh = kzalloc(sizeof(*fresh));
    if (!fresh) {
        *rc = -ENOLCK;
        return NULL;
    }
    list_init(&fresh->posix);
    list_init(&fresh->flocks);
    waitq_init(&fresh->waiters);
    spin_lock(&filelock_lock);
    if (vn->locks)
        pool->spare = fresh;        /* made meanwhile: ours is spare */
    else
        __atomic_store_n(&vn->locks, fresh, __ATOMIC_RELEASE);
    return vn->locks;
}

/* Drops vn's lock state into the pool when nothing uses it any more, then
 * releases filelock_lock. */
static void locks_unlock(struct vnode *vn, struct lock_pool *pool)
{
    struct vnode_locks *st = vn->locks;
    if (st && list_empty(&st->posix) && list_empty(&st->flocks) && !st->sleepers) {
        __atomic_store_n(&vn->locks, NULL, __ATOMIC_RELAXED);
        assert(!pool->idle);
        pool->idle = st;
    }
    spin_unlock(&filelock_lock);
}

static bool types_conflict(int a, int b)
{
    return a == F_WRLCK || b == F_WRLCK;
}

/* The first lock of another owner that keeps owner from taking type over
 * [start, end], or NULL. */
static struct file_lock *posix_conflict(struct vnode_locks *st, const struct filelock_range *req)
{
    struct list *pos;
    list_for_each(pos, &st->posix) {
        struct file_lock *l = list_entry(pos, struct file_lock, link);
        if (l->owner != req->owner && l->start <= req->end && req->start <= l->end &&
            types_conflict(l->type, req->type))
            return l;
    }
    return NULL;
}

/* Would owner waiting for blocker close a cycle? Follows what blocker
 * itself waits for, and so on, as Linux does (a bounded walk). */
static bool posix_is_deadlock(const void *owner, const void *blocker)
{
    for (int hop = 0; hop < DEADLOCK_MAX_HOPS && blocker; hop++) {
        if (blocker == owner)
            return true;
        const void *next = NULL;
        struct list *pos;
        list_for_each(pos, &blocked_requests) {
            struct blocked_request *r = list_entry(pos, struct blocked_request, link);
            if (r->owner == blocker) {
                next = r->blocker;
                break;
            }
        }
        blocker = next;
    }
    return false;
}

/* Keeps the list in order of start, so F_GETLK reports the lowest
 * conflicting lock. */
static void posix_insert(struct vnode_locks *st, struct file_lock *l)
{
    struct list *pos;
    list_for_each(pos, &st->posix) {
        if (list_entry(pos, struct file_lock, link)->start > l->start)
            break;
    }
    list_push_back(pos, &l->link);      /* before pos */
}

/* Gives req's owner req's type over [start, end] (F_UNLCK: none): locks
 * of the same type that overlap or touch the range merge with it, others
 * of the owner are trimmed or split around it. Takes at most two records
 * from the pool (a split and the new lock). Returns whether another owner
 * may now get something it could not (wake the sleepers). */
static bool posix_apply(struct vnode_locks *st, const struct filelock_range *req,
                        struct lock_pool *pool)
{
    int64_t start = req->start, end = req->end;
    int64_t merged_start = start, merged_end = end;
    bool is_weakened = false;
    struct list *pos, *next;
    for (pos = st->posix.next; pos != &st->posix; pos = next) {
        next = pos->next;
        struct file_lock *l = list_entry(pos, struct file_lock, link);
        if (l->owner != req->owner)
            continue;
        if (l->type == req->type) {
            /* touching: l->end + 1 >= start, without overflow */
            if (l->end < start - 1 || l->start - 1 > end)
                continue;
            merged_start = MIN(merged_start, l->start);
            merged_end = MAX(merged_end, l->end);
            pool_put(pool, l);
            continue;
        }
        if (l->end < start || l->start > end)
            continue;
        is_weakened = true;
        if (l->start < start && l->end > end) {
            struct file_lock *right = pool_take(pool);
            *right = *l;
            right->start = end + 1;
            posix_insert(st, right);
            l->end = start - 1;
        } else if (l->start < start) {
            l->end = start - 1;
        } else if (l->end > end) {
            l->start = end + 1;     /* moves right: keep the order */
            list_remove(&l->link);
            posix_insert(st, l);
        } else {
            pool_put(pool, l);
        }
    }
    if (req->type != F_UNLCK) {
        struct file_lock *l = pool_take(pool);
        l->owner = req->owner;
        l->pid = req->pid;
        l->type = req->type;
        l->start = merged_start;
        l->end = merged_end;
        posix_insert(st, l);
    }
    return is_weakened;
}

int filelock_posix_get(struct vnode *vn, struct filelock_range *req)
{
    struct lock_pool pool;
    pool_init(&pool);
    int rc;
    struct vnode_locks *st = locks_lock(vn, false, &pool, &rc);
    struct file_lock *l = st ? posix_conflict(st, req) : NULL;
    if (l) {
        req->type = l->type;
        req->start = l->start;
        req->end = l->end;
        req->pid = l->pid;
    } else {
        req->type = F_UNLCK;
    }
    locks_unlock(vn, &pool);
    pool_free(&pool);
    return 0;
}

int filelock_posix_set(struct vnode *vn, const struct filelock_range *req, bool is_wait)
{
    struct lock_pool pool;
    pool_init(&pool);
    int rc = pool_fill(&pool, req->type == F_UNLCK ? 1 : 2);
    if (rc < 0)
        goto out_free;
    struct vnode_locks *st = locks_lock(vn, req->type != F_UNLCK, &pool, &rc);
    if (rc < 0)
        goto out_free;
    if (!st)
        goto out_unlock;            /* unlocking a file without locks */
    struct blocked_request blocked = { .owner = req->owner };
    bool is_asleep = false;
    for (;;) {
        struct file_lock *l = req->type == F_UNLCK ? NULL : posix_conflict(st, req);
        if (!l) {
            if (posix_apply(st, req, &pool))
                waitq_wake_all(&st->waiters);
            rc = 0;
            break;
        }
        if (!is_wait) {
            rc = -EAGAIN;
            break;
        }
        if (posix_is_deadlock(req->owner, l->owner)) {
            rc = -EDEADLK;
            break;
        }
        blocked.blocker = l->owner;
        if (!is_asleep) {
            is_asleep = true;
            st->sleepers++;
            list_push_back(&blocked_requests, &blocked.link);
        }
        rc = waitq_sleep(&st->waiters, &filelock_lock, 0);
        if (rc < 0)
            break;                  /* -EINTR */
    }
    if (is_asleep) {
        list_remove(&blocked.link);
        st->sleepers--;
    }
out_unlock:
    locks_unlock(vn, &pool);
out_free:
    pool_free(&pool);
    return rc;
}

void filelock_posix_release(struct vnode *vn, const void *owner)
{
    if (!vn || !locks_peek(vn))
        return;
    struct lock_pool pool;
    pool_init(&pool);
    int rc;
    struct vnode_locks *st = locks_lock(vn, false, &pool, &rc);
    if (st) {
        bool is_removed = false;
        struct list *pos, *next;
        for (pos = st->posix.next; pos != &st->posix; pos = next) {
            next = pos->next;
            struct file_lock *l = list_entry(pos, struct file_lock, link);
            if (l->owner == owner) {
                pool_put(&pool, l);
                is_removed = true;
            }
        }
        if (is_removed)
            waitq_wake_all(&st->waiters);
    }
    locks_unlock(vn, &pool);
    pool_free(&pool);
}

static struct file_lock *flock_find(struct vnode_locks *st, const struct file *f)
{
    struct list *pos;
    list_for_each(pos, &st->flocks) {
        struct file_lock *l = list_entry(pos, struct file_lock, link);
        if (l->owner == f)
            return l;
    }
    return NULL;
}

static bool flock_is_blocked(struct vnode_locks *st, const struct file *f, int type)
{
    struct list *pos;
    list_for_each(pos, &st->flocks) {
        struct file_lock *l = list_entry(pos, struct file_lock, link);
        if (l->owner != f && types_conflict(l->type, type))
            return true;
    }
    return false;
}

int filelock_flock(struct file *f, int type, bool is_wait)
{
    struct vnode *vn = f->vn;
    struct lock_pool pool;
    pool_init(&pool);
    int rc = type == F_UNLCK ? 0 : pool_fill(&pool, 1);
    if (rc < 0)
        goto out_free;
    struct vnode_locks *st = locks_lock(vn, type != F_UNLCK, &pool, &rc);
    if (rc < 0)
        goto out_free;
    if (!st)
        goto out_unlock;
    struct file_lock *own = flock_find(st, f);
    if (own && own->type == type)
        goto out_unlock;
    if (own) {
        /* A conversion drops the old lock first, as Linux's does: it is
         * not atomic, and a waiter may get in between. */
        pool_put(&pool, own);
        waitq_wake_all(&st->waiters);
    }
    if (type == F_UNLCK)
        goto out_unlock;
    bool is_asleep = false;
    while (flock_is_blocked(st, f, type)) {
        if (!is_wait) {
            rc = -EAGAIN;
            break;
        }
        if (!is_asleep) {
            is_asleep = true;
            st->sleepers++;
        }
        rc = waitq_sleep(&st->waiters, &filelock_lock, 0);
        if (rc < 0)
            break;
    }
    if (is_asleep)
        st->sleepers--;
    if (rc == 0) {
        struct file_lock *l = pool_take(&pool);
        l->owner = f;
        l->pid = 0;
        l->type = type;
        l->start = 0;
        l->end = OFFSET_MAX;
        list_push_back(&st->flocks, &l->link);
    }
out_unlock:
    locks_unlock(vn, &pool);
out_free:
    pool_free(&pool);
    return rc;
}

void filelock_file_release(struct file *f)
{
    struct vnode *vn = f->vn;
    if (!vn || !locks_peek(vn))
        return;
    struct lock_pool pool;
    pool_init(&pool);
    int rc;
    struct vnode_locks *st = locks_lock(vn, false, &pool, &rc);
    struct file_lock *l = st ? flock_find(st, f) : NULL;
    if (l) {
        pool_put(&pool, l);
        waitq_wake_all(&st->waiters);
    }
    locks_unlock(vn, &pool);
    pool_free(&pool);
}

/* struct flock's range from offset base (Linux's flock_to_posix_lock):
 * -EINVAL when it starts or ends before byte 0, -EOVERFLOW past
 * OFFSET_MAX. l_len 0 runs to EOF and beyond; a negative one ends just
 * before l_start. */
static int flock_range(const struct abi_flock *fl, int64_t base, struct filelock_range *req)
{
    if (fl->l_start > OFFSET_MAX - base)
        return -EOVERFLOW;
    int64_t start = base + fl->l_start;
    if (start < 0)
        return -EINVAL;
    int64_t end;
    if (fl->l_len > 0) {
        if (fl->l_len - 1 > OFFSET_MAX - start)
            return -EOVERFLOW;
        end = start + fl->l_len - 1;
    } else if (fl->l_len < 0) {
        end = start - 1;
        start += fl->l_len;
        if (start < 0)
            return -EINVAL;
    } else {
        end = OFFSET_MAX;
    }
    req->start = start;
    req->end = end;
    return 0;
}

static int64_t whence_base(struct file *f, int whence)
{
    switch (whence) {
    case SEEK_SET:
        return 0;
    case SEEK_CUR: {
        mutex_lock(&f->pos_lock);
        int64_t offset = (int64_t)f->offset;
        mutex_unlock(&f->pos_lock);
        return offset;
    }
    case SEEK_END:
        return (int64_t)__atomic_load_n(&f->vn->size, __ATOMIC_RELAXED);
    default:
        return -EINVAL;
    }
}

int vfs_fcntl_lock(struct vfs_ctx *ctx, int fd, int cmd, struct abi_flock *fl, int pid)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    struct filelock_range req = { .owner = ctx->fds, .pid = pid, .type = fl->l_type };
    int64_t base = whence_base(f, fl->l_whence);
    int rc = base < 0 ? (int)base : flock_range(fl, base, &req);
    if (rc < 0)
        goto out;
    int access = f->flags & O_ACCMODE;
    if (cmd == F_GETLK) {
        if (req.type != F_RDLCK && req.type != F_WRLCK) {
            rc = -EINVAL;
            goto out;
        }
        rc = filelock_posix_get(f->vn, &req);
        fl->l_type = (short)req.type;
        if (req.type != F_UNLCK) {
            fl->l_whence = SEEK_SET;
            fl->l_start = req.start;
            fl->l_len = req.end == OFFSET_MAX ? 0 : req.end - req.start + 1;
            fl->l_pid = (short)req.pid;
        }
        goto out;
    }
    if (req.type != F_RDLCK && req.type != F_WRLCK && req.type != F_UNLCK) {
        rc = -EINVAL;
        goto out;
    }
    if ((req.type == F_RDLCK && access == O_WRONLY) ||
        (req.type == F_WRLCK && access == O_RDONLY)) {
        rc = -EBADF;                /* a read lock needs read access, a write lock write */
        goto out;
    }
    rc = filelock_posix_set(f->vn, &req, cmd == F_SETLKW);
    if (rc == 0 && req.type != F_UNLCK) {
        /* Another thread closed fd meanwhile: its close found no lock to
         * drop, so drop the one just taken (Linux does the same). */
        struct file *now = fd_get(ctx->fds, fd);
        if (now != f) {
            req.type = F_UNLCK;
            filelock_posix_set(f->vn, &req, false);
            rc = -EBADF;
        }
        file_put(now);
    }
out:
    file_put(f);
    return rc;
}

int vfs_flock(struct vfs_ctx *ctx, int fd, int operation)
{
    struct file *f = fd_get(ctx->fds, fd);
    if (!f)
        return -EBADF;
    int rc;
    switch (operation & ~LOCK_NB) {
    case LOCK_SH:
        rc = filelock_flock(f, F_RDLCK, !(operation & LOCK_NB));
        break;
    case LOCK_EX:
        rc = filelock_flock(f, F_WRLCK, !(operation & LOCK_NB));
        break;
    case LOCK_UN:
        rc = filelock_flock(f, F_UNLCK, false);
        break;
    default:
        rc = -EINVAL;
        break;
    }
    file_put(f);
    return rc;
}
