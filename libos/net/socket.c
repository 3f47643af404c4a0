/* The socket layer: sockets as open files (read, write, poll, close work
 * on them like on any descriptor), the calls of the socket syscalls, the
 * options every family shares (timeouts, buffer sizes, SO_ERROR...), and
 * the table of address families, which register at boot. Each socket has
 * a vnode of its own in "sockfs" so fstat reports S_IFSOCK. */
#include <string.h>
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/poll.h>
#include <abi/select.h>
#include <kern/subsys.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <net/socket.h>
#include <plat/timer.h>
#include <sched/wait.h>
#include <vfs/fs.h>

#define SOCK_FAMILY_MAX 46      /* Linux's AF_MAX */
#define SOCK_TYPE_MAX   10      /* Linux's SOCK_MAX - 1 (SOCK_PACKET) */

/* Written at boot by net_init's registrations, before any process runs;
 * read-only afterwards, so read without a lock. */
static const struct sock_family_ops *families[SOCK_FAMILY_MAX];
static struct superblock *sockfs_sb;    /* set once by net_init */

int sock_family_register(int family, const struct sock_family_ops *ops)
{
    if (family <= 0 || family >= SOCK_FAMILY_MAX || !ops || !ops->release)
        return -EINVAL;
    if (families[family])
        return -EEXIST;
    families[family] = ops;
    return 0;
}

int net_init(void)
{
    sockfs_sb = sb_create("sockfs", 0);
    return sockfs_sb ? 0 : -ENOMEM;
}
SUBSYS_REGISTER(net, SUBSYS_STAGE_SOCKETS, net_init, NULL);

/* Files. */

static bool file_is_nonblocking(struct file *f)
{
    return (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK) != 0;
}

static long sock_file_read(struct file *f, void *buf, size_t len, uint64_t *offset)
{
    (void)offset;
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct sock_msg msg = { .iov = &iov, .iovcnt = 1 };
    long rc = sock_recvmsg(f->private_data, &msg, 0);
    if (msg.files) {
        /* files passed with SCM_RIGHTS and read without recvmsg: closed */
        for (unsigned i = 0; i < msg.nfiles; i++)
            file_put(msg.files[i]);
        kfree(msg.files);
    }
    return rc;
}

static long sock_file_write(struct file *f, const void *buf, size_t len, uint64_t *offset)
{
    (void)offset;
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
    struct sock_msg msg = { .iov = &iov, .iovcnt = 1 };
    /* write(2)'s caller (vfs do_io) sends SIGPIPE itself on -EPIPE */
    return sock_sendmsg(f->private_data, &msg, MSG_NOSIGNAL);
}

static unsigned sock_file_poll(struct file *f, struct poll_waiter *pw)
{
    struct socket *sock = f->private_data;
    unsigned mask = sock->ops->poll ? sock->ops->poll(sock, pw) : 0;
    if (__atomic_load_n(&sock->error, __ATOMIC_ACQUIRE))
        mask |= POLLERR;
    return mask;
}

static long sock_file_ioctl(struct file *f, unsigned long request, unsigned long arg)
{
    struct socket *sock = f->private_data;
    return sock->ops->ioctl ? sock->ops->ioctl(sock, request, arg) : -ENOTTY;
}

static void sock_file_release(struct file *f)
{
    struct socket *sock = f->private_data;
    if (!sock)
        return;
    if (sock->priv)
        sock->ops->release(sock);
    kfree(sock);
}

static const struct file_ops sock_file_ops = {
    .read = sock_file_read,
    .write = sock_file_write,
    .poll = sock_file_poll,
    .ioctl = sock_file_ioctl,
    .release = sock_file_release,
};

struct socket *sock_from_file(struct file *f)
{
    return f && f->ops == &sock_file_ops ? f->private_data : NULL;
}

static void sockfs_inactive(struct vnode *vn)
{
    kfree(vn);
}

