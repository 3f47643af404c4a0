/* Sockets: the structures and constants both sides share. Values and
 * layouts are Linux's generic ones (the same on amd64 and arm64), so that
 * programs ported from Linux need no translation (nor would a Linux
 * personality, which does not exist yet). All addresses and ports in the structures are in network
 * byte order. */
#ifndef ABI_SOCKET_H
#define ABI_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <abi/uio.h>

typedef uint32_t socklen_t;
typedef uint16_t sa_family_t;
typedef uint16_t in_port_t;
typedef uint32_t in_addr_t;

/* address families (= protocol families) */
#define AF_UNSPEC   0
#define AF_UNIX     1
#define AF_LOCAL    AF_UNIX
#define AF_INET     2
#define AF_INET6    10
#define PF_UNSPEC   AF_UNSPEC
#define PF_UNIX     AF_UNIX
#define PF_LOCAL    AF_UNIX
#define PF_INET     AF_INET
#define PF_INET6    AF_INET6

/* types; socket() and socketpair() also take SOCK_NONBLOCK|SOCK_CLOEXEC
 * or'ed into the type, accept() in its flags */
#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK  0x4000       /* = O_NONBLOCK (abi/fcntl.h) */
#define SOCK_CLOEXEC   0x40000      /* = O_CLOEXEC */

/* protocols */
#define IPPROTO_IP     0
#define IPPROTO_ICMP   1
#define IPPROTO_TCP    6
#define IPPROTO_UDP    17
#define IPPROTO_IPV6   41
#define IPPROTO_RAW    255

/* send/recv flags */
#define MSG_OOB        0x1
#define MSG_PEEK       0x2
#define MSG_DONTROUTE  0x4
#define MSG_CTRUNC     0x8
#define MSG_TRUNC      0x20
#define MSG_DONTWAIT   0x40
#define MSG_EOR        0x80
#define MSG_WAITALL    0x100
#define MSG_NOSIGNAL   0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

/* shutdown */
#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2

/* socket options: level SOL_SOCKET */
#define SOL_SOCKET     1
#define SO_DEBUG       1
#define SO_REUSEADDR   2
#define SO_TYPE        3
#define SO_ERROR       4
#define SO_DONTROUTE   5
#define SO_BROADCAST   6
#define SO_SNDBUF      7
#define SO_RCVBUF      8
#define SO_KEEPALIVE   9
#define SO_OOBINLINE   10
#define SO_LINGER      13
#define SO_REUSEPORT   15
#define SO_RCVLOWAT    18
#define SO_SNDLOWAT    19
#define SO_RCVTIMEO    20           /* struct timeval (abi/time.h) */
#define SO_SNDTIMEO    21
#define SO_ACCEPTCONN  30
#define SO_DOMAIN      39
#define SO_PROTOCOL    38
/* level IPPROTO_TCP */
#define TCP_NODELAY    1
#define TCP_MAXSEG     2
#define TCP_KEEPIDLE   4
#define TCP_KEEPINTVL  5
#define TCP_KEEPCNT    6
/* level IPPROTO_IP */
#define IP_TOS         1
#define IP_TTL         2

#define SOMAXCONN      128

struct sockaddr {
    sa_family_t sa_family;
    char sa_data[14];
};

struct sockaddr_storage {
    sa_family_t ss_family;
    char __ss_padding[128 - sizeof(sa_family_t) - sizeof(unsigned long)];
    unsigned long __ss_align;
};

struct in_addr {
    in_addr_t s_addr;
};

struct sockaddr_in {
    sa_family_t sin_family;
    in_port_t sin_port;
    struct in_addr sin_addr;
    unsigned char sin_zero[8];
};

struct in6_addr {
    union {
        uint8_t __s6_addr[16];
        uint16_t __s6_addr16[8];
        uint32_t __s6_addr32[4];
    } __in6_union;
};
#define s6_addr __in6_union.__s6_addr

struct sockaddr_in6 {
    sa_family_t sin6_family;
    in_port_t sin6_port;
    uint32_t sin6_flowinfo;
    struct in6_addr sin6_addr;
    uint32_t sin6_scope_id;
};

#define UNIX_PATH_MAX 108
struct sockaddr_un {
    sa_family_t sun_family;
    char sun_path[UNIX_PATH_MAX];
};

struct linger {
    int l_onoff;
    int l_linger;
};

struct msghdr {
    void *msg_name;
    socklen_t msg_namelen;
    struct iovec *msg_iov;
    size_t msg_iovlen;
    void *msg_control;
    size_t msg_controllen;
    int msg_flags;
};

struct cmsghdr {
    size_t cmsg_len;                /* header and data */
    int cmsg_level;
    int cmsg_type;
};
#define SCM_RIGHTS 1                /* cmsg_type at SOL_SOCKET: file descriptors */

/* socketcall-free interface (abi/syscall.h):
 *   socket(domain, type, protocol)
 *   socketpair(domain, type, protocol, int sv[2])
 *   bind(fd, const struct sockaddr *, socklen_t)
 *   listen(fd, backlog)
 *   accept(fd, struct sockaddr *, socklen_t *, flags)   (accept4)
 *   connect(fd, const struct sockaddr *, socklen_t)
 *   sendto(fd, buf, len, flags, const struct sockaddr *, socklen_t)
 *   recvfrom(fd, buf, len, flags, struct sockaddr *, socklen_t *)
 *   sendmsg(fd, const struct msghdr *, flags), recvmsg(fd, struct msghdr *, flags)
 *   shutdown(fd, how)
 *   getsockopt(fd, level, name, void *, socklen_t *)
 *   setsockopt(fd, level, name, const void *, socklen_t)
 *   getsockname(fd, struct sockaddr *, socklen_t *), getpeername(...) */

#endif
