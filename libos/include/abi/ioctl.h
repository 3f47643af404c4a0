/* ioctl(2) request numbers: Linux's values. SYS_ioctl(fd, request, arg);
 * -ENOTTY for a request the file does not know. */
#ifndef ABI_IOCTL_H
#define ABI_IOCTL_H

#define TCGETS      0x5401  /* arg: struct termios * (abi/termios.h) */
#define TCSETS      0x5402  /* arg: const struct termios *, TCSANOW */
#define TCSETSW     0x5403  /* ... after output drains (TCSADRAIN) */
#define TCSETSF     0x5404  /* ... and flush input (TCSAFLUSH) */
#define TCSBRK      0x5409
#define TCXONC      0x540A  /* arg: TCOOFF ... (an int, by value) */
#define TCFLSH      0x540B  /* arg: TCIFLUSH ... (an int, by value) */
#define TIOCSCTTY   0x540E  /* make this tty the controlling terminal */
#define TIOCGPGRP   0x540F  /* arg: pid_t * (int) */
#define TIOCSPGRP   0x5410  /* arg: const pid_t * */
#define TIOCOUTQ    0x5411
#define TIOCGWINSZ  0x5413  /* arg: struct winsize * */
#define TIOCSWINSZ  0x5414  /* arg: const struct winsize * */
#define FIONREAD    0x541B  /* arg: int * */
#define TIOCNOTTY   0x5422
#define FIONBIO     0x5421  /* arg: const int * */
#define TIOCGSID    0x5429  /* arg: pid_t * */
#define TIOCGPTN    0x80045430  /* arg: unsigned int * (pty number) */
#define TIOCSPTLCK  0x40045431  /* arg: const int * */

#endif
