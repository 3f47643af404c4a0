/* test.c: the test and [ builtins: file tests (-e -f -d -r -w -x -s -L
 * -h -p -c -b -S -t), strings (= != -z -n < >), integers (-eq -ne -lt -le
 * -gt -ge), ! -a -o and parentheses, with POSIX's rules for few arguments. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sh.h"

struct test_state {
    char **argv;
    int argc, pos;
    bool error;
};

static const char *peek_arg(struct test_state *t, int ahead)
{
    return t->pos + ahead < t->argc ? t->argv[t->pos + ahead] : NULL;
}

static bool parse_int(struct test_state *t, const char *s, long *out)
{
    char *end;
    while (*s == ' ' || *s == '\t')
        s++;
    *out = strtol(s, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (!*s || *end) {
        sh_error("test: %s: integer expression expected", s);
        t->error = true;
        return false;
    }
    return true;
}

static bool is_binary_op(const char *op)
{
    static const char *ops[] = { "=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt",
                                 "-ge", "-nt", "-ot", "-ef" };
    if (!op)
        return false;
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (strcmp(op, ops[k]) == 0)
            return true;
    return false;
}

static bool binary(struct test_state *t, const char *a, const char *op, const char *b)
{
    if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0)
        return strcmp(a, b) == 0;
    if (strcmp(op, "!=") == 0)
        return strcmp(a, b) != 0;
    if (strcmp(op, "<") == 0)
        return strcmp(a, b) < 0;
    if (strcmp(op, ">") == 0)
        return strcmp(a, b) > 0;
    if (strcmp(op, "-nt") == 0 || strcmp(op, "-ot") == 0 || strcmp(op, "-ef") == 0) {
        struct stat sa, sb;
        bool ha = stat(a, &sa) == 0, hb = stat(b, &sb) == 0;
        if (op[1] == 'e')
            return ha && hb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
        if (op[1] == 'n')
            return ha && (!hb || sa.st_mtime > sb.st_mtime);
        return hb && (!ha || sa.st_mtime < sb.st_mtime);
    }
    long x, y;
    if (!parse_int(t, a, &x) || !parse_int(t, b, &y))
        return false;
    if (strcmp(op, "-eq") == 0) return x == y;
    if (strcmp(op, "-ne") == 0) return x != y;
    if (strcmp(op, "-lt") == 0) return x < y;
    if (strcmp(op, "-le") == 0) return x <= y;
    if (strcmp(op, "-gt") == 0) return x > y;
    return x >= y;
}

static bool is_unary_op(const char *op)
{
    return op && op[0] == '-' && op[1] && !op[2] && strchr("efdrwxsLhpcbSntzugk", op[1]);
}

static bool unary(struct test_state *t, char op, const char *arg)
{
    struct stat st;
    switch (op) {
    case 'z': return !*arg;
    case 'n': return *arg != '\0';
    case 't': {
        long fd;
        return parse_int(t, arg, &fd) && isatty((int)fd);
    }
    case 'r': return access(arg, R_OK) == 0;
    case 'w': return access(arg, W_OK) == 0;
    case 'x': return access(arg, X_OK) == 0;
    case 'L':
    case 'h': return lstat(arg, &st) == 0 && S_ISLNK(st.st_mode);
    }
    if (stat(arg, &st) < 0)
        return false;
    switch (op) {
    case 'e': return true;
    case 'f': return S_ISREG(st.st_mode);
    case 'd': return S_ISDIR(st.st_mode);
    case 's': return st.st_size > 0;
    case 'p': return S_ISFIFO(st.st_mode);
    case 'c': return S_ISCHR(st.st_mode);
    case 'b': return S_ISBLK(st.st_mode);
    case 'S': return S_ISSOCK(st.st_mode);
    case 'u': return (st.st_mode & S_ISUID) != 0;
    case 'g': return (st.st_mode & S_ISGID) != 0;
    case 'k': return (st.st_mode & S_ISVTX) != 0;
    }
    return false;
}

static bool expr_or(struct test_state *t);

static bool primary(struct test_state *t)
{
    const char *a = peek_arg(t, 0);
    if (!a) {
        sh_error("test: argument expected");
        t->error = true;
        return false;
    }
    if (strcmp(a, "(") == 0 && !is_binary_op(peek_arg(t, 1))) {
        t->pos++;
        bool v = expr_or(t);
        const char *close = peek_arg(t, 0);
        if (!close || strcmp(close, ")") != 0) {
            sh_error("test: `)' expected");
            t->error = true;
            return false;
        }
        t->pos++;
        return v;
    }
    if (is_binary_op(peek_arg(t, 1)) && peek_arg(t, 2)) {
        const char *op = peek_arg(t, 1), *b = peek_arg(t, 2);
        t->pos += 3;
        return binary(t, a, op, b);
    }
    if (is_unary_op(a) && peek_arg(t, 1)) {
        const char *arg = peek_arg(t, 1);
        t->pos += 2;
        return unary(t, a[1], arg);
    }
    t->pos++;
    return *a != '\0';
}

static bool expr_not(struct test_state *t)
{
    const char *a = peek_arg(t, 0);
    if (a && strcmp(a, "!") == 0 && peek_arg(t, 1)) {
        t->pos++;
        return !expr_not(t);
    }
    return primary(t);
}

static bool expr_and(struct test_state *t)
{
    bool v = expr_not(t);
    while (peek_arg(t, 0) && strcmp(peek_arg(t, 0), "-a") == 0 && peek_arg(t, 1)) {
        t->pos++;
        bool r = expr_not(t);
        v = v && r;
    }
    return v;
}

static bool expr_or(struct test_state *t)
{
    bool v = expr_and(t);
    while (peek_arg(t, 0) && strcmp(peek_arg(t, 0), "-o") == 0 && peek_arg(t, 1)) {
        t->pos++;
        bool r = expr_and(t);
        v = v || r;
    }
    return v;
}

int builtin_test(int argc, char **argv)
{
    if (strcmp(argv[0], "[") == 0) {
        if (argc < 2 || strcmp(argv[argc - 1], "]") != 0) {
            sh_error("[: missing `]'");
            return 2;
        }
        argc--;
    }
    struct test_state t = { argv + 1, argc - 1, 0, false };
    if (t.argc == 0)
        return 1;
    bool v;
    /* POSIX: with three arguments a binary operator wins; with two, ! or a unary one */
    if (t.argc == 1) {
        v = argv[1][0] != '\0';
        t.pos = 1;
    } else if (t.argc == 2 && strcmp(argv[1], "!") == 0) {
        v = argv[2][0] == '\0';
        t.pos = 2;
    } else if (t.argc == 3 && is_binary_op(argv[2])) {
        v = binary(&t, argv[1], argv[2], argv[3]);
        t.pos = 3;
    } else {
        v = expr_or(&t);
    }
    if (!t.error && t.pos < t.argc) {
        sh_error("test: %s: unexpected argument", t.argv[t.pos]);
        t.error = true;
    }
    if (t.error)
        return 2;
    return v ? 0 : 1;
}
