/* AF_UNIX: stream and datagram sockets inside the kernel. A stream
 * connection is a struct unix_conn shared by its two ends: two bounded
 * rings (one per direction) under one lock, so two connected sockets
 * never take each other's locks. Datagrams queue on the receiving socket,
 * bounded in bytes and count. Names: a path (an S_IFSOCK node made through
 * the VFS; connect finds the socket bound to that very vnode), an
 * abstract name (sun_path[0] == 0), or an automatic abstract name (bind
 * with only the family). This file: names, the objects' lifetimes, the
 * family's operations; unix_stream.c the connections, unix_dgram.c the
 * datagrams (unix_internal.h between them).
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
#include <kern/subsys.h>
#include "unix_internal.h"

/* Protects the list of named sockets (path and abstract names) and each
 * one's bound_vn/is_listed. Outermost lock of AF_UNIX. */
static struct spinlock unix_bind_lock = SPINLOCK_INIT;
static struct list unix_bound = LIST_INIT(unix_bound);
static unsigned unix_autobind_next;     /* unix_bind_lock */

/* Kernel iovecs: copies between them and flat memory at an offset. */
size_t unix_iov_total(const struct iovec *iov, size_t cnt)
{
    size_t total = 0;
    for (size_t i = 0; i < cnt; i++)
        total += iov[i].iov_len;
    return total;
}

void unix_iov_copy(const struct iovec *iov, size_t cnt, size_t off, void *flat, size_t len,
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

/* Files in flight. Only called with no lock held: a file's release may
 * sleep. AF_UNIX sockets themselves are never in flight (unix_files_check), so
 * a release here never recurses into this file and no cycle of sockets
 * holding each other can form. */
void unix_files_put(struct file **files, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        file_put(files[i]);
    kfree(files);
}

int unix_files_check(const struct sock_msg *msg)
{
    for (unsigned i = 0; i < msg->nfiles; i++) {
        struct socket *so = sock_from_file(msg->files[i]);
        if (so && so->family == AF_UNIX)
            return -EOPNOTSUPP;
    }
    return 0;
}

/* Objects. */

struct unix_sock *unix_sock_alloc(int type)
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

void unix_sock_get(struct unix_sock *us)
{
    __atomic_add_fetch(&us->refcount, 1, __ATOMIC_RELAXED);
}

void unix_sock_put(struct unix_sock *us)
{
    if (!us || __atomic_sub_fetch(&us->refcount, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    while (!list_empty(&us->rxq)) {
        struct unix_dgram *d = list_entry(us->rxq.next, struct unix_dgram, link);
        list_remove(&d->link);
        unix_dgram_free(d);
    }
    waitq_destroy(&us->wq);
    kfree(us);
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
int unix_find(struct vfs_ctx *ctx, const struct sockaddr *sa, socklen_t len, int type,
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

/* Is an abstract name taken? */
static bool abstract_is_taken(const struct unix_addr *a)
{
    spin_assert_held(&unix_bind_lock);
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
        struct unix_conn *c = unix_stream_conn(us, &s);
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
        unix_stream_close_side(c, s, is_embryo);
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

/* After the socket layer (SUBSYS_STAGE_SOCKETS); an image without this
 * library has no AF_UNIX (socket() says EAFNOSUPPORT). */
static int unix_family_init(void)
{
    return sock_family_register(AF_UNIX, &unix_ops);
}
SUBSYS_REGISTER(unix, SUBSYS_STAGE_NETSTACK, unix_family_init, NULL);
