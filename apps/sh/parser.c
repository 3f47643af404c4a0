/* parser.c: recursive descent from tokens to the command tree (struct
 * node), following the POSIX shell grammar: lists, and-or lists, pipelines,
 * simple and compound commands, function definitions, redirections. All
 * nodes live in the caller's arena. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

#define ALIAS_DEPTH_MAX 16

struct parser {
    struct lexer lx;
    bool peeked;
    size_t last_end;     /* end of the last consumed token */
    long shift;          /* how far alias substitution moved the rest of the text */
    struct {
        const char *name;
        size_t end;      /* where its text ends in lx.buf */
    } active[ALIAS_DEPTH_MAX];
    int nactive;
};

/* A growable vector of pointers in the parse arena (a failed parse may
 * longjmp away from it; the arena is freed whole). */
struct ptrvec {
    struct arena *arena;
    void **v;
    int n, cap;
};

static void pv_push(struct ptrvec *pv, void *p)
{
    if (pv->n + 1 >= pv->cap) {
        int cap = pv->cap ? pv->cap * 2 : 8;
        void **v = arena_alloc(pv->arena, (size_t)cap * sizeof *v);
        if (pv->n)
            memcpy(v, pv->v, (size_t)pv->n * sizeof *v);
        pv->v = v;
        pv->cap = cap;
    }
    pv->v[pv->n++] = p;
}

static void *pv_finish(struct ptrvec *pv)
{
    if (pv->n + 1 >= pv->cap)
        pv_push(pv, NULL), pv->n--;
    pv->v[pv->n] = NULL;
    return pv->v;
}

static enum tok peek(struct parser *p)
{
    if (!p->peeked) {
        lex_next(&p->lx);
        p->peeked = true;
    }
    return p->lx.tok;
}

static char *consume(struct parser *p)
{
    peek(p);
    p->peeked = false;
    p->last_end = p->lx.pos;
    return p->lx.word;
}

static bool at_keyword(struct parser *p, const char *kw)
{
    return peek(p) == TOK_WORD && strcmp(p->lx.word, kw) == 0;
}

static const char *token_text(struct parser *p)
{
    static const char *names[] = {
        [TOK_EOF] = "end of file", [TOK_NEWLINE] = "newline", [TOK_SEMI] = ";",
        [TOK_DSEMI] = ";;", [TOK_AMP] = "&", [TOK_AND] = "&&", [TOK_PIPE] = "|",
        [TOK_OR] = "||", [TOK_LPAREN] = "(", [TOK_RPAREN] = ")", [TOK_LESS] = "<",
        [TOK_GREAT] = ">", [TOK_DGREAT] = ">>", [TOK_DLESS] = "<<", [TOK_DLESSDASH] = "<<-",
        [TOK_LESSAND] = "<&", [TOK_GREATAND] = ">&", [TOK_LESSGREAT] = "<>",
        [TOK_CLOBBER] = ">|",
    };
    if (p->lx.tok == TOK_WORD || p->lx.tok == TOK_IO_NUMBER)
        return p->lx.word;
    return names[p->lx.tok];
}

static void __attribute__((noreturn)) unexpected(struct parser *p)
{
    peek(p);
    if (p->lx.tok == TOK_EOF)
        lex_fail(&p->lx, true, "syntax error: unexpected end of file");
    lex_fail(&p->lx, false, "syntax error near unexpected token `%s'", token_text(p));
}

static void expect_keyword(struct parser *p, const char *kw)
{
    if (!at_keyword(p, kw))
        unexpected(p);
    consume(p);
}

static void expect_token(struct parser *p, enum tok t)
{
    if (peek(p) != t)
        unexpected(p);
    consume(p);
}

static void skip_newlines(struct parser *p)
{
    while (peek(p) == TOK_NEWLINE)
        consume(p);
}

static struct node *new_node(struct parser *p, enum node_kind kind)
{
    struct node *n = arena_alloc(p->lx.arena, sizeof *n);
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->line = p->lx.tok_line;
    return n;
}

