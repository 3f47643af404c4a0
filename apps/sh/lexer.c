/* lexer.c: splits shell source into tokens. Words keep their quotes and
 * substitutions raw; expand.c interprets them when the command runs. The
 * lexer also reads here-document bodies after the newline that ends their
 * command, and reports running out of input apart from real errors, so an
 * interactive shell can ask for another line (PS2). */
#include <stdio.h>
#include <string.h>
#include "sh.h"

#define END ((size_t)-1)

void lex_init(struct lexer *lx, const char *buf, size_t len, struct arena *arena, jmp_buf *fail)
{
    memset(lx, 0, sizeof *lx);
    lx->buf = buf;
    lx->len = len;
    lx->arena = arena;
    lx->fail = fail;
    lx->line = 1;
}

void lex_fail(struct lexer *lx, bool incomplete, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lx->errmsg, sizeof lx->errmsg, fmt, ap);
    va_end(ap);
    lx->incomplete = incomplete;
    longjmp(*lx->fail, 1);
}

size_t skip_squote(const char *s, size_t n, size_t i)
{
    for (i++; i < n; i++)
        if (s[i] == '\'')
            return i + 1;
    return END;
}

size_t skip_backquote(const char *s, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '`')
            return i + 1;
    }
    return END;
}

size_t skip_dquote(const char *s, size_t n, size_t i)
{
    for (i++; i < n && i != END;) {
        switch (s[i]) {
        case '\\': i += 2; break;
        case '"': return i + 1;
        case '$': i = skip_dollar(s, n, i); break;
        case '`': i = skip_backquote(s, n, i); break;
        default: i++;
        }
    }
    return END;
}

/* s[i] is '(' or '{': skip to the matching close, minding quotes. */
static size_t skip_nested(const char *s, size_t n, size_t i, char open, char close)
{
    int depth = 0;
    while (i < n && i != END) {
        char c = s[i];
        if (c == open) {
            depth++;
            i++;
        } else if (c == close) {
            i++;
            if (--depth == 0)
                return i;
        } else if (c == '\\') {
            i += 2;
        } else if (c == '\'') {
            i = skip_squote(s, n, i);
        } else if (c == '"') {
            i = skip_dquote(s, n, i);
        } else if (c == '`') {
            i = skip_backquote(s, n, i);
        } else if (c == '$' && i + 1 < n && (s[i + 1] == '{' || (s[i + 1] == '(' && open == '{'))) {
            i = skip_dollar(s, n, i);
        } else {
            i++;
        }
    }
    return END;
}

size_t skip_dollar(const char *s, size_t n, size_t i)
{
    if (i + 1 >= n)
        return i + 1;
    if (s[i + 1] == '(')
        return skip_nested(s, n, i + 1, '(', ')');
    if (s[i + 1] == '{')
        return skip_nested(s, n, i + 1, '{', '}');
    return i + 1;
}

static bool is_meta(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' ||
           c == '<' || c == '>' || c == '(' || c == ')';
}

