/* File-system limits shared by the kernel and processes (newlib's
 * sys/syslimits.h and limits.h values, except PIPE_BUF: the kernel
 * guarantees 4096-byte atomic pipe writes, as Linux does, which is more
 * than newlib's advertised 512). */
#ifndef ABI_LIMITS_H
#define ABI_LIMITS_H

#define NAME_MAX 255
#define PATH_MAX 4096
#define PIPE_BUF 4096
#define SYMLOOP_MAX 40

#endif