static char *text_from(struct parser *p, size_t start)
{
    size_t end = p->last_end;
    while (end > start && (p->lx.buf[end - 1] == ' ' || p->lx.buf[end - 1] == '\t' ||
                           p->lx.buf[end - 1] == '\n'))
        end--;
    return arena_strndup(p->lx.arena, p->lx.buf + start, end > start ? end - start : 0);
}

static struct node *parse_and_or(struct parser *p);
static struct node *parse_one_command(struct parser *p);

static bool at_list_end(struct parser *p, bool multiline)
{
    static const char *enders[] = { "then", "else", "elif", "fi", "do", "done", "esac", "}" };
    enum tok t = peek(p);
    if (t == TOK_EOF || t == TOK_RPAREN || t == TOK_DSEMI || (!multiline && t == TOK_NEWLINE))
        return true;
    if (t == TOK_WORD)
        for (size_t k = 0; k < sizeof enders / sizeof enders[0]; k++)
            if (strcmp(p->lx.word, enders[k]) == 0)
                return true;
    return false;
}

static struct node *join(struct parser *p, struct node *list, struct node *n)
{
    if (!list)
        return n;
    struct node *seq = new_node(p, NODE_SEQ);
    seq->a = list;
    seq->b = n;
    return seq;
}

/* A list of and-or lists separated by ; & (and newlines when multiline). */
static struct node *parse_list(struct parser *p, bool multiline)
{
    struct node *list = NULL;
    for (;;) {
        if (multiline)
            skip_newlines(p);
        if (at_list_end(p, multiline))
            break;
        size_t start = p->lx.tok_start;
        struct node *n = parse_and_or(p);
        enum tok t = peek(p);
        if (t == TOK_AMP) {
            struct node *bg = new_node(p, NODE_BACKGROUND);
            bg->a = n;
            bg->text = text_from(p, start);
            consume(p);
            n = bg;
        } else if (t == TOK_SEMI || (multiline && t == TOK_NEWLINE)) {
            consume(p);
        } else {
            list = join(p, list, n);
            break;
        }
        list = join(p, list, n);
    }
    return list;
}

static struct node *parse_compound_list(struct parser *p)
{
    struct node *n = parse_list(p, true);
    if (!n) {
        struct node *empty = new_node(p, NODE_SIMPLE);
        return empty;
    }
    return n;
}

static struct node *parse_pipeline(struct parser *p)
{
    size_t start = p->lx.tok_start;
    bool negate = false;
    while (at_keyword(p, "!")) {
        consume(p);
        negate = !negate;
    }
    struct ptrvec cmds = { p->lx.arena, NULL, 0, 0 };
    pv_push(&cmds, parse_one_command(p));
    while (peek(p) == TOK_PIPE) {
        consume(p);
        skip_newlines(p);
        pv_push(&cmds, parse_one_command(p));
    }
    struct node *n;
    if (cmds.n == 1) {
        n = cmds.v[0];
    } else {
        n = new_node(p, NODE_PIPELINE);
        n->ncmds = cmds.n;
        n->cmds = pv_finish(&cmds);
    }
    n->text = text_from(p, start);
    if (negate) {
        struct node *not = new_node(p, NODE_NOT);
        not->a = n;
        n = not;
    }
    return n;
}

static struct node *parse_and_or(struct parser *p)
{
    struct node *left = parse_pipeline(p);
    for (;;) {
        enum tok t = peek(p);
        if (t != TOK_AND && t != TOK_OR)
            return left;
        consume(p);
        skip_newlines(p);
        struct node *n = new_node(p, t == TOK_AND ? NODE_AND : NODE_OR);
        n->a = left;
        n->b = parse_pipeline(p);
        left = n;
    }
}

static bool is_redir_token(enum tok t)
{
    return t == TOK_LESS || t == TOK_GREAT || t == TOK_DGREAT || t == TOK_DLESS ||
           t == TOK_DLESSDASH || t == TOK_LESSAND || t == TOK_GREATAND ||
           t == TOK_LESSGREAT || t == TOK_CLOBBER || t == TOK_IO_NUMBER;
}

