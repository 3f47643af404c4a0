/* The kernel's side of plat/uspace.h: the platform calls syscall_entry and
 * user_return_work on every entry from and return to user mode; they
 * forward to the handlers registered at boot (kern/uspace.h): libos/syscall's
 * table and libos/proc's signal delivery. An image without them has no
 * processes, and a syscall from user mode gets -ENOSYS. */
#include <abi/errno.h>
#include <kern/uspace.h>

/* Set once at boot, before any user code runs (which the creation of the
 * first process orders after the stores): read with relaxed loads, as
 * these are on every user entry. */
static uspace_handler_fn syscall_handler;
static uspace_handler_fn return_work;

void uspace_register_syscall(uspace_handler_fn fn)
{
    __atomic_store_n(&syscall_handler, fn, __ATOMIC_RELAXED);
}

void uspace_register_return_work(uspace_handler_fn fn)
{
    __atomic_store_n(&return_work, fn, __ATOMIC_RELAXED);
}

/* Read by the direct entries' assembly; set once at boot, as above. */
const uspace_leaf_fn *uspace_leaf_calls;
unsigned long uspace_leaf_count;

void uspace_register_leaf_calls(const uspace_leaf_fn *table, unsigned long count)
{
    uspace_leaf_calls = table;
    __atomic_store_n(&uspace_leaf_count, count, __ATOMIC_RELEASE);
}

void syscall_entry(struct trap_frame *tf)
{
    uspace_handler_fn fn = __atomic_load_n(&syscall_handler, __ATOMIC_RELAXED);
    if (fn)
        fn(tf);
    else
        arch_syscall_set_result(tf, -ENOSYS);
}

void user_return_work(struct trap_frame *tf)
{
    uspace_handler_fn fn = __atomic_load_n(&return_work, __ATOMIC_RELAXED);
    if (fn)
        fn(tf);
}
