/* input.c: where commands come from (a string, a file read whole, a
 * non-terminal stdin read a byte at a time so programs the shell starts
 * get the rest, or the line editor) and the read-parse-run loop, which asks
 * for more lines (PS2) while a command is incomplete. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sh.h"

static int source_depth;
long top_command_number;

static int read_plain_line(int fd, struct strbuf *line)
{
    size_t start = line->len;
    for (;;) {
        char c;
        ssize_t k = read(fd, &c, 1);
        if (k < 0 && errno == EINTR) {
            if (interrupted && opt.interactive)
                return 2;
            continue;
        }
        if (k <= 0)
            return line->len > start ? 1 : 0;
        sb_addc(line, c);
        if (c == '\n')
            return 1;
    }
}

static const char *prompt_text(bool continuation)
{
    const char *ps = var_get(continuation ? "PS2" : "PS1");
    if (!ps)
        return continuation ? "> " : (geteuid() == 0 ? "# " : "$ ");
    const char *expanded = expand_prompt(ps);
    return expanded ? expanded : ps;
}

int source_getline(struct source *src, struct strbuf *line, bool continuation)
{
    if (src->fd < 0) {
        if (src->pos >= src->len)
            return 0;
        const char *start = src->text + src->pos;
        const char *nl = memchr(start, '\n', src->len - src->pos);
        size_t n = nl ? (size_t)(nl - start) + 1 : src->len - src->pos;
        sb_add(line, start, n);
        if (!nl)
            sb_addc(line, '\n');
        src->pos += n;
        return 1;
    }
    struct arena_mark mark;
    arena_get_mark(scratch, &mark);
    int r;
    if (src->edit) {
        struct strbuf edited = { 0 };
        r = lineedit_read(src->fd, prompt_text(continuation), &edited);
        if (r == 1) {
            if (edited.len > 0)
                lineedit_history_add(sb_str(&edited));
            sb_add(line, sb_str(&edited), edited.len);
            sb_addc(line, '\n');
        }
        sb_free(&edited);
    } else {
        if (opt.interactive) {
            const char *p = prompt_text(continuation);
            out_write(2, p, strlen(p));
        }
        r = read_plain_line(src->fd, line);
        if (r == 1 && line->s[line->len - 1] != '\n')
            sb_addc(line, '\n');
    }
    arena_release(scratch, &mark);
    return r;
}

static void drop_front(struct strbuf *buf, size_t n)
{
    memmove(buf->s, buf->s + n, buf->len - n);
    buf->len -= n;
    buf->s[buf->len] = '\0';
}

/* Parse and run the complete commands at the front of buf; returns false
 * when more input is needed for the rest. */
static void run_buffer(struct strbuf *buf, int *line, bool *stop)
{
    while (buf->len > 0 && !*stop) {
        struct arena *arena = arena_new();
        struct node *node;
        size_t consumed;
        int lines_used;
        char err[200];
        enum parse_result res = parse_command(buf->s, buf->len, *line, arena, &node,
                                              &consumed, &lines_used, err, sizeof err);
        if (res == PARSE_INCOMPLETE) {
            arena_unref(arena);
            return;
        }
        if (res == PARSE_ERROR) {
            arena_unref(arena);
            current_line = *line + lines_used;
            sh_error("%s", err);
            last_status = 2;
            if (!opt.interactive)
                shell_exit(2);
            buf->len = 0;
            *line += lines_used + 1;
            return;
        }
        current_line = *line;
        *line += lines_used;
        /* keep the text: node points into the arena, not into buf */
        drop_front(buf, consumed);
        if (res == PARSE_OK) {
            interrupted = 0;
            if (source_depth == 1)
                top_command_number++;
            eval(node, 0);
            traps_run_pending();
            if (pending_jump != JUMP_NONE) {
                if (source_depth == 1 && pending_jump != JUMP_RETURN)
                    pending_jump = JUMP_NONE;
                else
                    *stop = true;
            }
            if (interrupted && opt.interactive && source_depth == 1) {
                out_write(2, "\n", 1);   /* after the terminal's ^C */
                interrupted = 0;
            }
            else if (interrupted)
                *stop = true;
        }
        arena_unref(arena);
        if (!opt.interactive)
            jobs_report(false);
    }
}

int run_source(struct source *src)
{
    struct strbuf buf = { 0 };
    int line = src->first_line > 0 ? src->first_line : 1;
    bool stop = false;
    source_depth++;
    while (!stop) {
        if (src->edit && buf.len == 0)
            jobs_report(true);
        int r = source_getline(src, &buf, buf.len > 0);
        if (r == 2) {
            buf.len = 0;
            last_status = 130;
            interrupted = 0;
            continue;
        }
        /* Ctrl-D counts as a command: only one right after a warning exits */
        if (r == 0 && src->edit && buf.len == 0 && jobs_block_exit(++top_command_number)) {
            src->eof = false;
            continue;
        }
        if (r == 0) {
            if (buf.len > 0) {
                current_line = line;
                sh_error("syntax error: unexpected end of file");
                last_status = 2;
                if (!opt.interactive && source_depth == 1)
                    shell_exit(2);
            }
            break;
        }
        run_buffer(&buf, &line, &stop);
    }
    sb_free(&buf);
    source_depth--;
    return last_status;
}

int eval_string(const char *text, const char *what)
{
    (void)what;
    struct source src = { .text = text, .len = strlen(text), .fd = -1,
                          .first_line = current_line };
    int saved_line = current_line;
    int status = run_source(&src);
    current_line = saved_line;
    return status;
}

int run_file(const char *path, bool must_exist)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (!must_exist)
            return 0;
        sh_error("%s: %s", path, strerror(errno));
        return 127;
    }
    struct strbuf text = { 0 };
    char chunk[4096];
    for (;;) {
        ssize_t k = read(fd, chunk, sizeof chunk);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        sb_add(&text, chunk, (size_t)k);
    }
    close(fd);
    struct source src = { .text = sb_str(&text), .len = text.len, .fd = -1 };
    int saved_line = current_line;
    last_status = 0;
    int status = run_source(&src);
    current_line = saved_line;
    sb_free(&text);
    return status;
}