static struct redir *parse_redir(struct parser *p)
{
    struct redir *r = arena_alloc(p->lx.arena, sizeof *r);
    memset(r, 0, sizeof *r);
    r->fd = -1;
    if (peek(p) == TOK_IO_NUMBER)
        r->fd = atoi(consume(p));
    enum tok t = peek(p);
    consume(p);
    switch (t) {
    case TOK_LESS: r->kind = REDIR_IN; break;
    case TOK_GREAT: r->kind = REDIR_OUT; break;
    case TOK_DGREAT: r->kind = REDIR_APPEND; break;
    case TOK_CLOBBER: r->kind = REDIR_CLOBBER; break;
    case TOK_LESSGREAT: r->kind = REDIR_RDWR; break;
    case TOK_LESSAND: r->kind = REDIR_DUPIN; break;
    case TOK_GREATAND: r->kind = REDIR_DUPOUT; break;
    case TOK_DLESS: r->kind = REDIR_HEREDOC; break;
    case TOK_DLESSDASH: r->kind = REDIR_HEREDOC; r->strip_tabs = true; break;
    default: unexpected(p);
    }
    if (r->fd < 0)
        r->fd = (r->kind == REDIR_IN || r->kind == REDIR_DUPIN || r->kind == REDIR_HEREDOC ||
                 r->kind == REDIR_RDWR) ? 0 : 1;
    if (peek(p) != TOK_WORD)
        unexpected(p);
    r->word = consume(p);
    if (r->kind == REDIR_HEREDOC) {
        if (p->lx.npending == (int)(sizeof p->lx.pending / sizeof p->lx.pending[0]))
            lex_fail(&p->lx, false, "too many here-documents on one line");
        p->lx.pending[p->lx.npending++] = r;
    }
    return r;
}

static void parse_redirs(struct parser *p, struct node *n)
{
    struct redir **tail = &n->redirs;
    while (*tail)
        tail = &(*tail)->next;
    while (is_redir_token(peek(p))) {
        *tail = parse_redir(p);
        tail = &(*tail)->next;
    }
}

static bool is_assignment(const char *w)
{
    const char *eq = strchr(w, '=');
    return eq && eq != w && is_name(w, (size_t)(eq - w));
}

static struct node *parse_simple(struct parser *p, char *first)
{
    struct node *n = new_node(p, NODE_SIMPLE);
    struct ptrvec argv = { p->lx.arena, NULL, 0, 0 }, assigns = { p->lx.arena, NULL, 0, 0 };
    struct redir **tail = &n->redirs;
    if (first) {
        if (is_assignment(first))
            pv_push(&assigns, first);
        else
            pv_push(&argv, first);
    }
    for (;;) {
        enum tok t = peek(p);
        if (is_redir_token(t)) {
            *tail = parse_redir(p);
            tail = &(*tail)->next;
        } else if (t == TOK_WORD) {
            char *w = consume(p);
            if (argv.n == 0 && is_assignment(w))
                pv_push(&assigns, w);
            else
                pv_push(&argv, w);
        } else {
            break;
        }
    }
    if (argv.n == 0 && assigns.n == 0 && !n->redirs) {
        unexpected(p);
    }
    n->argc = argv.n;
    n->argv = pv_finish(&argv);
    n->nassigns = assigns.n;
    n->assigns = pv_finish(&assigns);
    return n;
}

static struct node *parse_if_rest(struct parser *p)
{
    struct node *n = new_node(p, NODE_IF);
    n->a = parse_compound_list(p);
    expect_keyword(p, "then");
    n->b = parse_compound_list(p);
    if (at_keyword(p, "elif")) {
        consume(p);
        n->c = parse_if_rest(p);
        return n;
    }
    if (at_keyword(p, "else")) {
        consume(p);
        n->c = parse_compound_list(p);
    }
    expect_keyword(p, "fi");
    return n;
}

static struct node *parse_loop(struct parser *p, enum node_kind kind)
{
    struct node *n = new_node(p, kind);
    n->a = parse_compound_list(p);
    expect_keyword(p, "do");
    n->b = parse_compound_list(p);
    expect_keyword(p, "done");
    return n;
}

