/* Memory mappings (abi/mman.h). */
#include <errno.h>
#include <sys/mman.h>
#include "internal.h"

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    long rc = tandem_syscall(SYS_mmap, (long)addr, (long)len, prot, flags, fd, offset);

    if (rc < 0 && rc > -4096) {
        errno = (int)-rc;
        return MAP_FAILED;
    }
    return (void *)rc;
}

int munmap(void *addr, size_t len)
{
    return (int)tandem_result(tandem_syscall2(SYS_munmap, addr, len));
}

int mprotect(void *addr, size_t len, int prot)
{
    return (int)tandem_result(tandem_syscall3(SYS_mprotect, addr, len, prot));
}
