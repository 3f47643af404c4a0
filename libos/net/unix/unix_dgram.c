/* AF_UNIX datagrams: queued on the receiving socket, bounded in bytes and
 * count, boundaries kept, with the files passed along (SCM_RIGHTS).
 * Locks: see unix.c. */
#include <string.h>
#include <abi/errno.h>
#include <abi/poll.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <net/socket.h>
#include <sched/wait.h>
#include <vfs/fs.h>
#include "unix_internal.h"

void unix_dgram_free(struct unix_dgram *d)
{
    if (d->files)
        unix_files_put(d->files, d->nfiles);
    kfree(d);
}

/* Datagrams. */

int unix_dgram_connect(struct socket *sock, const struct sockaddr *sa, socklen_t len,
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

long unix_dgram_send(struct socket *sock, struct sock_msg *msg, int flags)
{
    struct unix_sock *us = us_of(sock);
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    size_t total = unix_iov_total(msg->iov, msg->iovcnt);
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
    int err = unix_files_check(msg);
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
    unix_iov_copy(msg->iov, msg->iovcnt, 0, d->data, total, false);

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
        unix_dgram_free(d);     /* not queued: its files are still the caller's */
    unix_sock_put(target);
    return rc < 0 ? rc : (long)total;
}

long unix_dgram_recv(struct socket *sock, struct sock_msg *msg, int flags)
{
    struct unix_sock *us = us_of(sock);
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    size_t room = unix_iov_total(msg->iov, msg->iovcnt);
    uint64_t deadline = sock_deadline(sock, false);
    struct unix_dgram *d = NULL;
    long rc = 0;
    spin_lock(&us->lock);
    for (;;) {
        if (!list_empty(&us->rxq)) {
            d = list_entry(us->rxq.next, struct unix_dgram, link);
            if (flags & MSG_PEEK) {
                /* copied under the lock: another reader may take it */
                unix_iov_copy(msg->iov, msg->iovcnt, 0, d->data, MIN(room, d->len), true);
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
    unix_iov_copy(msg->iov, msg->iovcnt, 0, d->data, MIN(room, d->len), true);
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
    unix_dgram_free(d);
    return rc;
}

unsigned unix_dgram_poll(struct unix_sock *us, struct poll_waiter *pw)
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
