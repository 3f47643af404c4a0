/* read.c: the read builtin: one line from stdin split into variables by
 * IFS (backslash escapes unless -r), with -p (a prompt when stdin is a
 * terminal) and -t (a timeout in seconds, fractions allowed; status 142). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "sh.h"

static bool is_ifs_space(char c, const char *ifs)
{
    return (c == ' ' || c == '\t' || c == '\n') && strchr(ifs, c);
}

/* Wait for input on fd 0 until deadline_ms (monotonic; <0: forever).
 * False on timeout. */
static bool input_ready(long long deadline_ms)
{
    if (deadline_ms < 0)
        return true;
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long left = deadline_ms - ((long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
        if (left <= 0)
            return false;
        struct pollfd pfd = { .fd = 0, .events = POLLIN };
        int r = poll(&pfd, 1, left > 1000000 ? 1000000 : (int)left);
        if (r > 0)
            return true;
        if (r < 0 && errno != EINTR)
            return true;   /* let read report it */
        if (r < 0 && interrupted)
            return true;
    }
}

/* -t SECONDS (fractions allowed) to a monotonic deadline in ms; -2: bad */
static long long read_deadline(const char *text)
{
    char *end;
    double seconds = strtod(text, &end);
    if (!*text || *end || !(seconds >= 0) || seconds > 1e7)
        return -2;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000 + (long long)(seconds * 1000);
}

int builtin_read(int argc, char **argv)
{
    bool raw = false, timed_out = false;
    const char *prompt = NULL;
    long long deadline_ms = -1;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "-r") == 0) {
            raw = true;
        } else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
            prompt = argv[++i];
        } else if (strncmp(argv[i], "-t", 2) == 0 && (argv[i][2] || i + 1 < argc)) {
            const char *t = argv[i][2] ? argv[i] + 2 : argv[++i];
            deadline_ms = read_deadline(t);
            if (deadline_ms == -2) {
                sh_error("read: %s: invalid timeout specification", t);
                return 1;
            }
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            sh_error("read: %s: invalid option", argv[i]);
            return 2;
        }
    }
    if (prompt && isatty(0))
        out_printf(2, "%s", prompt);
    /* text with the escaped characters marked: they never split */
    struct strbuf text = { 0 }, escaped = { 0 };
    bool got_newline = false;
    for (;;) {
        char c;
        if (!input_ready(deadline_ms)) {
            timed_out = true;
            break;
        }
        ssize_t k = read(0, &c, 1);
        if (k < 0 && errno == EINTR) {
            if (interrupted)
                break;
            continue;
        }
        if (k <= 0)
            break;
        if (c == '\n') {
            got_newline = true;
            break;
        }
        if (c == '\\' && !raw) {
            k = read(0, &c, 1);
            if (k <= 0)
                break;
            if (c == '\n')
                continue;
            sb_addc(&text, c);
            sb_addc(&escaped, 1);
            continue;
        }
        sb_addc(&text, c);
        sb_addc(&escaped, 0);
    }
    const char *ifs = var_get("IFS");
    if (!ifs)
        ifs = " \t\n";
    const char *s = sb_str(&text);
    const char *esc = sb_str(&escaped);
    size_t len = text.len, pos = 0;
    const char *defname = "REPLY";
    int nnames = argc - i;
    char **names = nnames > 0 ? argv + i : (char **)&defname;
    if (nnames == 0)
        nnames = 1;
    int status = got_newline ? 0 : 1;   /* end of file first: 1, names still set */
    if (timed_out)
        status = 128 + SIGALRM;         /* bash: 142 */
    for (int n = 0; n < nnames; n++) {
        bool last = n == nnames - 1;
        if (!(nnames == 1 && names == (char **)&defname))
            while (pos < len && !esc[pos] && is_ifs_space(s[pos], ifs))
                pos++;
        size_t start = pos, end;
        if (last) {
            end = len;
            if (!(names == (char **)&defname))
                while (end > start && !esc[end - 1] && is_ifs_space(s[end - 1], ifs))
                    end--;
            pos = len;
        } else {
            while (pos < len && (esc[pos] || !strchr(ifs, s[pos])))
                pos++;
            end = pos;
            while (pos < len && !esc[pos] && is_ifs_space(s[pos], ifs))
                pos++;
            if (pos < len && !esc[pos] && strchr(ifs, s[pos]))
                pos++;
        }
        char *value = xstrndup(s + start, end - start);
        if (var_set(names[n], value) < 0)
            status = 2;
        free(value);
    }
    sb_free(&text);
    sb_free(&escaped);
    return status;
}
