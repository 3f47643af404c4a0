/* struct iovec for readv/writev (newlib's sys/uio.h layout). */
#ifndef ABI_UIO_H
#define ABI_UIO_H

#include <stddef.h>

#define IOV_MAX 1024

struct iovec {
    void *iov_base;
    size_t iov_len;
};

#endif
