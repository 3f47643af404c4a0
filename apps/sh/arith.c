/* arith.c: $((...)) arithmetic: long integers, C's operators and
 * precedence (unary, * / %, + -, shifts, comparisons, bitwise, && ||, ?:,
 * assignments), variables by name, decimal, octal and hex constants. */
#include <ctype.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

struct arith {
    const char *s;
    int skip;            /* > 0: parsing a branch not taken (no effects) */
    jmp_buf fail;
};

static void __attribute__((noreturn)) arith_fail(struct arith *a, const char *msg)
{
    sh_error("arithmetic: %s", msg);
    longjmp(a->fail, 1);
}

static void skip_space(struct arith *a)
{
    while (isspace((unsigned char)*a->s))
        a->s++;
}

static bool accept(struct arith *a, const char *op)
{
    skip_space(a);
    size_t n = strlen(op);
    if (strncmp(a->s, op, n) != 0)
        return false;
    /* "<" must not take the start of "<<" or "<=", and so on */
    char next = a->s[n];
    if (n == 1 && strchr("<>&|=!", op[0]) && (next == op[0] || next == '='))
        if (!(op[0] == '!' && next == '!'))
            return false;
    if (n == 2 && (strcmp(op, "<<") == 0 || strcmp(op, ">>") == 0) && next == '=')
        return false;
    a->s += n;
    return true;
}

static long parse_expr(struct arith *a);
static long parse_assign(struct arith *a);

static long var_value(struct arith *a, const char *name)
{
    if (strcmp(name, "LINENO") == 0)
        return current_line;
    const char *v = var_get(name);
    if (!v || !*v) {
        if (!v && opt.nounset && !a->skip)
            arith_fail(a, "parameter not set");
        return 0;
    }
    char *end;
    long x = strtol(v, &end, 0);
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        arith_fail(a, "variable is not a number");
    return x;
}

static long parse_primary(struct arith *a)
{
    skip_space(a);
    if (accept(a, "(")) {
        long v = parse_expr(a);
        if (!accept(a, ")"))
            arith_fail(a, "missing )");
        return v;
    }
    if (isdigit((unsigned char)*a->s)) {
        char *end;
        long v = strtol(a->s, &end, 0);
        if (isalnum((unsigned char)*end) || *end == '_')
            arith_fail(a, "bad number");
        a->s = end;
        return v;
    }
    if (isalpha((unsigned char)*a->s) || *a->s == '_') {
        const char *start = a->s;
        while (isalnum((unsigned char)*a->s) || *a->s == '_')
            a->s++;
        char name[128];
        size_t n = (size_t)(a->s - start);
        if (n >= sizeof name)
            arith_fail(a, "name too long");
        memcpy(name, start, n);
        name[n] = '\0';
        return var_value(a, name);
    }
    arith_fail(a, *a->s ? "syntax error" : "unexpected end of expression");
}

static long parse_unary(struct arith *a)
{
    if (accept(a, "-"))
        return -(unsigned long)parse_unary(a);
    if (accept(a, "+"))
        return parse_unary(a);
    if (accept(a, "!"))
        return !parse_unary(a);
    if (accept(a, "~"))
        return ~parse_unary(a);
    return parse_primary(a);
}

static long parse_mul(struct arith *a)
{
    long v = parse_unary(a);
    for (;;) {
        if (accept(a, "*")) {
            v = (long)((unsigned long)v * (unsigned long)parse_unary(a));
        } else if (accept(a, "/") || accept(a, "%")) {
            char op = a->s[-1];
            long r = parse_unary(a);
            if (r == 0) {
                if (a->skip)
                    continue;
                arith_fail(a, "division by zero");
            }
            if (r == -1)
                v = op == '/' ? -(unsigned long)v : 0;
            else
                v = op == '/' ? v / r : v % r;
        } else {
            return v;
        }
    }
}

static long parse_add(struct arith *a)
{
    long v = parse_mul(a);
    for (;;) {
        if (accept(a, "+"))
            v = (long)((unsigned long)v + (unsigned long)parse_mul(a));
        else if (accept(a, "-"))
            v = (long)((unsigned long)v - (unsigned long)parse_mul(a));
        else
            return v;
    }
}

static long parse_shift(struct arith *a)
{
    long v = parse_add(a);
    for (;;) {
        if (accept(a, "<<"))
            v = (long)((unsigned long)v << (parse_add(a) & 63));
        else if (accept(a, ">>"))
            v >>= parse_add(a) & 63;
        else
            return v;
    }
}

