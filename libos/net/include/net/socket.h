/* The socket layer's front door: a socket is an open file whose
 * private_data is a struct socket; an address family (AF_UNIX in unix.c,
 * AF_INET in libos/net/lwip) supplies its operations, registered at boot
 * with sock_family_register. The syscall layer copies user memory in and
 * out: every pointer the families see is kernel memory. */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <abi/socket.h>
#include <abi/uio.h>
#include <kern/spinlock.h>

struct file;
struct poll_waiter;
struct socket;
struct vfs_ctx;
struct waitq;

/* Bounds on SO_SNDBUF/SO_RCVBUF (bytes, as getsockopt reports them: twice
 * the value set, as on Linux) and the default of both. */
#define SOCK_BUF_MIN     4608u
#define SOCK_BUF_MAX     (4u * 1024 * 1024)
#define SOCK_BUF_DEFAULT (208u * 1024)

/* One send or receive, in kernel memory. addr: the destination of a send
 * (NULL: the connected peer), or where a receive stores the source (its
 * room in *addrlen on entry; the family stores the real length, which
 * may exceed the room: the copy is truncated as on Linux). out_flags:
 * what recvmsg reports (MSG_TRUNC, MSG_CTRUNC). ctx: the calling
 * process's files (path lookups, SCM_RIGHTS). */
struct sock_msg {
    const struct iovec *iov;
    size_t iovcnt;
    struct sockaddr *addr;
    socklen_t addrlen;
    int out_flags;
    struct vfs_ctx *ctx;
    /* SCM_RIGHTS (AF_UNIX only; the layer refuses it elsewhere). Send:
     * nfiles held files in a kmalloc'd array; a family that queues them
     * takes the array and its references by setting files to NULL, else
     * the layer drops them. Receive: the family stores a kmalloc'd array
     * of held files here; the layer installs them as descriptors. */
    struct file **files;
    unsigned nfiles;
};
#define SOCK_SCM_MAX_FD 253     /* files in one message, as Linux */

/* What an address family does. Every operation returns a negative errno
 * on failure; NULL operations give -EOPNOTSUPP (getsockopt/setsockopt:
 * -ENOPROTOOPT). The layer holds a reference to the socket's file across
 * each call, so release never runs concurrently with another operation,
 * but any two other operations may (two threads): the family locks.
 * Blocking: a family sleeps with sock_wait (which applies SO_RCVTIMEO /
 * SO_SNDTIMEO and turns their expiry into -EAGAIN) unless told not to
 * (MSG_DONTWAIT in flags, or is_nonblocking), and returns -EINTR when a
 * signal interrupts the sleep. Readiness: the family wakes the wait
 * queues its poll registers whenever a condition poll reports changes. */
struct sock_family_ops {
    /* Fills sock->priv for a new socket of sock->type and protocol (0: the
     * type's default): -ESOCKTNOSUPPORT for an unsupported type,
     * -EPROTONOSUPPORT for an unsupported protocol. */
    int (*create)(struct socket *sock, int protocol);
    /* Connects two fresh sockets to each other (socketpair). */
    int (*pair)(struct socket *a, struct socket *b);
    int (*bind)(struct socket *sock, const struct sockaddr *addr, socklen_t len,
                struct vfs_ctx *ctx);
    int (*listen)(struct socket *sock, int backlog);
    /* newsock is fresh (created by the layer with the listener's family,
     * type and protocol, but create not called): the family fills its priv
     * and, when addr is not NULL, the peer's address as getpeername would. */
    int (*accept)(struct socket *sock, struct socket *newsock, bool is_nonblocking,
                  struct sockaddr *addr, socklen_t *addrlen);
    /* A non-blocking connect that cannot finish at once returns
     * -EINPROGRESS; its outcome is then reported through poll (POLLOUT,
     * POLLERR) and SO_ERROR (sock_set_error). */
    int (*connect)(struct socket *sock, const struct sockaddr *addr, socklen_t len,
                   bool is_nonblocking, struct vfs_ctx *ctx);
    /* Return bytes sent / received. flags are MSG_* (MSG_DONTWAIT also set
     * for an O_NONBLOCK file). A send to a peer that is gone or shut down
     * returns -EPIPE: the layer sends SIGPIPE (unless MSG_NOSIGNAL). */
    long (*sendmsg)(struct socket *sock, struct sock_msg *msg, int flags);
    long (*recvmsg)(struct socket *sock, struct sock_msg *msg, int flags);
    int (*shutdown)(struct socket *sock, int how);
    /* Options the layer does not handle itself (see sock_getsockopt);
     * *len: room on entry, bytes stored on return. */
    int (*getsockopt)(struct socket *sock, int level, int name, void *val, socklen_t *len);
    int (*setsockopt)(struct socket *sock, int level, int name, const void *val,
                      socklen_t len);
    /* getsockname (is_peer false) or getpeername: stores at most *len
     * bytes and sets *len to the address's real length. */
    int (*getname)(struct socket *sock, struct sockaddr *addr, socklen_t *len, bool is_peer);
    /* POLLIN/POLLOUT/POLLHUP/POLLERR...; registers pw (when not NULL) on
     * the queues that signal a change. POLLERR is added by the layer
     * while sock->error is set. */
    unsigned (*poll)(struct socket *sock, struct poll_waiter *pw);
    /* ioctl(2) on the socket (FIONREAD, TIOCOUTQ = SIOCINQ/SIOCOUTQ...):
     * arg as vfs_ioctl passes it (a kernel pointer for structures).
     * NULL: -ENOTTY. */
    long (*ioctl)(struct socket *sock, unsigned long request, unsigned long arg);
    /* The last descriptor is gone: free priv. Never NULL. */
    void (*release)(struct socket *sock);
};

