/* ioctl(2) for Tandem processes (abi/ioctl.h: Linux's request numbers). */
#ifndef _SYS_IOCTL_H
#define _SYS_IOCTL_H

#include <abi/ioctl.h>
#include <abi/termios.h>

int ioctl(int fd, unsigned long request, ...);

#endif
