/* Socket calls (abi/socket.h gives the argument orders): each checks the
 * descriptor (EBADF, ENOTSOCK), copies addresses, option values and data
 * into kernel memory and calls libos/net's socket layer, then copies the
 * results out. Addresses are value-result as on Linux: the caller's room
 * comes in, the real length goes back, the copy is truncated to the room.
 * Data moves through a bounce buffer of at most SOCK_CHUNK bytes per step
 * for streams; a datagram moves whole (at most SOCK_DGRAM_BOUNCE bytes). */
#include <string.h>
#include <abi/errno.h>
#include <abi/socket.h>
#include <abi/syscall.h>
#include <kern/subsys.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <mm/vm.h>
#include <net/socket.h>
#include <vfs/vfs.h>
#include <vfs/fs.h>
#include <proc/calls.h>
#include "syscall_internal.h"

#define SOCK_CHUNK        (64 * 1024)
#define SOCK_DGRAM_BOUNCE (256 * 1024)
#define SOCK_IOV_MAX      1024      /* Linux's UIO_MAXIOV: more gives EMSGSIZE */
#define SOCK_OPT_MAX      256       /* option values are small */
#define SOCK_CONTROL_MAX  4096      /* ancillary data of one sendmsg: ENOBUFS beyond */

/* struct cmsghdr's layout helpers (the process side's CMSG_* macros) */
#define CMSG_ALIGN_K(len) (((len) + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1))
#define CMSG_HDR_K CMSG_ALIGN_K(sizeof(struct cmsghdr))

static struct vfs_ctx *ctx(void)
{
    return proc_files();
}

/* The socket at fd, its file held in *fp (file_put it). */
static long sock_at(long fd, struct file **fp, struct socket **out)
{
    struct file *f = fd_get(ctx()->fds, (int)fd);
    if (!f)
        return -EBADF;
    struct socket *sock = sock_from_file(f);
    if (!sock) {
        file_put(f);
        return -ENOTSOCK;
    }
    *fp = f;
    *out = sock;
    return 0;
}

/* A user address into ss; *len 0 and NULL result when there is none. */
static long addr_in(uintptr_t uaddr, unsigned long ulen, struct sockaddr_storage *ss,
                    struct sockaddr **out)
{
    *out = NULL;
    if ((int)ulen < 0 || ulen > sizeof(*ss))
        return -EINVAL;
    if (!uaddr || !ulen)
        return 0;
    memset(ss, 0, sizeof(*ss));
    if (copy_from_user(ss, (const void *)uaddr, ulen) < 0)
        return -EFAULT;
    *out = (struct sockaddr *)ss;
    return 0;
}

/* The room the caller gives a result address (*room), checked writable. */
static long addr_room(uintptr_t uaddr, uintptr_t ulen, socklen_t *room)
{
    *room = 0;
    if (!uaddr)
        return 0;
    int len;
    if (!ulen || copy_from_user(&len, (const void *)ulen, sizeof(len)) < 0)
        return -EFAULT;
    if (len < 0)
        return -EINVAL;
    *room = (socklen_t)len;
    /* only what an address may fill is checked: the room may be larger */
    size_t fill = MIN((size_t)len, sizeof(struct sockaddr_storage));
    if (!user_range_ok(ulen, sizeof(len), VM_WRITE) ||
        (fill && !user_range_ok(uaddr, fill, VM_WRITE)))
        return -EFAULT;
    return 0;
}

/* Copies the result address out: at most room bytes, then the real length. */
static long addr_out(uintptr_t uaddr, uintptr_t ulen, const struct sockaddr_storage *ss,
                     socklen_t room, socklen_t real)
{
    if (!uaddr)
        return 0;
    size_t n = MIN(MIN(room, real), (socklen_t)sizeof(*ss));
    int len = (int)real;
    if ((n && copy_to_user((void *)uaddr, ss, n) < 0) ||
        copy_to_user((void *)ulen, &len, sizeof(len)) < 0)
        return -EFAULT;
    return 0;
}

SYS_DEFINE(socket)
{
    return sock_create_fd(ctx(), (int)a[0], (int)a[1], (int)a[2]);
}

