/* The line discipline (see tty/ldisc.h): canonical line editing, raw input
 * with VMIN/VTIME decisions, echo, signal characters and OPOST output
 * processing, on two fixed rings. Pure: also built into the host tests. */
#include <string.h>
#include <abi/errno.h>
#include <tty/ldisc.h>

#define MARK_EOL 0x1u           /* the byte ends a line */
#define MARK_EOF 0x2u           /* a VEOF ending a line: not returned */
#define ECHO_MAX_PER_BYTE 6     /* erasing a "^X" echo: "\b \b\b \b" */
#define CTRL(c) ((c) & 0x1f)

static bool flag_on(tcflag_t flags, tcflag_t bit)
{
    return (flags & bit) != 0;
}

/* A control character matches only when enabled (0 is _POSIX_VDISABLE). */
static bool is_cc(const struct ldisc *ld, unsigned index, unsigned char c)
{
    unsigned char cc = ld->termios.c_cc[index];
    return cc != 0 && cc == c;
}

static bool is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

void ldisc_default_termios(struct termios *t)
{
    memset(t, 0, sizeof(*t));
    t->c_iflag = ICRNL | IXON;
    t->c_oflag = OPOST | ONLCR;
    t->c_cflag = B38400 | CS8 | CREAD | HUPCL;
    t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
    t->c_cc[VINTR] = CTRL('C');
    t->c_cc[VQUIT] = CTRL('\\');
    t->c_cc[VERASE] = 0x7f;
    t->c_cc[VKILL] = CTRL('U');
    t->c_cc[VEOF] = CTRL('D');
    t->c_cc[VTIME] = 0;
    t->c_cc[VMIN] = 1;
    t->c_cc[VSTART] = CTRL('Q');
    t->c_cc[VSTOP] = CTRL('S');
    t->c_cc[VSUSP] = CTRL('Z');
    t->c_cc[VREPRINT] = CTRL('R');
    t->c_cc[VDISCARD] = CTRL('O');
    t->c_cc[VWERASE] = CTRL('W');
    t->c_cc[VLNEXT] = CTRL('V');
    t->c_ispeed = t->c_ospeed = B38400;
}

void ldisc_init(struct ldisc *ld)
{
    memset(ld, 0, sizeof(*ld));
    ldisc_default_termios(&ld->termios);
}

void ldisc_set_termios(struct ldisc *ld, const struct termios *t)
{
    bool was_canonical = flag_on(ld->termios.c_lflag, ICANON);
    ld->termios = *t;
    if (was_canonical != flag_on(t->c_lflag, ICANON)) {
        ld->in_committed = ld->in_count;    /* the edited line is pushed */
        ld->is_lnext = false;
    }
}

/* ---- output ring -------------------------------------------------------- */

static size_t out_room(const struct ldisc *ld)
{
    return LDISC_OUTPUT_BYTES - ld->out_count;
}

static void out_put_raw(struct ldisc *ld, char c)
{
    /* callers checked the room */
    ld->out_buf[(ld->out_head + ld->out_count) % LDISC_OUTPUT_BYTES] = c;
    ld->out_count++;
}

/* Bytes c becomes after OPOST processing. */
static size_t out_size(const struct ldisc *ld, unsigned char c)
{
    tcflag_t oflag = ld->termios.c_oflag;
    if (flag_on(oflag, OPOST) && c == '\n' && flag_on(oflag, ONLCR))
        return 2;
    return 1;
}

static void out_put(struct ldisc *ld, unsigned char c)
{
    tcflag_t oflag = ld->termios.c_oflag;
    if (flag_on(oflag, OPOST)) {
        if (c == '\n' && flag_on(oflag, ONLCR)) {
            out_put_raw(ld, '\r');
        } else if (c == '\r' && flag_on(oflag, OCRNL)) {
            c = '\n';
        }
    }
    out_put_raw(ld, (char)c);
}

size_t ldisc_write(struct ldisc *ld, const char *buf, size_t len, unsigned *events)
{
    size_t n = 0;
    while (n < len && out_size(ld, (unsigned char)buf[n]) <= out_room(ld))
        out_put(ld, (unsigned char)buf[n++]);
    if (n)
        *events |= LDISC_EV_OUTPUT;
    return n;
}

size_t ldisc_output_take(struct ldisc *ld, char *buf, size_t len, unsigned *events)
{
    size_t n = len < ld->out_count ? len : ld->out_count;
    for (size_t i = 0; i < n; i++)
        buf[i] = ld->out_buf[(ld->out_head + i) % LDISC_OUTPUT_BYTES];
    ld->out_head = (ld->out_head + n) % LDISC_OUTPUT_BYTES;
    ld->out_count -= n;
    if (n)
        *events |= LDISC_EV_ROOM;
    return n;
}

