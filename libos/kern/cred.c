/* Credentials: Linux's rules for changing the real, effective and saved ids
 * and the supplementary groups, and the consistent copy every permission
 * check works from (kern/cred.h says why: a process's threads share them). */
#include <abi/errno.h>
#include <abi/stat.h>
#include <kern/cred.h>

bool cred_in_group(const struct cred *cred, uint32_t gid)
{
    if (cred->egid == gid)
        return true;
    for (uint32_t i = 0; i < cred->ngroups; i++)
        if (cred->groups[i] == gid)
            return true;
    return false;
}

static bool is_valid_id(uint32_t id)
{
    return id == CRED_ID_UNCHANGED || id <= CRED_ID_MAX;
}

/* May a process with ids {real, effective, saved} take id? */
static bool is_allowed_id(uint32_t id, uint32_t real, uint32_t effective, uint32_t saved,
                          bool is_privileged)
{
    return id == CRED_ID_UNCHANGED || is_privileged || id == real || id == effective ||
           id == saved;
}

/* The three ids of one kind, uid or gid, changed together. */
static int set_ids(uint32_t *real, uint32_t *effective, uint32_t *saved, uint32_t new_real,
                   uint32_t new_effective, uint32_t new_saved, bool is_privileged)
{
    if (!is_valid_id(new_real) || !is_valid_id(new_effective) || !is_valid_id(new_saved))
        return -EINVAL;
    if (!is_allowed_id(new_real, *real, *effective, *saved, is_privileged) ||
        !is_allowed_id(new_effective, *real, *effective, *saved, is_privileged) ||
        !is_allowed_id(new_saved, *real, *effective, *saved, is_privileged))
        return -EPERM;
    if (new_real != CRED_ID_UNCHANGED)
        *real = new_real;
    if (new_effective != CRED_ID_UNCHANGED)
        *effective = new_effective;
    if (new_saved != CRED_ID_UNCHANGED)
        *saved = new_saved;
    return 0;
}

int cred_setresuid(struct cred *cred, uint32_t ruid, uint32_t euid, uint32_t suid)
{
    return set_ids(&cred->uid, &cred->euid, &cred->suid, ruid, euid, suid, cred->euid == 0);
}

/* As Linux's CAP_SETGID: an effective uid 0 may set any group id. */
int cred_setresgid(struct cred *cred, uint32_t rgid, uint32_t egid, uint32_t sgid)
{
    return set_ids(&cred->gid, &cred->egid, &cred->sgid, rgid, egid, sgid, cred->euid == 0);
}

int cred_setgroups(struct cred *cred, size_t count, const uint32_t *groups)
{
    if (cred->euid != 0)
        return -EPERM;
    if (count > CRED_NGROUPS_MAX)
        return -EINVAL;
    for (size_t i = 0; i < count; i++)
        if (groups[i] > CRED_ID_MAX)
            return -EINVAL;
    for (size_t i = 0; i < count; i++)
        cred->groups[i] = groups[i];
    cred->ngroups = (uint32_t)count;
    return 0;
}

void cred_exec(struct cred *cred, uint32_t mode, uint32_t uid, uint32_t gid)
{
    if (mode & S_ISUID)
        cred->euid = uid;
    if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
        cred->egid = gid;
    cred->suid = cred->euid;
    cred->sgid = cred->egid;
}

void cred_box_get(struct cred_box *box, struct cred *out)
{
    spin_lock(&box->lock);
    *out = box->cred;
    spin_unlock(&box->lock);
}