static const struct vnode_ops sockfs_ops = {
    .inactive = sockfs_inactive,
};

/* A socket not yet a file: the family's create (or accept, or pair) fills
 * priv next. */
static struct socket *sock_alloc(int family, int type, int protocol)
{
    struct socket *sock = kzalloc(sizeof(*sock));
    if (!sock)
        return NULL;
    sock->family = family;
    sock->type = type;
    sock->protocol = protocol;
    sock->ops = families[family];
    sock->sndbuf = sock->rcvbuf = SOCK_BUF_DEFAULT;
    sock->opt_lock = (struct spinlock)SPINLOCK_INIT;
    return sock;
}

/* Makes sock (its priv filled) a file with one reference; on failure the
 * socket is released. flags: SOCK_NONBLOCK. */
static int sock_make_file(struct socket *sock, int flags, struct file **out)
{
    struct file *f = NULL;
    const struct cred root = CRED_ROOT;
    struct vnode *vn = vnode_alloc(sockfs_sb, &sockfs_ops, S_IFSOCK | 0777, &root);
    if (vn) {
        vn->nlink = 1;
        f = file_alloc(vn, &sock_file_ops, O_RDWR | (flags & SOCK_NONBLOCK));
        vnode_put(vn);          /* the file holds it */
    }
    if (!f) {
        if (sock->priv)
            sock->ops->release(sock);
        kfree(sock);
        return -ENOMEM;
    }
    f->private_data = sock;
    sock->file = f;
    *out = f;
    return 0;
}

/* Installs f; on failure drops it. */
static int sock_install(struct vfs_ctx *ctx, struct file *f, int flags)
{
    int fd = fd_install(ctx->fds, f, 0, (flags & SOCK_CLOEXEC) != 0);
    if (fd < 0)
        file_put(f);
    return fd;
}

/* Checks the arguments of socket/socketpair; returns the bare type. */
static int sock_check_args(int family, int type)
{
    int bare = type & SOCK_TYPE_MASK;
    if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC) || bare <= 0 ||
        bare > SOCK_TYPE_MAX)
        return -EINVAL;
    if (family < 0 || family >= SOCK_FAMILY_MAX || !families[family])
        return -EAFNOSUPPORT;
    return bare;
}

static int sock_new(int family, int type, int protocol, struct socket **out)
{
    struct socket *sock = sock_alloc(family, type, protocol);
    if (!sock)
        return -ENOMEM;
    int rc = sock->ops->create ? sock->ops->create(sock, protocol) : -ESOCKTNOSUPPORT;
    if (rc < 0) {
        kfree(sock);
        return rc;
    }
    *out = sock;
    return 0;
}

int sock_create_fd(struct vfs_ctx *ctx, int family, int type, int protocol)
{
    int bare = sock_check_args(family, type);
    if (bare < 0)
        return bare;
    struct socket *sock;
    int rc = sock_new(family, bare, protocol, &sock);
    if (rc < 0)
        return rc;
    struct file *f;
    rc = sock_make_file(sock, type, &f);
    if (rc < 0)
        return rc;
    return sock_install(ctx, f, type);
}

int sock_pair_fds(struct vfs_ctx *ctx, int family, int type, int protocol, int fds[2])
{
    int bare = sock_check_args(family, type);
    if (bare < 0)
        return bare;
    if (!families[family]->pair)
        return -EOPNOTSUPP;
    struct socket *a, *b;
    int rc = sock_new(family, bare, protocol, &a);
    if (rc < 0)
        return rc;
    rc = sock_new(family, bare, protocol, &b);
    if (rc < 0) {
        a->ops->release(a);
        kfree(a);
        return rc;
    }
    rc = a->ops->pair(a, b);
    struct file *fa = NULL, *fb = NULL;
    if (rc < 0) {
        a->ops->release(a);
        b->ops->release(b);
        kfree(a);
        kfree(b);
        return rc;
    }
    rc = sock_make_file(a, type, &fa);
    if (rc < 0) {
        b->ops->release(b);
        kfree(b);
        return rc;
    }
    rc = sock_make_file(b, type, &fb);
    if (rc < 0) {
        file_put(fa);
        return rc;
    }
    int fd0 = sock_install(ctx, fa, type);
    if (fd0 < 0) {
        file_put(fb);
        return fd0;
    }
    int fd1 = sock_install(ctx, fb, type);
    if (fd1 < 0) {
        vfs_close(ctx, fd0);
        return fd1;
    }
    fds[0] = fd0;
    fds[1] = fd1;
    return 0;
}

