/* The TTY layer's front door: a terminal (struct tty) is a line discipline
 * (tty/ldisc.h) with a lock, wait queues, a window size, a session and a
 * foreground process group. Its process side (read, write, poll, ioctl) is
 * what a terminal's file does; its device side (tty_input, tty_output_read)
 * is what a PTY master or the serial console (console.c) does. Job-control
 * signals go through libos/proc (proc/job.h). */
#ifndef TTY_TTY_H
#define TTY_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tty;
struct poll_waiter;
struct file;

/* Linux's device numbers for terminals (st_rdev, tty_nr). */
#define TTY_MAJOR 5             /* 5:0 /dev/tty, 5:1 /dev/console, 5:2 /dev/ptmx */
#define TTYS_MAJOR 4            /* 4:64 /dev/ttyS0 */
#define PTS_MAJOR 136           /* 136:N /dev/pts/N */

struct tty *tty_create(const char *name);
void tty_destroy(struct tty *tty);

/* Opens f as the terminal's own device would (its file_ops into f->ops,
 * its private data): how /dev/tty reaches the caller's terminal. Called
 * with spinlocks held: must not sleep. Returns 0 or negative errno. */
typedef int (*tty_reopen_fn)(struct tty *tty, void *owner, struct file *f);
/* The terminal's device number and /dev/tty hook; once, before use. */
void tty_set_device(struct tty *tty, uint32_t rdev, tty_reopen_fn reopen, void *owner);
/* tcdrain (TCSADRAIN, TCSBRK) returns at once instead of waiting for the
 * device side to take the output: PTYs, as on Linux. Once, before use. */
void tty_set_drain_immediate(struct tty *tty);

/* Process side. Buffers are kernel memory. Reads and writes block unless
 * is_nonblocking (-EAGAIN); -EINTR for a signal; -EIO after a hangup (once
 * buffered input is read) or for a background group that may not stop;
 * background access by a job of the terminal's session stops its group
 * with SIGTTIN/SIGTTOU (TOSTOP for writes) and returns -EINTR, which the
 * syscall layer restarts when the group continues. */
long tty_read(struct tty *tty, void *buf, size_t len, bool is_nonblocking);
long tty_write(struct tty *tty, const void *buf, size_t len, bool is_nonblocking);
unsigned tty_poll(struct tty *tty, struct poll_waiter *pw);
/* The terminal requests of abi/ioctl.h; arg is a value or a kernel pointer
 * (vfs_ioctl). -ENOTTY for others. */
long tty_ioctl(struct tty *tty, unsigned long request, unsigned long arg);

/* Device side. tty_input feeds typed bytes through the line discipline
 * (echo, signals), blocking while the input buffer (or the echo's room in
 * the output buffer) is full. tty_output_read takes processed output;
 * -EIO once the process side is closed (tty_set_unused) and nothing is
 * left. tty_device_poll: POLLIN for output, POLLOUT for input room. */
long tty_input(struct tty *tty, const void *buf, size_t len, bool is_nonblocking);
long tty_output_read(struct tty *tty, void *buf, size_t len, bool is_nonblocking);
unsigned tty_device_poll(struct tty *tty, struct poll_waiter *pw);

/* The device went away (PTY master closed, modem hangup): SIGHUP and
 * SIGCONT to the foreground group, the session loses its terminal, reads
 * return -EIO once the input is drained, writes -EIO, poll says POLLHUP. */
void tty_hangup(struct tty *tty);
/* Whether the process side has files open (PTY slave), for the device
 * side's reads and poll. */
void tty_set_unused(struct tty *tty, bool is_unused);

/* For the process layer (proc_finish, through the hooks tty.c registers
 * at boot, proc/job.h): a session leader exits. Its controlling terminal
 * sends SIGHUP to the foreground group and loses its session (another
 * session leader may then acquire it). */
void tty_session_end(int sid);

/* Controlling terminals. A device's open calls tty_open_controlling: a
 * session leader without a controlling terminal that opens one without
 * O_NOCTTY acquires it, unless it controls another session already. */
void tty_open_controlling(struct tty *tty, int open_flags);
/* The device number and foreground group of session sid's controlling
 * terminal (for /proc's tty_nr and tpgid, through the same hooks); false
 * when it has none. */
bool tty_session_info(int sid, uint32_t *rdev, int *fg_pgrp);

/* Registers the terminal devices: /dev/console, /dev/ttyS0, /dev/serial0
 * (console.c), /dev/tty, /dev/ptmx and /dev/pts (pty.c); vfs_init calls it
 * after devfs's own devices (tty.c hands it to devfs_set_terminals at
 * boot). */
int tty_register_devices(void);
int tty_register_ctty_device(void);
int tty_register_console_devices(void);
int tty_register_pty_devices(void);

#endif
