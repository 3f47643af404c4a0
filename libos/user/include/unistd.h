/* newlib's <unistd.h>, plus what Tandem adds to it: Linux's setresuid and
 * setresgid (libos/user/cred.c). */
#ifndef TANDEM_UNISTD_H
#define TANDEM_UNISTD_H

#include_next <unistd.h>

int setresuid(uid_t ruid, uid_t euid, uid_t suid);
int setresgid(gid_t rgid, gid_t egid, gid_t sgid);

#endif
