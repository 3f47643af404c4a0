/* Pseudo-terminals from a process: the POSIX master calls (posix_openpt,
 * grantpt, unlockpt, ptsname, ptsname_r) over /dev/ptmx and its ioctls
 * TIOCGPTN/TIOCSPTLCK, and the BSD/glibc conveniences openpty, login_tty
 * and forkpty. */
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#define PTS_NAME_BYTES 32           /* "/dev/pts/" and a number */

int posix_openpt(int flags)
{
    if ((flags & O_ACCMODE) != O_RDWR || (flags & ~(O_ACCMODE | O_NOCTTY)) != 0) {
        errno = EINVAL;
        return -1;
    }
    return open("/dev/ptmx", flags);
}

/* The pair's number, or -1 with errno (EINVAL when fd is not a master, as
 * POSIX asks of grantpt/unlockpt/ptsname). */
static int master_index(int fd)
{
    unsigned index;

    if (ioctl(fd, TIOCGPTN, &index) < 0) {
        if (errno == ENOTTY)
            errno = EINVAL;
        return -1;
    }
    return (int)index;
}

int grantpt(int fd)
{
    return master_index(fd) < 0 ? -1 : 0;
}

int unlockpt(int fd)
{
    int is_locked = 0;

    if (master_index(fd) < 0)
        return -1;
    return ioctl(fd, TIOCSPTLCK, &is_locked);
}

int ptsname_r(int fd, char *buf, size_t len)
{
    int index = master_index(fd);
    if (index < 0)
        return errno;
    if (!buf) {
        errno = EINVAL;
        return EINVAL;
    }
    int needed = snprintf(buf, len, "/dev/pts/%d", index);
    if (needed < 0 || (size_t)needed >= len) {
        errno = ERANGE;
        return ERANGE;
    }
    return 0;
}

char *ptsname(int fd)
{
    static char name[PTS_NAME_BYTES];

    return ptsname_r(fd, name, sizeof(name)) == 0 ? name : NULL;
}

/* Applies the optional modes and size to a new slave. */
static int configure_slave(int slave, const struct termios *termp, const struct winsize *winp)
{
    if (termp && tcsetattr(slave, TCSANOW, termp) < 0)
        return -1;
    if (winp && ioctl(slave, TIOCSWINSZ, winp) < 0)
        return -1;
    return 0;
}

int openpty(int *amaster, int *aslave, char *name, const struct termios *termp,
            const struct winsize *winp)
{
    char path[PTS_NAME_BYTES];
    int saved_errno, slave;

    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0)
        return -1;
    if (grantpt(master) < 0 || unlockpt(master) < 0)
        goto fail_master;
    if (ptsname_r(master, path, sizeof(path)) != 0)
        goto fail_master;
    slave = open(path, O_RDWR | O_NOCTTY);
    if (slave < 0)
        goto fail_master;
    if (configure_slave(slave, termp, winp) < 0)
        goto fail_slave;
    if (name)
        strcpy(name, path);
    *amaster = master;
    *aslave = slave;
    return 0;

fail_slave:
    saved_errno = errno;
    close(slave);
    errno = saved_errno;
fail_master:
    saved_errno = errno;
    close(master);
    errno = saved_errno;
    return -1;
}

int login_tty(int fd)
{
    if (setsid() < 0)
        return -1;
    if (ioctl(fd, TIOCSCTTY, 0) < 0)
        return -1;
    for (int stdfd = 0; stdfd <= 2; stdfd++)
        if (dup2(fd, stdfd) < 0)
            return -1;
    if (fd > 2)
        close(fd);
    return 0;
}

pid_t forkpty(int *amaster, char *name, const struct termios *termp, const struct winsize *winp)
{
    int master, slave;

    if (openpty(&master, &slave, name, termp, winp) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        int saved_errno = errno;
        close(master);
        close(slave);
        errno = saved_errno;
        return -1;
    }
    if (pid == 0) {
        close(master);
        if (login_tty(slave) < 0)
            _exit(1);
        return 0;
    }
    close(slave);
    *amaster = master;
    return pid;
}
