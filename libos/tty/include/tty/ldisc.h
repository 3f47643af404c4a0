/* The line discipline: termios input and output processing as a pure state
 * machine over two rings (typed input, processed output). No locks, no
 * sleeping, no signals: the caller (libos/tty/tty.c) holds the tty's lock,
 * sleeps when a call makes no progress, and turns the events a call returns
 * into signals and wake-ups. Host-tested (tests/host/test_ldisc.c). */
#ifndef TTY_LDISC_H
#define TTY_LDISC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <abi/termios.h>

#define LDISC_INPUT_BYTES 4096      /* typed input, lines being edited included */
#define LDISC_OUTPUT_BYTES 4096     /* processed output (and echoes) not yet taken */

/* Events a call reports, for the wrapper to act on. */
#define LDISC_EV_SIGINT   0x01u     /* send SIGINT to the foreground group */
#define LDISC_EV_SIGQUIT  0x02u     /* SIGQUIT */
#define LDISC_EV_SIGTSTP  0x04u     /* SIGTSTP */
#define LDISC_EV_INPUT    0x08u     /* input became readable */
#define LDISC_EV_OUTPUT   0x10u     /* output (or echo) was produced */
#define LDISC_EV_ROOM     0x20u     /* input or output room was freed */

struct ldisc {
    struct termios termios;
    /* Input ring: in_count bytes from in_head. The first in_committed of
     * them are readable in canonical mode (complete lines, or everything
     * once pushed by a switch to raw mode); the rest is the line being
     * edited. In raw mode everything is committed on arrival. in_mark
     * flags a byte that ends a line; LDISC_MARK_EOF a VEOF that ends one
     * and is not returned. */
    char in_buf[LDISC_INPUT_BYTES];
    uint8_t in_mark[LDISC_INPUT_BYTES];
    size_t in_head, in_count, in_committed;
    /* Output ring. */
    char out_buf[LDISC_OUTPUT_BYTES];
    size_t out_head, out_count;
    bool is_lnext;                  /* the previous byte was VLNEXT */
};

/* Linux's defaults: canonical, echo, ISIG, ICRNL, OPOST|ONLCR, ^C ^\ ^? ^U
 * ^D ^Z ^W ^V, 38400 baud, CS8. */
void ldisc_init(struct ldisc *ld);
void ldisc_default_termios(struct termios *t);
/* Applies new attributes. Switching ICANON off commits the line being
 * edited (it becomes readable); switching it on commits what is buffered. */
void ldisc_set_termios(struct ldisc *ld, const struct termios *t);

/* Input (typed keys, PTY master writes): consumes bytes while there is room
 * for them and their echo; *consumed says how many. A full canonical line
 * with no complete line before it drops further ordinary bytes (with a
 * bell echoed), as Linux does; line endings still end it. Returns events. */
unsigned ldisc_receive(struct ldisc *ld, const char *buf, size_t len, size_t *consumed);
/* Reads input: canonical mode returns at most one line (its newline
 * included, a VEOF not) or -EAGAIN when no line is complete; 0 means end
 * of file (VEOF at the start of a line). Raw mode returns what is there
 * (maybe 0); VMIN/VTIME are the caller's (ldisc_raw_read_done). */
long ldisc_read(struct ldisc *ld, char *buf, size_t len);
/* Bytes a read could return now (FIONREAD); whether a read would not block
 * (poll's POLLIN). */
size_t ldisc_readable_bytes(const struct ldisc *ld);
bool ldisc_is_readable(const struct ldisc *ld);

/* Raw reads, VMIN/VTIME (Linux semantics), for a read that wants len bytes
 * and has got so far: true when it must return now. timer_expired: the
 * VTIME timer ran out (read-wide when VMIN is 0, since the last byte
 * otherwise). The wrapper arms the timer per ldisc_raw_timer_ns. */
bool ldisc_raw_read_done(const struct termios *t, size_t len, size_t got, bool timer_expired);
/* The VTIME timer for a raw read that has got bytes so far: 0 when none
 * runs (VTIME 0, or VMIN > 0 and nothing read yet: then the wait for the
 * first byte is unbounded). */
uint64_t ldisc_raw_timer_ns(const struct termios *t, size_t got);

/* Output (writes to the terminal): OPOST processing into the output ring;
 * consumes whole bytes only (a newline that becomes CR LF needs room for
 * both), never drops. Returns bytes consumed (0: full, wait for room). */
size_t ldisc_write(struct ldisc *ld, const char *buf, size_t len, unsigned *events);
/* Takes processed output (the device or the PTY master reads it). */
size_t ldisc_output_take(struct ldisc *ld, char *buf, size_t len, unsigned *events);
size_t ldisc_output_pending(const struct ldisc *ld);
bool ldisc_output_has_room(const struct ldisc *ld);

/* tcflush */
void ldisc_flush_input(struct ldisc *ld);
void ldisc_flush_output(struct ldisc *ld);

#endif