size_t ldisc_output_pending(const struct ldisc *ld)
{
    return ld->out_count;
}

bool ldisc_output_has_room(const struct ldisc *ld)
{
    return out_room(ld) >= 2;   /* a newline may become two bytes */
}

void ldisc_flush_output(struct ldisc *ld)
{
    ld->out_head = ld->out_count = 0;
}

/* ---- echo --------------------------------------------------------------- */

static bool echoes_as_ctl(const struct ldisc *ld, unsigned char c)
{
    return flag_on(ld->termios.c_lflag, ECHOCTL) && is_ctl(c) && c != '\t' && c != '\n';
}

/* Echo of a typed byte: "^X" for control characters under ECHOCTL. At most
 * 2 bytes. */
static void echo_char(struct ldisc *ld, unsigned char c)
{
    if (echoes_as_ctl(ld, c)) {
        out_put_raw(ld, '^');
        out_put_raw(ld, (char)(c ^ 0x40));
    } else {
        out_put(ld, c);
    }
}

/* "\b \b" once per column the echo of c took. */
static size_t erase_echo_size(const struct ldisc *ld, unsigned char c)
{
    return echoes_as_ctl(ld, c) ? 6 : 3;
}

static void echo_erase(struct ldisc *ld, unsigned char c)
{
    size_t columns = echoes_as_ctl(ld, c) ? 2 : 1;
    for (size_t i = 0; i < columns; i++) {
        out_put_raw(ld, '\b');
        out_put_raw(ld, ' ');
        out_put_raw(ld, '\b');
    }
}

/* ---- input ring --------------------------------------------------------- */

static size_t in_index(const struct ldisc *ld, size_t i)
{
    return (ld->in_head + i) % LDISC_INPUT_BYTES;
}

static void in_put(struct ldisc *ld, unsigned char c, uint8_t mark)
{
    size_t i = in_index(ld, ld->in_count);
    ld->in_buf[i] = (char)c;
    ld->in_mark[i] = mark;
    ld->in_count++;
}

static size_t edit_len(const struct ldisc *ld)
{
    return ld->in_count - ld->in_committed;
}

static unsigned char edit_last(const struct ldisc *ld)
{
    return (unsigned char)ld->in_buf[in_index(ld, ld->in_count - 1)];
}

static bool is_word_space(unsigned char c)
{
    return c == ' ' || c == '\t';
}

void ldisc_flush_input(struct ldisc *ld)
{
    ld->in_head = ld->in_count = ld->in_committed = 0;
    ld->is_lnext = false;
}

/* How many of the edited line's last bytes VWERASE removes: trailing
 * blanks, then the word before them. */
static size_t werase_count(const struct ldisc *ld)
{
    size_t n = 0, len = edit_len(ld);
    while (n < len && is_word_space((unsigned char)ld->in_buf[in_index(ld, ld->in_count - 1 - n)]))
        n++;
    while (n < len && !is_word_space((unsigned char)ld->in_buf[in_index(ld, ld->in_count - 1 - n)]))
        n++;
    return n;
}

/* Removes the last count bytes of the edited line, echoing their erasure
 * when visual. Returns false (nothing done) when the echo has no room. */
static bool erase_bytes(struct ldisc *ld, size_t count, bool is_visual)
{
    if (is_visual) {
        size_t need = 0;
        for (size_t i = 0; i < count; i++)
            need += erase_echo_size(ld, (unsigned char)ld->in_buf[in_index(ld, ld->in_count - 1 - i)]);
        if (need > LDISC_OUTPUT_BYTES)
            is_visual = false;          /* could never fit: erase silently */
        else if (need > out_room(ld))
            return false;
    }
    for (size_t i = 0; i < count; i++) {
        unsigned char c = edit_last(ld);
        ld->in_count--;
        if (is_visual)
            echo_erase(ld, c);
    }
    return true;
}

/* Canonical editing characters. Returns 1 when handled, 0 when c is not
 * one, -1 when it must wait for output room. */
