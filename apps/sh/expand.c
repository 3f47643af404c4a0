/* expand.c: word expansion in POSIX order: tilde, parameters, command
 * substitution and arithmetic, then field splitting on IFS, pathname
 * expansion and quote removal. Every expanded character keeps flags that
 * say whether it was quoted and whether it came from an unquoted
 * expansion, which is what splitting and globbing need to know. All
 * results live in the scratch arena; errors longjmp to the entry point. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sh.h"

#define XF_QUOTED 1      /* quoted: never split, never a glob character */
#define XF_SPLIT 2       /* from an unquoted expansion: IFS splits here */
#define XF_BREAK 4       /* field boundary between "$@" parameters */
#define XF_MARK 8        /* a quote was here: the field exists even if empty */

#define CTX_DQ 1         /* inside double quotes */
#define CTX_HEREDOC 2    /* here-document body: only $ ` \ are special */
#define CTX_TILDE 4      /* a leading ~ expands */
#define CTX_ASSIGN 8     /* also ~ after : and = (assignments) */

struct xbuf {
    char *c;
    unsigned char *f;
    size_t len, cap;
};

int subst_status;
static jmp_buf *fail_jmp;

static void __attribute__((noreturn)) expand_fail(void)
{
    longjmp(*fail_jmp, 1);
}

static void xb_add(struct xbuf *xb, char c, unsigned char flags)
{
    if (xb->len == xb->cap) {
        size_t cap = xb->cap ? xb->cap * 2 : 64;
        char *c2 = arena_alloc(scratch, cap);
        unsigned char *f2 = arena_alloc(scratch, cap);
        if (xb->len) {
            memcpy(c2, xb->c, xb->len);
            memcpy(f2, xb->f, xb->len);
        }
        xb->c = c2;
        xb->f = f2;
        xb->cap = cap;
    }
    xb->c[xb->len] = c;
    xb->f[xb->len++] = flags;
}

static void add_value(struct xbuf *xb, const char *v, int ctx)
{
    unsigned char flags = (ctx & (CTX_DQ | CTX_HEREDOC)) ? XF_QUOTED : XF_SPLIT;
    for (; *v; v++)
        xb_add(xb, *v, flags);
}

static char *xb_string(struct xbuf *xb, bool break_as_space)
{
    char *s = arena_alloc(scratch, xb->len + 1);
    size_t k = 0;
    for (size_t i = 0; i < xb->len; i++) {
        if (xb->f[i] & XF_MARK)
            continue;
        if (xb->f[i] & XF_BREAK) {
            if (break_as_space)
                s[k++] = ' ';
            continue;
        }
        s[k++] = xb->c[i];
    }
    s[k] = '\0';
    return s;
}

static void expand_part(const char *s, size_t n, struct xbuf *out, int ctx);

/* ---- parameters ---- */

static const char *special_param(const char *name, char *buf, size_t buflen)
{
    if (strcmp(name, "?") == 0) {
        snprintf(buf, buflen, "%d", last_status);
    } else if (strcmp(name, "$") == 0) {
        snprintf(buf, buflen, "%ld", (long)shell_pid);
    } else if (strcmp(name, "!") == 0) {
        if (last_bg_pid <= 0)
            return NULL;
        snprintf(buf, buflen, "%ld", (long)last_bg_pid);
    } else if (strcmp(name, "#") == 0) {
        snprintf(buf, buflen, "%d", posparams.argc);
    } else if (strcmp(name, "-") == 0) {
        size_t k = 0;
        if (opt.errexit) buf[k++] = 'e';
        if (opt.noglob) buf[k++] = 'f';
        if (opt.interactive) buf[k++] = 'i';
        if (opt.monitor) buf[k++] = 'm';
        if (opt.nounset) buf[k++] = 'u';
        if (opt.xtrace) buf[k++] = 'x';
        if (opt.noclobber) buf[k++] = 'C';
        buf[k] = '\0';
    } else if (strcmp(name, "0") == 0) {
        return arg0;
    } else if (strcmp(name, "LINENO") == 0) {
        snprintf(buf, buflen, "%d", current_line);
    } else if (isdigit((unsigned char)name[0])) {
        long idx = strtol(name, NULL, 10);
        if (idx < 1 || idx > posparams.argc)
            return NULL;
        return posparams.argv[idx - 1];
    } else {
        return var_get(name);
    }
    return buf;
}

