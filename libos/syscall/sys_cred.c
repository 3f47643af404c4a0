/* Credential calls: the effective ids, setresuid/setresgid and the
 * supplementary groups, on the process's credentials (Linux's rules live
 * in libos/kern/cred.c). Group lists cross the boundary as newlib's
 * gid_t, 16-bit; an id argument of -1 (any width) means "unchanged". */
#include <stdint.h>
#include <abi/errno.h>
#include <kern/cred.h>
#include <proc/calls.h>
#include "syscall_internal.h"

/* An id argument: -1 as 32 or 16 bits (newlib's uid_t) keeps the id. */
static uint32_t id_arg(unsigned long arg)
{
    uint32_t id = (uint32_t)arg;
    return id == CRED_ID_UNCHANGED || id == 0xffffu ? CRED_ID_UNCHANGED : id;
}

SYS_DEFINE(geteuid)
{
    return proc_ids()->cred.euid;
}

SYS_DEFINE(getegid)
{
    return proc_ids()->cred.egid;
}

SYS_DEFINE(setresuid)
{
    struct cred_box *c = proc_ids();
    spin_lock(&c->lock);
    int rc = cred_setresuid(&c->cred, id_arg(a[0]), id_arg(a[1]), id_arg(a[2]));
    spin_unlock(&c->lock);
    return rc;
}

SYS_DEFINE(setresgid)
{
    struct cred_box *c = proc_ids();
    spin_lock(&c->lock);
    int rc = cred_setresgid(&c->cred, id_arg(a[0]), id_arg(a[1]), id_arg(a[2]));
    spin_unlock(&c->lock);
    return rc;
}

/* getgroups(size, gid_t *list): size 0 returns the count; a smaller size
 * than the count is EINVAL. */
SYS_DEFINE(getgroups)
{
    long size = (long)(int)a[0];
    if (size < 0)
        return -EINVAL;
    struct cred cred;
    cred_box_get(proc_ids(), &cred);
    if (size == 0)
        return cred.ngroups;
    if ((unsigned long)size < cred.ngroups)
        return -EINVAL;
    uint16_t list[CRED_NGROUPS_MAX];
    for (uint32_t i = 0; i < cred.ngroups; i++)
        list[i] = (uint16_t)cred.groups[i];
    int rc = copy_to_user((void *)a[1], list, cred.ngroups * sizeof(list[0]));
    return rc < 0 ? rc : (long)cred.ngroups;
}

/* setgroups(size, const gid_t *list): root only. */
SYS_DEFINE(setgroups)
{
    struct cred_box *c = proc_ids();
    long size = (long)(int)a[0];
    if (c->cred.euid != 0)
        return -EPERM;
    if (size < 0 || size > CRED_NGROUPS_MAX)
        return -EINVAL;
    uint16_t list[CRED_NGROUPS_MAX];
    uint32_t groups[CRED_NGROUPS_MAX];
    int rc = copy_from_user(list, (const void *)a[1], (size_t)size * sizeof(list[0]));
    if (rc < 0)
        return rc;
    for (long i = 0; i < size; i++)
        groups[i] = list[i];
    spin_lock(&c->lock);
    rc = cred_setgroups(&c->cred, (size_t)size, groups);
    spin_unlock(&c->lock);
    return rc;
}
