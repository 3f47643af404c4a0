/* select(2)'s fd_set, as newlib lays it out (sys/select.h: FD_SETSIZE 64,
 * an array of unsigned long bit masks), and struct timeval (newlib's:
 * time_t tv_sec, suseconds_t (long) tv_usec). */
#ifndef ABI_SELECT_H
#define ABI_SELECT_H

#include <stdint.h>

#define ABI_FD_SETSIZE 64   /* newlib's FD_SETSIZE */
#define ABI_NFDBITS (8 * (int)sizeof(unsigned long))

typedef struct abi_fd_set {
    unsigned long fds_bits[(ABI_FD_SETSIZE + ABI_NFDBITS - 1) / ABI_NFDBITS];
} abi_fd_set;

#define ABI_FD_SET(n, p)   ((p)->fds_bits[(n) / ABI_NFDBITS] |= (1UL << ((n) % ABI_NFDBITS)))
#define ABI_FD_CLR(n, p)   ((p)->fds_bits[(n) / ABI_NFDBITS] &= ~(1UL << ((n) % ABI_NFDBITS)))
#define ABI_FD_ISSET(n, p) (((p)->fds_bits[(n) / ABI_NFDBITS] >> ((n) % ABI_NFDBITS)) & 1UL)

struct abi_timeval {
    int64_t tv_sec;
    long tv_usec;
};

#endif