static int receive_edit(struct ldisc *ld, unsigned char c, unsigned *events)
{
    tcflag_t lflag = ld->termios.c_lflag;
    bool has_echo = flag_on(lflag, ECHO);
    bool is_erase = is_cc(ld, VERASE, c);
    bool is_werase = flag_on(lflag, IEXTEN) && is_cc(ld, VWERASE, c);
    bool is_kill = is_cc(ld, VKILL, c);

    if (is_erase || is_werase || (is_kill && flag_on(lflag, ECHOKE))) {
        size_t count = is_erase ? (edit_len(ld) ? 1 : 0) : is_werase ? werase_count(ld) : edit_len(ld);
        bool is_visual = has_echo && flag_on(lflag, ECHOE);
        if (has_echo && !is_visual && out_room(ld) < 2)
            return -1;
        if (!erase_bytes(ld, count, is_visual))
            return -1;
        if (has_echo && !is_visual)
            echo_char(ld, c);           /* no ECHOE: the character itself */
        if (has_echo)
            *events |= LDISC_EV_OUTPUT;
        return 1;
    }
    if (is_kill) {                      /* no ECHOKE: "^U" and a newline */
        if (has_echo && out_room(ld) < 4)
            return -1;
        erase_bytes(ld, edit_len(ld), false);
        if (has_echo) {
            echo_char(ld, c);
            if (flag_on(lflag, ECHOK))
                out_put(ld, '\n');
            *events |= LDISC_EV_OUTPUT;
        }
        return 1;
    }
    if (flag_on(lflag, IEXTEN) && is_cc(ld, VLNEXT, c)) {
        if (has_echo && flag_on(lflag, ECHOCTL)) {
            if (out_room(ld) < 2)
                return -1;
            out_put_raw(ld, '^');
            out_put_raw(ld, '\b');
            *events |= LDISC_EV_OUTPUT;
        }
        ld->is_lnext = true;
        return 1;
    }
    return 0;
}

/* Output room an input byte's echo may take: 2 for any echo below ("^X",
 * "\r\n", a beep), plus 3 for a literal byte's "\b \b" over VLNEXT's "^".
 * receive_one checks it before changing anything, so no path overruns the
 * ring. */
static size_t echo_room_needed(const struct ldisc *ld, bool is_literal)
{
    return 2 + (is_literal && flag_on(ld->termios.c_lflag, ECHOCTL) ? 3 : 0);
}

/* The byte after VLNEXT is being stored: end the literal state and erase
 * the "^" VLNEXT echoed (room checked by receive_one). Called only once
 * the byte is certainly taken, so a byte that must wait for input room
 * stays literal when it comes back. */
static void lnext_finish(struct ldisc *ld)
{
    if (!ld->is_lnext)
        return;
    ld->is_lnext = false;
    if (flag_on(ld->termios.c_lflag, ECHO) && flag_on(ld->termios.c_lflag, ECHOCTL)) {
        out_put_raw(ld, '\b');
        out_put_raw(ld, ' ');
        out_put_raw(ld, '\b');
    }
}

/* One input byte. Returns false when it cannot be taken yet (no room). */
static bool receive_one(struct ldisc *ld, unsigned char c, unsigned *events)
{
    const struct termios *t = &ld->termios;
    bool is_canonical = flag_on(t->c_lflag, ICANON);
    bool has_echo = flag_on(t->c_lflag, ECHO);

    bool is_literal = ld->is_lnext;
    if (has_echo && out_room(ld) < echo_room_needed(ld, is_literal))
        return false;
    if (flag_on(t->c_iflag, ISTRIP))
        c &= 0x7f;
    if (!is_literal) {
        if (c == '\r') {
            if (flag_on(t->c_iflag, IGNCR))
                return true;
            if (flag_on(t->c_iflag, ICRNL))
                c = '\n';
        } else if (c == '\n' && flag_on(t->c_iflag, INLCR)) {
            c = '\r';
        }
        if (flag_on(t->c_lflag, ISIG)) {
            unsigned sig = is_cc(ld, VINTR, c) ? LDISC_EV_SIGINT
                         : is_cc(ld, VQUIT, c) ? LDISC_EV_SIGQUIT
                         : is_cc(ld, VSUSP, c) ? LDISC_EV_SIGTSTP : 0;
            if (sig) {
                if (!flag_on(t->c_lflag, NOFLSH)) {
                    ldisc_flush_input(ld);
                    ldisc_flush_output(ld);
                    *events |= LDISC_EV_ROOM;
                }
                if (has_echo) {
                    echo_char(ld, c);
                    *events |= LDISC_EV_OUTPUT;
                }
                *events |= sig;
                return true;
            }
        }
        if (is_canonical) {
            int rc = receive_edit(ld, c, events);
            if (rc != 0)
                return rc > 0;
        }
    }

    if (!is_canonical) {
        if (ld->in_count == LDISC_INPUT_BYTES)
            return false;
        lnext_finish(ld);
        in_put(ld, c, 0);
        ld->in_committed = ld->in_count;
        if (has_echo) {
            echo_char(ld, c);
            *events |= LDISC_EV_OUTPUT;
        }
        *events |= LDISC_EV_INPUT;
        return true;
    }

    bool is_eof = !is_literal && is_cc(ld, VEOF, c);
    bool is_eol = !is_literal && (c == '\n' || is_cc(ld, VEOL, c) || is_cc(ld, VEOL2, c));
    if (is_eof || is_eol) {
        if (ld->in_count == LDISC_INPUT_BYTES)
            return false;               /* complete lines fill it: wait */
        in_put(ld, c, (uint8_t)(MARK_EOL | (is_eof ? MARK_EOF : 0)));
        ld->in_committed = ld->in_count;
        if (is_eol && (has_echo || (c == '\n' && flag_on(t->c_lflag, ECHONL)))) {
            if (c == '\n')
                out_put(ld, '\n');
            else
                echo_char(ld, c);
            *events |= LDISC_EV_OUTPUT;
        }
        *events |= LDISC_EV_INPUT;
        return true;
    }
    /* An ordinary byte keeps one slot free for the line's end. */
    if (ld->in_count >= LDISC_INPUT_BYTES - 1) {
        if (ld->in_committed > 0)
            return false;               /* a reader will make room */
        lnext_finish(ld);
        if (has_echo) {                 /* the line alone fills it: beep, drop */
            out_put_raw(ld, '\a');
            *events |= LDISC_EV_OUTPUT;
        }
        return true;
    }
    lnext_finish(ld);
    in_put(ld, c, 0);
    if (has_echo) {
        echo_char(ld, c);
        *events |= LDISC_EV_OUTPUT;
    }
    return true;
}