static struct node *parse_for(struct parser *p)
{
    struct node *n = new_node(p, NODE_FOR);
    if (peek(p) != TOK_WORD || !is_name(p->lx.word, strlen(p->lx.word)))
        unexpected(p);
    n->name = consume(p);
    skip_newlines(p);
    struct ptrvec words = { p->lx.arena, NULL, 0, 0 };
    if (at_keyword(p, "in")) {
        consume(p);
        n->has_in = true;
        while (peek(p) == TOK_WORD)
            pv_push(&words, consume(p));
        if (peek(p) != TOK_SEMI && peek(p) != TOK_NEWLINE) {
            unexpected(p);
        }
        consume(p);
    } else if (peek(p) == TOK_SEMI) {
        consume(p);
    }
    n->nwords = words.n;
    n->words = pv_finish(&words);
    skip_newlines(p);
    expect_keyword(p, "do");
    n->b = parse_compound_list(p);
    expect_keyword(p, "done");
    return n;
}

static struct node *parse_case(struct parser *p)
{
    struct node *n = new_node(p, NODE_CASE);
    if (peek(p) != TOK_WORD)
        unexpected(p);
    n->subject = consume(p);
    skip_newlines(p);
    expect_keyword(p, "in");
    struct case_item **tail = &n->items;
    for (;;) {
        skip_newlines(p);
        if (at_keyword(p, "esac"))
            break;
        if (peek(p) == TOK_LPAREN)
            consume(p);
        struct case_item *item = arena_alloc(p->lx.arena, sizeof *item);
        memset(item, 0, sizeof *item);
        struct ptrvec pats = { p->lx.arena, NULL, 0, 0 };
        for (;;) {
            if (peek(p) != TOK_WORD) {
                unexpected(p);
            }
            pv_push(&pats, consume(p));
            if (peek(p) != TOK_PIPE)
                break;
            consume(p);
        }
        item->npatterns = pats.n;
        item->patterns = pv_finish(&pats);
        expect_token(p, TOK_RPAREN);
        item->body = parse_list(p, true);
        *tail = item;
        tail = &item->next;
        if (peek(p) == TOK_DSEMI) {
            consume(p);
            continue;
        }
        if (!at_keyword(p, "esac"))
            unexpected(p);
    }
    consume(p);
    return n;
}

static struct node *parse_compound(struct parser *p)
{
    struct node *n;
    if (peek(p) == TOK_LPAREN) {
        consume(p);
        n = new_node(p, NODE_SUBSHELL);
        n->a = parse_compound_list(p);
        expect_token(p, TOK_RPAREN);
    } else if (at_keyword(p, "{")) {
        consume(p);
        n = new_node(p, NODE_GROUP);
        n->a = parse_compound_list(p);
        expect_keyword(p, "}");
    } else if (at_keyword(p, "if")) {
        consume(p);
        n = parse_if_rest(p);
    } else if (at_keyword(p, "while")) {
        consume(p);
        n = parse_loop(p, NODE_WHILE);
    } else if (at_keyword(p, "until")) {
        consume(p);
        n = parse_loop(p, NODE_UNTIL);
    } else if (at_keyword(p, "for")) {
        consume(p);
        n = parse_for(p);
    } else if (at_keyword(p, "case")) {
        consume(p);
        n = parse_case(p);
    } else {
        return NULL;
    }
    parse_redirs(p, n);
    return n;
}

static bool alias_is_active(struct parser *p, const char *name, size_t at)
{
    for (int k = 0; k < p->nactive; k++)
        if (p->active[k].end > at && strcmp(p->active[k].name, name) == 0)
            return true;
    return false;
}

/* Alias substitution of the word that starts a command: the text goes in
 * its place in a copy of the buffer. The copy keeps the prefix, so every
 * position recorded so far stays valid; shift says how far the rest moved.
 * An alias is not substituted again inside its own text. */