static long parse_rel(struct arith *a)
{
    long v = parse_shift(a);
    for (;;) {
        if (accept(a, "<="))
            v = v <= parse_shift(a);
        else if (accept(a, ">="))
            v = v >= parse_shift(a);
        else if (accept(a, "<"))
            v = v < parse_shift(a);
        else if (accept(a, ">"))
            v = v > parse_shift(a);
        else
            return v;
    }
}

static long parse_eq(struct arith *a)
{
    long v = parse_rel(a);
    for (;;) {
        if (accept(a, "=="))
            v = v == parse_rel(a);
        else if (accept(a, "!="))
            v = v != parse_rel(a);
        else
            return v;
    }
}

static long parse_bitand(struct arith *a)
{
    long v = parse_eq(a);
    while (accept(a, "&"))
        v &= parse_eq(a);
    return v;
}

static long parse_bitxor(struct arith *a)
{
    long v = parse_bitand(a);
    while (accept(a, "^"))
        v ^= parse_bitand(a);
    return v;
}

static long parse_bitor(struct arith *a)
{
    long v = parse_bitxor(a);
    while (accept(a, "|"))
        v |= parse_bitxor(a);
    return v;
}

static long parse_logand(struct arith *a)
{
    long v = parse_bitor(a);
    while (accept(a, "&&")) {
        if (!v)
            a->skip++;
        long r = parse_bitor(a);
        if (!v)
            a->skip--;
        v = v && r;
    }
    return v;
}

static long parse_logor(struct arith *a)
{
    long v = parse_logand(a);
    while (accept(a, "||")) {
        if (v)
            a->skip++;
        long r = parse_logand(a);
        if (v)
            a->skip--;
        v = v || r;
    }
    return v;
}

static long parse_cond(struct arith *a)
{
    long c = parse_logor(a);
    if (!accept(a, "?"))
        return c;
    if (!c)
        a->skip++;
    long x = parse_assign(a);
    if (!c)
        a->skip--;
    if (!accept(a, ":"))
        arith_fail(a, "missing : in ?:");
    if (c)
        a->skip++;
    long y = parse_cond(a);
    if (c)
        a->skip--;
    return c ? x : y;
}

static long apply_op(struct arith *a, const char *op, long x, long y)
{
    switch (op[0]) {
    case '+': return (long)((unsigned long)x + (unsigned long)y);
    case '-': return (long)((unsigned long)x - (unsigned long)y);
    case '*': return (long)((unsigned long)x * (unsigned long)y);
    case '/':
    case '%':
        if (y == 0)
            arith_fail(a, "division by zero");
        if (y == -1)
            return op[0] == '/' ? -(unsigned long)x : 0;
        return op[0] == '/' ? x / y : x % y;
    case '<': return (long)((unsigned long)x << (y & 63));
    case '>': return x >> (y & 63);
    case '&': return x & y;
    case '|': return x | y;
    case '^': return x ^ y;
    }
    return y;
}

static long parse_assign(struct arith *a)
{
    skip_space(a);
    const char *start = a->s;
    if (isalpha((unsigned char)*a->s) || *a->s == '_') {
        const char *p = a->s;
        while (isalnum((unsigned char)*p) || *p == '_')
            p++;
        size_t n = (size_t)(p - start);
        while (isspace((unsigned char)*p))
            p++;
        static const char *ops[] = { "=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=",
                                     "&=", "|=", "^=" };
        for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
            size_t ol = strlen(ops[k]);
            if (strncmp(p, ops[k], ol) != 0 || (ol == 1 && p[1] == '='))
                continue;
            char name[128];
            if (n >= sizeof name)
                arith_fail(a, "name too long");
            memcpy(name, start, n);
            name[n] = '\0';
            a->s = p + ol;
            long rhs = parse_assign(a);
            long v = ol == 1 ? rhs : apply_op(a, ops[k], var_value(a, name), rhs);
            if (!a->skip) {
                char num[32];
                snprintf(num, sizeof num, "%ld", v);
                if (var_set(name, num) < 0)
                    longjmp(a->fail, 1);
            }
            return v;
        }
    }
    return parse_cond(a);
}

static long parse_expr(struct arith *a)
{
    long v = parse_assign(a);
    while (accept(a, ","))
        v = parse_assign(a);
    return v;
}

int arith_eval(const char *expr, long *result)
{
    struct arith a = { .s = expr, .skip = 0 };
    if (setjmp(a.fail))
        return -1;
    skip_space(&a);
    if (!*a.s) {
        *result = 0;
        return 0;
    }
    *result = parse_expr(&a);
    skip_space(&a);
    if (*a.s)
        arith_fail(&a, "syntax error");
    return 0;
}
