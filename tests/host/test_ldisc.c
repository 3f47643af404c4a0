/* The line discipline core (libos/tty/ldisc.c): one behaviour per test. */
#include <string.h>
#include <abi/errno.h>
#include <abi/termios.h>
#include <tty/ldisc.h>
#include "stubs.h"

static struct ldisc ld;

static void reset(void)
{
    ldisc_init(&ld);
}

static unsigned feed(const char *s)
{
    size_t consumed;
    unsigned ev = ldisc_receive(&ld, s, strlen(s), &consumed);
    CHECK(consumed == strlen(s), "consumed %zu of %zu", consumed, strlen(s));
    return ev;
}

/* The processed output so far, as a string. */
static const char *output(void)
{
    static char buf[LDISC_OUTPUT_BYTES + 1];
    unsigned ev = 0;
    size_t n = ldisc_output_take(&ld, buf, LDISC_OUTPUT_BYTES, &ev);
    buf[n] = 0;
    return buf;
}

static const char *read_line(void)
{
    static char buf[LDISC_INPUT_BYTES + 1];
    long n = ldisc_read(&ld, buf, LDISC_INPUT_BYTES);
    CHECK(n >= 0, "read returned %ld", n);
    buf[n] = 0;
    return buf;
}

static void set_lflag(tcflag_t on, tcflag_t off)
{
    struct termios t = ld.termios;
    t.c_lflag = (t.c_lflag | on) & ~off;
    ldisc_set_termios(&ld, &t);
}

static void canonical_line_delivered_at_newline(void)
{
    reset();
    feed("abc");
    char buf[8];
    CHECK(ldisc_read(&ld, buf, sizeof(buf)) == -EAGAIN, "no line before the newline");
    CHECK(!ldisc_is_readable(&ld), "not readable yet");
    unsigned ev = feed("\n");
    CHECK(ev & LDISC_EV_INPUT, "events %#x", ev);
    const char *line = read_line();
    CHECK(strcmp(line, "abc\n") == 0, "got '%s'", line);
}

static void canonical_read_returns_one_line_at_a_time(void)
{
    reset();
    feed("one\ntwo\n");
    CHECK(strcmp(read_line(), "one\n") == 0, "first line");
    CHECK(strcmp(read_line(), "two\n") == 0, "second line");
}

static void canonical_short_read_keeps_rest_of_line(void)
{
    reset();
    feed("abcdef\n");
    char buf[4];
    CHECK(ldisc_read(&ld, buf, 4) == 4 && memcmp(buf, "abcd", 4) == 0, "first part");
    CHECK(strcmp(read_line(), "ef\n") == 0, "rest");
}

static void erase_removes_last_char_and_echoes_backspace(void)
{
    reset();
    feed("ab\x7f");
    CHECK(strcmp(output(), "ab\b \b") == 0, "echo");
    feed("c\n");
    CHECK(strcmp(read_line(), "ac\n") == 0, "line");
}

static void erase_of_control_char_erases_two_columns(void)
{
    reset();
    feed("\x01\x7f");
    CHECK(strcmp(output(), "^A\b \b\b \b") == 0, "echo");
}

static void erase_at_line_start_does_nothing(void)
{
    reset();
    feed("\x7f\x7fx\n");
    CHECK(strcmp(read_line(), "x\n") == 0, "line");
    CHECK(strcmp(output(), "x\r\n") == 0, "no erase echo");
}

static void erase_never_crosses_a_completed_line(void)
{
    reset();
    feed("a\n\x7f\x7f" "b\n");
    CHECK(strcmp(read_line(), "a\n") == 0, "first line intact");
    CHECK(strcmp(read_line(), "b\n") == 0, "second");
}

static void kill_erases_whole_line(void)
{
    reset();
    feed("hello\x15" "bye\n");
    CHECK(strcmp(read_line(), "bye\n") == 0, "line");
    const char *out = output();
    CHECK(strncmp(out, "hello\b \b\b \b\b \b\b \b\b \b", 20) == 0, "visual kill: '%s'", out);
}

static void kill_without_echoke_echoes_newline(void)
{
    reset();
    set_lflag(0, ECHOKE);
    feed("ab\x15");
    CHECK(strcmp(output(), "ab^U\r\n") == 0, "echo");
}

static void werase_removes_last_word_and_blanks(void)
{
    reset();
    feed("ls foo  \x17" "bar\n");
    CHECK(strcmp(read_line(), "ls bar\n") == 0, "line");
}

static void eof_at_line_start_reads_zero(void)
{
    reset();
    feed("\x04");
    char buf[8];
    CHECK(ldisc_is_readable(&ld), "readable");
    CHECK(ldisc_read(&ld, buf, sizeof(buf)) == 0, "end of file");
    CHECK(ldisc_read(&ld, buf, sizeof(buf)) == -EAGAIN, "only once");
}