struct socket {
    int family;                 /* AF_*: set once */
    int type;                   /* SOCK_STREAM...: set once */
    int protocol;
    const struct sock_family_ops *ops;
    void *priv;                 /* the family's state */
    struct file *file;          /* the file this socket is (not held) */
    /* Atomics, written by setsockopt and read by the family at any time: */
    uint32_t sndbuf, rcvbuf;    /* bytes, as reported (SOCK_BUF_MIN..MAX) */
    uint64_t sndtimeo_ns, rcvtimeo_ns;  /* 0: block forever */
    int error;                  /* pending SO_ERROR (negative errno), 0: none */
    bool is_listening;          /* SO_ACCEPTCONN: set by the layer after listen */
    unsigned bool_opts;         /* 1 << SO_REUSEADDR, SO_KEEPALIVE...: sock_opt_is_set */
    struct spinlock opt_lock;   /* protects linger; a leaf */
    struct linger linger;
};

/* Is the boolean SOL_SOCKET option name (SO_REUSEADDR, SO_KEEPALIVE,
 * SO_BROADCAST, SO_REUSEPORT, SO_DONTROUTE, SO_OOBINLINE, SO_DEBUG) on?
 * The layer stores them; a family reads them when it needs them and is
 * also told of each change through its setsockopt (-ENOPROTOOPT there is
 * ignored). SO_LINGER likewise (sock->linger under opt_lock). */
bool sock_opt_is_set(struct socket *sock, int name);

/* Families register at boot (net_init): -EEXIST when one is registered. */
int sock_family_register(int family, const struct sock_family_ops *ops);

/* Boot: registers the families this image links (AF_UNIX). Runs once at
 * boot (SUBSYS_STAGE_SOCKETS, kern/subsys.h). */
int net_init(void);

/* The socket an open file is, or NULL when it is not a socket. */
struct socket *sock_from_file(struct file *f);

/* The calls, for the syscall layer. Those creating descriptors install
 * them in ctx's table and return the descriptor; flags carry
 * SOCK_NONBLOCK and SOCK_CLOEXEC. */
int sock_create_fd(struct vfs_ctx *ctx, int family, int type, int protocol);
int sock_pair_fds(struct vfs_ctx *ctx, int family, int type, int protocol, int fds[2]);
int sock_bind(struct socket *sock, const struct sockaddr *addr, socklen_t len,
              struct vfs_ctx *ctx);
int sock_listen(struct socket *sock, int backlog);
int sock_accept_fd(struct vfs_ctx *ctx, struct socket *sock, struct sockaddr *addr,
                   socklen_t *addrlen, int flags);
int sock_connect(struct socket *sock, const struct sockaddr *addr, socklen_t len,
                 struct vfs_ctx *ctx);
/* A send that fails with -EPIPE sends SIGPIPE unless MSG_NOSIGNAL. */
long sock_sendmsg(struct socket *sock, struct sock_msg *msg, int flags);
long sock_recvmsg(struct socket *sock, struct sock_msg *msg, int flags);
int sock_shutdown(struct socket *sock, int how);
int sock_getsockopt(struct socket *sock, int level, int name, void *val, socklen_t *len);
int sock_setsockopt(struct socket *sock, int level, int name, const void *val, socklen_t len);
int sock_getname(struct socket *sock, struct sockaddr *addr, socklen_t *len, bool is_peer);

/* For the families. */
/* The deadline a blocking wait of this socket gets (SO_RCVTIMEO for
 * receives and accept, SO_SNDTIMEO for sends and connect), for
 * sock_wait: 0 for none. Take it once before the first sleep. */
uint64_t sock_deadline(struct socket *sock, bool is_send);
/* waitq_sleep(wq, lock, deadline) with the socket's rules: -EAGAIN once
 * the deadline passed, -EINTR for a signal, 0 when woken. */
int sock_wait(struct waitq *wq, struct spinlock *lock, uint64_t deadline_ns);
/* Asynchronous errors (ECONNRESET, ETIMEDOUT, ECONNREFUSED of a
 * non-blocking connect): the family stores the error (negative errno)
 * and wakes its queues; SO_ERROR and sock_take_error return and clear
 * it, poll reports POLLERR while it is set. A family's recvmsg/sendmsg
 * returns sock_take_error's value when it is not 0. */
void sock_set_error(struct socket *sock, int error);
int sock_take_error(struct socket *sock);
/* Copies a kernel address into addr with room *len, truncating, and sets
 * *len to the real length (getsockname, recvfrom, accept). */
void sock_copy_addr(struct sockaddr *addr, socklen_t *len, const void *src, socklen_t src_len);

#endif
