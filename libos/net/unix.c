/* AF_UNIX: stream and datagram sockets inside the kernel. A stream
 * connection is a struct unix_conn shared by its two ends: two bounded
 * rings (one per direction) under one lock, so two connected sockets
 * never take each other's locks. Datagrams queue on the receiving socket,
 * bounded in bytes and count. Names: a path (an S_IFSOCK node made through
 * the VFS; connect finds the socket bound to that very vnode), an
 * abstract name (sun_path[0] == 0), or an automatic abstract name (bind
 * with only the family).
 *
 * Locks, outer first (docs/locking.md): unix_bind_lock (the bound list),
 * then one unix_sock.lock or one unix_conn.lock at a time, never two of
 * them: the code copies what it needs and drops one before taking the
 * next. Waits sleep on the queue of the lock held (sock_wait). */
#include <stddef.h>
#include <string.h>
#include <abi/errno.h>
#include <abi/ioctl.h>
#include <abi/poll.h>
#include <kern/list.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <net/socket.h>
#include <sched/wait.h>
#include <vfs/fs.h>
#include "net_internal.h"

#define UNIX_STREAM_CAP      (64 * 1024)    /* bytes buffered per direction */
#define UNIX_DGRAM_MAX       (64 * 1024)    /* largest datagram */
#define UNIX_DGRAM_QUEUE_MAX (128 * 1024)   /* bytes queued on a receiver */
#define UNIX_DGRAM_COUNT_MAX 256            /* datagrams queued on a receiver */
#define UNIX_ADDR_UNNAMED    ((socklen_t)sizeof(sa_family_t))
#define UNIX_STREAM_FDS_MAX  64             /* SCM_RIGHTS messages queued per direction */

/* A socket's name: len bytes of sun (0: none yet; UNIX_ADDR_UNNAMED
 * when reported). */
struct unix_addr {
    socklen_t len;
    struct sockaddr_un sun;
};

/* Shutdown bits, as the side holding them sees its connection. */
#define SHUT_BIT_RCV 1u
#define SHUT_BIT_SND 2u

struct unix_ring {
    char *buf;
    size_t head;                /* next byte to read */
    size_t count;               /* bytes buffered */
};

/* Files in flight (SCM_RIGHTS) on a stream: delivered with the byte at
 * stream position pos, by a read that starts there and stops before the
 * next bundle's byte. */
struct unix_fds {
    struct list link;           /* on unix_conn.fds[side] */
    uint64_t pos;
    unsigned nfiles;
    struct file **files;        /* held */
};

/* A stream connection: side 0 is the connecting socket, side 1 the
 * accepted one (socketpair: the first and the second). */
struct unix_conn {
    unsigned refcount;          /* one per side still open; atomic */
    /* Protects everything below. Taken alone (no unix_sock.lock held),
     * before the wait queues' locks. */
    struct spinlock lock;
    struct unix_ring ring[2];   /* ring[i]: bytes for side i to read */
    unsigned shut[2];           /* SHUT_BIT_*: side i's view */
    struct unix_sock *ends[2];  /* NULL once that side is released */
    struct unix_addr addr[2];   /* each side's name at connect (getpeername) */
    struct waitq wq[2];         /* side i's readers, writers and pollers */
    uint64_t wpos[2], rpos[2];  /* bytes ever written to / read from ring[i] */
    struct list fds[2];         /* struct unix_fds for side i, by pos */
    unsigned fds_count[2];
};

enum unix_state {
    UNIX_UNCONNECTED,
    UNIX_CONNECTING,            /* a stream connect in progress */
    UNIX_LISTENING,
    UNIX_CONNECTED,             /* stream: conn is set */
};

struct unix_dgram {
    struct list link;           /* on the receiver's rxq */
    size_t len;
    size_t cost;                /* what it counts against the queue's bytes */
    struct unix_addr from;
    struct file **files;        /* SCM_RIGHTS: held, or NULL */
    unsigned nfiles;
    char data[];
};

struct unix_sock {
    unsigned refcount;          /* its socket, senders, connectors; atomic */
    int type;                   /* SOCK_STREAM or SOCK_DGRAM */
    struct socket *sock;        /* NULL while an unaccepted embryo; atomic */
    /* lock protects the fields below it, except where noted. Taken after
     * unix_bind_lock, alone among the unix locks, before wait queues'. */
    struct spinlock lock;
    struct waitq wq;            /* accepts, connects, datagrams, state changes */
    enum unix_state state;
    bool is_dead;               /* released: senders get ECONNREFUSED */
    bool is_binding;            /* a bind is creating the name */
    struct unix_addr addr;      /* set once by bind */
    struct vnode *bound_vn;     /* held; unix_bind_lock */
    struct list bound_link;     /* on unix_bound; unix_bind_lock */
    bool is_listed;             /* on unix_bound; unix_bind_lock */
    /* stream: conn and side are set once with state CONNECTED */
    struct unix_conn *conn;
    int side;
    /* listener */
    struct list backlog;        /* embryos (unix_sock.backlog_link) */
    struct list backlog_link;
    unsigned backlog_count, backlog_max;
    /* datagram */
    struct list rxq;            /* struct unix_dgram */
    size_t rx_bytes;
    unsigned rx_count;
    struct unix_sock *peer;     /* connected peer, held */
    unsigned dgram_shut;        /* SHUT_BIT_* */
};

/* Protects the list of named sockets (path and abstract names) and each
 * one's bound_vn/is_listed. Outermost lock of AF_UNIX. */
static struct spinlock unix_bind_lock = SPINLOCK_INIT;
static struct list unix_bound = LIST_INIT(unix_bound);
static unsigned unix_autobind_next;     /* unix_bind_lock */

