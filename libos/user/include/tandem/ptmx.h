/* The pseudo-terminal master calls (libos/user/pty.c), included by
 * <stdlib.h> as POSIX places them. A master is /dev/ptmx; its slave is
 * /dev/pts/N. */
#ifndef TANDEM_PTMX_H
#define TANDEM_PTMX_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opens a new master; flags: O_RDWR, optionally O_NOCTTY (others: EINVAL). */
int posix_openpt(int flags);
/* Slaves are owned by root with mode 0620 already: checks fd is a master. */
int grantpt(int fd);
/* Lets the slave be opened (new masters start locked). */
int unlockpt(int fd);
/* The slave's path, in a static buffer (NULL and errno on failure). */
char *ptsname(int fd);
/* The slave's path into buf; returns 0, or an errno value (ERANGE when
 * len is too small), which it also stores in errno. */
int ptsname_r(int fd, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