SYS_DEFINE(socketpair)
{
    int fds[2];
    if (!user_range_ok(a[3], sizeof(fds), VM_WRITE))
        return -EFAULT;
    long rc = sock_pair_fds(ctx(), (int)a[0], (int)a[1], (int)a[2], fds);
    if (rc == 0 && copy_to_user((void *)a[3], fds, sizeof(fds)) < 0) {
        vfs_close(ctx(), fds[0]);
        vfs_close(ctx(), fds[1]);
        rc = -EFAULT;
    }
    return rc;
}

/* bind and connect: (fd, addr, addrlen) to fn with the address copied in. */
static long with_addr(const unsigned long *a, int (*fn)(struct socket *, const struct sockaddr *,
                                              socklen_t, struct vfs_ctx *))
{
    struct file *f;
    struct socket *sock;
    long rc = sock_at((long)a[0], &f, &sock);
    if (rc < 0)
        return rc;
    struct sockaddr_storage ss;
    struct sockaddr *sa;
    rc = addr_in(a[1], a[2], &ss, &sa);
    if (rc == 0)
        rc = sa ? fn(sock, sa, (socklen_t)a[2], ctx()) : -EINVAL;
    file_put(f);
    return rc;
}

SYS_DEFINE(bind)
{
    return with_addr(a, sock_bind);
}

SYS_DEFINE(connect)
{
    return with_addr(a, sock_connect);
}

SYS_DEFINE(listen)
{
    struct file *f;
    struct socket *sock;
    long rc = sock_at((long)a[0], &f, &sock);
    if (rc < 0)
        return rc;
    rc = sock_listen(sock, (int)a[1]);
    file_put(f);
    return rc;
}

SYS_DEFINE(accept)
{
    struct file *f;
    struct socket *sock;
    long rc = sock_at((long)a[0], &f, &sock);
    if (rc < 0)
        return rc;
    socklen_t room;
    rc = addr_room(a[1], a[2], &room);
    if (rc == 0) {
        struct sockaddr_storage ss;
        socklen_t real = MIN(room, (socklen_t)sizeof(ss));
        rc = sock_accept_fd(ctx(), sock, a[1] ? (struct sockaddr *)&ss : NULL,
                            a[1] ? &real : NULL, (int)a[3]);
        if (rc >= 0 && addr_out(a[1], a[2], &ss, room, real) < 0) {
            vfs_close(ctx(), (int)rc);
            rc = -EFAULT;
        }
    }
    file_put(f);
    return rc;
}

SYS_DEFINE(shutdown)
{
    struct file *f;
    struct socket *sock;
    long rc = sock_at((long)a[0], &f, &sock);
    if (rc < 0)
        return rc;
    rc = sock_shutdown(sock, (int)a[1]);
    file_put(f);
    return rc;
}

static long getname(const unsigned long *a, bool is_peer)
{
    struct file *f;
    struct socket *sock;
    long rc = sock_at((long)a[0], &f, &sock);
    if (rc < 0)
        return rc;
    socklen_t room;
    rc = a[1] ? addr_room(a[1], a[2], &room) : -EFAULT;
    if (rc == 0) {
        struct sockaddr_storage ss;
        socklen_t real = MIN(room, (socklen_t)sizeof(ss));
        rc = sock_getname(sock, (struct sockaddr *)&ss, &real, is_peer);
        if (rc == 0)
            rc = addr_out(a[1], a[2], &ss, room, real);
    }
    file_put(f);
    return rc;
}

SYS_DEFINE(getsockname)
{
    return getname(a, false);
}

SYS_DEFINE(getpeername)
{
    return getname(a, true);
}

SYS_DEFINE(getsockopt)
{
    struct file *f;
    struct socket *sock;
    long rc = sock_at((long)a[0], &f, &sock);
    if (rc < 0)
        return rc;
    int len;
    char val[SOCK_OPT_MAX];
    if (!a[4] || copy_from_user(&len, (const void *)a[4], sizeof(len)) < 0) {
        rc = -EFAULT;
    } else if (len < 0) {
        rc = -EINVAL;
    } else {
        socklen_t klen = MIN((socklen_t)len, (socklen_t)sizeof(val));
        rc = sock_getsockopt(sock, (int)a[1], (int)a[2], val, &klen);
        int out = (int)klen;
        if (rc == 0 && ((klen && copy_to_user((void *)a[3], val, klen) < 0) ||
                        copy_to_user((void *)a[4], &out, sizeof(out)) < 0))
            rc = -EFAULT;
    }
    file_put(f);
    return rc;
}

