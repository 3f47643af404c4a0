/* lineedit.c: the interactive line editor. The terminal is in raw mode
 * only while a line is edited (ICANON, ECHO, ISIG off) and back in the
 * shell's modes before a command runs. Output stays minimal: a typed
 * character at the end is echoed as is; anything else redraws the line:
 * up to the prompt's first row (ESC [ A, \r), ESC [ J, the prompt, the
 * text, then back to the cursor. Lines longer than the terminal is wide wrap
 * onto several rows; the editor tracks the row its cursor is on. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "sh.h"

#define HISTORY_MAX 200

static char *history[HISTORY_MAX];
static int history_len;

void lineedit_history_add(const char *line)
{
    if (history_len > 0 && strcmp(history[history_len - 1], line) == 0)
        return;
    if (history_len == HISTORY_MAX) {
        free(history[0]);
        memmove(history, history + 1, (HISTORY_MAX - 1) * sizeof *history);
        history_len--;
    }
    history[history_len++] = xstrdup(line);
}

void lineedit_history_print(void)
{
    for (int i = 0; i < history_len; i++)
        out_printf(1, "%5d  %s\n", i + 1, history[i]);
}

struct editor {
    int fd;              /* keys come from here */
    int out;             /* echo and redraws go here (stderr: fd may be read-only) */
    const char *prompt;  /* its last line: what a redraw rewrites */
    size_t prompt_len;
    size_t columns;      /* terminal width */
    size_t cursor_row;   /* row of the terminal cursor, 0: the prompt's */
    struct strbuf line;
    size_t cursor;
    int hist_index;      /* history_len: the line being typed */
    char *typed;         /* that line, while browsing history */
};

/* The terminal's width: TIOCGWINSZ, else $COLUMNS, else 80. */
static size_t terminal_columns(int fd)
{
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *env = var_get("COLUMNS");
    long n = env ? strtol(env, NULL, 10) : 0;
    return n > 0 && n < 10000 ? (size_t)n : 80;
}

static void add_move(struct strbuf *out, size_t n, char direction)
{
    char move[32];
    if (n == 0)
        return;
    snprintf(move, sizeof move, "\x1b[%zu%c", n, direction);
    sb_adds(out, move);
}

/* The row the terminal cursor is on after n characters from the prompt's
 * row start: after the last column it waits there until the next one. */
static size_t row_after(const struct editor *e, size_t n)
{
    return n > 0 && n % e->columns == 0 ? n / e->columns - 1 : n / e->columns;
}

static void redraw(struct editor *e)
{
    struct strbuf out = { 0 };
    add_move(&out, e->cursor_row, 'A');
    /* clear first: ESC [ J at a pending wrap would erase the last column */
    sb_adds(&out, "\r\x1b[J");
    sb_adds(&out, e->prompt);
    sb_add(&out, sb_str(&e->line), e->line.len);
    size_t total = e->prompt_len + e->line.len;
    size_t at = e->prompt_len + e->cursor;
    e->cursor_row = row_after(e, total);
    if (at < total) {
        add_move(&out, e->cursor_row - at / e->columns, 'A');
        sb_addc(&out, '\r');
        add_move(&out, at % e->columns, 'C');
        e->cursor_row = at / e->columns;
    }
    out_write(e->out, out.s, out.len);
    sb_free(&out);
}

/* Put the terminal cursor on the line's last row (before Enter's \r\n) */
static void move_below_line(struct editor *e)
{
    struct strbuf out = { 0 };
    add_move(&out, row_after(e, e->prompt_len + e->line.len) - e->cursor_row, 'B');
    if (out.len)
        out_write(e->out, out.s, out.len);
    sb_free(&out);
}

static void set_line(struct editor *e, const char *text)
{
    e->line.len = 0;
    sb_adds(&e->line, text);
    if (!e->line.s)
        sb_add(&e->line, "", 0);
    e->cursor = e->line.len;
}

static void delete_range(struct editor *e, size_t from, size_t to)
{
    memmove(e->line.s + from, e->line.s + to, e->line.len - to + 1);
    e->line.len -= to - from;
    e->cursor = from;
}

static void insert_char(struct editor *e, char c)
{
    sb_addc(&e->line, c);
    memmove(e->line.s + e->cursor + 1, e->line.s + e->cursor, e->line.len - e->cursor - 1);
    e->line.s[e->cursor++] = c;
    if (e->cursor == e->line.len) {
        out_write(e->out, &c, 1);
        e->cursor_row = row_after(e, e->prompt_len + e->line.len);
    } else {
        redraw(e);
    }
}

static void history_move(struct editor *e, int delta)
{
    int target = e->hist_index + delta;
    if (target < 0 || target > history_len)
        return;
    if (e->hist_index == history_len) {
        free(e->typed);
        e->typed = xstrdup(sb_str(&e->line));
    }
    e->hist_index = target;
    set_line(e, target == history_len ? (e->typed ? e->typed : "") : history[target]);
    redraw(e);
}

static int read_key(int fd, char *c)
{
    for (;;) {
        ssize_t k = read(fd, c, 1);
        if (k == 1)
            return 1;
        if (k < 0 && errno == EINTR)
            continue;
        return 0;
    }
}