static void add_params(struct xbuf *out, int ctx, char which)
{
    bool quoted = ctx & (CTX_DQ | CTX_HEREDOC);
    if (quoted && which == '*') {
        const char *ifs = var_get("IFS");
        char sep = ifs ? ifs[0] : ' ';
        for (int i = 0; i < posparams.argc; i++) {
            if (i > 0 && sep)
                xb_add(out, sep, XF_QUOTED);
            add_value(out, posparams.argv[i], ctx);
        }
        return;
    }
    for (int i = 0; i < posparams.argc; i++) {
        if (i > 0)
            xb_add(out, 0, XF_BREAK);
        if (quoted)
            xb_add(out, 0, XF_MARK);
        add_value(out, posparams.argv[i], ctx);
    }
}

static void unset_error(const char *name)
{
    sh_error("%s: parameter not set", name);
    expand_fail();
}

/* Expand a piece of text in ctx and give it back as a pattern: quoted
 * characters that are special in patterns get a backslash. */
static char *to_pattern(const char *s, size_t n, int ctx)
{
    struct xbuf xb = { 0 };
    expand_part(s, n, &xb, ctx);
    char *p = arena_alloc(scratch, xb.len * 2 + 1);
    size_t k = 0;
    for (size_t i = 0; i < xb.len; i++) {
        if (xb.f[i] & (XF_MARK | XF_BREAK))
            continue;
        char c = xb.c[i];
        if ((xb.f[i] & XF_QUOTED) && strchr("\\*?[]", c))
            p[k++] = '\\';
        p[k++] = c;
    }
    p[k] = '\0';
    return p;
}

static const char *remove_affix(const char *v, const char *pat, const char *op)
{
    size_t len = strlen(v);
    char *tmp = arena_alloc(scratch, len + 1);
    bool prefix = op[0] == '#', longest = op[1] != '\0';
    for (size_t step = 0; step <= len; step++) {
        size_t i = longest ? len - step : step;
        if (prefix) {
            memcpy(tmp, v, i);
            tmp[i] = '\0';
            if (pattern_match(pat, tmp))
                return v + i;
        } else {
            size_t cut = longest ? step : len - step;
            if (pattern_match(pat, v + cut)) {
                memcpy(tmp, v, cut);
                tmp[cut] = '\0';
                return tmp;
            }
        }
    }
    return v;
}