SYS_DEFINE(setsockopt)
{
    struct file *f;
    struct socket *sock;
    long rc = sock_at((long)a[0], &f, &sock);
    if (rc < 0)
        return rc;
    char val[SOCK_OPT_MAX];
    int len = (int)a[4];
    socklen_t klen = len < 0 ? 0 : MIN((socklen_t)len, (socklen_t)sizeof(val));
    if (len < 0)
        rc = -EINVAL;
    else if (klen && copy_from_user(val, (const void *)a[3], klen) < 0)
        rc = -EFAULT;
    else
        rc = sock_setsockopt(sock, (int)a[1], (int)a[2], val, klen);
    file_put(f);
    return rc;
}

/* Data. uiov/cnt: the caller's buffers (kernel copies of the iovecs,
 * pointing to user memory), checked readable or writable. */

/* Copies n bytes between the user iovecs at offset off and kbuf. */
static long uiov_copy(const struct iovec *uiov, size_t cnt, size_t off, void *kbuf, size_t n,
                      bool is_to_user)
{
    char *p = kbuf;
    for (size_t i = 0; i < cnt && n; i++) {
        if (off >= uiov[i].iov_len) {
            off -= uiov[i].iov_len;
            continue;
        }
        size_t k = MIN(n, uiov[i].iov_len - off);
        char *u = (char *)uiov[i].iov_base + off;
        int rc = is_to_user ? copy_to_user(u, p, k) : copy_from_user(p, u, k);
        if (rc < 0)
            return -EFAULT;
        p += k;
        n -= k;
        off = 0;
    }
    return 0;
}

/* Checks every buffer and sums their lengths. */
static long uiov_check(const struct iovec *uiov, size_t cnt, unsigned prot, size_t *total)
{
    size_t sum = 0;
    for (size_t i = 0; i < cnt; i++) {
        size_t len = uiov[i].iov_len;
        if (len > 0x7ffff000UL - sum)
            return -EINVAL;
        if (len && !user_range_ok((uintptr_t)uiov[i].iov_base, len, prot))
            return -EFAULT;
        sum += len;
    }
    *total = sum;
    return 0;
}

static void files_drop(struct file **files, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        file_put(files[i]);
    kfree(files);
}

/* The first send of a message carries files (SCM_RIGHTS; they are the
 * caller's until a family takes them). */
static long do_send(struct socket *sock, const struct iovec *uiov, size_t cnt, int flags,
                    struct sockaddr *sa, socklen_t salen, struct file **files, unsigned nfiles)
{
    size_t total;
    long rc = uiov_check(uiov, cnt, VM_READ, &total);
    if (rc < 0)
        return rc;
    bool is_stream = sock->type == SOCK_STREAM;
    if (!is_stream && total > SOCK_DGRAM_BOUNCE)
        return -EMSGSIZE;
    size_t chunk = is_stream ? MIN(total, (size_t)SOCK_CHUNK) : total;
    char *kbuf = kmalloc(chunk ? chunk : 1);
    if (!kbuf)
        return -ENOMEM;
    size_t done = 0;
    do {
        size_t n = MIN(chunk, total - done);
        rc = uiov_copy(uiov, cnt, done, kbuf, n, false);
        if (rc < 0)
            break;
        struct iovec kiov = { .iov_base = kbuf, .iov_len = n };
        struct sock_msg msg = { .iov = &kiov, .iovcnt = 1, .addr = sa, .addrlen = salen,
                                .ctx = ctx(), .files = done ? NULL : files,
                                .nfiles = done ? 0 : nfiles };
        /* SIGPIPE only when nothing was sent, as on Linux */
        rc = sock_sendmsg(sock, &msg, done ? flags | MSG_NOSIGNAL : flags);
        if (!done && !msg.files)
            files = NULL;       /* the family keeps them */
        if (rc < 0)
            break;
        done += (size_t)rc;
        if ((size_t)rc < n)
            break;
    } while (done < total);
    kfree(kbuf);
    if (files)
        files_drop(files, nfiles);
    return done ? (long)done : rc;
}

