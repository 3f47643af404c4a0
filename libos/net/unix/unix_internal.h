/* Private to AF_UNIX (unix.c: names, objects, the family's operations;
 * unix_stream.c: connections; unix_dgram.c: datagrams): the objects, their
 * locks and the functions the three files share. See unix.c for the model
 * and the lock order. */
#ifndef NET_UNIX_INTERNAL_H
#define NET_UNIX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <abi/socket.h>
#include <kern/list.h>
#include <kern/spinlock.h>
#include <net/socket.h>
#include <sched/wait.h>

struct file;
struct vnode;

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

static inline struct unix_sock *us_of(struct socket *sock)
{
    return sock->priv;
}

static inline void addr_unnamed(struct unix_addr *a)
{
    memset(a, 0, sizeof(*a));
    a->len = UNIX_ADDR_UNNAMED;
    a->sun.sun_family = AF_UNIX;
}

/* unix.c */
size_t unix_iov_total(const struct iovec *iov, size_t cnt);
/* Copies len bytes between the kernel iovecs at offset off and flat. */
void unix_iov_copy(const struct iovec *iov, size_t cnt, size_t off, void *flat, size_t len,
                   bool is_to_iov);
void unix_files_put(struct file **files, unsigned n);
int unix_files_check(const struct sock_msg *msg);
struct unix_sock *unix_sock_alloc(int type);
void unix_sock_get(struct unix_sock *us);
void unix_sock_put(struct unix_sock *us);
int unix_find(struct vfs_ctx *ctx, const struct sockaddr *sa, socklen_t len, int type,
              struct unix_sock **out);

/* unix_stream.c */
struct unix_conn *unix_conn_alloc(void);
void unix_conn_put(struct unix_conn *c);
struct unix_conn *unix_stream_conn(struct unix_sock *us, int *side);
int unix_listen(struct socket *sock, int backlog);
int unix_stream_connect(struct socket *sock, const struct sockaddr *sa, socklen_t len,
                        bool is_nonblocking, struct vfs_ctx *ctx);
int unix_accept(struct socket *sock, struct socket *newsock, bool is_nonblocking,
                struct sockaddr *sa, socklen_t *len);
long unix_stream_send(struct socket *sock, struct sock_msg *msg, int flags);
long unix_stream_recv(struct socket *sock, struct sock_msg *msg, int flags);
void unix_stream_close_side(struct unix_conn *c, int s, bool is_reset);
int unix_shutdown(struct socket *sock, int how);
unsigned unix_stream_poll(struct unix_sock *us, struct socket *sock, struct poll_waiter *pw);

/* unix_dgram.c */
void unix_dgram_free(struct unix_dgram *d);
int unix_dgram_connect(struct socket *sock, const struct sockaddr *sa, socklen_t len,
                       bool is_nonblocking, struct vfs_ctx *ctx);
long unix_dgram_send(struct socket *sock, struct sock_msg *msg, int flags);
long unix_dgram_recv(struct socket *sock, struct sock_msg *msg, int flags);
unsigned unix_dgram_poll(struct unix_sock *us, struct poll_waiter *pw);

#endif
