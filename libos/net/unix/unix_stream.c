/* AF_UNIX streams: a connection (struct unix_conn) is two bounded rings
 * under one lock, shared by its two ends; listen, connect (an embryo
 * queued on the listener), accept, send, receive (with the files passed
 * along, SCM_RIGHTS), shutdown and poll. Locks: see unix.c. */
#include <string.h>
#include <abi/errno.h>
#include <abi/poll.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <net/socket.h>
#include <sched/wait.h>
#include <vfs/fs.h>
#include "unix_internal.h"

/* Rings: ring_put appends n bytes of the iov from offset off (room
 * checked by the caller); ring_get copies n bytes out, consuming them
 * unless is_peek. */
static void ring_put(struct unix_ring *r, const struct iovec *iov, size_t cnt, size_t off,
                     size_t n)
{
    size_t tail = (r->head + r->count) % UNIX_STREAM_CAP;
    size_t first = MIN(n, (size_t)UNIX_STREAM_CAP - tail);
    unix_iov_copy(iov, cnt, off, r->buf + tail, first, false);
    unix_iov_copy(iov, cnt, off + first, r->buf, n - first, false);
    r->count += n;
}

static void ring_get(struct unix_ring *r, const struct iovec *iov, size_t cnt, size_t off,
                     size_t n, bool is_peek)
{
    size_t first = MIN(n, (size_t)UNIX_STREAM_CAP - r->head);
    unix_iov_copy(iov, cnt, off, r->buf + r->head, first, true);
    unix_iov_copy(iov, cnt, off + first, r->buf, n - first, true);
    if (!is_peek) {
        r->head = (r->head + n) % UNIX_STREAM_CAP;
        r->count -= n;
    }
}

struct unix_conn *unix_conn_alloc(void)
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

void unix_conn_put(struct unix_conn *c)
{
    if (__atomic_sub_fetch(&c->refcount, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    for (int i = 0; i < 2; i++) {
        while (!list_empty(&c->fds[i])) {
            struct unix_fds *b = list_entry(c->fds[i].next, struct unix_fds, link);
            list_remove(&b->link);
            unix_files_put(b->files, b->nfiles);
            kfree(b);
        }
    }
    waitq_destroy(&c->wq[0]);
    waitq_destroy(&c->wq[1]);
    kfree(c->ring[0].buf);
    kfree(c->ring[1].buf);
    kfree(c);
}

/* Stream connections. */

int unix_listen(struct socket *sock, int backlog)
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

int unix_stream_connect(struct socket *sock, const struct sockaddr *sa, socklen_t len,
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

int unix_accept(struct socket *sock, struct socket *newsock, bool is_nonblocking,
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
struct unix_conn *unix_stream_conn(struct unix_sock *us, int *side)
{
    spin_lock(&us->lock);
    struct unix_conn *c = us->state == UNIX_CONNECTED ? us->conn : NULL;
    *side = us->side;
    spin_unlock(&us->lock);
    return c;
}

long unix_stream_send(struct socket *sock, struct sock_msg *msg, int flags)
{
    struct unix_sock *us = us_of(sock);
    int s;
    struct unix_conn *c = unix_stream_conn(us, &s);
    if (msg->addr)
        return c ? -EISCONN : -EOPNOTSUPP;
    if (!c)
        return -ENOTCONN;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    size_t total = unix_iov_total(msg->iov, msg->iovcnt);
    struct unix_fds *bundle = NULL;
    if (msg->nfiles && total) {
        int err = unix_files_check(msg);
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

long unix_stream_recv(struct socket *sock, struct sock_msg *msg, int flags)
{
    struct unix_sock *us = us_of(sock);
    int s;
    struct unix_conn *c = unix_stream_conn(us, &s);
    if (!c)
        return -EINVAL;         /* Linux: a stream read before connecting */
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    size_t total = unix_iov_total(msg->iov, msg->iovcnt);
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
void unix_stream_close_side(struct unix_conn *c, int s, bool is_reset)
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

int unix_shutdown(struct socket *sock, int how)
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
    struct unix_conn *c = unix_stream_conn(us, &s);
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

unsigned unix_stream_poll(struct unix_sock *us, struct socket *sock,
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
