/* Resource limits: getrlimit, setrlimit and prlimit over the kernel's one
 * prlimit call (abi/resource.h; struct rlimit has struct abi_rlimit's
 * layout). */
#include <errno.h>
#include <sys/resource.h>
#include "internal.h"

_Static_assert(sizeof(struct rlimit) == sizeof(struct abi_rlimit), "rlimit layout");

int prlimit(pid_t pid, int resource, const struct rlimit *new_limit, struct rlimit *old_limit)
{
    return (int)tandem_result(tandem_syscall4(SYS_prlimit, pid, resource, new_limit,
                                              old_limit));
}

int getrlimit(int resource, struct rlimit *rlim)
{
    return prlimit(0, resource, NULL, rlim);
}

int setrlimit(int resource, const struct rlimit *rlim)
{
    return prlimit(0, resource, rlim, NULL);
}
