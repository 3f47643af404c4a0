/* The syscall boundary: the table from abi/syscalls.def numbers to handlers,
 * and syscall_dispatch, registered at boot as the handler of every syscall
 * from user mode (kern/uspace.h). Unknown numbers get -ENOSYS. A handler interrupted by a signal
 * returns -EINTR; for the calls marked restartable, delivery then either
 * restarts the call (SA_RESTART, or a signal that ran no handler) or lets
 * -EINTR through. */
#include <abi/errno.h>
#include <abi/limits.h>
#include <abi/syscall.h>
#include <kern/panic.h>
#include <kern/subsys.h>
#include <kern/uspace.h>
#include <mm/kmalloc.h>
#include <mm/vm.h>
#include <plat/cpu.h>
#include <proc/calls.h>
#include "syscall_internal.h"

struct syscall_desc {
    syscall_fn fn;
    bool is_restartable;        /* SA_RESTART applies (read, write, wait4...) */
};

/* Built from abi/syscalls.def: the numbers it leaves out stay NULL, and
 * so do the optional calls (the socket calls, the file calls) until their
 * library registers them at boot (before any process runs; read-only
 * after). */
static struct syscall_desc table[SYS_COUNT] = {
#define SYSCALL(nr, name, flags) \
    [nr] = { ((flags) & (SYSCALL_OPTIONAL | SYSCALL_FILE)) ? NULL : sys_##name, \
             ((flags) & SYSCALL_RESTART) != 0 },
#include <abi/syscalls.def>
};

void syscall_register(unsigned nr, syscall_fn fn)
{
    if (nr >= SYS_COUNT)
        return;
    if (table[nr].fn)
        panic("syscall: %u registered twice (two libraries answer it)", nr);
    table[nr].fn = fn;
}

static void syscall_dispatch(struct trap_frame *tf)
{
    bool has_proc = proc_has_current();
    unsigned long nr = arch_syscall_nr(tf);
    long rc;

    arch_irq_enable();
    if (!has_proc) {
        rc = -ENOSYS;
    } else if (nr >= SYS_COUNT || !table[nr].fn) {
        rc = -ENOSYS;
    } else {
        unsigned long a[6];
        arch_syscall_args(tf, a);
        rc = table[nr].fn(tf, a);
        if (rc == -EINTR && table[nr].is_restartable)
            proc_mark_restartable();
    }
    /* sigreturn restored every register, the result one included. */
    if (nr != SYS_sigreturn)
        arch_syscall_set_result(tf, rc);
    arch_irq_disable();
}

/* Direct mode's leaf calls (kern/uspace.h): each answers through its
 * ordinary handler, which reads neither frame nor arguments, takes no
 * sleeping lock and touches no user memory. */
#define LEAF_CALL(name) \
    static long leaf_##name(void) { return sys_##name(NULL, NULL); }
LEAF_CALL(getpid)
LEAF_CALL(gettid)
LEAF_CALL(getuid)
LEAF_CALL(getgid)
LEAF_CALL(geteuid)
LEAF_CALL(getegid)

static const uspace_leaf_fn leaf_calls[] = {
    [SYS_getpid] = leaf_getpid, [SYS_gettid] = leaf_gettid,
    [SYS_getuid] = leaf_getuid, [SYS_getgid] = leaf_getgid,
    [SYS_geteuid] = leaf_geteuid, [SYS_getegid] = leaf_getegid,
};

static int syscall_init(void)
{
    uspace_register_syscall(syscall_dispatch);
    uspace_register_leaf_calls(leaf_calls, sizeof(leaf_calls) / sizeof(leaf_calls[0]));
    return 0;
}
SUBSYS_REGISTER(syscall, SUBSYS_STAGE_LINKS, syscall_init, NULL);

bool user_range_ok(uintptr_t addr, size_t len, unsigned prot)
{
    struct vm_space *vm = vm_space_current();
    if (!len)
        return addr < USER_SPACE_END;
    return vm && vm_range_allowed(vm, addr, len, prot);
}

long user_path(const char *upath, char **out)
{
    char *path = kmalloc(PATH_MAX);
    if (!path)
        return -ENOMEM;
    long rc = strncpy_from_user(path, upath, PATH_MAX);
    if (rc < 0) {
        kfree(path);
        return rc;
    }
    *out = path;
    return 0;
}
