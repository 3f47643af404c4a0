/* Credentials: who a process is, in Linux's model, and the rules that
 * change them (set*id, exec of a set-id program). The process layer owns a
 * process's (libos/proc); the VFS judges file operations by them. In kern
 * so that both can use them, and an image without files still has ids. */
#ifndef KERN_CRED_H
#define KERN_CRED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kern/spinlock.h>

/* Who is asking: a process's credentials, in Linux's model. uid and gid
 * are the real ids (who the process is: signals, access(2)), euid and egid
 * the effective ones (permission checks, the owner of new files), suid and
 * sgid the saved ones a set*id call may return to; groups[] holds the
 * supplementary groups. An effective uid 0 bypasses permission bits (except
 * execute, which needs at least one x bit, as on Linux). Ids are 16 bits
 * wide (newlib's uid_t): 0..65534; CRED_ID_UNCHANGED is "-1". */
#define CRED_NGROUPS_MAX 32
#define CRED_ID_MAX 65534u
#define CRED_ID_UNCHANGED 0xffffffffu
struct cred {
    uint32_t uid, gid;          /* real */
    uint32_t euid, egid;        /* effective */
    uint32_t suid, sgid;        /* saved */
    uint32_t ngroups;
    uint32_t groups[CRED_NGROUPS_MAX];
};
#define CRED_ROOT ((struct cred){ 0 })
#define CRED_USER(u, g) ((struct cred){ .uid = (u), .gid = (g), .euid = (u), .egid = (g), \
                                       .suid = (u), .sgid = (g) })

/* A set of credentials a process's threads share: a set*id call changes
 * cred under lock, and an operation that judges with it reads it whole
 * with cred_box_get, so it sees one consistent set of ids (a single 32-bit
 * field may be read without the lock). The lock is a leaf. */
struct cred_box {
    struct spinlock lock;
    struct cred cred;
};
#define CRED_BOX_INIT(c) ((struct cred_box){ .lock = SPINLOCK_INIT, .cred = (c) })

/* A consistent copy of box's credentials. */
void cred_box_get(struct cred_box *box, struct cred *out);

/* Is gid the effective group or one of the supplementary groups? */
bool cred_in_group(const struct cred *cred, uint32_t gid);
/* The set*id rules; each leaves cred unchanged when it fails. On a
 * shared cred_box's cred, call them under its lock.
 * Linux's setresuid/setresgid rules on cred (CRED_ID_UNCHANGED keeps an id;
 * without euid 0 each new id must be one of the current real, effective or
 * saved ones): 0, -EPERM or -EINVAL (an id above CRED_ID_MAX). */
int cred_setresuid(struct cred *cred, uint32_t ruid, uint32_t euid, uint32_t suid);
int cred_setresgid(struct cred *cred, uint32_t rgid, uint32_t egid, uint32_t sgid);
/* setgroups: euid 0 only (-EPERM, checked first as Linux does); -EINVAL for more than CRED_NGROUPS_MAX
 * groups or an invalid id. */
int cred_setgroups(struct cred *cred, size_t count, const uint32_t *groups);
/* exec of a program with mode, uid and gid: a set-user-id program makes its
 * owner the effective uid, a set-group-id one (with group execute) its
 * group the effective gid; then the saved ids take the effective ones, as
 * on Linux. */
void cred_exec(struct cred *cred, uint32_t mode, uint32_t uid, uint32_t gid);

#endif