static void eof_after_text_ends_line_without_newline(void)
{
    reset();
    feed("abc\x04");
    CHECK(strcmp(read_line(), "abc") == 0, "line");
    char buf[8];
    CHECK(ldisc_read(&ld, buf, sizeof(buf)) == -EAGAIN, "no extra EOF");
}

static void eof_after_exactly_filling_read_is_not_a_second_eof(void)
{
    reset();
    feed("abc\x04");
    char buf[3];
    CHECK(ldisc_read(&ld, buf, 3) == 3, "three bytes");
    CHECK(ldisc_read(&ld, buf, 3) == -EAGAIN, "the EOF went with the line");
}

static void icrnl_maps_cr_to_newline(void)
{
    reset();
    feed("x\r");
    CHECK(strcmp(read_line(), "x\n") == 0, "line");
}

static void igncr_drops_cr(void)
{
    reset();
    struct termios t = ld.termios;
    t.c_iflag |= IGNCR;
    ldisc_set_termios(&ld, &t);
    feed("a\rb\n");
    CHECK(strcmp(read_line(), "ab\n") == 0, "line");
}

static void inlcr_maps_newline_to_cr(void)
{
    reset();
    struct termios t = ld.termios;
    t.c_iflag = INLCR;
    t.c_lflag &= ~(tcflag_t)ICANON;
    ldisc_set_termios(&ld, &t);
    feed("\n");
    char c;
    CHECK(ldisc_read(&ld, &c, 1) == 1 && c == '\r', "got %d", c);
}

static void onlcr_writes_cr_before_newline(void)
{
    reset();
    unsigned ev = 0;
    CHECK(ldisc_write(&ld, "a\nb", 3, &ev) == 3, "all written");
    CHECK(ev & LDISC_EV_OUTPUT, "output event");
    CHECK(strcmp(output(), "a\r\nb") == 0, "processed");
}

static void opost_off_writes_bytes_unchanged(void)
{
    reset();
    struct termios t = ld.termios;
    t.c_oflag &= ~(tcflag_t)OPOST;
    ldisc_set_termios(&ld, &t);
    unsigned ev = 0;
    ldisc_write(&ld, "a\n", 2, &ev);
    CHECK(strcmp(output(), "a\n") == 0, "raw output");
}

static void write_stops_when_output_full_and_drops_nothing(void)
{
    reset();
    static char big[LDISC_OUTPUT_BYTES];
    memset(big, '\n', sizeof(big));
    unsigned ev = 0;
    size_t n = ldisc_write(&ld, big, sizeof(big), &ev);
    CHECK(n == LDISC_OUTPUT_BYTES / 2, "took %zu newlines", n);
    CHECK(ldisc_write(&ld, big, 1, &ev) == 0, "full");
    CHECK(!ldisc_output_has_room(&ld), "no room");
    char buf[3];
    ldisc_output_take(&ld, buf, 3, &ev);
    CHECK(ldisc_write(&ld, big, 1, &ev) == 1, "room again");
    CHECK(ldisc_output_pending(&ld) == LDISC_OUTPUT_BYTES - 1, "pending %zu",
          ldisc_output_pending(&ld));
}

static void echo_shows_control_chars_as_caret(void)
{
    reset();
    feed("\x03");
    CHECK(strcmp(output(), "^C") == 0, "echo");
}

static void echo_off_echoes_nothing(void)
{
    reset();
    set_lflag(0, ECHO);
    feed("secret\n");
    CHECK(strcmp(output(), "") == 0, "no echo");
    CHECK(strcmp(read_line(), "secret\n") == 0, "line");
}

static void echonl_echoes_newline_with_echo_off(void)
{
    reset();
    set_lflag(ECHONL, ECHO);
    feed("pw\n");
    CHECK(strcmp(output(), "\r\n") == 0, "newline only");
}

static void isig_intr_reports_sigint_and_flushes(void)
{
    reset();
    feed("partial");
    output();
    unsigned ev = feed("\x03");
    CHECK(ev & LDISC_EV_SIGINT, "events %#x", ev);
    feed("\n");
    CHECK(strcmp(read_line(), "\n") == 0, "line flushed");
}

static void isig_quit_and_susp_report_their_signals(void)
{
    reset();
    CHECK(feed("\x1c") & LDISC_EV_SIGQUIT, "quit");
    CHECK(feed("\x1a") & LDISC_EV_SIGTSTP, "susp");
}