/* One receive (several chunks for a stream with MSG_WAITALL). *salen:
 * the room on entry, the real length on return; *out_flags: MSG_TRUNC. */
static long do_recv(struct socket *sock, const struct iovec *uiov, size_t cnt, int flags,
                    struct sockaddr *sa, socklen_t *salen, int *out_flags,
                    struct file ***files, unsigned *nfiles)
{
    *files = NULL;
    *nfiles = 0;
    size_t total;
    long rc = uiov_check(uiov, cnt, VM_WRITE, &total);
    if (rc < 0)
        return rc;
    bool is_stream = sock->type == SOCK_STREAM;
    size_t chunk = MIN(total, (size_t)SOCK_CHUNK);
    char *kbuf = kmalloc(chunk ? chunk : 1);
    if (!kbuf)
        return -ENOMEM;
    size_t done = 0;
    *out_flags = 0;
    do {
        size_t n = MIN(chunk, total - done);
        struct iovec kiov = { .iov_base = kbuf, .iov_len = n };
        struct sock_msg msg = { .iov = &kiov, .iovcnt = 1, .addr = sa,
                                .addrlen = salen ? *salen : 0, .ctx = ctx() };
        rc = sock_recvmsg(sock, &msg, flags);
        if (msg.files) {
            *files = msg.files;
            *nfiles = msg.nfiles;
        }
        if (rc < 0)
            break;
        if (salen)
            *salen = msg.addrlen;
        *out_flags |= msg.out_flags;
        size_t got = MIN((size_t)rc, n);    /* MSG_TRUNC may report more */
        if (uiov_copy(uiov, cnt, done, kbuf, got, true) < 0) {
            rc = -EFAULT;
            break;
        }
        if (!is_stream) {
            done = (size_t)rc;
            break;
        }
        done += got;
        if (got < n || !(flags & MSG_WAITALL) || (flags & MSG_PEEK) || *files)
            break;
    } while (done < total);
    kfree(kbuf);
    return done ? (long)done : rc;
}

SYS_DEFINE(sendto)
{
    struct file *f;
    struct socket *sock;
    long rc = sock_at((long)a[0], &f, &sock);
    if (rc < 0)
        return rc;
    struct sockaddr_storage ss;
    struct sockaddr *sa;
    rc = addr_in(a[4], a[5], &ss, &sa);
    if (rc == 0) {
        struct iovec uiov = { .iov_base = (void *)a[1], .iov_len = a[2] };
        rc = do_send(sock, &uiov, 1, (int)a[3], sa, sa ? (socklen_t)a[5] : 0, NULL, 0);
    }
    file_put(f);
    return rc;
}

SYS_DEFINE(recvfrom)
{
    struct file *f;
    struct socket *sock;
    long rc = sock_at((long)a[0], &f, &sock);
    if (rc < 0)
        return rc;
    socklen_t room;
    rc = addr_room(a[4], a[5], &room);
    if (rc == 0) {
        struct sockaddr_storage ss;
        socklen_t real = MIN(room, (socklen_t)sizeof(ss));
        int out_flags;
        struct file **files;
        unsigned nfiles;
        struct iovec uiov = { .iov_base = (void *)a[1], .iov_len = a[2] };
        rc = do_recv(sock, &uiov, 1, (int)a[3], a[4] ? (struct sockaddr *)&ss : NULL,
                     a[4] ? &real : NULL, &out_flags, &files, &nfiles);
        if (files)
            files_drop(files, nfiles);      /* no room for them: closed, as Linux */
        if (rc >= 0 && addr_out(a[4], a[5], &ss, room, real) < 0)
            rc = -EFAULT;
    }
    file_put(f);
    return rc;
}