/* Kernel iovecs: copies between them and flat memory at an offset. */

static size_t iov_total(const struct iovec *iov, size_t cnt)
{
    size_t total = 0;
    for (size_t i = 0; i < cnt; i++)
        total += iov[i].iov_len;
    return total;
}

static void iov_copy(const struct iovec *iov, size_t cnt, size_t off, void *flat, size_t len,
                     bool is_to_iov)
{
    char *p = flat;
    for (size_t i = 0; i < cnt && len; i++) {
        if (off >= iov[i].iov_len) {
            off -= iov[i].iov_len;
            continue;
        }
        size_t n = MIN(len, iov[i].iov_len - off);
        char *base = (char *)iov[i].iov_base + off;
        if (is_to_iov)
            memcpy(base, p, n);
        else
            memcpy(p, base, n);
        p += n;
        len -= n;
        off = 0;
    }
}

/* Rings: ring_put appends n bytes of the iov from offset off (room
 * checked by the caller); ring_get copies n bytes out, consuming them
 * unless is_peek. */
static void ring_put(struct unix_ring *r, const struct iovec *iov, size_t cnt, size_t off,
                     size_t n)
{
    size_t tail = (r->head + r->count) % UNIX_STREAM_CAP;
    size_t first = MIN(n, (size_t)UNIX_STREAM_CAP - tail);
    iov_copy(iov, cnt, off, r->buf + tail, first, false);
    iov_copy(iov, cnt, off + first, r->buf, n - first, false);
    r->count += n;
}

static void ring_get(struct unix_ring *r, const struct iovec *iov, size_t cnt, size_t off,
                     size_t n, bool is_peek)
{
    size_t first = MIN(n, (size_t)UNIX_STREAM_CAP - r->head);
    iov_copy(iov, cnt, off, r->buf + r->head, first, true);
    iov_copy(iov, cnt, off + first, r->buf, n - first, true);
    if (!is_peek) {
        r->head = (r->head + n) % UNIX_STREAM_CAP;
        r->count -= n;
    }
}

/* Files in flight. Only called with no lock held: a file's release may
 * sleep. AF_UNIX sockets themselves are never in flight (files_check), so
 * a release here never recurses into this file and no cycle of sockets
 * holding each other can form. */
static void files_put(struct file **files, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        file_put(files[i]);
    kfree(files);
}

static int files_check(const struct sock_msg *msg)
{
    for (unsigned i = 0; i < msg->nfiles; i++) {
        struct socket *so = sock_from_file(msg->files[i]);
        if (so && so->family == AF_UNIX)
            return -EOPNOTSUPP;
    }
    return 0;
}

static void dgram_free(struct unix_dgram *d)
{
    if (d->files)
        files_put(d->files, d->nfiles);
    kfree(d);
}

/* Objects. */

static struct unix_sock *unix_sock_alloc(int type)
{
    struct unix_sock *us = kzalloc(sizeof(*us));
    if (!us)
        return NULL;
    us->refcount = 1;
    us->type = type;
    us->lock = (struct spinlock)SPINLOCK_INIT;
    waitq_init(&us->wq);
    list_init(&us->bound_link);
    list_init(&us->backlog);
    list_init(&us->backlog_link);
    list_init(&us->rxq);
    return us;
}

static void unix_sock_get(struct unix_sock *us)
{
    __atomic_add_fetch(&us->refcount, 1, __ATOMIC_RELAXED);
}