unsigned ldisc_receive(struct ldisc *ld, const char *buf, size_t len, size_t *consumed)
{
    unsigned events = 0;
    size_t n = 0;
    if (flag_on(ld->termios.c_cflag, CREAD)) {
        while (n < len && receive_one(ld, (unsigned char)buf[n], &events))
            n++;
    } else {
        n = len;                        /* no receiver: input is discarded */
    }
    *consumed = n;
    return events;
}

/* ---- reading ------------------------------------------------------------ */

static void in_pop(struct ldisc *ld)
{
    ld->in_head = (ld->in_head + 1) % LDISC_INPUT_BYTES;
    ld->in_count--;
    ld->in_committed--;
}

long ldisc_read(struct ldisc *ld, char *buf, size_t len)
{
    bool is_canonical = flag_on(ld->termios.c_lflag, ICANON);
    if (is_canonical && ld->in_committed == 0)
        return -EAGAIN;
    size_t n = 0;
    bool has_line_end = false;
    while (n < len && ld->in_committed > 0) {
        char c = ld->in_buf[ld->in_head];
        uint8_t mark = ld->in_mark[ld->in_head];
        in_pop(ld);
        if (mark & MARK_EOF) {
            if (is_canonical) {
                has_line_end = true;
                break;
            }
            continue;
        }
        buf[n++] = c;
        if (is_canonical && (mark & MARK_EOL)) {
            has_line_end = true;
            break;
        }
    }
    /* A line that filled buf exactly: its VEOF goes with it, or the next
     * read would see end of file. */
    if (is_canonical && !has_line_end && ld->in_committed > 0 &&
        (ld->in_mark[ld->in_head] & MARK_EOF))
        in_pop(ld);
    return (long)n;
}

size_t ldisc_readable_bytes(const struct ldisc *ld)
{
    return ld->in_committed;
}

bool ldisc_is_readable(const struct ldisc *ld)
{
    return ld->in_committed > 0;
}

bool ldisc_raw_read_done(const struct termios *t, size_t len, size_t got, bool timer_expired)
{
    size_t vmin = t->c_cc[VMIN], vtime = t->c_cc[VTIME];
    size_t minimum = vmin < len ? vmin : len;
    if (len == 0 || got >= len)
        return true;
    if (vmin == 0)
        return vtime == 0 || got > 0 || timer_expired;
    if (got >= minimum)
        return true;
    return vtime > 0 && got > 0 && timer_expired;
}

uint64_t ldisc_raw_timer_ns(const struct termios *t, size_t got)
{
    uint64_t vtime_ns = (uint64_t)t->c_cc[VTIME] * 100000000ull;
    if (t->c_cc[VMIN] > 0 && got == 0)
        return 0;
    return vtime_ns;
}
