/* newlib's <stdlib.h>, plus what Tandem adds to it: the pseudo-terminal
 * calls of POSIX (posix_openpt, grantpt, unlockpt, ptsname) and glibc's
 * ptsname_r (libos/user/pty.c). */
#ifndef TANDEM_STDLIB_H
#define TANDEM_STDLIB_H

#include_next <stdlib.h>
#include <tandem/ptmx.h>

#endif
