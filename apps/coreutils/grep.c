/* grep: prints the lines of files ("-" or none: standard input) that match
 * a basic regular expression. newlib has no regcomp, so the matcher is
 * here: literal characters, `.`, `[...]` (ranges, `^` negation, [:class:]),
 * `*`, `\+`, `\?`, `^` and `$` anchors, `\` escapes. Options: -v -i -n -c
 * -q -l -h -H -s, -e PATTERN. Status 0 if a line was selected, 1 if none,
 * 2 on error. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

/* One atom of the pattern: the bytes it accepts, repeated min..max
 * times. */
struct atom {
    unsigned char accepts[32];
    unsigned min, max;
};

#define REPEAT_MANY 0xffffffffu

struct pattern {
    struct atom *atoms;
    size_t count;
    int is_anchored_start, is_anchored_end;
};

static int ignore_case;

static void accept_byte(struct atom *a, unsigned char c)
{
    a->accepts[c / 8] |= (unsigned char)(1u << (c % 8));
    if (ignore_case && isalpha(c)) {
        unsigned char other = (unsigned char)(islower(c) ? toupper(c) : tolower(c));
        a->accepts[other / 8] |= (unsigned char)(1u << (other % 8));
    }
}

static int accepts(const struct atom *a, unsigned char c)
{
    return (a->accepts[c / 8] >> (c % 8)) & 1;
}

/* `[:name:]` inside a bracket: adds the class and returns its length, or
 * 0 if p does not start one. */
static size_t add_named_class(struct atom *a, const char *p)
{
    static const struct {
        const char *name;
        int (*test)(int);
    } classes[] = {
        {"[:alpha:]", isalpha}, {"[:digit:]", isdigit}, {"[:alnum:]", isalnum},
        {"[:space:]", isspace}, {"[:upper:]", isupper}, {"[:lower:]", islower},
        {"[:punct:]", ispunct}, {"[:xdigit:]", isxdigit}, {"[:blank:]", isblank},
    };
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        size_t len = strlen(classes[i].name);
        if (strncmp(p, classes[i].name, len) != 0)
            continue;
        for (int c = 1; c < 256; c++)
            if (classes[i].test(c))
                accept_byte(a, (unsigned char)c);
        return len;
    }
    return 0;
}

/* Parses the bracket expression after '['; returns the rest after ']' or
 * NULL if it is not closed. */
static const char *parse_bracket(struct atom *a, const char *p)
{
    int is_negated = *p == '^';
    if (is_negated)
        p++;
    const char *first = p;
    while (*p && (*p != ']' || p == first)) {
        size_t named = add_named_class(a, p);
        if (named) {
            p += named;
            continue;
        }
        unsigned char lo = (unsigned char)*p, hi = lo;
        if (p[1] == '-' && p[2] && p[2] != ']') {
            hi = (unsigned char)p[2];
            p += 3;
        } else {
            p++;
        }
        for (unsigned c = lo; c <= hi; c++)
            accept_byte(a, (unsigned char)c);
    }
    if (*p != ']')
        return NULL;
    if (is_negated) {
        for (size_t i = 0; i < sizeof a->accepts; i++)
            a->accepts[i] = (unsigned char)~a->accepts[i];
        a->accepts['\n' / 8] &= (unsigned char)~(1u << ('\n' % 8));
    }
    return p + 1;
}

static struct atom *new_atom(struct pattern *pat)
{
    pat->atoms = cu_xrealloc(pat->atoms, (pat->count + 1) * sizeof *pat->atoms);
    struct atom *a = &pat->atoms[pat->count++];
    memset(a, 0, sizeof *a);
    a->min = a->max = 1;
    return a;
}

/* Compiles text into pat; 0, or -1 with a message printed. */
static int compile(const char *text, struct pattern *pat)
{
    const char *p = text;
    memset(pat, 0, sizeof *pat);
    if (*p == '^') {
        pat->is_anchored_start = 1;
        p++;
    }
    while (*p) {
        if (*p == '$' && p[1] == '\0') {
            pat->is_anchored_end = 1;
            break;
        }
        /* Repetition applies to the atom before; a leading '*' is literal. */
        if (pat->count > 0 && (*p == '*' || (*p == '\\' && (p[1] == '+' || p[1] == '?')))) {
            struct atom *last = &pat->atoms[pat->count - 1];
            char op = *p == '*' ? '*' : p[1];
            last->min = op == '+' ? 1 : 0;
            last->max = op == '?' ? 1 : REPEAT_MANY;
            p += *p == '*' ? 1 : 2;
            continue;
        }
        struct atom *a = new_atom(pat);
        if (*p == '.') {
            for (int c = 0; c < 256; c++)
                if (c != '\n')
                    accept_byte(a, (unsigned char)c);
            p++;
        } else if (*p == '[') {
            p = parse_bracket(a, p + 1);
            if (!p) {
                cu_warnx("unmatched [ in '%s'", text);
                return -1;
            }
        } else if (*p == '\\') {
            if (p[1] == '\0') {
                cu_warnx("trailing backslash in '%s'", text);
                return -1;
            }
            if (strchr("(){}123456789", p[1])) {
                cu_warnx("unsupported \\%c in '%s'", p[1], text);
                return -1;
            }
            accept_byte(a, (unsigned char)p[1]);
            p += 2;
        } else {
            accept_byte(a, (unsigned char)*p++);
        }
    }
    return 0;
}