int sock_bind(struct socket *sock, const struct sockaddr *addr, socklen_t len,
              struct vfs_ctx *ctx)
{
    return sock->ops->bind ? sock->ops->bind(sock, addr, len, ctx) : -EOPNOTSUPP;
}

int sock_listen(struct socket *sock, int backlog)
{
    if (!sock->ops->listen)
        return -EOPNOTSUPP;
    if ((unsigned)backlog > SOMAXCONN)
        backlog = SOMAXCONN;
    int rc = sock->ops->listen(sock, backlog);
    if (rc == 0)
        __atomic_store_n(&sock->is_listening, true, __ATOMIC_RELEASE);
    return rc;
}

int sock_accept_fd(struct vfs_ctx *ctx, struct socket *sock, struct sockaddr *addr,
                   socklen_t *addrlen, int flags)
{
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    if (!sock->ops->accept)
        return -EOPNOTSUPP;
    struct socket *newsock = sock_alloc(sock->family, sock->type, sock->protocol);
    if (!newsock)
        return -ENOMEM;
    int rc = sock->ops->accept(sock, newsock, file_is_nonblocking(sock->file), addr, addrlen);
    if (rc < 0) {
        kfree(newsock);
        return rc;
    }
    struct file *f;
    rc = sock_make_file(newsock, flags, &f);
    if (rc < 0)
        return rc;
    return sock_install(ctx, f, flags);
}

int sock_connect(struct socket *sock, const struct sockaddr *addr, socklen_t len,
                 struct vfs_ctx *ctx)
{
    if (!sock->ops->connect)
        return -EOPNOTSUPP;
    return sock->ops->connect(sock, addr, len, file_is_nonblocking(sock->file), ctx);
}

long sock_sendmsg(struct socket *sock, struct sock_msg *msg, int flags)
{
    if (!sock->ops->sendmsg)
        return -EOPNOTSUPP;
    if (msg->nfiles && sock->family != AF_UNIX)
        return -EINVAL;         /* SCM_RIGHTS: Linux's answer elsewhere */
    if (file_is_nonblocking(sock->file))
        flags |= MSG_DONTWAIT;
    long rc = sock->ops->sendmsg(sock, msg, flags);
    if (rc == -EPIPE && !(flags & MSG_NOSIGNAL))
        vfs_sigpipe();
    return rc;
}

long sock_recvmsg(struct socket *sock, struct sock_msg *msg, int flags)
{
    if (!sock->ops->recvmsg)
        return -EOPNOTSUPP;
    if (file_is_nonblocking(sock->file))
        flags |= MSG_DONTWAIT;
    msg->out_flags = 0;
    return sock->ops->recvmsg(sock, msg, flags);
}

int sock_shutdown(struct socket *sock, int how)
{
    if (how < SHUT_RD || how > SHUT_RDWR)
        return -EINVAL;
    return sock->ops->shutdown ? sock->ops->shutdown(sock, how) : -EOPNOTSUPP;
}

int sock_getname(struct socket *sock, struct sockaddr *addr, socklen_t *len, bool is_peer)
{
    return sock->ops->getname ? sock->ops->getname(sock, addr, len, is_peer) : -EOPNOTSUPP;
}

/* Options. */