static void substitute_aliases(struct parser *p)
{
    for (int round = 0; round < ALIAS_DEPTH_MAX; round++) {
        if (peek(p) != TOK_WORD || strpbrk(p->lx.word, "'\"\\$`"))
            return;
        const char *value = alias_get(p->lx.word);
        size_t start = p->lx.tok_start, end = p->lx.pos;
        if (!value || alias_is_active(p, p->lx.word, start))
            return;
        size_t vlen = strlen(value), rest = p->lx.len - end;
        char *text = arena_alloc(p->lx.arena, start + vlen + rest + 1);
        memcpy(text, p->lx.buf, start);
        memcpy(text + start, value, vlen);
        memcpy(text + start + vlen, p->lx.buf + end, rest);
        text[start + vlen + rest] = '\0';
        long delta = (long)vlen - (long)(end - start);
        for (int k = 0; k < p->nactive; k++)
            if (p->active[k].end >= end)
                p->active[k].end = (size_t)((long)p->active[k].end + delta);
        if (p->nactive == ALIAS_DEPTH_MAX)
            return;
        p->active[p->nactive].name = p->lx.word;
        p->active[p->nactive].end = start + vlen;
        p->nactive++;
        p->shift += delta;
        p->lx.buf = text;
        p->lx.len = start + vlen + rest;
        p->lx.pos = start;
        p->lx.line = p->lx.tok_line;
        p->peeked = false;
    }
}

static struct node *parse_one_command(struct parser *p)
{
    substitute_aliases(p);
    struct node *n = parse_compound(p);
    if (n)
        return n;
    enum tok t = peek(p);
    if (t == TOK_WORD) {
        static const char *misplaced[] = { "then", "else", "elif", "fi", "do", "done",
                                           "esac", "}", "in" };
        for (size_t k = 0; k < sizeof misplaced / sizeof misplaced[0]; k++)
            if (strcmp(p->lx.word, misplaced[k]) == 0)
                unexpected(p);
        int line = p->lx.tok_line;
        char *first = consume(p);
        if (peek(p) == TOK_LPAREN && is_name(first, strlen(first))) {
            consume(p);
            expect_token(p, TOK_RPAREN);
            skip_newlines(p);
            struct node *f = new_node(p, NODE_FUNCDEF);
            f->line = line;
            f->name = first;
            f->a = parse_compound(p);
            if (!f->a)
                unexpected(p);
            f->arena = p->lx.arena;
            return f;
        }
        n = parse_simple(p, first);
        n->line = line;
        return n;
    }
    if (!is_redir_token(t))
        unexpected(p);
    return parse_simple(p, NULL);
}

enum parse_result parse_command(const char *buf, size_t len, int line, struct arena *arena,
                                struct node **out, size_t *consumed, int *lines_used,
                                char *errmsg, size_t errlen)
{
    jmp_buf fail;
    struct parser parser;
    struct parser *p = &parser;
    memset(p, 0, sizeof *p);
    lex_init(&p->lx, buf, len, arena, &fail);
    p->lx.line = line;
    *out = NULL;
    if (setjmp(fail)) {
        snprintf(errmsg, errlen, "%s", p->lx.errmsg);
        *consumed = (size_t)((long)p->lx.pos - p->shift);
        *lines_used = p->lx.line - line;
        return p->lx.incomplete ? PARSE_INCOMPLETE : PARSE_ERROR;
    }
    enum tok t = peek(p);
    if (t == TOK_NEWLINE || t == TOK_EOF) {
        if (t == TOK_NEWLINE)
            consume(p);
        *consumed = (size_t)((long)p->lx.pos - p->shift);
        *lines_used = p->lx.line - line;
        return PARSE_EMPTY;
    }
    struct node *n = parse_list(p, false);
    if (peek(p) == TOK_EOF)
        lex_fail(&p->lx, true, "syntax error: unexpected end of file");
    if (peek(p) != TOK_NEWLINE)
        unexpected(p);
    consume(p);
    *out = n;
    *consumed = (size_t)((long)p->lx.pos - p->shift);
    *lines_used = p->lx.line - line;
    return PARSE_OK;
}