static void brace_param(const char *t, size_t len, struct xbuf *out, int ctx)
{
    char buf[64], name[256];
    size_t k = 0;
    bool length = false;
    if (len > 1 && t[0] == '#') {
        length = true;
        t++;
        len--;
    }
    if (len > 0 && strchr("@*#?-$!", t[0])) {
        k = 1;
    } else if (len > 0 && isdigit((unsigned char)t[0])) {
        while (k < len && isdigit((unsigned char)t[k]))
            k++;
    } else {
        while (k < len && (isalnum((unsigned char)t[k]) || t[k] == '_'))
            k++;
    }
    if (k == 0 || k >= sizeof name || (k > 0 && isdigit((unsigned char)t[0]) &&
                                       !isdigit((unsigned char)t[k - 1]))) {
        sh_error("${%.*s}: bad substitution", (int)len, t);
        expand_fail();
    }
    memcpy(name, t, k);
    name[k] = '\0';
    const char *value = special_param(name, buf, sizeof buf);
    bool is_all = name[0] == '@' || name[0] == '*';
    if (is_all && posparams.argc > 0 && !value)
        value = posparams.argv[0];
    if (length) {
        if (k != len) {
            sh_error("${#%.*s}: bad substitution", (int)len, t);
            expand_fail();
        }
        if (!value && opt.nounset && !is_all)
            unset_error(name);
        char num[32];
        snprintf(num, sizeof num, "%zu", is_all ? (size_t)posparams.argc :
                                         value ? strlen(value) : 0);
        add_value(out, num, ctx);
        return;
    }
    if (k == len) {
        if (is_all) {
            add_params(out, ctx, name[0]);
            return;
        }
        if (!value && opt.nounset)
            unset_error(name);
        add_value(out, value ? value : "", ctx);
        return;
    }
    bool colon = t[k] == ':';
    size_t opstart = colon ? k + 1 : k;
    if (opstart >= len) {
        sh_error("${%.*s}: bad substitution", (int)len, t);
        expand_fail();
    }
    char op[3] = { t[opstart], 0, 0 };
    if ((op[0] == '#' || op[0] == '%') && opstart + 1 < len && t[opstart + 1] == op[0])
        op[1] = op[0];
    if (!strchr("-=+?#%", op[0]) || (colon && (op[0] == '#' || op[0] == '%'))) {
        sh_error("${%.*s}: bad substitution", (int)len, t);
        expand_fail();
    }
    const char *word = t + opstart + strlen(op);
    size_t wlen = len - (size_t)(word - t);
    bool test = colon ? (value && *value) : value != NULL;
    switch (op[0]) {
    case '-':
        if (test)
            add_value(out, value, ctx);
        else
            expand_part(word, wlen, out, ctx);
        break;
    case '+':
        if (test)
            expand_part(word, wlen, out, ctx);
        break;
    case '=':
        if (test) {
            add_value(out, value, ctx);
        } else {
            struct xbuf w = { 0 };
            expand_part(word, wlen, &w, ctx & ~CTX_DQ);
            char *s = xb_string(&w, true);
            if (!is_name(name, strlen(name))) {
                sh_error("%s: cannot assign in this way", name);
                expand_fail();
            }
            if (var_set(name, s) < 0)
                expand_fail();
            add_value(out, s, ctx);
        }
        break;
    case '?':
        if (test) {
            add_value(out, value, ctx);
        } else {
            struct xbuf w = { 0 };
            expand_part(word, wlen, &w, ctx);
            char *msg = xb_string(&w, true);
            sh_error("%s: %s", name, *msg ? msg : colon ? "parameter null or not set" : "parameter not set");
            expand_fail();
        }
        break;
    default: {
        if (!value && opt.nounset)
            unset_error(name);
        const char *pat = to_pattern(word, wlen, ctx & ~CTX_DQ);
        add_value(out, remove_affix(value ? value : "", pat, op), ctx);
    }
    }
}

/* ---- command substitution and arithmetic ---- */

static void command_subst(const char *text, size_t n, struct xbuf *out, int ctx)
{
    char *cmd = xstrndup(text, n);
    int fds[2];
    if (pipe(fds) < 0) {
        free(cmd);
        sh_error("pipe: %s", strerror(errno));
        expand_fail();
    }
    pid_t pid = fork();
    if (pid < 0) {
        free(cmd);
        close(fds[0]);
        close(fds[1]);
        sh_error("fork: %s", strerror(errno));
        expand_fail();
    }
    if (pid == 0) {
        close(fds[0]);
        if (fds[1] != 1) {
            dup2(fds[1], 1);
            close(fds[1]);
        }
        is_subshell = true;
        jobs_forget_in_child();
        reset_signals_in_child();
        shell_exit(eval_string(cmd, NULL));
    }
    free(cmd);
    close(fds[1]);
    struct strbuf output = { 0 };
    char buf[512];
    for (;;) {
        ssize_t k = read(fds[0], buf, sizeof buf);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        sb_add(&output, buf, (size_t)k);
    }
    close(fds[0]);
    subst_status = job_wait_pid(pid);
    size_t len = output.len;
    while (len > 0 && output.s[len - 1] == '\n')
        len--;
    unsigned char flags = (ctx & (CTX_DQ | CTX_HEREDOC)) ? XF_QUOTED : XF_SPLIT;
    for (size_t i = 0; i < len; i++)
        xb_add(out, output.s[i], flags);
    sb_free(&output);
}