static uint64_t timeval_to_ns(const struct abi_timeval *tv)
{
    if (tv->tv_sec < 0)
        return 0;               /* Linux: a negative timeout means none */
    if (tv->tv_sec > 100LL * 365 * 86400)
        return 0;               /* past any deadline we could reach: none */
    uint64_t ns = (uint64_t)tv->tv_sec * 1000000000ULL + (uint64_t)tv->tv_usec * 1000ULL;
    return ns;
}

static void ns_to_timeval(uint64_t ns, struct abi_timeval *tv)
{
    tv->tv_sec = (int64_t)(ns / 1000000000ULL);
    tv->tv_usec = (long)(ns % 1000000000ULL / 1000ULL);
}

/* The boolean SOL_SOCKET options every socket stores (the family reads
 * them with sock_opt_is_set, and is told of a change through its
 * setsockopt when it has one). */
static int bool_opt_bit(int name)
{
    switch (name) {
    case SO_DEBUG: case SO_REUSEADDR: case SO_DONTROUTE: case SO_BROADCAST:
    case SO_KEEPALIVE: case SO_OOBINLINE: case SO_REUSEPORT:
        return name;
    default:
        return -1;
    }
}

bool sock_opt_is_set(struct socket *sock, int name)
{
    int bit = bool_opt_bit(name);
    return bit >= 0 && (__atomic_load_n(&sock->bool_opts, __ATOMIC_RELAXED) & (1u << bit));
}

static void put_opt(void *val, socklen_t *len, const void *src, socklen_t src_len)
{
    socklen_t n = MIN(*len, src_len);
    memcpy(val, src, n);
    *len = n;
}

int sock_getsockopt(struct socket *sock, int level, int name, void *val, socklen_t *len)
{
    if (level != SOL_SOCKET)
        return sock->ops->getsockopt ? sock->ops->getsockopt(sock, level, name, val, len)
                                     : -EOPNOTSUPP;
    int v;
    switch (name) {
    case SO_TYPE: v = sock->type; break;
    case SO_DOMAIN: v = sock->family; break;
    case SO_PROTOCOL: v = sock->protocol; break;
    case SO_ERROR: v = -sock_take_error(sock); break;
    case SO_ACCEPTCONN: v = __atomic_load_n(&sock->is_listening, __ATOMIC_ACQUIRE); break;
    case SO_SNDBUF: v = (int)__atomic_load_n(&sock->sndbuf, __ATOMIC_RELAXED); break;
    case SO_RCVBUF: v = (int)__atomic_load_n(&sock->rcvbuf, __ATOMIC_RELAXED); break;
    case SO_RCVTIMEO:
    case SO_SNDTIMEO: {
        struct abi_timeval tv;
        ns_to_timeval(__atomic_load_n(name == SO_RCVTIMEO ? &sock->rcvtimeo_ns
                                                          : &sock->sndtimeo_ns,
                                      __ATOMIC_RELAXED), &tv);
        put_opt(val, len, &tv, sizeof(tv));
        return 0;
    }
    case SO_LINGER: {
        struct linger l;
        spin_lock(&sock->opt_lock);
        l = sock->linger;
        spin_unlock(&sock->opt_lock);
        put_opt(val, len, &l, sizeof(l));
        return 0;
    }
    default:
        if (bool_opt_bit(name) >= 0) {
            v = sock_opt_is_set(sock, name);
            break;
        }
        return sock->ops->getsockopt ? sock->ops->getsockopt(sock, level, name, val, len)
                                     : -ENOPROTOOPT;
    }
    put_opt(val, len, &v, sizeof(v));
    return 0;
}

static uint32_t clamp_buf(int v)
{
    /* Linux doubles the value for its bookkeeping and reports the double */
    uint64_t bytes = v < 0 ? 0 : (uint64_t)v * 2;
    return (uint32_t)MIN(MAX(bytes, (uint64_t)SOCK_BUF_MIN), (uint64_t)SOCK_BUF_MAX);
}

