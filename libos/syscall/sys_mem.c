/* Memory calls: brk and anonymous private mmap/munmap/mprotect over the
 * current process's address space (libos/mm). */
#include <abi/errno.h>
#include <abi/mman.h>
#include <mm/vm.h>
#include "syscall_internal.h"

SYS_DEFINE(brk)
{
    return (long)vm_brk(vm_space_current(), a[0]);
}

SYS_DEFINE(mmap)
{
    if (!(a[3] & MAP_ANONYMOUS))
        return -ENODEV;         /* file mappings: not yet */
    if (a[5] & 0xfff)
        return -EINVAL;
    return vm_mmap(vm_space_current(), a[0], a[1], (unsigned)a[2],
                   (unsigned)a[3] & ~(unsigned)(MAP_NORESERVE | MAP_STACK));
}

SYS_DEFINE(munmap)
{
    return vm_munmap(vm_space_current(), a[0], a[1]);
}

SYS_DEFINE(mprotect)
{
    return vm_mprotect(vm_space_current(), a[0], a[1], (unsigned)a[2]);
}