/* sendmsg/recvmsg: the header and its iovecs in kernel memory. */
static long msg_in(uintptr_t umsg, struct msghdr *m, struct iovec **iov)
{
    *iov = NULL;
    if (copy_from_user(m, (const void *)umsg, sizeof(*m)) < 0)
        return -EFAULT;
    if (m->msg_iovlen > SOCK_IOV_MAX)
        return -EMSGSIZE;
    *iov = kmalloc(sizeof(**iov) * (m->msg_iovlen ? m->msg_iovlen : 1));
    if (!*iov)
        return -ENOMEM;
    if (copy_from_user(*iov, m->msg_iov, sizeof(**iov) * m->msg_iovlen) < 0)
        return -EFAULT;
    return 0;
}

/* sendmsg's ancillary data: SCM_RIGHTS messages become held files
 * (EBADF for a bad descriptor, EINVAL for a malformed header or more than
 * SOCK_SCM_MAX_FD files); other SOL_SOCKET types are EINVAL, other levels
 * are ignored, as AF_UNIX on Linux. */
static long control_in(const struct msghdr *m, struct file ***out, unsigned *nout)
{
    if (m->msg_controllen > SOCK_CONTROL_MAX)
        return -ENOBUFS;
    if (m->msg_controllen < sizeof(struct cmsghdr))
        return -EINVAL;
    char *buf = kmalloc(m->msg_controllen);
    struct file **files = kmalloc(sizeof(*files) * SOCK_SCM_MAX_FD);
    unsigned n = 0;
    long rc = 0;
    if (!buf || !files) {
        rc = -ENOMEM;
        goto out;
    }
    if (copy_from_user(buf, m->msg_control, m->msg_controllen) < 0) {
        rc = -EFAULT;
        goto out;
    }
    size_t off = 0;
    while (rc == 0 && off + sizeof(struct cmsghdr) <= m->msg_controllen) {
        struct cmsghdr h;
        memcpy(&h, buf + off, sizeof(h));
        if (h.cmsg_len < sizeof(h) || h.cmsg_len > m->msg_controllen - off) {
            rc = -EINVAL;
            break;
        }
        if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SCM_RIGHTS) {
            size_t count = (h.cmsg_len - MIN(h.cmsg_len, CMSG_HDR_K)) / sizeof(int);
            if (count > SOCK_SCM_MAX_FD - n) {
                rc = -EINVAL;
                break;
            }
            for (size_t i = 0; i < count; i++) {
                int fd;
                memcpy(&fd, buf + off + CMSG_HDR_K + i * sizeof(int), sizeof(fd));
                struct file *f = fd_get(ctx()->fds, fd);
                if (!f) {
                    rc = -EBADF;
                    break;
                }
                files[n++] = f;
            }
        } else if (h.cmsg_level == SOL_SOCKET) {
            rc = -EINVAL;
        }
        off += CMSG_ALIGN_K(h.cmsg_len);
    }
out:
    kfree(buf);
    if (rc < 0 || !n) {
        for (unsigned i = 0; i < n; i++)
            file_put(files[i]);
        kfree(files);
        return rc;
    }
    *out = files;
    *nout = n;
    return 0;
}

/* recvmsg's ancillary data: installs the received files as descriptors
 * and writes one SCM_RIGHTS message into the caller's control buffer; the
 * files that do not fit (or find no descriptor) are closed and MSG_CTRUNC
 * set, as Linux. Returns the control bytes used, or -EFAULT. */
static long control_out(const struct msghdr *m, struct file **files, unsigned nfiles,
                        int flags, int *out_flags)
{
    size_t room = m->msg_control ? m->msg_controllen : 0;
    size_t fit = room >= CMSG_HDR_K + sizeof(int) ? (room - CMSG_HDR_K) / sizeof(int) : 0;
    int *fds = kmalloc(sizeof(int) * (nfiles ? nfiles : 1));
    unsigned installed = 0;
    for (unsigned i = 0; i < nfiles; i++) {
        int fd = -1;
        if (fds && installed < fit)
            fd = fd_install(ctx()->fds, files[i], 0, (flags & MSG_CMSG_CLOEXEC) != 0);
        if (fd < 0) {
            file_put(files[i]);
            *out_flags |= MSG_CTRUNC;
        } else {
            fds[installed++] = fd;      /* the table took the reference */
        }
    }
    kfree(files);
    if (!installed) {
        kfree(fds);
        return 0;
    }
    struct cmsghdr h = { .cmsg_len = CMSG_HDR_K + installed * sizeof(int),
                         .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS };
    long rc = 0;
    if (copy_to_user(m->msg_control, &h, sizeof(h)) < 0 ||
        copy_to_user((char *)m->msg_control + CMSG_HDR_K, fds, installed * sizeof(int)) < 0) {
        for (unsigned i = 0; i < installed; i++)
            vfs_close(ctx(), fds[i]);
        rc = -EFAULT;
    }
    kfree(fds);
    return rc < 0 ? rc : (long)MIN(room, CMSG_ALIGN_K(h.cmsg_len));
}

