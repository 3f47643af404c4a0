/* Pseudo-terminal conveniences from BSD and glibc (libos/user/pty.c):
 * openpty opens a master and slave pair, login_tty makes a terminal the
 * caller's controlling terminal and standard streams, forkpty does both
 * around a fork. */
#ifndef _PTY_H
#define _PTY_H

#include <sys/ioctl.h>
#include <sys/types.h>
#include <termios.h>

#ifdef __cplusplus
extern "C" {
#endif

/* name, when not NULL, receives the slave's path (at least 16 bytes);
 * termp and winp, when not NULL, set the slave's modes and size. Both
 * ends are opened with O_NOCTTY. */
int openpty(int *amaster, int *aslave, char *name, const struct termios *termp,
            const struct winsize *winp);
/* In the caller: setsid, fd becomes the controlling terminal and fds 0-2;
 * fd itself is closed (unless it is one of 0-2). */
int login_tty(int fd);
/* openpty then fork: the child runs on the slave (login_tty) and gets 0,
 * the parent gets the child's pid and *amaster. */
pid_t forkpty(int *amaster, char *name, const struct termios *termp,
              const struct winsize *winp);

#ifdef __cplusplus
}
#endif

#endif