static void unix_sock_put(struct unix_sock *us)
{
    if (!us || __atomic_sub_fetch(&us->refcount, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    while (!list_empty(&us->rxq)) {
        struct unix_dgram *d = list_entry(us->rxq.next, struct unix_dgram, link);
        list_remove(&d->link);
        dgram_free(d);
    }
    waitq_destroy(&us->wq);
    kfree(us);
}

static struct unix_conn *unix_conn_alloc(void)
{
    struct unix_conn *c = kzalloc(sizeof(*c));
    if (!c)
        return NULL;
    c->ring[0].buf = kmalloc(UNIX_STREAM_CAP);
    c->ring[1].buf = kmalloc(UNIX_STREAM_CAP);
    if (!c->ring[0].buf || !c->ring[1].buf) {
        kfree(c->ring[0].buf);
        kfree(c->ring[1].buf);
        kfree(c);
        return NULL;
    }
    c->refcount = 2;
    c->lock = (struct spinlock)SPINLOCK_INIT;
    list_init(&c->fds[0]);
    list_init(&c->fds[1]);
    waitq_init(&c->wq[0]);
    waitq_init(&c->wq[1]);
    return c;
}

static void unix_conn_put(struct unix_conn *c)
{
    if (__atomic_sub_fetch(&c->refcount, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    for (int i = 0; i < 2; i++) {
        while (!list_empty(&c->fds[i])) {
            struct unix_fds *b = list_entry(c->fds[i].next, struct unix_fds, link);
            list_remove(&b->link);
            files_put(b->files, b->nfiles);
            kfree(b);
        }
    }
    waitq_destroy(&c->wq[0]);
    waitq_destroy(&c->wq[1]);
    kfree(c->ring[0].buf);
    kfree(c->ring[1].buf);
    kfree(c);
}

static struct unix_sock *us_of(struct socket *sock)
{
    return sock->priv;
}

static void addr_unnamed(struct unix_addr *a)
{
    memset(a, 0, sizeof(*a));
    a->len = UNIX_ADDR_UNNAMED;
    a->sun.sun_family = AF_UNIX;
}

/* Names. */

/* Parses a user's sockaddr_un: a path (NUL-terminated into path, which
 * holds UNIX_PATH_MAX + 1 bytes) or an abstract name (into out, whose len
 * is set; path[0] = 0). len == UNIX_ADDR_UNNAMED: neither (autobind). */
static int addr_parse(const struct sockaddr *sa, socklen_t len, struct unix_addr *out,
                      char *path)
{
    if (len < UNIX_ADDR_UNNAMED || len > sizeof(struct sockaddr_un))
        return -EINVAL;
    if (sa->sa_family != AF_UNIX)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    out->sun.sun_family = AF_UNIX;
    path[0] = 0;
    size_t name_len = len - UNIX_ADDR_UNNAMED;
    const char *name = ((const struct sockaddr_un *)sa)->sun_path;
    if (name_len == 0) {
        out->len = UNIX_ADDR_UNNAMED;
        return 0;
    }
    if (name[0] == 0) {
        memcpy(out->sun.sun_path, name, name_len);
        out->len = len;
        return 0;
    }
    size_t n = strnlen(name, name_len);
    memcpy(path, name, n);
    path[n] = 0;
    memcpy(out->sun.sun_path, name, n);
    /* Linux reports a path name with its NUL */
    out->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    if (out->len > sizeof(struct sockaddr_un))
        out->len = sizeof(struct sockaddr_un);
    return 0;
}

static bool addr_is_abstract(const struct unix_addr *a)
{
    return a->len > UNIX_ADDR_UNNAMED && a->sun.sun_path[0] == 0;
}

/* The bound socket an abstract name or a path names, held. */
static int unix_find(struct vfs_ctx *ctx, const struct sockaddr *sa, socklen_t len, int type,
                     struct unix_sock **out)
{
    struct unix_addr a;
    char path[UNIX_PATH_MAX + 1];
    int rc = addr_parse(sa, len, &a, path);
    if (rc < 0)
        return rc;
    if (a.len == UNIX_ADDR_UNNAMED)
        return -EINVAL;
    struct vnode *vn = NULL;
    if (!addr_is_abstract(&a)) {
        rc = vfs_lookup(ctx, NULL, path, LOOKUP_FOLLOW, &vn);
        if (rc < 0)
            return rc;
        struct cred cred;
        vfs_cred_get(ctx, &cred);
        rc = vnode_permission(vn, &cred, W_OK);
        if (rc == 0 && !S_ISSOCK(vn->mode))
            rc = -ECONNREFUSED;
        if (rc < 0) {
            vnode_put(vn);
            return rc;
        }
    }
    struct unix_sock *found = NULL;
    struct list *pos;
    spin_lock(&unix_bind_lock);
    list_for_each(pos, &unix_bound) {
        struct unix_sock *us = list_entry(pos, struct unix_sock, bound_link);
        bool is_match = vn ? us->bound_vn == vn
                           : !us->bound_vn && us->addr.len == a.len &&
                             memcmp(us->addr.sun.sun_path, a.sun.sun_path,
                                    a.len - UNIX_ADDR_UNNAMED) == 0;
        if (is_match) {
            found = us;
            unix_sock_get(us);
            break;
        }
    }
    spin_unlock(&unix_bind_lock);
    if (vn)
        vnode_put(vn);
    if (!found)
        return -ECONNREFUSED;
    if (found->type != type) {
        unix_sock_put(found);
        return -EPROTOTYPE;
    }
    *out = found;
    return 0;
}

/* Is an abstract name taken? Called with unix_bind_lock held. */
static bool abstract_is_taken(const struct unix_addr *a)
{
    struct list *pos;
    list_for_each(pos, &unix_bound) {
        struct unix_sock *us = list_entry(pos, struct unix_sock, bound_link);
        if (!us->bound_vn && us->addr.len == a->len &&
            memcmp(us->addr.sun.sun_path, a->sun.sun_path, a->len - UNIX_ADDR_UNNAMED) == 0)
            return true;
    }
    return false;
}

static int unix_bind(struct socket *sock, const struct sockaddr *sa, socklen_t len,
                     struct vfs_ctx *ctx)
{
    struct unix_sock *us = us_of(sock);
    struct unix_addr a;
    char path[UNIX_PATH_MAX + 1];
    int rc = addr_parse(sa, len, &a, path);
    if (rc < 0)
        return rc;
    spin_lock(&us->lock);
    if (us->addr.len || us->is_binding) {
        spin_unlock(&us->lock);
        return -EINVAL;
    }
    us->is_binding = true;
    spin_unlock(&us->lock);

    struct vnode *vn = NULL;
    if (path[0]) {
        rc = vfs_mksock(ctx, path, 0777, &vn);
        if (rc == -EEXIST)
            rc = -EADDRINUSE;
    }
    if (rc == 0) {
        spin_lock(&unix_bind_lock);
        if (a.len == UNIX_ADDR_UNNAMED) {
            /* autobind: an abstract name of five hex digits, as Linux */
            static const char hex[] = "0123456789abcdef";
            rc = -EADDRINUSE;
            for (unsigned tries = 0; tries < 0x100000 && rc; tries++) {
                unsigned n = unix_autobind_next++ & 0xfffff;
                for (int i = 0; i < 5; i++)
                    a.sun.sun_path[1 + i] = hex[(n >> (4 * (4 - i))) & 0xf];
                a.len = UNIX_ADDR_UNNAMED + 6;
                if (!abstract_is_taken(&a))
                    rc = 0;
            }
        } else if (!vn && abstract_is_taken(&a)) {
            rc = -EADDRINUSE;
        }
        if (rc == 0) {
            us->bound_vn = vn;
            us->is_listed = true;
            list_push_back(&unix_bound, &us->bound_link);
        }
        spin_unlock(&unix_bind_lock);
    }
    spin_lock(&us->lock);
    if (rc == 0)
        us->addr = a;
    us->is_binding = false;
    spin_unlock(&us->lock);
    if (rc < 0 && vn)
        vnode_put(vn);          /* the node stays, as after a failed Linux bind */
    return rc;
}

static int unix_getname(struct socket *sock, struct sockaddr *sa, socklen_t *len, bool is_peer)
{
    struct unix_sock *us = us_of(sock);
    struct unix_addr a;
    struct unix_sock *peer = NULL;
    int rc = 0;
    spin_lock(&us->lock);
    if (!is_peer) {
        a = us->addr;
    } else if (us->type == SOCK_STREAM) {
        if (us->state != UNIX_CONNECTED)
            rc = -ENOTCONN;
        else
            a = us->conn->addr[!us->side];     /* set before connecting, never changed */
    } else if (!us->peer) {
        rc = -ENOTCONN;
    } else {
        peer = us->peer;
        unix_sock_get(peer);
    }
    spin_unlock(&us->lock);
    if (rc < 0)
        return rc;
    if (peer) {
        spin_lock(&peer->lock);
        a = peer->addr;
        spin_unlock(&peer->lock);
        unix_sock_put(peer);
    }
    if (!a.len)
        addr_unnamed(&a);
    sock_copy_addr(sa, len, &a.sun, a.len);
    return 0;
}

/* Stream connections. */

static int unix_listen(struct socket *sock, int backlog)
{
    struct unix_sock *us = us_of(sock);
    if (us->type != SOCK_STREAM)
        return -EOPNOTSUPP;
    int rc = 0;
    spin_lock(&us->lock);
    if (!us->addr.len)
        rc = -EINVAL;           /* Linux: listen needs a name */
    else if (us->state != UNIX_UNCONNECTED && us->state != UNIX_LISTENING)
        rc = -EINVAL;
    else {
        us->state = UNIX_LISTENING;
        us->backlog_max = (unsigned)backlog;
        waitq_wake_all(&us->wq);    /* connectors waiting for room */
    }
    spin_unlock(&us->lock);
    return rc;
}

static int unix_stream_connect(struct socket *sock, const struct sockaddr *sa, socklen_t len,
                               bool is_nonblocking, struct vfs_ctx *ctx)
{
    struct unix_sock *us = us_of(sock);
    struct unix_addr self = { 0 };
    spin_lock(&us->lock);
    int rc = us->state == UNIX_CONNECTED ? -EISCONN
           : us->state == UNIX_CONNECTING ? -EALREADY
           : us->state == UNIX_LISTENING ? -EINVAL : 0;
    if (rc == 0) {
        us->state = UNIX_CONNECTING;
        self = us->addr;
    }
    spin_unlock(&us->lock);
    if (rc < 0)
        return rc;

    struct unix_sock *listener = NULL, *embryo = NULL;
    struct unix_conn *conn = NULL;
    rc = unix_find(ctx, sa, len, us->type, &listener);
    if (rc < 0)
        goto fail;
    conn = unix_conn_alloc();
    embryo = unix_sock_alloc(us->type);
    if (!conn || !embryo) {
        rc = -ENOMEM;
        goto fail;
    }
    if (!self.len)
        addr_unnamed(&self);
    conn->addr[0] = self;
    conn->ends[0] = us;
    conn->ends[1] = embryo;
    embryo->state = UNIX_CONNECTED;
    embryo->conn = conn;
    embryo->side = 1;

    uint64_t deadline = sock_deadline(sock, true);
    spin_lock(&listener->lock);
    for (;;) {
        if (listener->state != UNIX_LISTENING || listener->is_dead) {
            rc = -ECONNREFUSED;
            break;
        }
        if (listener->backlog_count <= listener->backlog_max)
            break;
        if (is_nonblocking) {
            rc = -EAGAIN;
            break;
        }
        rc = sock_wait(&listener->wq, &listener->lock, deadline);
        if (rc < 0)
            break;
    }
    if (rc == 0) {
        conn->addr[1] = listener->addr;
        embryo->addr = listener->addr;
        list_push_back(&listener->backlog, &embryo->backlog_link);
        listener->backlog_count++;
        waitq_wake_all(&listener->wq);
    }
    spin_unlock(&listener->lock);
    unix_sock_put(listener);
    listener = NULL;
    if (rc < 0)
        goto fail;

    spin_lock(&us->lock);
    us->conn = conn;
    us->side = 0;
    us->state = UNIX_CONNECTED;
    waitq_wake_all(&us->wq);
    spin_unlock(&us->lock);
    return 0;

fail:
    if (embryo) {
        embryo->conn = NULL;
        unix_sock_put(embryo);
    }
    if (conn) {
        conn->refcount = 1;
        unix_conn_put(conn);
    }
    unix_sock_put(listener);
    spin_lock(&us->lock);
    us->state = UNIX_UNCONNECTED;
    spin_unlock(&us->lock);
    return rc;
}

static int unix_accept(struct socket *sock, struct socket *newsock, bool is_nonblocking,
                       struct sockaddr *sa, socklen_t *len)
{
    struct unix_sock *us = us_of(sock);
    if (us->type != SOCK_STREAM)
        return -EOPNOTSUPP;
    uint64_t deadline = sock_deadline(sock, false);
    struct unix_sock *embryo = NULL;
    int rc = 0;
    spin_lock(&us->lock);
    for (;;) {
        if (us->state != UNIX_LISTENING) {
            rc = -EINVAL;
            break;
        }
        if (!list_empty(&us->backlog)) {
            embryo = list_entry(us->backlog.next, struct unix_sock, backlog_link);
            list_remove(&embryo->backlog_link);
            us->backlog_count--;
            waitq_wake_all(&us->wq);    /* a connector waiting for room */
            break;
        }
        if (is_nonblocking) {
            rc = -EAGAIN;
            break;
        }
        rc = sock_wait(&us->wq, &us->lock, deadline);
        if (rc < 0)
            break;
    }
    spin_unlock(&us->lock);
    if (rc < 0)
        return rc;
    newsock->priv = embryo;
    __atomic_store_n(&embryo->sock, newsock, __ATOMIC_RELEASE);
    if (len) {
        struct unix_addr a = embryo->conn->addr[0];
        sock_copy_addr(sa, len, &a.sun, a.len);
    }
    return 0;
}

/* The connection a connected stream socket uses (NULL: not connected). */
static struct unix_conn *stream_conn(struct unix_sock *us, int *side)
{
    spin_lock(&us->lock);
    struct unix_conn *c = us->state == UNIX_CONNECTED ? us->conn : NULL;
    *side = us->side;
    spin_unlock(&us->lock);
    return c;
}

static long unix_stream_send(struct socket *sock, struct sock_msg *msg, int flags)
{
    struct unix_sock *us = us_of(sock);
    int s;
    struct unix_conn *c = stream_conn(us, &s);
    if (msg->addr)
        return c ? -EISCONN : -EOPNOTSUPP;
    if (!c)
        return -ENOTCONN;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    size_t total = iov_total(msg->iov, msg->iovcnt);
    struct unix_fds *bundle = NULL;
    if (msg->nfiles && total) {
        int err = files_check(msg);
        if (err < 0)
            return err;
        bundle = kmalloc(sizeof(*bundle));
        if (!bundle)
            return -ENOMEM;
        list_init(&bundle->link);
    }
    uint64_t deadline = sock_deadline(sock, true);
    size_t done = 0;
    long rc = 0;
    spin_lock(&c->lock);
    while (done < total) {
        if (c->shut[s] & SHUT_BIT_SND) {
            rc = -EPIPE;
            break;
        }
        struct unix_ring *r = &c->ring[!s];
        size_t limit = MIN((size_t)UNIX_STREAM_CAP,
                           (size_t)__atomic_load_n(&sock->sndbuf, __ATOMIC_RELAXED));
        size_t space = limit > r->count ? limit - r->count : 0;
        if (bundle && c->fds_count[!s] >= UNIX_STREAM_FDS_MAX)
            space = 0;          /* too many messages with files in flight */
        if (!space) {
            if (flags & MSG_DONTWAIT) {
                rc = -EAGAIN;
                break;
            }
            rc = sock_wait(&c->wq[s], &c->lock, deadline);
            if (rc < 0)
                break;
            continue;
        }
        size_t n = MIN(space, total - done);
        if (bundle) {
            /* the files go with the first byte of this send */
            bundle->pos = c->wpos[!s];
            bundle->nfiles = msg->nfiles;
            bundle->files = msg->files;
            msg->files = NULL;
            list_push_back(&c->fds[!s], &bundle->link);
            c->fds_count[!s]++;
            bundle = NULL;
        }
        ring_put(r, msg->iov, msg->iovcnt, done, n);
        c->wpos[!s] += n;
        done += n;
        waitq_wake_all(&c->wq[!s]);
    }
    spin_unlock(&c->lock);
    kfree(bundle);              /* not sent: the layer drops the files */
    return done ? (long)done : rc;
}

static long unix_stream_recv(struct socket *sock, struct sock_msg *msg, int flags)
{
    struct unix_sock *us = us_of(sock);
    int s;
    struct unix_conn *c = stream_conn(us, &s);
    if (!c)
        return -EINVAL;         /* Linux: a stream read before connecting */
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    size_t total = iov_total(msg->iov, msg->iovcnt);
    bool is_peek = flags & MSG_PEEK;
    uint64_t deadline = sock_deadline(sock, false);
    size_t done = 0;
    long rc = 0;
    spin_lock(&c->lock);
    while (done < total) {
        struct unix_ring *r = &c->ring[s];
        if (r->count) {
            size_t n = MIN(r->count, total - done);
            /* a read never crosses the start of a message with files */
            struct unix_fds *b = list_empty(&c->fds[s]) ? NULL
                               : list_entry(c->fds[s].next, struct unix_fds, link);
            struct unix_fds *next = b;
            bool takes_files = false;
            if (b && b->pos == c->rpos[s]) {
                if (done)
                    break;
                takes_files = !is_peek && !msg->files;
                next = b->link.next == &c->fds[s] ? NULL
                     : list_entry(b->link.next, struct unix_fds, link);
            }
            if (next)
                n = MIN(n, (size_t)(next->pos - c->rpos[s]));
            ring_get(r, msg->iov, msg->iovcnt, done, n, is_peek);
            if (!is_peek)
                c->rpos[s] += n;
            if (takes_files) {
                list_remove(&b->link);
                c->fds_count[s]--;
                msg->files = b->files;
                msg->nfiles = b->nfiles;
                kfree(b);
            }
            done += n;
            if (!is_peek)
                waitq_wake_all(&c->wq[!s]);     /* the writer has room */
            if (is_peek || takes_files || !(flags & MSG_WAITALL))
                break;
            continue;
        }
        if (done && !(flags & MSG_WAITALL))
            break;
        rc = sock_take_error(sock);
        if (rc < 0)
            break;
        if (c->shut[s] & SHUT_BIT_RCV)
            break;              /* EOF */
        if (flags & MSG_DONTWAIT) {
            rc = -EAGAIN;
            break;
        }
        rc = sock_wait(&c->wq[s], &c->lock, deadline);
        if (rc < 0)
            break;
    }
    spin_unlock(&c->lock);
    if (msg->addr) {
        struct unix_addr a = c->addr[!s];
        if (a.len <= UNIX_ADDR_UNNAMED)
            msg->addrlen = 0;
        else
            sock_copy_addr(msg->addr, &msg->addrlen, &a.sun, a.len);
    }
    return done ? (long)done : rc;
}

/* Closes side s of a connection (release), or of an embryo never
 * accepted (is_reset: the connector gets ECONNRESET, as on Linux). */
static void stream_close_side(struct unix_conn *c, int s, bool is_reset)
{
    spin_lock(&c->lock);
    c->shut[s] = SHUT_BIT_RCV | SHUT_BIT_SND;
    c->shut[!s] = SHUT_BIT_RCV | SHUT_BIT_SND;
    struct unix_sock *other = c->ends[!s];
    /* Unread data lost: Linux resets the peer. */
    if (other && (is_reset || c->ring[s].count)) {
        struct socket *osock = __atomic_load_n(&other->sock, __ATOMIC_ACQUIRE);
        if (osock)
            sock_set_error(osock, -ECONNRESET);
    }
    c->ends[s] = NULL;
    waitq_wake_all(&c->wq[0]);
    waitq_wake_all(&c->wq[1]);
    spin_unlock(&c->lock);
    unix_conn_put(c);
}

static int unix_shutdown(struct socket *sock, int how)
{
    struct unix_sock *us = us_of(sock);
    unsigned mine = 0;
    if (how == SHUT_RD || how == SHUT_RDWR)
        mine |= SHUT_BIT_RCV;
    if (how == SHUT_WR || how == SHUT_RDWR)
        mine |= SHUT_BIT_SND;
    if (us->type == SOCK_DGRAM) {
        spin_lock(&us->lock);
        us->dgram_shut |= mine;
        waitq_wake_all(&us->wq);
        spin_unlock(&us->lock);
        return 0;
    }
    int s;
    struct unix_conn *c = stream_conn(us, &s);
    if (!c)
        return -ENOTCONN;
    /* the peer sees the mirror image: my SND is its RCV */
    unsigned theirs = ((mine & SHUT_BIT_RCV) ? SHUT_BIT_SND : 0) |
                      ((mine & SHUT_BIT_SND) ? SHUT_BIT_RCV : 0);
    spin_lock(&c->lock);
    c->shut[s] |= mine;
    c->shut[!s] |= theirs;
    waitq_wake_all(&c->wq[0]);
    waitq_wake_all(&c->wq[1]);
    spin_unlock(&c->lock);
    return 0;
}

static unsigned unix_stream_poll(struct unix_sock *us, struct socket *sock,
                                 struct poll_waiter *pw)
{
    int s;
    unsigned mask = 0;
    spin_lock(&us->lock);
    struct unix_conn *c = us->state == UNIX_CONNECTED ? us->conn : NULL;
    s = us->side;
    if (!c) {
        if (us->state == UNIX_LISTENING) {
            if (us->backlog_count)
                mask |= POLLIN | POLLRDNORM;
        } else {
            mask |= POLLOUT | POLLWRNORM | POLLHUP;     /* Linux: not connected */
        }
        if (pw)
            poll_waiter_add(pw, &us->wq);
    }
    spin_unlock(&us->lock);
    if (!c)
        return mask;
    spin_lock(&c->lock);
    if (c->ring[s].count || (c->shut[s] & SHUT_BIT_RCV))
        mask |= POLLIN | POLLRDNORM;
    size_t limit = MIN((size_t)UNIX_STREAM_CAP,
                       (size_t)__atomic_load_n(&sock->sndbuf, __ATOMIC_RELAXED));
    if (c->ring[!s].count < limit || (c->shut[s] & SHUT_BIT_SND))
        mask |= POLLOUT | POLLWRNORM;
    if (c->shut[s] == (SHUT_BIT_RCV | SHUT_BIT_SND))
        mask |= POLLHUP;
    if (pw)
        poll_waiter_add(pw, &c->wq[s]);
    spin_unlock(&c->lock);
    return mask;
}

/* Datagrams. */

static int unix_dgram_connect(struct socket *sock, const struct sockaddr *sa, socklen_t len,
                              bool is_nonblocking, struct vfs_ctx *ctx)
{
    (void)is_nonblocking;
    struct unix_sock *us = us_of(sock);
    struct unix_sock *peer = NULL;
    if (len >= sizeof(sa_family_t) && sa->sa_family == AF_UNSPEC) {
        /* dissolves the association */
    } else {
        int rc = unix_find(ctx, sa, len, us->type, &peer);
        if (rc < 0)
            return rc;
    }
    spin_lock(&us->lock);
    struct unix_sock *old = us->peer;
    us->peer = peer;
    spin_unlock(&us->lock);
    unix_sock_put(old);
    return 0;
}

static long unix_dgram_send(struct socket *sock, struct sock_msg *msg, int flags)
{
    struct unix_sock *us = us_of(sock);
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    size_t total = iov_total(msg->iov, msg->iovcnt);
    if (total > UNIX_DGRAM_MAX)
        return -EMSGSIZE;
    struct unix_sock *target = NULL;
    struct unix_addr from;
    spin_lock(&us->lock);
    bool is_shut = us->dgram_shut & SHUT_BIT_SND;
    from = us->addr;
    if (!msg->addr && us->peer) {
        target = us->peer;
        unix_sock_get(target);
    }
    spin_unlock(&us->lock);
    if (is_shut) {
        unix_sock_put(target);
        return -EPIPE;
    }
    if (msg->addr) {
        int rc = unix_find(msg->ctx, msg->addr, msg->addrlen, us->type, &target);
        if (rc < 0)
            return rc;
    } else if (!target) {
        return -ENOTCONN;
    }
    int err = files_check(msg);
    struct unix_dgram *d = err < 0 ? NULL : kmalloc(sizeof(*d) + total);
    if (!d) {
        unix_sock_put(target);
        return err < 0 ? err : -ENOMEM;
    }
    d->len = total;
    d->cost = total + msg->nfiles * sizeof(struct file *);
    d->from = from;
    d->files = NULL;
    d->nfiles = 0;
    list_init(&d->link);
    iov_copy(msg->iov, msg->iovcnt, 0, d->data, total, false);

    uint64_t deadline = sock_deadline(sock, true);
    long rc = 0;
    spin_lock(&target->lock);
    for (;;) {
        if (target->is_dead) {
            rc = -ECONNREFUSED;
            break;
        }
        if (target->dgram_shut & SHUT_BIT_RCV) {
            rc = -EPIPE;
            break;
        }
        bool is_full = target->rx_count &&
                       (target->rx_count >= UNIX_DGRAM_COUNT_MAX ||
                        target->rx_bytes + d->cost > UNIX_DGRAM_QUEUE_MAX);
        if (!is_full)
            break;
        if (flags & MSG_DONTWAIT) {
            rc = -EAGAIN;
            break;
        }
        rc = sock_wait(&target->wq, &target->lock, deadline);
        if (rc < 0)
            break;
    }
    if (rc == 0) {
        d->files = msg->files;
        d->nfiles = msg->nfiles;
        msg->files = NULL;
        list_push_back(&target->rxq, &d->link);
        target->rx_bytes += d->cost;
        target->rx_count++;
        waitq_wake_all(&target->wq);
        d = NULL;
    }
    spin_unlock(&target->lock);
    if (d)
        dgram_free(d);          /* not queued: its files are still the caller's */
    unix_sock_put(target);
    return rc < 0 ? rc : (long)total;
}

static long unix_dgram_recv(struct socket *sock, struct sock_msg *msg, int flags)
{
    struct unix_sock *us = us_of(sock);
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    size_t room = iov_total(msg->iov, msg->iovcnt);
    uint64_t deadline = sock_deadline(sock, false);
    struct unix_dgram *d = NULL;
    long rc = 0;
    spin_lock(&us->lock);
    for (;;) {
        if (!list_empty(&us->rxq)) {
            d = list_entry(us->rxq.next, struct unix_dgram, link);
            if (flags & MSG_PEEK) {
                /* copied under the lock: another reader may take it */
                iov_copy(msg->iov, msg->iovcnt, 0, d->data, MIN(room, d->len), true);
                rc = (flags & MSG_TRUNC) ? (long)d->len : (long)MIN(room, d->len);
                if (msg->addr) {
                    if (d->from.len <= UNIX_ADDR_UNNAMED)
                        msg->addrlen = 0;
                    else
                        sock_copy_addr(msg->addr, &msg->addrlen, &d->from.sun, d->from.len);
                }
                if (d->len > room)
                    msg->out_flags |= MSG_TRUNC;
                d = NULL;
            } else {
                list_remove(&d->link);
                us->rx_bytes -= d->cost;
                us->rx_count--;
                waitq_wake_all(&us->wq);        /* senders waiting for room */
            }
            break;
        }
        if (us->dgram_shut & SHUT_BIT_RCV)
            break;              /* 0: nothing more */
        rc = sock_take_error(sock);
        if (rc < 0)
            break;
        if (flags & MSG_DONTWAIT) {
            rc = -EAGAIN;
            break;
        }
        rc = sock_wait(&us->wq, &us->lock, deadline);
        if (rc < 0)
            break;
    }
    spin_unlock(&us->lock);
    if (!d)
        return rc;
    iov_copy(msg->iov, msg->iovcnt, 0, d->data, MIN(room, d->len), true);
    if (d->len > room)
        msg->out_flags |= MSG_TRUNC;
    if (msg->addr) {
        if (d->from.len <= UNIX_ADDR_UNNAMED)
            msg->addrlen = 0;
        else
            sock_copy_addr(msg->addr, &msg->addrlen, &d->from.sun, d->from.len);
    }
    /* MSG_TRUNC asks for the datagram's real length, as on Linux */
    rc = (flags & MSG_TRUNC) ? (long)d->len : (long)MIN(room, d->len);
    if (d->files && !msg->files) {
        msg->files = d->files;
        msg->nfiles = d->nfiles;
        d->files = NULL;
    }
    dgram_free(d);
    return rc;
}

static unsigned unix_dgram_poll(struct unix_sock *us, struct poll_waiter *pw)
{
    unsigned mask = 0;
    spin_lock(&us->lock);
    if (!list_empty(&us->rxq) || (us->dgram_shut & SHUT_BIT_RCV))
        mask |= POLLIN | POLLRDNORM;
    /* writable unless shut: a full receiver blocks or refuses the send */
    mask |= POLLOUT | POLLWRNORM;
    if (us->dgram_shut == (SHUT_BIT_RCV | SHUT_BIT_SND))
        mask |= POLLHUP;
    if (pw)
        poll_waiter_add(pw, &us->wq);
    spin_unlock(&us->lock);
    return mask;
}

/* FIONREAD: bytes a read would get (a stream's buffered bytes, the next
 * datagram's length); TIOCOUTQ: a stream's bytes its peer has not read. */
static long unix_ioctl(struct socket *sock, unsigned long request, unsigned long arg)
{
    if (request != FIONREAD && request != TIOCOUTQ)
        return -ENOTTY;
    struct unix_sock *us = us_of(sock);
    size_t n = 0;
    if (us->type == SOCK_DGRAM) {
        spin_lock(&us->lock);
        if (request == FIONREAD && !list_empty(&us->rxq))
            n = list_entry(us->rxq.next, struct unix_dgram, link)->len;
        spin_unlock(&us->lock);
    } else {
        int s;
        struct unix_conn *c = stream_conn(us, &s);
        if (!c)
            return -EINVAL;
        spin_lock(&c->lock);
        n = request == FIONREAD ? c->ring[s].count : c->ring[!s].count;
        spin_unlock(&c->lock);
    }
    *(int *)arg = (int)n;
    return 0;
}

/* The family's operations. */

static int unix_create(struct socket *sock, int protocol)
{
    if (protocol != 0 && protocol != AF_UNIX)
        return -EPROTONOSUPPORT;
    if (sock->type != SOCK_STREAM && sock->type != SOCK_DGRAM)
        return -ESOCKTNOSUPPORT;
    struct unix_sock *us = unix_sock_alloc(sock->type);
    if (!us)
        return -ENOMEM;
    us->sock = sock;
    sock->priv = us;
    return 0;
}

static int unix_pair(struct socket *a, struct socket *b)
{
    struct unix_sock *ua = us_of(a), *ub = us_of(b);
    if (ua->type == SOCK_DGRAM) {
        unix_sock_get(ua);
        unix_sock_get(ub);
        ua->peer = ub;
        ub->peer = ua;
        return 0;
    }
    struct unix_conn *c = unix_conn_alloc();
    if (!c)
        return -ENOMEM;
    addr_unnamed(&c->addr[0]);
    addr_unnamed(&c->addr[1]);
    c->ends[0] = ua;
    c->ends[1] = ub;
    ua->conn = c;
    ua->side = 0;
    ua->state = UNIX_CONNECTED;
    ub->conn = c;
    ub->side = 1;
    ub->state = UNIX_CONNECTED;
    return 0;
}

static int unix_connect(struct socket *sock, const struct sockaddr *sa, socklen_t len,
                        bool is_nonblocking, struct vfs_ctx *ctx)
{
    if (us_of(sock)->type == SOCK_DGRAM)
        return unix_dgram_connect(sock, sa, len, is_nonblocking, ctx);
    return unix_stream_connect(sock, sa, len, is_nonblocking, ctx);
}

static long unix_sendmsg(struct socket *sock, struct sock_msg *msg, int flags)
{
    if (us_of(sock)->type == SOCK_DGRAM)
        return unix_dgram_send(sock, msg, flags);
    return unix_stream_send(sock, msg, flags);
}

static long unix_recvmsg(struct socket *sock, struct sock_msg *msg, int flags)
{
    if (us_of(sock)->type == SOCK_DGRAM)
        return unix_dgram_recv(sock, msg, flags);
    return unix_stream_recv(sock, msg, flags);
}

static unsigned unix_poll(struct socket *sock, struct poll_waiter *pw)
{
    struct unix_sock *us = us_of(sock);
    if (us->type == SOCK_DGRAM)
        return unix_dgram_poll(us, pw);
    return unix_stream_poll(us, sock, pw);
}

/* Drops a unix_sock that its socket (or, for an embryo, the listener)
 * owned: its name, its connection, its queue, its pending connections. */
static void unix_sock_close(struct unix_sock *us, bool is_embryo)
{
    struct vnode *bound_vn = NULL;
    spin_lock(&unix_bind_lock);
    if (us->is_listed) {
        list_remove(&us->bound_link);
        us->is_listed = false;
        bound_vn = us->bound_vn;
        us->bound_vn = NULL;
    }
    spin_unlock(&unix_bind_lock);

    struct list embryos;
    list_init(&embryos);
    spin_lock(&us->lock);
    us->is_dead = true;
    struct unix_conn *c = us->state == UNIX_CONNECTED ? us->conn : NULL;
    int s = us->side;
    struct unix_sock *peer = us->peer;
    us->peer = NULL;
    list_splice_back(&embryos, &us->backlog);
    us->backlog_count = 0;
    us->state = UNIX_UNCONNECTED;
    waitq_wake_all(&us->wq);
    spin_unlock(&us->lock);

    if (c)
        stream_close_side(c, s, is_embryo);
    while (!list_empty(&embryos)) {
        struct unix_sock *e = list_entry(embryos.next, struct unix_sock, backlog_link);
        list_remove(&e->backlog_link);
        unix_sock_close(e, true);
    }
    unix_sock_put(peer);
    unix_sock_put(us);
    if (bound_vn)
        vnode_put(bound_vn);    /* may sleep (ext2): no lock held */
}

static void unix_release(struct socket *sock)
{
    struct unix_sock *us = us_of(sock);
    __atomic_store_n(&us->sock, NULL, __ATOMIC_RELEASE);
    sock->priv = NULL;
    unix_sock_close(us, false);
}

static const struct sock_family_ops unix_ops = {
    .create = unix_create,
    .pair = unix_pair,
    .bind = unix_bind,
    .listen = unix_listen,
    .accept = unix_accept,
    .connect = unix_connect,
    .sendmsg = unix_sendmsg,
    .recvmsg = unix_recvmsg,
    .shutdown = unix_shutdown,
    .getname = unix_getname,
    .poll = unix_poll,
    .ioctl = unix_ioctl,
    .release = unix_release,
};

int unix_family_init(void)
{
    return sock_family_register(AF_UNIX, &unix_ops);
}