static int match_here(const struct pattern *pat, size_t index, const char *text)
{
    if (index == pat->count)
        return !pat->is_anchored_end || *text == '\0';
    const struct atom *a = &pat->atoms[index];
    size_t run = 0;
    while (run < a->max && text[run] && accepts(a, (unsigned char)text[run]))
        run++;
    /* Greedy: the longest run first, backing off to the minimum. */
    for (size_t take = run + 1; take-- > a->min;)
        if (match_here(pat, index + 1, text + take))
            return 1;
    return 0;
}

static int matches(const struct pattern *pat, const char *line)
{
    if (pat->is_anchored_start)
        return match_here(pat, 0, line);
    for (const char *p = line;; p++) {
        if (match_here(pat, 0, p))
            return 1;
        if (*p == '\0')
            return 0;
    }
}

struct options {
    int invert, numbers, count_only, quiet, list_files, with_names, silent;
};

/* Searches one input; returns the number of selected lines, -1 on error. */
static long search(const struct pattern *pats, size_t npats, const char *name,
                   const struct options *o)
{
    FILE *f = strcmp(name, "-") == 0 ? stdin : fopen(name, "r");
    const char *shown = strcmp(name, "-") == 0 ? "(standard input)" : name;
    if (!f) {
        if (!o->silent)
            cu_warn(name);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long selected = 0;
    unsigned long number = 0;
    while ((len = cu_getline(&line, &cap, f)) > 0) {
        number++;
        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        int is_match = 0;
        for (size_t i = 0; i < npats && !is_match; i++)
            is_match = matches(&pats[i], line);
        if (is_match == o->invert)
            continue;
        selected++;
        if (o->quiet)
            exit(0);
        if (o->list_files) {
            puts(shown);
            break;
        }
        if (o->count_only)
            continue;
        if (o->with_names)
            printf("%s:", shown);
        if (o->numbers)
            printf("%lu:", number);
        puts(line);
    }
    if (len < 0 && !o->silent)
        cu_warn(name);
    if (o->count_only) {
        if (o->with_names)
            printf("%s:", shown);
        printf("%ld\n", selected);
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return len < 0 ? -1 : selected;
}

int main(int argc, char **argv)
{
    struct options o = {0, 0, 0, 0, 0, -1, 0};
    const char **texts = NULL;
    size_t ntexts = 0;
    int opt;
    cu_prog = "grep";
    while ((opt = cu_getopt(argc, argv, "vinclqhHse:")) != -1) {
        switch (opt) {
        case 'v': o.invert = 1; break;
        case 'i': ignore_case = 1; break;
        case 'n': o.numbers = 1; break;
        case 'c': o.count_only = 1; break;
        case 'l': o.list_files = 1; break;
        case 'q': o.quiet = 1; break;
        case 'h': o.with_names = 0; break;
        case 'H': o.with_names = 1; break;
        case 's': o.silent = 1; break;
        case 'e':
            texts = cu_xrealloc(texts, (ntexts + 1) * sizeof *texts);
            texts[ntexts++] = cu_optarg;
            break;
        default:
            fprintf(stderr, "usage: grep [-vinclqhHs] [-e PATTERN] PATTERN [file...]\n");
            return 2;
        }
    }
    if (ntexts == 0) {
        if (cu_optind == argc) {
            fprintf(stderr, "usage: grep [-vinclqhHs] [-e PATTERN] PATTERN [file...]\n");
            return 2;
        }
        texts = cu_xrealloc(texts, sizeof *texts);
        texts[ntexts++] = argv[cu_optind++];
    }
    struct pattern *pats = cu_xmalloc(ntexts * sizeof *pats);
    for (size_t i = 0; i < ntexts; i++)
        if (compile(texts[i], &pats[i]) < 0)
            return 2;
    int nfiles = argc - cu_optind;
    if (o.with_names < 0)
        o.with_names = nfiles > 1;
    int has_error = 0;
    long total = 0;
    for (int i = 0; i < (nfiles ? nfiles : 1); i++) {
        long found = search(pats, ntexts, nfiles ? argv[cu_optind + i] : "-", &o);
        if (found < 0)
            has_error = 1;
        else
            total += found;
    }
    for (size_t i = 0; i < ntexts; i++)
        free(pats[i].atoms);
    free(pats);
    free(texts);
    if (fflush(stdout) != 0)
        return cu_warn("write") + 1;
    if (has_error)
        return 2;
    return total > 0 ? 0 : 1;
}