/* Tells the family of a change to an option the layer stored; a family
 * without that option is fine with it. */
static int sock_tell_family(struct socket *sock, int name, const void *val, socklen_t len)
{
    if (!sock->ops->setsockopt)
        return 0;
    int rc = sock->ops->setsockopt(sock, SOL_SOCKET, name, val, len);
    return rc == -ENOPROTOOPT ? 0 : rc;
}

int sock_setsockopt(struct socket *sock, int level, int name, const void *val, socklen_t len)
{
    if (level != SOL_SOCKET)
        return sock->ops->setsockopt ? sock->ops->setsockopt(sock, level, name, val, len)
                                     : -EOPNOTSUPP;
    int v = 0;
    switch (name) {
    case SO_RCVTIMEO:
    case SO_SNDTIMEO: {
        struct abi_timeval tv;
        if (len < sizeof(tv))
            return -EINVAL;
        memcpy(&tv, val, sizeof(tv));
        if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return -EDOM;
        __atomic_store_n(name == SO_RCVTIMEO ? &sock->rcvtimeo_ns : &sock->sndtimeo_ns,
                         timeval_to_ns(&tv), __ATOMIC_RELAXED);
        return 0;
    }
    case SO_LINGER: {
        struct linger l;
        if (len < sizeof(l))
            return -EINVAL;
        memcpy(&l, val, sizeof(l));
        spin_lock(&sock->opt_lock);
        sock->linger = l;
        spin_unlock(&sock->opt_lock);
        return sock_tell_family(sock, name, val, len);
    }
    case SO_TYPE: case SO_DOMAIN: case SO_PROTOCOL: case SO_ERROR: case SO_ACCEPTCONN:
        return -ENOPROTOOPT;
    default:
        break;
    }
    bool is_int = name == SO_SNDBUF || name == SO_RCVBUF || bool_opt_bit(name) >= 0;
    if (!is_int)
        return sock->ops->setsockopt ? sock->ops->setsockopt(sock, level, name, val, len)
                                     : -ENOPROTOOPT;
    if (len < sizeof(int))
        return -EINVAL;
    memcpy(&v, val, sizeof(v));
    if (name == SO_SNDBUF || name == SO_RCVBUF) {
        __atomic_store_n(name == SO_SNDBUF ? &sock->sndbuf : &sock->rcvbuf, clamp_buf(v),
                         __ATOMIC_RELAXED);
    } else if (v) {
        __atomic_or_fetch(&sock->bool_opts, 1u << bool_opt_bit(name), __ATOMIC_RELAXED);
    } else {
        __atomic_and_fetch(&sock->bool_opts, ~(1u << bool_opt_bit(name)), __ATOMIC_RELAXED);
    }
    return sock_tell_family(sock, name, val, len);
}

/* For the families. */

uint64_t sock_deadline(struct socket *sock, bool is_send)
{
    uint64_t timeo = __atomic_load_n(is_send ? &sock->sndtimeo_ns : &sock->rcvtimeo_ns,
                                     __ATOMIC_RELAXED);
    return timeo ? plat_time_ns() + timeo : 0;
}

int sock_wait(struct waitq *wq, struct spinlock *lock, uint64_t deadline_ns)
{
    int rc = waitq_sleep(wq, lock, deadline_ns);
    return rc == -ETIMEDOUT ? -EAGAIN : rc;
}

void sock_set_error(struct socket *sock, int error)
{
    __atomic_store_n(&sock->error, error, __ATOMIC_RELEASE);
}

int sock_take_error(struct socket *sock)
{
    return __atomic_exchange_n(&sock->error, 0, __ATOMIC_ACQ_REL);
}

void sock_copy_addr(struct sockaddr *addr, socklen_t *len, const void *src, socklen_t src_len)
{
    if (addr)
        memcpy(addr, src, MIN(*len, src_len));
    *len = src_len;
}
