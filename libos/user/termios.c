/* termios over ioctl TCGETS/TCSETS* (abi/termios.h, abi/ioctl.h: Linux's
 * layout and requests), and the terminal's foreground process group. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "internal.h"

int tcgetattr(int fd, struct termios *t)
{
    return (int)tandem_result(tandem_syscall3(SYS_ioctl, fd, TCGETS, t));
}

int tcsetattr(int fd, int action, const struct termios *t)
{
    unsigned long request;

    switch (action) {
    case TCSANOW: request = TCSETS; break;
    case TCSADRAIN: request = TCSETSW; break;
    case TCSAFLUSH: request = TCSETSF; break;
    default:
        errno = EINVAL;
        return -1;
    }
    return (int)tandem_result(tandem_syscall3(SYS_ioctl, fd, request, t));
}

int tcdrain(int fd) { return (int)tandem_result(tandem_syscall3(SYS_ioctl, fd, TCSBRK, 1)); }
int tcflow(int fd, int action) { return (int)tandem_result(tandem_syscall3(SYS_ioctl, fd, TCXONC, action)); }
int tcflush(int fd, int queue) { return (int)tandem_result(tandem_syscall3(SYS_ioctl, fd, TCFLSH, queue)); }
int tcsendbreak(int fd, int duration)
{
    (void)duration;
    return (int)tandem_result(tandem_syscall3(SYS_ioctl, fd, TCSBRK, 0));
}

pid_t tcgetpgrp(int fd)
{
    int pgrp;

    if (tandem_result(tandem_syscall3(SYS_ioctl, fd, TIOCGPGRP, &pgrp)) < 0)
        return -1;
    return pgrp;
}

int tcsetpgrp(int fd, pid_t pgrp)
{
    int value = pgrp;
    return (int)tandem_result(tandem_syscall3(SYS_ioctl, fd, TIOCSPGRP, &value));
}

pid_t tcgetsid(int fd)
{
    int sid;

    if (tandem_result(tandem_syscall3(SYS_ioctl, fd, TIOCGSID, &sid)) < 0)
        return -1;
    return sid;
}

void cfmakeraw(struct termios *t)
{
    t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t->c_oflag &= ~(tcflag_t)OPOST;
    t->c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t->c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t->c_cflag |= CS8;
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

speed_t cfgetispeed(const struct termios *t) { return t->c_ispeed; }
speed_t cfgetospeed(const struct termios *t) { return t->c_ospeed; }

static int valid_speed(speed_t speed)
{
    return (speed & ~(speed_t)CBAUD) == 0;
}

int cfsetospeed(struct termios *t, speed_t speed)
{
    if (!valid_speed(speed)) {
        errno = EINVAL;
        return -1;
    }
    t->c_cflag = (t->c_cflag & ~(tcflag_t)CBAUD) | speed;
    t->c_ospeed = speed;
    return 0;
}

int cfsetispeed(struct termios *t, speed_t speed)
{
    if (!valid_speed(speed)) {
        errno = EINVAL;
        return -1;
    }
    t->c_ispeed = speed;
    return 0;
}

int cfsetspeed(struct termios *t, speed_t speed)
{
    if (cfsetospeed(t, speed) < 0)
        return -1;
    return cfsetispeed(t, speed);
}