static void escape_sequence(struct editor *e)
{
    char c1, c2;
    if (!read_key(e->fd, &c1) || (c1 != '[' && c1 != 'O') || !read_key(e->fd, &c2))
        return;
    switch (c2) {
    case 'A': history_move(e, -1); break;
    case 'B': history_move(e, 1); break;
    case 'C':
        if (e->cursor < e->line.len) {
            e->cursor++;
            redraw(e);
        }
        break;
    case 'D':
        if (e->cursor > 0) {
            e->cursor--;
            redraw(e);
        }
        break;
    case 'H': e->cursor = 0; redraw(e); break;
    case 'F': e->cursor = e->line.len; redraw(e); break;
    default:
        if (c2 >= '0' && c2 <= '9') {
            char c3;
            if (!read_key(e->fd, &c3))
                return;
            if (c2 == '3' && c3 == '~' && e->cursor < e->line.len) {
                delete_range(e, e->cursor, e->cursor + 1);
                redraw(e);
            } else if ((c2 == '1' || c2 == '7') && c3 == '~') {
                e->cursor = 0;
                redraw(e);
            } else if ((c2 == '4' || c2 == '8') && c3 == '~') {
                e->cursor = e->line.len;
                redraw(e);
            }
        }
    }
}

/* One key; returns -1 to go on, or lineedit_read's result. */
static int handle_key(struct editor *e, char c)
{
    switch (c) {
    case '\r':
    case '\n':
        return 1;
    case 3:   /* Ctrl-C */
        e->line.len = 0;
        return 2;
    case 4:   /* Ctrl-D */
        if (e->line.len == 0)
            return 0;
        if (e->cursor < e->line.len) {
            delete_range(e, e->cursor, e->cursor + 1);
            redraw(e);
        }
        break;
    case 0x7f:
    case 8:
        if (e->cursor > 0) {
            delete_range(e, e->cursor - 1, e->cursor);
            redraw(e);
        }
        break;
    case 21:  /* Ctrl-U */
        delete_range(e, 0, e->cursor);
        redraw(e);
        break;
    case 11:  /* Ctrl-K */
        delete_range(e, e->cursor, e->line.len);
        redraw(e);
        break;
    case 23: {/* Ctrl-W */
        size_t to = e->cursor, from = to;
        while (from > 0 && e->line.s[from - 1] == ' ')
            from--;
        while (from > 0 && e->line.s[from - 1] != ' ')
            from--;
        delete_range(e, from, to);
        redraw(e);
        break;
    }
    case 1: e->cursor = 0; redraw(e); break;          /* Ctrl-A */
    case 5: e->cursor = e->line.len; redraw(e); break; /* Ctrl-E */
    case 2:   /* Ctrl-B */
        if (e->cursor > 0)
            e->cursor--;
        redraw(e);
        break;
    case 6:   /* Ctrl-F */
        if (e->cursor < e->line.len)
            e->cursor++;
        redraw(e);
        break;
    case 12:  /* Ctrl-L */
        out_write(e->out, "\x1b[H\x1b[2J", 7);
        e->cursor_row = 0;
        redraw(e);
        break;
    case 16: history_move(e, -1); break;  /* Ctrl-P */
    case 14: history_move(e, 1); break;   /* Ctrl-N */
    case 27:
        escape_sequence(e);
        break;
    case '\t':
        insert_char(e, ' ');
        break;
    default:
        if ((unsigned char)c >= 32)
            insert_char(e, c);
    }
    return -1;
}

static int read_plain(int fd, const char *prompt, struct strbuf *out)
{
    out_write(2, prompt, strlen(prompt));
    for (;;) {
        char c;
        if (!read_key(fd, &c))
            return out->len > 0 ? 1 : 0;
        if (c == '\n')
            return 1;
        sb_addc(out, c);
    }
}

int lineedit_read(int fd, const char *prompt, struct strbuf *out)
{
    struct termios saved, raw;
    if (tcgetattr(fd, &saved) < 0)
        return read_plain(fd, prompt, out);
    raw = saved;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
    raw.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IXON);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSADRAIN, &raw) < 0)
        return read_plain(fd, prompt, out);
    const char *last_line = strrchr(prompt, '\n');
    last_line = last_line ? last_line + 1 : prompt;
    struct editor e = { .fd = fd, .out = 2, .prompt = last_line,
                        .prompt_len = strlen(last_line), .columns = terminal_columns(fd),
                        .hist_index = history_len };
    set_line(&e, "");
    out_write(e.out, prompt, strlen(prompt));
    e.cursor_row = row_after(&e, e.prompt_len);
    int result;
    for (;;) {
        char c;
        if (!read_key(fd, &c)) {
            result = e.line.len > 0 ? 1 : 0;
            break;
        }
        result = handle_key(&e, c);
        if (result >= 0)
            break;
    }
    /* Back to the modes the command expects at once (TCSANOW, not after
     * the output drains): keys typed ahead for it must find them. */
    tcsetattr(fd, TCSANOW, &saved);
    move_below_line(&e);
    if (result == 2)
        out_write(e.out, "^C\r\n", 4);
    else
        out_write(e.out, "\r\n", 2);
    if (result == 1)
        sb_add(out, sb_str(&e.line), e.line.len);
    sb_free(&e.line);
    free(e.typed);
    return result;
}
