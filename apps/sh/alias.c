/* alias.c: aliases: the alias and unalias builtins and the table the
 * parser consults for the first word of each command. */
#include <stdlib.h>
#include <string.h>
#include "sh.h"

struct alias {
    struct alias *next;
    char *name;
    char *value;
};

static struct alias *aliases;

const char *alias_get(const char *name)
{
    for (struct alias *a = aliases; a; a = a->next)
        if (strcmp(a->name, name) == 0)
            return a->value;
    return NULL;
}

static void alias_set(const char *name, size_t namelen, const char *value)
{
    for (struct alias *a = aliases; a; a = a->next) {
        if (strlen(a->name) == namelen && memcmp(a->name, name, namelen) == 0) {
            char *copy = xstrdup(value);
            free(a->value);
            a->value = copy;
            return;
        }
    }
    struct alias *a = xmalloc(sizeof *a);
    a->name = xstrndup(name, namelen);
    a->value = xstrdup(value);
    a->next = aliases;
    aliases = a;
}

static bool alias_unset(const char *name)
{
    for (struct alias **pp = &aliases; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->name, name) == 0) {
            struct alias *a = *pp;
            *pp = a->next;
            free(a->name);
            free(a->value);
            free(a);
            return true;
        }
    }
    return false;
}

static void print_alias(const struct alias *a)
{
    out_printf(1, "alias %s='", a->name);
    for (const char *v = a->value; *v; v++) {
        if (*v == '\'')
            out_write(1, "'\\''", 4);
        else
            out_write(1, v, 1);
    }
    out_write(1, "'\n", 2);
}

static int compare_aliases(const void *a, const void *b)
{
    return strcmp((*(struct alias *const *)a)->name, (*(struct alias *const *)b)->name);
}

static void print_all_sorted(void)
{
    size_t n = 0;
    for (struct alias *a = aliases; a; a = a->next)
        n++;
    struct alias **all = xmalloc((n + 1) * sizeof *all);
    n = 0;
    for (struct alias *a = aliases; a; a = a->next)
        all[n++] = a;
    qsort(all, n, sizeof *all, compare_aliases);
    for (size_t i = 0; i < n; i++)
        print_alias(all[i]);
    free(all);
}

static bool valid_alias_name(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strchr(" \t\n;&|<>()$`\\\"'=/", s[i]))
            return false;
    return true;
}

int builtin_alias(int argc, char **argv)
{
    if (argc == 1) {
        print_all_sorted();
        return 0;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        if (eq) {
            if (!valid_alias_name(argv[i], (size_t)(eq - argv[i]))) {
                sh_error("alias: `%s': invalid alias name", argv[i]);
                status = 1;
                continue;
            }
            alias_set(argv[i], (size_t)(eq - argv[i]), eq + 1);
            continue;
        }
        bool found = false;
        for (struct alias *a = aliases; a; a = a->next) {
            if (strcmp(a->name, argv[i]) == 0) {
                print_alias(a);
                found = true;
            }
        }
        if (!found) {
            sh_error("alias: %s: not found", argv[i]);
            status = 1;
        }
    }
    return status;
}

int builtin_unalias(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "-a") == 0) {
        while (aliases)
            alias_unset(aliases->name);
        return 0;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (!alias_unset(argv[i])) {
            sh_error("unalias: %s: not found", argv[i]);
            status = 1;
        }
    }
    return status;
}
