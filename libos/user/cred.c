/* Identities: the real, effective and saved user and group ids and the
 * supplementary groups, over the kernel's setresuid/setresgid (Linux's
 * rules); the POSIX calls are spelled in terms of those, as glibc does. */
#include <errno.h>
#include <unistd.h>
#include "internal.h"

/* (uid_t)-1, 16 bits in newlib, is the kernel's -1: "unchanged". */
static long id_arg(unsigned id)
{
    return id == (uid_t)-1 ? -1L : (long)id;
}

uid_t getuid(void) { return (uid_t)tandem_result(tandem_syscall0(SYS_getuid)); }
uid_t geteuid(void) { return (uid_t)tandem_result(tandem_syscall0(SYS_geteuid)); }
gid_t getgid(void) { return (gid_t)tandem_result(tandem_syscall0(SYS_getgid)); }
gid_t getegid(void) { return (gid_t)tandem_result(tandem_syscall0(SYS_getegid)); }

int setresuid(uid_t ruid, uid_t euid, uid_t suid)
{
    return (int)tandem_result(tandem_syscall3(SYS_setresuid, id_arg(ruid), id_arg(euid),
                                              id_arg(suid)));
}

int setresgid(gid_t rgid, gid_t egid, gid_t sgid)
{
    return (int)tandem_result(tandem_syscall3(SYS_setresgid, id_arg(rgid), id_arg(egid),
                                              id_arg(sgid)));
}

/* Linux: with euid 0 all three ids change; otherwise only the effective
 * one, to the real or saved id (the kernel refuses anything else). */
int setuid(uid_t uid)
{
    if (geteuid() == 0)
        return setresuid(uid, uid, uid);
    return setresuid((uid_t)-1, uid, (uid_t)-1);
}

int setgid(gid_t gid)
{
    if (geteuid() == 0)
        return setresgid(gid, gid, gid);
    return setresgid((gid_t)-1, gid, (gid_t)-1);
}

int seteuid(uid_t euid)
{
    if (euid == (uid_t)-1) {
        errno = EINVAL;
        return -1;
    }
    return setresuid((uid_t)-1, euid, (uid_t)-1);
}

int setegid(gid_t egid)
{
    if (egid == (gid_t)-1) {
        errno = EINVAL;
        return -1;
    }
    return setresgid((gid_t)-1, egid, (gid_t)-1);
}

/* setreuid/setregid (Linux): without privilege (euid 0) the real id may
 * become only the real or effective one; when the real id is set, or the
 * effective one to anything but the old real id, the saved id follows the
 * new effective one. */
static int set_real_effective(int nr, unsigned real, unsigned effective, unsigned old_real,
                              unsigned old_effective)
{
    if (real != (uid_t)-1 && geteuid() != 0 && real != old_real && real != old_effective) {
        errno = EPERM;
        return -1;
    }
    unsigned saved = (uid_t)-1;
    if (real != (uid_t)-1 || (effective != (uid_t)-1 && effective != old_real))
        saved = effective != (uid_t)-1 ? effective : old_effective;
    return (int)tandem_result(tandem_syscall3(nr, id_arg(real), id_arg(effective),
                                              id_arg(saved)));
}

int setreuid(uid_t ruid, uid_t euid)
{
    return set_real_effective(SYS_setresuid, ruid, euid, getuid(), geteuid());
}

int setregid(gid_t rgid, gid_t egid)
{
    return set_real_effective(SYS_setresgid, rgid, egid, getgid(), getegid());
}

int getgroups(int size, gid_t list[])
{
    return (int)tandem_result(tandem_syscall2(SYS_getgroups, size, list));
}

int setgroups(int size, const gid_t *list)
{
    return (int)tandem_result(tandem_syscall2(SYS_setgroups, size, list));
}

/* Did the exec that started this program change its ids (a set-id program,
 * or effective ids other than the real ones: the kernel's AT_SECURE)? */
int issetugid(void)
{
    return tandem_auxv_secure != 0;
}