static void backquote_subst(const char *text, size_t n, struct xbuf *out, int ctx)
{
    char *cmd = arena_alloc(scratch, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\\' && i + 1 < n && strchr("$`\\", text[i + 1]))
            i++;
        cmd[k++] = text[i];
    }
    command_subst(cmd, k, out, ctx);
}

static void arith_subst(const char *text, size_t n, struct xbuf *out, int ctx)
{
    struct xbuf xb = { 0 };
    expand_part(text, n, &xb, CTX_HEREDOC);
    long v;
    if (arith_eval(xb_string(&xb, true), &v) < 0)
        expand_fail();
    char num[32];
    snprintf(num, sizeof num, "%ld", v);
    add_value(out, num, ctx);
}

static size_t expand_dollar(const char *s, size_t n, size_t i, struct xbuf *out, int ctx)
{
    size_t j = i + 1;
    char buf[64];
    if (j >= n) {
        xb_add(out, '$', XF_QUOTED);
        return j;
    }
    char c = s[j];
    if (c == '(' || c == '{') {
        size_t e = skip_dollar(s, n, i);
        if (e == (size_t)-1 || e > n) {
            sh_error("unterminated substitution");
            expand_fail();
        }
        if (c == '{')
            brace_param(s + j + 1, e - j - 2, out, ctx);
        else if (j + 1 < n && s[j + 1] == '(' && e >= i + 5 && s[e - 2] == ')')
            arith_subst(s + j + 2, e - j - 4, out, ctx);
        else
            command_subst(s + j + 1, e - j - 2, out, ctx);
        return e;
    }
    if (c == '@' || c == '*') {
        add_params(out, ctx, c);
        return j + 1;
    }
    if (strchr("#?-$!", c) || isdigit((unsigned char)c)) {
        char name[2] = { c, 0 };
        const char *v = special_param(name, buf, sizeof buf);
        if (!v && opt.nounset && c != '!')
            unset_error(name);
        add_value(out, v ? v : "", ctx);
        return j + 1;
    }
    size_t e = j;
    while (e < n && (isalnum((unsigned char)s[e]) || s[e] == '_'))
        e++;
    if (e == j || isdigit((unsigned char)s[j])) {
        xb_add(out, '$', (ctx & (CTX_DQ | CTX_HEREDOC)) ? XF_QUOTED : 0);
        return j;
    }
    char *name = arena_strndup(scratch, s + j, e - j);
    const char *v = special_param(name, buf, sizeof buf);
    if (!v && opt.nounset)
        unset_error(name);
    add_value(out, v ? v : "", ctx);
    return e;
}

/* The home directory of user from /etc/passwd (name:pw:uid:gid:gecos:home:
 * shell), in the scratch arena; NULL when there is no such user. */
static const char *passwd_home(const char *user, size_t len)
{
    FILE *f = fopen("/etc/passwd", "r");
    if (!f)
        return NULL;
    char line[512];
    const char *home = NULL;
    while (!home && fgets(line, sizeof line, f)) {
        if (strncmp(line, user, len) != 0 || line[len] != ':')
            continue;
        char *field = line;
        for (int k = 0; k < 5 && field; k++) {
            field = strchr(field, ':');
            if (field)
                field++;
        }
        if (field) {
            size_t flen = strcspn(field, ":\n");
            home = arena_strndup(scratch, field, flen);
        }
    }
    fclose(f);
    return home;
}