static void isig_off_passes_intr_as_data(void)
{
    reset();
    set_lflag(0, ISIG);
    unsigned ev = feed("\x03\n");
    CHECK(!(ev & LDISC_EV_SIGINT), "no signal");
    CHECK(strcmp(read_line(), "\x03\n") == 0, "data");
}

static void lnext_makes_next_char_literal(void)
{
    reset();
    unsigned ev = feed("\x16\x03\n");
    CHECK(!(ev & LDISC_EV_SIGINT), "no signal");
    CHECK(strcmp(read_line(), "\x03\n") == 0, "literal");
}

static void raw_mode_delivers_bytes_immediately(void)
{
    reset();
    set_lflag(0, ICANON | ECHO);
    feed("ab");
    char buf[4];
    CHECK(ldisc_read(&ld, buf, 4) == 2 && memcmp(buf, "ab", 2) == 0, "bytes");
    CHECK(ldisc_read(&ld, buf, 4) == 0, "nothing left");
}

static void switching_to_raw_pushes_the_edited_line(void)
{
    reset();
    feed("xy");
    set_lflag(0, ICANON);
    char buf[4];
    CHECK(ldisc_read(&ld, buf, 4) == 2, "pushed");
}

static void vmin_vtime_decisions_follow_linux(void)
{
    struct termios t;
    ldisc_default_termios(&t);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;                  /* polling read */
    CHECK(ldisc_raw_read_done(&t, 10, 0, false), "MIN 0 TIME 0 returns at once");
    CHECK(ldisc_raw_timer_ns(&t, 0) == 0, "no timer");
    t.c_cc[VTIME] = 5;                  /* read with a timeout */
    CHECK(!ldisc_raw_read_done(&t, 10, 0, false), "waits for a byte");
    CHECK(ldisc_raw_read_done(&t, 10, 1, false), "one byte is enough");
    CHECK(ldisc_raw_read_done(&t, 10, 0, true), "timeout returns 0");
    CHECK(ldisc_raw_timer_ns(&t, 0) == 500000000ull, "0.5 s");
    t.c_cc[VMIN] = 3;
    t.c_cc[VTIME] = 0;                  /* counted read */
    CHECK(!ldisc_raw_read_done(&t, 10, 2, false), "waits for 3");
    CHECK(ldisc_raw_read_done(&t, 10, 3, false), "3 is enough");
    CHECK(ldisc_raw_read_done(&t, 2, 2, false), "a shorter buffer lowers MIN");
    t.c_cc[VTIME] = 1;                  /* inter-byte timer */
    CHECK(ldisc_raw_timer_ns(&t, 0) == 0, "no timer before the first byte");
    CHECK(ldisc_raw_timer_ns(&t, 1) == 100000000ull, "timer after it");
    CHECK(!ldisc_raw_read_done(&t, 10, 0, true), "never times out with nothing");
    CHECK(ldisc_raw_read_done(&t, 10, 1, true), "times out with a byte");
}

static void full_canonical_line_drops_and_beeps_but_takes_newline(void)
{
    reset();
    static char big[LDISC_INPUT_BYTES + 10];
    memset(big, 'a', sizeof(big));
    set_lflag(0, ECHO);
    size_t consumed;
    ldisc_receive(&ld, big, sizeof(big), &consumed);
    CHECK(consumed == sizeof(big), "extra bytes dropped, consumed %zu", consumed);
    feed("\n");
    char *buf = malloc(LDISC_INPUT_BYTES);
    long n = ldisc_read(&ld, buf, LDISC_INPUT_BYTES);
    CHECK(n == LDISC_INPUT_BYTES, "line of %ld", n);
    CHECK(buf[n - 1] == '\n', "ends with newline");
    free(buf);
}

static void full_raw_buffer_pushes_back(void)
{
    reset();
    set_lflag(0, ICANON | ECHO);
    static char big[LDISC_INPUT_BYTES + 10];
    memset(big, 'a', sizeof(big));
    size_t consumed;
    ldisc_receive(&ld, big, sizeof(big), &consumed);
    CHECK(consumed == LDISC_INPUT_BYTES, "consumed %zu", consumed);
}

static void echo_waits_for_output_room(void)
{
    reset();
    static char big[LDISC_OUTPUT_BYTES];
    memset(big, 'x', sizeof(big));
    unsigned ev = 0;
    ldisc_write(&ld, big, sizeof(big), &ev);
    size_t consumed;
    ldisc_receive(&ld, "a", 1, &consumed);
    CHECK(consumed == 0, "input waits while its echo has no room");
}

/* A literal byte echoes "\b \b" over VLNEXT's "^" and then itself ("^A"):
 * 5 bytes. With 4 bytes of room it must wait, never overrun the ring. */