bool is_name(const char *s, size_t n)
{
    if (n == 0 || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

static void count_lines(struct lexer *lx, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (lx->buf[i] == '\n')
            lx->line++;
}

/* Delimiter of a here-document: quote removal; quoted means no expansion. */
static char *heredoc_delimiter(struct lexer *lx, const char *w, bool *quoted)
{
    size_t n = strlen(w);
    char *d = arena_alloc(lx->arena, n + 1);
    size_t k = 0;
    *quoted = false;
    for (size_t i = 0; i < n; i++) {
        if (w[i] == '\'' || w[i] == '"') {
            *quoted = true;
        } else if (w[i] == '\\' && i + 1 < n) {
            *quoted = true;
            d[k++] = w[++i];
        } else {
            d[k++] = w[i];
        }
    }
    d[k] = '\0';
    return d;
}

static void read_heredoc(struct lexer *lx, struct redir *r)
{
    bool quoted;
    char *delim = heredoc_delimiter(lx, r->word, &quoted);
    size_t dlen = strlen(delim);
    struct strbuf body = { 0 };
    r->expand_body = !quoted;
    for (;;) {
        if (lx->pos >= lx->len) {
            sb_free(&body);
            lex_fail(lx, true, "here-document delimited by end of file (wanted `%s')", delim);
        }
        const char *line = lx->buf + lx->pos;
        const char *nl = memchr(line, '\n', lx->len - lx->pos);
        size_t linelen = nl ? (size_t)(nl - line) : lx->len - lx->pos;
        if (!nl) {
            sb_free(&body);
            lex_fail(lx, true, "here-document delimited by end of file (wanted `%s')", delim);
        }
        lx->pos += linelen + 1;
        lx->line++;
        if (r->strip_tabs)
            while (linelen > 0 && *line == '\t') {
                line++;
                linelen--;
            }
        if (linelen == dlen && memcmp(line, delim, dlen) == 0)
            break;
        sb_add(&body, line, linelen);
        sb_addc(&body, '\n');
    }
    r->body = arena_strndup(lx->arena, sb_str(&body), body.len);
    sb_free(&body);
}

static size_t scan_word(struct lexer *lx, size_t i)
{
    const char *s = lx->buf;
    size_t n = lx->len;
    while (i < n && !is_meta(s[i])) {
        size_t next;
        switch (s[i]) {
        case '\\':
            if (i + 1 >= n)
                lex_fail(lx, true, "unexpected end of file after \\");
            next = i + 2;
            break;
        case '\'': next = skip_squote(s, n, i); break;
        case '"': next = skip_dquote(s, n, i); break;
        case '`': next = skip_backquote(s, n, i); break;
        case '$': next = skip_dollar(s, n, i); break;
        default: next = i + 1;
        }
        if (next == END || next > n)
            lex_fail(lx, true, "unexpected end of file (unclosed quote or substitution)");
        i = next;
    }
    return i;
}

static enum tok operator_token(struct lexer *lx, size_t *i)
{
    const char *s = lx->buf + *i;
    size_t left = lx->len - *i;
    static const struct { const char *text; enum tok tok; } ops[] = {
        { "<<-", TOK_DLESSDASH }, { "&&", TOK_AND }, { "||", TOK_OR }, { ";;", TOK_DSEMI },
        { "<<", TOK_DLESS }, { ">>", TOK_DGREAT }, { "<&", TOK_LESSAND }, { ">&", TOK_GREATAND },
        { "<>", TOK_LESSGREAT }, { ">|", TOK_CLOBBER }, { ";", TOK_SEMI }, { "&", TOK_AMP },
        { "|", TOK_PIPE }, { "(", TOK_LPAREN }, { ")", TOK_RPAREN }, { "<", TOK_LESS },
        { ">", TOK_GREAT },
    };
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        size_t len = strlen(ops[k].text);
        if (len <= left && memcmp(s, ops[k].text, len) == 0) {
            *i += len;
            return ops[k].tok;
        }
    }
    return TOK_EOF;
}

enum tok lex_next(struct lexer *lx)
{
    const char *s = lx->buf;
    size_t i = lx->pos;
    for (;;) {
        while (i < lx->len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i + 1 < lx->len && s[i] == '\\' && s[i + 1] == '\n') {
            i += 2;
            lx->line++;
            continue;
        }
        if (i < lx->len && s[i] == '#')
            while (i < lx->len && s[i] != '\n')
                i++;
        break;
    }
    lx->tok_start = i;
    lx->tok_line = lx->line;
    lx->word = NULL;
    if (i >= lx->len) {
        lx->pos = i;
        return lx->tok = TOK_EOF;
    }
    if (s[i] == '\n') {
        lx->pos = i + 1;
        lx->line++;
        for (int k = 0; k < lx->npending; k++)
            read_heredoc(lx, lx->pending[k]);
        lx->npending = 0;
        return lx->tok = TOK_NEWLINE;
    }
    if (is_meta(s[i])) {
        lx->tok = operator_token(lx, &i);
        lx->pos = i;
        return lx->tok;
    }
    size_t end = scan_word(lx, i);
    count_lines(lx, i, end);
    lx->pos = end;
    lx->word = arena_strndup(lx->arena, s + i, end - i);
    bool digits = true;
    for (size_t k = i; k < end; k++)
        if (s[k] < '0' || s[k] > '9')
            digits = false;
    if (digits && end < lx->len && (s[end] == '<' || s[end] == '>'))
        return lx->tok = TOK_IO_NUMBER;
    return lx->tok = TOK_WORD;
}
