/* The socket calls, each one syscall (abi/socket.h gives the argument
 * orders). send/recv are sendto/recvfrom without an address; accept is
 * accept4 without flags. */
#include <sys/socket.h>
#include "internal.h"

#define R(call) tandem_result(call)

int socket(int domain, int type, int protocol)
{
    return (int)R(tandem_syscall3(SYS_socket, domain, type, protocol));
}

int socketpair(int domain, int type, int protocol, int sv[2])
{
    return (int)R(tandem_syscall4(SYS_socketpair, domain, type, protocol, sv));
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    return (int)R(tandem_syscall3(SYS_bind, fd, addr, len));
}

int listen(int fd, int backlog) { return (int)R(tandem_syscall2(SYS_listen, fd, backlog)); }

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    return (int)R(tandem_syscall4(SYS_accept, fd, addr, len, flags));
}

int accept(int fd, struct sockaddr *addr, socklen_t *len) { return accept4(fd, addr, len, 0); }

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    return (int)R(tandem_syscall3(SYS_connect, fd, addr, len));
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
               const struct sockaddr *addr, socklen_t addrlen)
{
    return R(tandem_syscall(SYS_sendto, fd, (long)buf, (long)len, flags, (long)addr, addrlen));
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
    return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
    return R(tandem_syscall3(SYS_sendmsg, fd, msg, flags));
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
                 struct sockaddr *addr, socklen_t *addrlen)
{
    return R(tandem_syscall(SYS_recvfrom, fd, (long)buf, (long)len, flags, (long)addr,
                            (long)addrlen));
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    return recvfrom(fd, buf, len, flags, NULL, NULL);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
    return R(tandem_syscall3(SYS_recvmsg, fd, msg, flags));
}

int shutdown(int fd, int how) { return (int)R(tandem_syscall2(SYS_shutdown, fd, how)); }

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    return (int)R(tandem_syscall5(SYS_getsockopt, fd, level, name, val, len));
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    return (int)R(tandem_syscall5(SYS_setsockopt, fd, level, name, val, len));
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    return (int)R(tandem_syscall3(SYS_getsockname, fd, addr, len));
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
    return (int)R(tandem_syscall3(SYS_getpeername, fd, addr, len));
}
