/* Weak stand-ins for the kernel's side of plat/uspace.h, so that images
 * without libos/syscall and libos/proc link (the platform calls these on
 * every entry from user mode). The real definitions (libos/syscall's
 * syscall_entry, libos/proc's user_return_work) override them. Without
 * them no process exists, and a syscall from user mode gets -ENOSYS. */
#include <abi/errno.h>
#include <plat/uspace.h>

__attribute__((weak)) void syscall_entry(struct trap_frame *tf)
{
    arch_syscall_set_result(tf, -ENOSYS);
}

__attribute__((weak)) void user_return_work(struct trap_frame *tf)
{
    (void)tf;
}
