/* Which library gives processes their files (proc/files.h): the one that
 * registered its ops at boot, before any process exists; read-only after. */
#include <kern/panic.h>
#include <proc/proc.h>
#include "proc_internal.h"

const struct proc_files_ops *proc_files_ops;

void proc_files_register(const struct proc_files_ops *ops)
{
    if (proc_files_ops)
        panic("proc: two libraries give processes their files");
    proc_files_ops = ops;
}

bool proc_files_ready(void)
{
    return proc_files_ops && proc_files_ops->is_ready();
}

long proc_fd_flags(int fd)
{
    return proc_files_ops->fd_flags(proc_current()->files, fd);
}