static size_t expand_tilde(const char *s, size_t n, size_t i, struct xbuf *out, int ctx)
{
    size_t e = i + 1;
    while (e < n && s[e] != '/' && !((ctx & CTX_ASSIGN) && s[e] == ':'))
        e++;
    const char *home = NULL;
    const char *user = s + i + 1;
    size_t ulen = e - i - 1;
    if (ulen == 0)
        home = var_get("HOME");
    else if (ulen == 1 && user[0] == '+')
        home = var_get("PWD");
    else if (ulen == 1 && user[0] == '-')
        home = var_get("OLDPWD");
    else if (strcspn(user, "'\"\\$`") >= ulen)   /* a quoted prefix stays literal */
        home = passwd_home(user, ulen);
    if (!home) {
        xb_add(out, '~', 0);
        return i + 1;
    }
    for (const char *h = home; *h; h++)
        xb_add(out, *h, XF_QUOTED);
    return e;
}

static void expand_part(const char *s, size_t n, struct xbuf *out, int ctx)
{
    bool quoted_ctx = ctx & (CTX_DQ | CTX_HEREDOC);
    unsigned char qflag = quoted_ctx ? XF_QUOTED : 0;
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '\'' && !quoted_ctx) {
            size_t e = skip_squote(s, n, i);
            if (e == (size_t)-1)
                e = n + 1;
            for (size_t k = i + 1; k < e - 1; k++)
                xb_add(out, s[k], XF_QUOTED);
            xb_add(out, 0, XF_MARK);
            i = e;
        } else if (c == '"' && !quoted_ctx) {
            size_t e = skip_dquote(s, n, i);
            if (e == (size_t)-1)
                e = n + 1;
            const char *inner = s + i + 1;
            size_t ilen = e - i - 2;
            bool empty_at = posparams.argc == 0 &&
                            ((ilen == 2 && memcmp(inner, "$@", 2) == 0) ||
                             (ilen == 4 && memcmp(inner, "${@}", 4) == 0));
            if (!empty_at) {
                xb_add(out, 0, XF_MARK);
                expand_part(inner, ilen, out, (ctx & ~(CTX_TILDE | CTX_ASSIGN)) | CTX_DQ);
            }
            i = e;
        } else if (c == '\\') {
            if (i + 1 >= n) {
                xb_add(out, '\\', XF_QUOTED);
                i++;
                continue;
            }
            char next = s[i + 1];
            if (next == '\n') {
                i += 2;
            } else if (!quoted_ctx || strchr("$`\\", next) || ((ctx & CTX_DQ) && next == '"')) {
                xb_add(out, next, XF_QUOTED);
                i += 2;
            } else {
                xb_add(out, '\\', XF_QUOTED);
                i++;
            }
        } else if (c == '$') {
            i = expand_dollar(s, n, i, out, ctx);
        } else if (c == '`') {
            size_t e = skip_backquote(s, n, i);
            if (e == (size_t)-1)
                e = n + 1;
            backquote_subst(s + i + 1, e - i - 2, out, ctx);
            i = e;
        } else if (c == '~' && !quoted_ctx &&
                   ((i == 0 && (ctx & (CTX_TILDE | CTX_ASSIGN))) ||
                    ((ctx & CTX_ASSIGN) && i > 0 && (s[i - 1] == ':' || s[i - 1] == '=')))) {
            i = expand_tilde(s, n, i, out, ctx);
        } else {
            xb_add(out, c, qflag);
            i++;
        }
    }
}

/* ---- splitting and globbing ---- */

struct fieldvec {
    char **v;
    int n, cap;
};

static void fv_push(struct fieldvec *fv, char *s)
{
    if (fv->n + 1 >= fv->cap) {
        fv->cap = fv->cap ? fv->cap * 2 : 16;
        fv->v = xrealloc(fv->v, (size_t)fv->cap * sizeof *fv->v);
    }
    fv->v[fv->n++] = s;
}

