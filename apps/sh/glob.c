/* glob.c: shell pattern matching (* ? [...] with ! or ^, ranges and
 * [:class:]) and pathname expansion over directories. Patterns carry
 * quoting as backslash escapes: \* matches a literal star. */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "sh.h"

static bool class_match(const char *name, size_t n, unsigned char c)
{
    static const struct { const char *name; int (*fn)(int); } classes[] = {
        { "alpha", isalpha }, { "digit", isdigit }, { "alnum", isalnum }, { "upper", isupper },
        { "lower", islower }, { "space", isspace }, { "punct", ispunct }, { "xdigit", isxdigit },
        { "print", isprint }, { "cntrl", iscntrl }, { "graph", isgraph }, { "blank", isblank },
    };
    for (size_t k = 0; k < sizeof classes / sizeof classes[0]; k++)
        if (strlen(classes[k].name) == n && memcmp(classes[k].name, name, n) == 0)
            return classes[k].fn(c) != 0;
    return false;
}

/* p points after '['. Returns the pointer after ']' and sets *matched, or
 * NULL when the bracket is not closed (then '[' is literal). */
static const char *bracket_match(const char *p, unsigned char c, bool *matched)
{
    bool negate = false, found = false;
    if (*p == '!' || *p == '^') {
        negate = true;
        p++;
    }
    bool first = true;
    while (*p && (*p != ']' || first)) {
        first = false;
        if (p[0] == '[' && p[1] == ':') {
            const char *end = strstr(p + 2, ":]");
            if (end) {
                if (class_match(p + 2, (size_t)(end - p - 2), c))
                    found = true;
                p = end + 2;
                continue;
            }
        }
        unsigned char lo = (unsigned char)*p;
        if (lo == '\\' && p[1])
            lo = (unsigned char)*++p;
        p++;
        unsigned char hi = lo;
        if (p[0] == '-' && p[1] && p[1] != ']') {
            hi = (unsigned char)p[1];
            if (hi == '\\' && p[2])
                hi = (unsigned char)*++p;
            p += 2;
        }
        if (c >= lo && c <= hi)
            found = true;
    }
    if (*p != ']')
        return NULL;
    *matched = found != negate;
    return p + 1;
}

bool pattern_match(const char *p, const char *s)
{
    const char *star_p = NULL, *star_s = NULL;
    for (;;) {
        if (*p == '*') {
            while (*p == '*')
                p++;
            if (!*p)
                return true;
            star_p = p;
            star_s = s;
            continue;
        }
        if (*s) {
            bool ok = false;
            const char *next = p + 1;
            if (*p == '?') {
                ok = true;
            } else if (*p == '[') {
                bool m;
                const char *after = bracket_match(p + 1, (unsigned char)*s, &m);
                if (after) {
                    ok = m;
                    next = after;
                } else {
                    ok = *s == '[';
                }
            } else if (*p == '\\' && p[1]) {
                ok = p[1] == *s;
                next = p + 2;
            } else if (*p) {
                ok = *p == *s;
            }
            if (ok) {
                p = next;
                s++;
                continue;
            }
        } else if (!*p) {
            return true;
        }
        if (!star_p || !*star_s)
            return false;
        p = star_p;
        s = ++star_s;
    }
}

bool pattern_has_magic(const char *p)
{
    for (; *p; p++) {
        if (*p == '\\' && p[1])
            p++;
        else if (*p == '*' || *p == '?' || *p == '[')
            return true;
    }
    return false;
}

char *pattern_unescape(const char *p)
{
    char *out = arena_alloc(scratch, strlen(p) + 1);
    char *o = out;
    for (; *p; p++) {
        if (*p == '\\' && p[1])
            p++;
        *o++ = *p;
    }
    *o = '\0';
    return out;
}

struct matches {
    char ***v;
    int *count, *cap;
};

static void add_match(struct matches *m, const char *path)
{
    if (*m->count + 1 >= *m->cap) {
        *m->cap = *m->cap ? *m->cap * 2 : 16;
        *m->v = xrealloc(*m->v, (size_t)*m->cap * sizeof **m->v);
    }
    (*m->v)[(*m->count)++] = arena_strndup(scratch, path, strlen(path));
}

/* Match the components of pat (after prefix, which is a directory path
 * ending in '/' or empty) one level at a time. */
static void glob_dir(struct strbuf *prefix, const char *pat, struct matches *m)
{
    const char *slash = strchr(pat, '/');
    size_t complen = slash ? (size_t)(slash - pat) : strlen(pat);
    char *comp = xstrndup(pat, complen);
    if (!pattern_has_magic(comp)) {
        size_t keep = prefix->len;
        char *lit = pattern_unescape(comp);
        sb_adds(prefix, lit);
        struct stat st;
        if (!slash) {
            if (lstat(sb_str(prefix), &st) == 0)
                add_match(m, sb_str(prefix));
        } else if (stat(sb_str(prefix), &st) == 0 && S_ISDIR(st.st_mode)) {
            sb_addc(prefix, '/');
            glob_dir(prefix, slash + 1, m);
        }
        prefix->len = keep;
        if (prefix->s)
            prefix->s[keep] = '\0';
        free(comp);
        return;
    }
    DIR *d = opendir(prefix->len ? sb_str(prefix) : ".");
    if (!d) {
        free(comp);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && comp[0] != '.')
            continue;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (!pattern_match(comp, e->d_name))
            continue;
        size_t keep = prefix->len;
        sb_adds(prefix, e->d_name);
        if (!slash) {
            add_match(m, sb_str(prefix));
        } else {
            struct stat st;
            if (stat(sb_str(prefix), &st) == 0 && S_ISDIR(st.st_mode)) {
                sb_addc(prefix, '/');
                if (slash[1])
                    glob_dir(prefix, slash + 1, m);
                else
                    add_match(m, sb_str(prefix));
            }
        }
        prefix->len = keep;
        prefix->s[keep] = '\0';
    }
    closedir(d);
    free(comp);
}

static int compare_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int glob_expand(const char *pattern, char ***v, int *count, int *cap)
{
    struct matches m = { v, count, cap };
    struct strbuf prefix = { 0 };
    int before = *count;
    const char *p = pattern;
    if (*p == '/') {
        sb_addc(&prefix, '/');
        while (*p == '/')
            p++;
    }
    glob_dir(&prefix, p, &m);
    sb_free(&prefix);
    int found = *count - before;
    if (found > 1)
        qsort(*v + before, (size_t)found, sizeof **v, compare_str);
    return found;
}
