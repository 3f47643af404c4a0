/* Memory calls: brk and anonymous private mmap/munmap/mprotect over the
 * current process's address space (libos/mm). */
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/mman.h>
#include <mm/vm.h>
#include <proc/calls.h>
#include "syscall_internal.h"

SYS_DEFINE(brk)
{
    return (long)vm_brk(vm_space_current(), a[0]);
}

/* The arguments are checked in Linux's order, so that a bad call gets the
 * error it would get there, before what is not supported yet (file
 * mappings: ENODEV) is refused. */
SYS_DEFINE(mmap)
{
    unsigned flags = (unsigned)a[3];
    if (a[5] & 0xfff)
        return -EINVAL;
    long file_flags = 0;
    if (!(flags & MAP_ANONYMOUS)) {
        file_flags = proc_fd_flags((int)a[4]);
        if (file_flags < 0)
            return file_flags;          /* EBADF */
    }
    unsigned type = flags & (MAP_SHARED | MAP_PRIVATE);
    if (a[1] == 0 || (type != MAP_SHARED && type != MAP_PRIVATE))
        return -EINVAL;
    if ((flags & MAP_FIXED) && (a[0] & 0xfff))
        return -EINVAL;
    if (!(flags & MAP_ANONYMOUS)) {
        long access = file_flags & O_ACCMODE;
        if (access == O_WRONLY ||
            (type == MAP_SHARED && (a[2] & PROT_WRITE) && access != O_RDWR))
            return -EACCES;
        return -ENODEV;                 /* file mappings: not yet */
    }
    return vm_mmap(vm_space_current(), a[0], a[1], (unsigned)a[2],
                   flags & ~(unsigned)(MAP_NORESERVE | MAP_STACK));
}

SYS_DEFINE(munmap)
{
    return vm_munmap(vm_space_current(), a[0], a[1]);
}

SYS_DEFINE(mprotect)
{
    return vm_mprotect(vm_space_current(), a[0], a[1], (unsigned)a[2]);
}
