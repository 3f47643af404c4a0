/* Process, thread and identity calls: thin wrappers over libos/proc that
 * copy user memory in and out. */
#include <string.h>
#include <abi/errno.h>
#include <abi/futex.h>
#include <abi/time.h>
#include <abi/utsname.h>
#include <abi/wait.h>
#include <kern/cred.h>
#include <kern/identity.h>
#include <kern/subsys.h>
#include <kern/util.h>
#include <plat/cpu.h>
#include <kern/printk.h>
#include <plat/layout.h>
#include <plat/power.h>
#include <plat/timer.h>
#include <sched/timer.h>
#include <proc/calls.h>
#include "syscall_internal.h"

SYS_DEFINE(exit)
{
    proc_exit_thread(ABI_W_EXITCODE((int)a[0], 0), 0);
}

SYS_DEFINE(exit_group)
{
    proc_exit_group(ABI_W_EXITCODE((int)a[0], 0));
}

SYS_DEFINE(fork)
{
    return proc_fork(tf);
}

SYS_DEFINE(execve)
{
    return proc_execve_user(tf, (const char *)a[0], a[1], a[2]);
}

SYS_DEFINE(wait4)
{
    int status = 0;
    if (a[1] && !user_range_ok(a[1], sizeof(int), VM_WRITE))
        return -EFAULT;
    if (a[3] && !user_range_ok(a[3], sizeof(struct abi_rusage), VM_WRITE))
        return -EFAULT;
    long pid = proc_wait4((int)a[0], &status, (int)a[2]);
    if (pid > 0 && a[1] && copy_to_user((void *)a[1], &status, sizeof(status)) < 0)
        return -EFAULT;
    if (pid >= 0 && a[3]) {
        struct abi_rusage ru = { { 0, 0 }, { 0, 0 } };
        if (copy_to_user((void *)a[3], &ru, sizeof(ru)) < 0)
            return -EFAULT;
    }
    return pid;
}

SYS_DEFINE(getpid)
{
    return proc_getpid();
}

SYS_DEFINE(getppid)
{
    return proc_getppid();
}

SYS_DEFINE(gettid)
{
    return proc_gettid();
}

SYS_DEFINE(kill)
{
    return sig_kill((int)a[0], (int)a[1]);
}

SYS_DEFINE(tgkill)
{
    return sig_tgkill((int)a[0], (int)a[1], (int)a[2]);
}

SYS_DEFINE(setsid)
{
    return proc_setsid();
}

SYS_DEFINE(getsid)
{
    return proc_getsid((int)a[0]);
}

SYS_DEFINE(setpgid)
{
    return proc_setpgid((int)a[0], (int)a[1]);
}

SYS_DEFINE(getpgid)
{
    return proc_getpgid((int)a[0]);
}

SYS_DEFINE(thread_create)
{
    return proc_thread_create(a[0], a[1], a[2], a[3]);
}

SYS_DEFINE(thread_exit)
{
    proc_exit_thread(ABI_W_EXITCODE(0, 0), a[0]);
}

SYS_DEFINE(futex)
{
    unsigned op = (unsigned)a[1] & ~(unsigned)FUTEX_PRIVATE_FLAG;
    if (a[0] >= USER_SPACE_END)
        return -EFAULT;
    if (op == FUTEX_WAKE)
        return futex_wake(a[0], (unsigned)a[2]);
    if (op != FUTEX_WAIT)
        return -ENOSYS;
    uint64_t deadline = 0;
    if (a[3]) {
        struct abi_timespec ts;
        if (copy_from_user(&ts, (const void *)a[3], sizeof(ts)) < 0)
            return -EFAULT;
        uint64_t timeout_ns;    /* past TIME_MAX_REL_NS: for ever */
        if (time_to_ns(ts.tv_sec, ts.tv_nsec, &timeout_ns) == -EINVAL)
            return -EINVAL;
        deadline = plat_time_ns() + timeout_ns;
    }
    return futex_wait(a[0], (uint32_t)a[2], deadline);
}

SYS_DEFINE(set_tls)
{
    proc_set_tls(a[0]);
    return 0;
}

SYS_DEFINE(getuid)
{
    return proc_ids()->cred.uid;
}

SYS_DEFINE(getgid)
{
    return proc_ids()->cred.gid;
}

SYS_DEFINE(prlimit)
{
    struct abi_rlimit nl, old;
    if (a[2] && copy_from_user(&nl, (const void *)a[2], sizeof(nl)) < 0)
        return -EFAULT;
    if (a[3] && !user_range_ok(a[3], sizeof(old), VM_WRITE))
        return -EFAULT;
    long rc = proc_prlimit((int)a[0], (int)a[1], a[2] ? &nl : NULL, a[3] ? &old : NULL);
    if (rc == 0 && a[3] && copy_to_user((void *)a[3], &old, sizeof(old)) < 0)
        return -EFAULT;
    return rc;
}

SYS_DEFINE(uname)
{
    struct utsname u;
    memset(&u, 0, sizeof(u));
    strlcpy(u.sysname, "Tandem", sizeof(u.sysname));
    strlcpy(u.nodename, "tandem", sizeof(u.nodename));
    strlcpy(u.release, kern_release, sizeof(u.release));
    strlcpy(u.version, kern_version, sizeof(u.version));
    strlcpy(u.machine, kern_machine, sizeof(u.machine));
    return copy_to_user((void *)a[0], &u, sizeof(u));
}

/* reboot(how), Linux's magic values: every filesystem is synced and marked
 * clean, then the machine resets (RB_AUTOBOOT) or powers off with status 0
 * (RB_POWER_OFF; RB_HALT_SYSTEM too: a halted VM is of no use). Root only. */
#define REBOOT_AUTOBOOT     0x01234567u
#define REBOOT_HALT_SYSTEM  0xcdef0123u
#define REBOOT_POWER_OFF    0x4321fedcu
#define REBOOT_ENABLE_CAD   0x89abcdefu
#define REBOOT_DISABLE_CAD  0x00000000u

SYS_DEFINE(reboot)
{
    unsigned how = (unsigned)a[0];
    if (proc_ids()->cred.euid != 0)
        return -EPERM;
    if (how == REBOOT_ENABLE_CAD || how == REBOOT_DISABLE_CAD)
        return 0;                       /* no Ctrl-Alt-Del to configure */
    if (how != REBOOT_AUTOBOOT && how != REBOOT_HALT_SYSTEM && how != REBOOT_POWER_OFF)
        return -EINVAL;
    subsys_shutdown_all();
    if (how == REBOOT_AUTOBOOT) {
        printk("reboot: restarting system\n");
        plat_reboot();
    }
    printk("reboot: power down\n");
    plat_poweroff(0);
}
