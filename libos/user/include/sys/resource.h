/* Resource usage and limits: newlib's getrusage (same struct rusage) plus
 * getrlimit, setrlimit and prlimit over the kernel's prlimit call, with
 * Linux's RLIMIT_* numbers (abi/resource.h). */
#ifndef _SYS_RESOURCE_H_
#define _SYS_RESOURCE_H_

#include <sys/time.h>
#include <sys/types.h>
#include <abi/resource.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RUSAGE_SELF     0       /* calling process */
#define RUSAGE_CHILDREN -1      /* terminated child processes */

struct rusage {
    struct timeval ru_utime;    /* user time used */
    struct timeval ru_stime;    /* system time used */
};

typedef uint64_t rlim_t;
#define RLIM_SAVED_MAX RLIM_INFINITY
#define RLIM_SAVED_CUR RLIM_INFINITY

struct rlimit {
    rlim_t rlim_cur;
    rlim_t rlim_max;
};

int getrusage(int, struct rusage *);
int getrlimit(int resource, struct rlimit *rlim);
int setrlimit(int resource, const struct rlimit *rlim);
/* Linux's: pid 0 is the caller; new and old may each be NULL. */
int prlimit(pid_t pid, int resource, const struct rlimit *new_limit, struct rlimit *old_limit);

#ifdef __cplusplus
}
#endif

#endif