SYS_DEFINE(sendmsg)
{
    struct file *f;
    struct socket *sock;
    long rc = sock_at((long)a[0], &f, &sock);
    if (rc < 0)
        return rc;
    struct msghdr m;
    struct iovec *iov;
    rc = msg_in(a[1], &m, &iov);
    struct sockaddr_storage ss;
    struct sockaddr *sa = NULL;
    if (rc == 0)
        rc = addr_in((uintptr_t)m.msg_name, m.msg_namelen, &ss, &sa);
    struct file **files = NULL;
    unsigned nfiles = 0;
    if (rc == 0 && m.msg_controllen)
        rc = control_in(&m, &files, &nfiles);
    if (rc == 0) {
        rc = do_send(sock, iov, m.msg_iovlen, (int)a[2], sa, sa ? m.msg_namelen : 0, files,
                     nfiles);
        files = NULL;
    }
    if (files)
        files_drop(files, nfiles);
    kfree(iov);
    file_put(f);
    return rc;
}

SYS_DEFINE(recvmsg)
{
    struct file *f;
    struct socket *sock;
    long rc = sock_at((long)a[0], &f, &sock);
    if (rc < 0)
        return rc;
    struct msghdr m;
    struct iovec *iov;
    rc = msg_in(a[1], &m, &iov);
    if (rc == 0 && m.msg_name && (int)m.msg_namelen < 0)
        rc = -EINVAL;
    if (rc == 0 && m.msg_name && m.msg_namelen &&
        !user_range_ok((uintptr_t)m.msg_name,
                       MIN((size_t)m.msg_namelen, sizeof(struct sockaddr_storage)), VM_WRITE))
        rc = -EFAULT;
    if (rc == 0) {
        struct sockaddr_storage ss;
        socklen_t room = m.msg_name ? m.msg_namelen : 0;
        socklen_t real = MIN(room, (socklen_t)sizeof(ss));
        int out_flags;
        struct file **files;
        unsigned nfiles;
        rc = do_recv(sock, iov, m.msg_iovlen, (int)a[2],
                     m.msg_name ? (struct sockaddr *)&ss : NULL, m.msg_name ? &real : NULL,
                     &out_flags, &files, &nfiles);
        long control_used = 0;
        if (files && rc >= 0)
            control_used = control_out(&m, files, nfiles, (int)a[2], &out_flags);
        else if (files)
            files_drop(files, nfiles);
        if (control_used < 0)
            rc = control_used;
        if (rc >= 0) {
            if (m.msg_name) {
                size_t n = MIN(MIN(room, real), (socklen_t)sizeof(ss));
                if (n && copy_to_user(m.msg_name, &ss, n) < 0)
                    rc = -EFAULT;
                m.msg_namelen = real;
            }
            m.msg_controllen = (size_t)control_used;
            m.msg_flags = out_flags;
            if (rc >= 0 && copy_to_user((void *)a[1], &m, sizeof(m)) < 0)
                rc = -EFAULT;
        }
    }
    kfree(iov);
    file_put(f);
    return rc;
}

/* The socket calls are SYSCALL_OPTIONAL: this library (syscall_socket)
 * registers them, so an image without it links no socket layer. */
static int socket_calls_register(void)
{
#define SYSCALL(nr, name, flags) \
    if ((flags) & SYSCALL_OPTIONAL) \
        syscall_register(nr, sys_##name);
#include <abi/syscalls.def>
    return 0;
}
SUBSYS_REGISTER(syscall_socket, SUBSYS_STAGE_LINKS, socket_calls_register, NULL);