static void lnext_echo_never_overruns_output_ring(void)
{
    reset();
    static char big[LDISC_OUTPUT_BYTES];
    memset(big, 'x', sizeof(big));
    unsigned ev = 0;
    CHECK(ldisc_write(&ld, big, LDISC_OUTPUT_BYTES - 6, &ev) == LDISC_OUTPUT_BYTES - 6, "fill");
    feed("\x16");                       /* VLNEXT echoes "^\b": 4 bytes left */
    size_t consumed;
    ldisc_receive(&ld, "\x01", 1, &consumed);
    CHECK(ldisc_output_pending(&ld) <= LDISC_OUTPUT_BYTES, "pending %zu > ring %d",
          ldisc_output_pending(&ld), LDISC_OUTPUT_BYTES);
    CHECK(consumed == 0, "literal taken with %d bytes of room", 4);
    static char out[LDISC_OUTPUT_BYTES];
    size_t n = ldisc_output_take(&ld, out, sizeof(out), &ev);
    CHECK(n == LDISC_OUTPUT_BYTES - 4, "took %zu", n);
    CHECK(out[0] == 'x' && memcmp(out + n - 2, "^\b", 2) == 0, "ring content overwritten");
    feed("\x01\n");
    CHECK(strcmp(output(), "\b \b^A\r\n") == 0, "literal echo '%s'", output());
    const char *line = read_line();
    CHECK(strcmp(line, "\x01\n") == 0, "line '%s'", line);
}

/* A literal byte that must wait for input room is still literal when it
 * is taken: a literal ^C never turns into SIGINT. */
static void lnext_waiting_for_input_room_stays_literal(void)
{
    reset();
    set_lflag(0, ECHO);
    static char big[LDISC_INPUT_BYTES];
    memset(big, 'a', sizeof(big));
    big[LDISC_INPUT_BYTES - 2] = '\n';
    size_t consumed;
    ldisc_receive(&ld, big, LDISC_INPUT_BYTES - 1, &consumed);
    CHECK(consumed == LDISC_INPUT_BYTES - 1, "consumed %zu", consumed);
    feed("\x16");
    unsigned ev = ldisc_receive(&ld, "\x03", 1, &consumed);
    CHECK(consumed == 0 && !(ev & LDISC_EV_SIGINT), "no input room: waits (ev %#x)", ev);
    static char line[LDISC_INPUT_BYTES];
    CHECK(ldisc_read(&ld, line, sizeof(line)) == LDISC_INPUT_BYTES - 1, "first line");
    ev = feed("\x03\n");
    CHECK(!(ev & LDISC_EV_SIGINT), "literal ^C raised SIGINT (ev %#x)", ev);
    CHECK(strcmp(read_line(), "\x03\n") == 0, "literal ^C in the line");
}

static void cread_off_discards_input(void)
{
    reset();
    struct termios t = ld.termios;
    t.c_cflag &= ~(tcflag_t)CREAD;
    ldisc_set_termios(&ld, &t);
    feed("a\n");
    CHECK(!ldisc_is_readable(&ld), "discarded");
}

int main(void)
{
    canonical_line_delivered_at_newline();
    canonical_read_returns_one_line_at_a_time();
    canonical_short_read_keeps_rest_of_line();
    erase_removes_last_char_and_echoes_backspace();
    erase_of_control_char_erases_two_columns();
    erase_at_line_start_does_nothing();
    erase_never_crosses_a_completed_line();
    kill_erases_whole_line();
    kill_without_echoke_echoes_newline();
    werase_removes_last_word_and_blanks();
    eof_at_line_start_reads_zero();
    eof_after_text_ends_line_without_newline();
    eof_after_exactly_filling_read_is_not_a_second_eof();
    icrnl_maps_cr_to_newline();
    igncr_drops_cr();
    inlcr_maps_newline_to_cr();
    onlcr_writes_cr_before_newline();
    opost_off_writes_bytes_unchanged();
    write_stops_when_output_full_and_drops_nothing();
    echo_shows_control_chars_as_caret();
    echo_off_echoes_nothing();
    echonl_echoes_newline_with_echo_off();
    isig_intr_reports_sigint_and_flushes();
    isig_quit_and_susp_report_their_signals();
    isig_off_passes_intr_as_data();
    lnext_makes_next_char_literal();
    raw_mode_delivers_bytes_immediately();
    switching_to_raw_pushes_the_edited_line();
    vmin_vtime_decisions_follow_linux();
    full_canonical_line_drops_and_beeps_but_takes_newline();
    full_raw_buffer_pushes_back();
    echo_waits_for_output_room();
    cread_off_discards_input();
    lnext_echo_never_overruns_output_ring();
    lnext_waiting_for_input_room_stays_literal();
    printf("test_ldisc: ok\n");
    return 0;
}