static void emit_field(struct xbuf *xb, size_t start, size_t end, struct fieldvec *fv)
{
    char *plain = arena_alloc(scratch, end - start + 1);
    char *pat = arena_alloc(scratch, 2 * (end - start) + 1);
    size_t pk = 0, qk = 0;
    bool magic = false;
    for (size_t i = start; i < end; i++) {
        if (xb->f[i] & (XF_MARK | XF_BREAK))
            continue;
        char c = xb->c[i];
        plain[pk++] = c;
        if (xb->f[i] & XF_QUOTED) {
            if (strchr("\\*?[]", c))
                pat[qk++] = '\\';
        } else if (c == '*' || c == '?' || c == '[') {
            magic = true;
        } else if (c == '\\') {
            pat[qk++] = '\\';
        }
        pat[qk++] = c;
    }
    plain[pk] = '\0';
    pat[qk] = '\0';
    if (magic && !opt.noglob && glob_expand(pat, &fv->v, &fv->n, &fv->cap) > 0)
        return;
    fv_push(fv, plain);
}

static void split_fields(struct xbuf *xb, struct fieldvec *fv)
{
    const char *ifs = var_get("IFS");
    if (!ifs)
        ifs = " \t\n";
    bool started = false, after_space = false;
    size_t start = 0;
    for (size_t k = 0; k < xb->len; k++) {
        unsigned char f = xb->f[k];
        char c = xb->c[k];
        if (f & XF_BREAK) {
            if (started)
                emit_field(xb, start, k, fv);
            started = after_space = false;
            continue;
        }
        if ((f & XF_SPLIT) && !(f & XF_QUOTED) && c && strchr(ifs, c)) {
            if (isspace((unsigned char)c)) {
                if (started) {
                    emit_field(xb, start, k, fv);
                    started = false;
                    after_space = true;
                }
            } else {
                if (started)
                    emit_field(xb, start, k, fv);
                else if (!after_space)
                    emit_field(xb, k, k, fv);
                started = after_space = false;
            }
            continue;
        }
        if (!started) {
            started = true;
            start = k;
        }
        after_space = false;
    }
    if (started)
        emit_field(xb, start, xb->len, fv);
}

int expand_fields(char **words, int nwords, char ***out, int *count)
{
    jmp_buf jb;
    jmp_buf *saved = fail_jmp;
    struct fieldvec fv = { 0 };
    fail_jmp = &jb;
    if (setjmp(jb)) {
        fail_jmp = saved;
        free(fv.v);
        return -1;
    }
    for (int i = 0; i < nwords; i++) {
        struct xbuf xb = { 0 };
        expand_part(words[i], strlen(words[i]), &xb, CTX_TILDE);
        split_fields(&xb, &fv);
    }
    fail_jmp = saved;
    char **v = arena_alloc(scratch, (size_t)(fv.n + 1) * sizeof *v);
    if (fv.n)
        memcpy(v, fv.v, (size_t)fv.n * sizeof *v);
    v[fv.n] = NULL;
    free(fv.v);
    *out = v;
    *count = fv.n;
    return 0;
}

static char *expand_one(const char *word, int ctx, bool pattern)
{
    jmp_buf jb;
    jmp_buf *saved = fail_jmp;
    fail_jmp = &jb;
    if (setjmp(jb)) {
        fail_jmp = saved;
        return NULL;
    }
    char *result;
    if (pattern) {
        result = to_pattern(word, strlen(word), ctx);
    } else {
        struct xbuf xb = { 0 };
        expand_part(word, strlen(word), &xb, ctx);
        result = xb_string(&xb, true);
    }
    fail_jmp = saved;
    return result;
}

char *expand_string(const char *word)
{
    return expand_one(word, CTX_TILDE | CTX_ASSIGN, false);
}

char *expand_pattern(const char *word)
{
    return expand_one(word, CTX_TILDE, true);
}

char *expand_heredoc(const char *body)
{
    return expand_one(body, CTX_HEREDOC, false);
}

char *expand_prompt(const char *ps)
{
    return expand_one(ps, CTX_HEREDOC, false);
}
