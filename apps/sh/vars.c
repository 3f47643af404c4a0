/* vars.c: shell variables (a hash table of name, value and export/readonly
 * flags), the environment handed to programs, and positional parameters. */
#include <stdlib.h>
#include <string.h>
#include "sh.h"

#define VAR_BUCKETS 128

struct var {
    struct var *next;
    char *name;
    char *value;         /* NULL: declared (export/readonly) but unset */
    int flags;
};

static struct var *table[VAR_BUCKETS];
struct params posparams;
char *arg0;

static unsigned hash_name(const char *name, size_t n)
{
    unsigned h = 5381;
    for (size_t i = 0; i < n; i++)
        h = h * 33 + (unsigned char)name[i];
    return h % VAR_BUCKETS;
}

static struct var *find(const char *name, bool create)
{
    size_t n = strlen(name);
    unsigned h = hash_name(name, n);
    for (struct var *v = table[h]; v; v = v->next)
        if (strcmp(v->name, name) == 0)
            return v;
    if (!create)
        return NULL;
    struct var *v = xmalloc(sizeof *v);
    v->name = xstrdup(name);
    v->value = NULL;
    v->flags = 0;
    v->next = table[h];
    table[h] = v;
    return v;
}

const char *var_get(const char *name)
{
    struct var *v = find(name, false);
    return v ? v->value : NULL;
}

int var_set(const char *name, const char *value)
{
    struct var *v = find(name, true);
    if (v->flags & VAR_READONLY) {
        sh_error("%s: readonly variable", name);
        return -1;
    }
    char *copy = xstrdup(value);
    free(v->value);
    v->value = copy;
    return 0;
}

int var_unset(const char *name)
{
    unsigned h = hash_name(name, strlen(name));
    for (struct var **pp = &table[h]; *pp; pp = &(*pp)->next) {
        struct var *v = *pp;
        if (strcmp(v->name, name) != 0)
            continue;
        if (v->flags & VAR_READONLY) {
            sh_error("%s: readonly variable", name);
            return -1;
        }
        *pp = v->next;
        free(v->name);
        free(v->value);
        free(v);
        return 0;
    }
    return 0;
}

void var_set_flags(const char *name, int flags)
{
    find(name, true)->flags |= flags;
}

int var_flags(const char *name)
{
    struct var *v = find(name, false);
    return v ? v->flags : 0;
}

void vars_import(char **envp)
{
    for (char **e = envp; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq || !is_name(*e, (size_t)(eq - *e)))
            continue;
        char *name = xstrndup(*e, (size_t)(eq - *e));
        var_set(name, eq + 1);
        var_set_flags(name, VAR_EXPORT);
        free(name);
    }
}

static bool overridden(const char *name, char **extra, int nextra)
{
    size_t n = strlen(name);
    for (int i = 0; i < nextra; i++)
        if (strncmp(extra[i], name, n) == 0 && extra[i][n] == '=')
            return true;
    return false;
}

char **vars_environ(char **extra, int nextra)
{
    int count = nextra;
    for (int h = 0; h < VAR_BUCKETS; h++)
        for (struct var *v = table[h]; v; v = v->next)
            count++;
    char **env = xmalloc((size_t)(count + 1) * sizeof *env);
    int k = 0;
    for (int h = 0; h < VAR_BUCKETS; h++)
        for (struct var *v = table[h]; v; v = v->next) {
            if (!(v->flags & VAR_EXPORT) || !v->value || overridden(v->name, extra, nextra))
                continue;
            size_t nl = strlen(v->name), vl = strlen(v->value);
            char *s = xmalloc(nl + vl + 2);
            memcpy(s, v->name, nl);
            s[nl] = '=';
            memcpy(s + nl + 1, v->value, vl + 1);
            env[k++] = s;
        }
    for (int i = 0; i < nextra; i++)
        env[k++] = xstrdup(extra[i]);
    env[k] = NULL;
    return env;
}

void free_strv(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

static int compare_vars(const void *a, const void *b)
{
    return strcmp((*(struct var *const *)a)->name, (*(struct var *const *)b)->name);
}

static void print_quoted(int fd, const char *s)
{
    out_write(fd, "'", 1);
    for (; *s; s++) {
        if (*s == '\'')
            out_write(fd, "'\\''", 4);
        else
            out_write(fd, s, 1);
    }
    out_write(fd, "'", 1);
}

void vars_print(int only_flags, const char *prefix)
{
    int count = 0;
    for (int h = 0; h < VAR_BUCKETS; h++)
        for (struct var *v = table[h]; v; v = v->next)
            count++;
    struct var **all = xmalloc((size_t)(count + 1) * sizeof *all);
    int k = 0;
    for (int h = 0; h < VAR_BUCKETS; h++)
        for (struct var *v = table[h]; v; v = v->next)
            if ((v->flags & only_flags) == only_flags)
                all[k++] = v;
    qsort(all, (size_t)k, sizeof *all, compare_vars);
    for (int i = 0; i < k; i++) {
        if (prefix)
            out_printf(1, "%s", prefix);
        out_printf(1, "%s", all[i]->name);
        if (all[i]->value) {
            out_write(1, "=", 1);
            print_quoted(1, all[i]->value);
        }
        out_write(1, "\n", 1);
    }
    free(all);
}

void params_set(struct params *p, int argc, char **argv)
{
    p->argc = argc;
    p->argv = xmalloc((size_t)(argc + 1) * sizeof *p->argv);
    for (int i = 0; i < argc; i++)
        p->argv[i] = xstrdup(argv[i]);
    p->argv[argc] = NULL;
}

void params_free(struct params *p)
{
    for (int i = 0; i < p->argc; i++)
        free(p->argv[i]);
    free(p->argv);
    p->argv = NULL;
    p->argc = 0;
}

/* ---- function-local variables (local) ---- */

struct local_save {
    struct local_save *next;
    int depth;           /* function depth that made it local */
    char *name;
    char *value;         /* NULL: was unset */
    int flags;
};

static struct local_save *local_saves;

int var_make_local(const char *name, int depth)
{
    for (struct local_save *s = local_saves; s && s->depth == depth; s = s->next)
        if (strcmp(s->name, name) == 0)
            return 0;
    struct var *v = find(name, false);
    if (v && (v->flags & VAR_READONLY)) {
        sh_error("%s: readonly variable", name);
        return -1;
    }
    struct local_save *s = xmalloc(sizeof *s);
    s->depth = depth;
    s->name = xstrdup(name);
    s->value = v && v->value ? xstrdup(v->value) : NULL;
    s->flags = v ? v->flags : 0;
    s->next = local_saves;
    local_saves = s;
    return 0;
}

void vars_pop_locals(int depth)
{
    while (local_saves && local_saves->depth >= depth) {
        struct local_save *s = local_saves;
        local_saves = s->next;
        var_unset(s->name);
        if (s->value || s->flags) {
            struct var *v = find(s->name, true);
            v->value = s->value;
            v->flags = s->flags;
            s->value = NULL;
        }
        free(s->name);
        free(s->value);
        free(s);
    }
}
