/* Resource limits (prlimit): Linux's RLIMIT_* numbers and RLIM_INFINITY.
 * newlib's sys/resource.h has only getrusage; libos/user's replaces it and
 * adds these. A limit is a soft value (what is enforced) and a hard value
 * (the ceiling a non-root process may raise the soft one to). */
#ifndef ABI_RESOURCE_H
#define ABI_RESOURCE_H

#include <stdint.h>

#define RLIMIT_CPU          0   /* accepted, not enforced */
#define RLIMIT_FSIZE        1   /* file size: EFBIG and SIGXFSZ */
#define RLIMIT_DATA         2   /* brk and private writable mappings */
#define RLIMIT_STACK        3   /* the main thread's stack, set at exec */
#define RLIMIT_CORE         4   /* no core files are written */
#define RLIMIT_RSS          5
#define RLIMIT_NPROC        6   /* threads of the real user (root exempt) */
#define RLIMIT_NOFILE       7   /* one more than the highest descriptor */
#define RLIMIT_MEMLOCK      8
#define RLIMIT_AS           9   /* the address space */
#define RLIMIT_LOCKS        10
#define RLIMIT_SIGPENDING   11
#define RLIMIT_MSGQUEUE     12
#define RLIMIT_NICE         13
#define RLIMIT_RTPRIO       14
#define RLIMIT_RTTIME       15
#define RLIM_NLIMITS        16

#define RLIM_INFINITY       (~(uint64_t)0)

struct abi_rlimit {
    uint64_t rlim_cur;          /* soft */
    uint64_t rlim_max;          /* hard */
};

#endif
