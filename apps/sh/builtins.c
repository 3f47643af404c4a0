/* builtins.c: the commands the shell runs itself: cd, pwd, exit, export,
 * readonly, unset, set, shift, echo, printf, eval, ., exec, return,
 * break, continue, local, history, type/command, umask, trap, true,
 * false and : (test, read, getopts, times and the job builtins live in
 * test.c, read.c, getopts.c, times.c and jobs.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sh.h"

static int dot_depth;

/* ---- small ones ---- */

static int builtin_true(int argc, char **argv) { (void)argc; (void)argv; return 0; }
static int builtin_false(int argc, char **argv) { (void)argc; (void)argv; return 1; }

static int builtin_exit(int argc, char **argv)
{
    if (jobs_block_exit(top_command_number))
        return 1;
    int status = last_status;
    if (argc > 1) {
        char *end;
        long n = strtol(argv[1], &end, 10);
        if (!*argv[1] || *end) {
            sh_error("exit: %s: numeric argument required", argv[1]);
            status = 2;
        } else {
            status = (int)(n & 0xff);
        }
    }
    shell_exit(status);
}

static int builtin_pwd(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char buf[PATH_MAX];
    if (!getcwd(buf, sizeof buf)) {
        sh_error("pwd: %s", strerror(errno));
        return 1;
    }
    out_printf(1, "%s\n", buf);
    return 0;
}

static int builtin_cd(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : var_get("HOME");
    bool print = false;
    if (argc > 1 && strcmp(dir, "-") == 0) {
        dir = var_get("OLDPWD");
        print = true;
        if (!dir) {
            sh_error("cd: OLDPWD not set");
            return 1;
        }
    }
    if (!dir || !*dir) {
        sh_error("cd: HOME not set");
        return 1;
    }
    char old[PATH_MAX];
    if (!getcwd(old, sizeof old))
        old[0] = '\0';
    if (chdir(dir) < 0) {
        sh_error("cd: %s: %s", dir, strerror(errno));
        return 1;
    }
    char now[PATH_MAX];
    if (getcwd(now, sizeof now)) {
        var_set("PWD", now);
        if (print)
            out_printf(1, "%s\n", now);
    }
    if (old[0])
        var_set("OLDPWD", old);
    return 0;
}

static int declare(int argc, char **argv, int flag, const char *prefix)
{
    if (argc == 1 || (argc == 2 && strcmp(argv[1], "-p") == 0)) {
        vars_print(flag, prefix);
        return 0;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-p") == 0 || strcmp(argv[i], "--") == 0)
            continue;
        char *eq = strchr(argv[i], '=');
        size_t nl = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        if (!is_name(argv[i], nl)) {
            sh_error("%s: `%s': not a valid identifier", argv[0], argv[i]);
            status = 1;
            continue;
        }
        char *name = xstrndup(argv[i], nl);
        if (eq && var_set(name, eq + 1) < 0)
            status = 1;
        else
            var_set_flags(name, flag);
        free(name);
    }
    return status;
}

static int builtin_export(int argc, char **argv)
{
    return declare(argc, argv, VAR_EXPORT, "export ");
}

static int builtin_readonly(int argc, char **argv)
{
    return declare(argc, argv, VAR_READONLY, "readonly ");
}

static int builtin_unset(int argc, char **argv)
{
    bool functions = false;
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-f") == 0) {
            functions = true;
        } else if (strcmp(argv[i], "-v") == 0) {
            functions = false;
        } else if (functions) {
            function_unset(argv[i]);
        } else if (var_unset(argv[i]) < 0) {
            status = 1;
        }
    }
    return status;
}

static int builtin_local(int argc, char **argv)
{
    if (func_depth == 0) {
        sh_error("local: can only be used in a function");
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        size_t nl = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        if (!is_name(argv[i], nl)) {
            sh_error("local: `%s': not a valid identifier", argv[i]);
            status = 1;
            continue;
        }
        char *name = xstrndup(argv[i], nl);
        if (var_make_local(name, func_depth) < 0 || (eq && var_set(name, eq + 1) < 0))
            status = 1;
        free(name);
    }
    return status;
}

static int builtin_history(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    lineedit_history_print();
    return 0;
}

static int builtin_shift(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;
    if (n < 0 || n > posparams.argc) {
        sh_error("shift: %s: shift count out of range", argc > 1 ? argv[1] : "1");
        return 1;
    }
    for (int i = 0; i < n; i++)
        free(posparams.argv[i]);
    memmove(posparams.argv, posparams.argv + n,
            (size_t)(posparams.argc - n + 1) * sizeof *posparams.argv);
    posparams.argc -= n;
    return 0;
}

/* ---- set ---- */

static const struct { char letter; const char *name; bool *flag; } option_table[] = {
    { 'e', "errexit", &opt.errexit }, { 'x', "xtrace", &opt.xtrace },
    { 'u', "nounset", &opt.nounset }, { 'C', "noclobber", &opt.noclobber },
    { 'f', "noglob", &opt.noglob }, { 'm', "monitor", &opt.monitor },
};
#define NOPTIONS (sizeof option_table / sizeof option_table[0])

static int set_option_letter(char letter, bool on)
{
    for (size_t k = 0; k < NOPTIONS; k++) {
        if (option_table[k].letter == letter) {
            *option_table[k].flag = on;
            return 0;
        }
    }
    if (letter == 'i' || letter == 'l' || letter == 's')
        return 0;
    sh_error("set: -%c: invalid option", letter);
    return -1;
}

static int set_option_name(const char *name, bool on)
{
    for (size_t k = 0; k < NOPTIONS; k++) {
        if (strcmp(option_table[k].name, name) == 0) {
            *option_table[k].flag = on;
            return 0;
        }
    }
    sh_error("set: %s: invalid option name", name);
    return -1;
}

/* Parse -e/+e/-o name options; returns the index of the first operand or
 * -1 on an error. *dashdash tells whether "--" or "-" ended them. */
int shell_set_options(int argc, char **argv, int *dashdash)
{
    int i = 1;
    *dashdash = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0 || strcmp(a, "-") == 0) {
            *dashdash = 1;
            return i + 1;
        }
        if ((a[0] != '-' && a[0] != '+') || !a[1])
            break;
        bool on = a[0] == '-';
        if (strcmp(a + 1, "o") == 0) {
            if (i + 1 >= argc) {
                for (size_t k = 0; k < NOPTIONS; k++)
                    out_printf(1, on ? "%-15s %s\n" : "set %so %s\n",
                               on ? option_table[k].name : (*option_table[k].flag ? "-" : "+"),
                               on ? (*option_table[k].flag ? "on" : "off") : option_table[k].name);
                continue;
            }
            if (set_option_name(argv[++i], on) < 0)
                return -1;
            continue;
        }
        for (const char *c = a + 1; *c; c++)
            if (set_option_letter(*c, on) < 0)
                return -1;
    }
    return i;
}

static int builtin_set(int argc, char **argv)
{
    if (argc == 1) {
        vars_print(0, NULL);
        return 0;
    }
    int dashdash;
    int first = shell_set_options(argc, argv, &dashdash);
    if (first < 0)
        return 2;
    if (first < argc || dashdash) {
        params_free(&posparams);
        params_set(&posparams, argc - first, argv + first);
    }
    return 0;
}

/* ---- echo and printf ---- */

/* Write s interpreting backslash escapes; returns false after \c. */
static bool write_escaped(struct strbuf *out, const char *s, bool octal_needs_zero)
{
    for (; *s; s++) {
        if (*s != '\\' || !s[1]) {
            sb_addc(out, *s);
            continue;
        }
        s++;
        switch (*s) {
        case 'n': sb_addc(out, '\n'); break;
        case 't': sb_addc(out, '\t'); break;
        case 'r': sb_addc(out, '\r'); break;
        case 'a': sb_addc(out, '\a'); break;
        case 'b': sb_addc(out, '\b'); break;
        case 'f': sb_addc(out, '\f'); break;
        case 'v': sb_addc(out, '\v'); break;
        case 'e': sb_addc(out, 27); break;
        case '\\': sb_addc(out, '\\'); break;
        case 'c': return false;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            if (octal_needs_zero && *s != '0') {
                sb_addc(out, '\\');
                sb_addc(out, *s);
                break;
            }
            int v = 0, digits = 0;
            if (octal_needs_zero)
                s++;
            while (digits < 3 && *s >= '0' && *s <= '7') {
                v = v * 8 + (*s++ - '0');
                digits++;
            }
            s--;
            sb_addc(out, (char)v);
            break;
        }
        default:
            sb_addc(out, '\\');
            sb_addc(out, *s);
        }
    }
    return true;
}

static int builtin_echo(int argc, char **argv)
{
    bool newline = true, escapes = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *f = argv[i] + 1;
        if (strspn(f, "neE") != strlen(f))
            break;
        for (; *f; f++) {
            if (*f == 'n')
                newline = false;
            else if (*f == 'e')
                escapes = true;
            else
                escapes = false;
        }
    }
    struct strbuf out = { 0 };
    bool go_on = true;
    for (; i < argc && go_on; i++) {
        if (escapes)
            go_on = write_escaped(&out, argv[i], true);
        else
            sb_adds(&out, argv[i]);
        if (i + 1 < argc && go_on)
            sb_addc(&out, ' ');
    }
    if (newline && go_on)
        sb_addc(&out, '\n');
    out_write(1, sb_str(&out), out.len);
    sb_free(&out);
    return 0;
}

/* Room for one conversion of spec (flags, width, precision) applied to a
 * value of value_len characters: the numbers in spec bound the padding. */
static size_t conversion_room(const char *spec, size_t speclen, size_t value_len)
{
    size_t room = value_len + 64;
    for (size_t k = 0; k < speclen; k++) {
        if (spec[k] >= '1' && spec[k] <= '9') {
            char *end;
            unsigned long n = strtoul(spec + k, &end, 10);
            room += n < 100000 ? n : 100000;
            k = (size_t)(end - spec) - 1;
        }
    }
    return room;
}

/* One conversion; returns false when a %b argument said \c (stop). */
static bool printf_one(struct strbuf *out, const char *spec, size_t speclen, char conv,
                       const char *arg)
{
    char fmt[64];
    if (speclen + 3 > sizeof fmt)
        return true;
    memcpy(fmt, spec, speclen);
    bool go_on = true;
    size_t room = conversion_room(spec, speclen, arg ? strlen(arg) : 0);
    char *buf = xmalloc(room);
    if (conv == 'd' || conv == 'i' || conv == 'o' || conv == 'u' || conv == 'x' || conv == 'X') {
        fmt[speclen] = 'l';
        fmt[speclen + 1] = conv;
        fmt[speclen + 2] = '\0';
        long v = arg ? (arg[0] == '\'' || arg[0] == '"' ? (unsigned char)arg[1]
                                                       : strtol(arg, NULL, 0)) : 0;
        snprintf(buf, room, fmt, v);
    } else if (conv == 'c') {
        fmt[speclen] = 'c';
        fmt[speclen + 1] = '\0';
        if (!(arg && *arg)) {
            sb_addc(out, '\0');
            free(buf);
            return true;
        }
        snprintf(buf, room, fmt, arg[0]);
    } else {
        fmt[speclen] = 's';
        fmt[speclen + 1] = '\0';
        if (conv == 'b') {
            struct strbuf tmp = { 0 };
            go_on = write_escaped(&tmp, arg ? arg : "", true);
            free(buf);
            room = conversion_room(spec, speclen, tmp.len);
            buf = xmalloc(room);
            snprintf(buf, room, fmt, sb_str(&tmp));
            sb_free(&tmp);
        } else {
            snprintf(buf, room, fmt, arg ? arg : "");
        }
    }
    sb_adds(out, buf);
    free(buf);
    return go_on;
}

static int builtin_printf(int argc, char **argv)
{
    if (argc < 2) {
        out_printf(2, "usage: printf format [arguments]\n");
        return 2;
    }
    const char *format = argv[1];
    int ai = 2;
    struct strbuf out = { 0 };
    bool go_on = true;
    do {
        bool used = false;
        for (const char *f = format; *f && go_on; f++) {
            if (*f == '\\') {
                char esc[5] = { '\\', 0, 0, 0, 0 };
                size_t k = 1;
                while (k < 4 && f[k] && (k == 1 || (f[1] >= '0' && f[1] <= '7' &&
                                                    f[k] >= '0' && f[k] <= '7'))) {
                    esc[k] = f[k];
                    k++;
                }
                if (!(f[1] >= '0' && f[1] <= '7'))
                    k = 2, esc[2] = 0;
                write_escaped(&out, esc, false);
                f += k - 1;
                continue;
            }
            if (*f != '%') {
                sb_addc(&out, *f);
                continue;
            }
            if (f[1] == '%') {
                sb_addc(&out, '%');
                f++;
                continue;
            }
            const char *spec = f;
            f++;
            while (*f && strchr("-+ #0123456789.", *f))
                f++;
            if (!*f)
                break;
            used = true;
            go_on = printf_one(&out, spec, (size_t)(f - spec), *f, ai < argc ? argv[ai] : NULL);
            if (ai < argc)
                ai++;
        }
        if (!used)
            break;
    } while (ai < argc && go_on);
    out_write(1, sb_str(&out), out.len);
    sb_free(&out);
    return 0;
}

/* ---- eval, ., exec, return, break, continue ---- */

static char *join_args(int argc, char **argv)
{
    struct strbuf sb = { 0 };
    for (int i = 0; i < argc; i++) {
        if (i)
            sb_addc(&sb, ' ');
        sb_adds(&sb, argv[i]);
    }
    return sb.s ? sb.s : xstrdup("");
}

static int builtin_eval(int argc, char **argv)
{
    char *text = join_args(argc - 1, argv + 1);
    int status = eval_string(text, NULL);
    free(text);
    return status;
}

static int builtin_dot(int argc, char **argv)
{
    if (argc < 2) {
        sh_error("%s: filename argument required", argv[0]);
        return 2;
    }
    char path[PATH_MAX];
    if (!strchr(argv[1], '/') && exec_command_search(argv[1], path, sizeof path) == 0) {
        /* found on PATH */
    } else {
        snprintf(path, sizeof path, "%s", argv[1]);
    }
    struct params saved = posparams;
    bool new_params = argc > 2;
    if (new_params)
        params_set(&posparams, argc - 2, argv + 2);
    dot_depth++;
    int status = run_file(path, true);
    dot_depth--;
    if (pending_jump == JUMP_RETURN) {
        pending_jump = JUMP_NONE;
        status = last_status;
    }
    if (new_params) {
        params_free(&posparams);
        posparams = saved;
    }
    return status;
}

static int builtin_exec(int argc, char **argv)
{
    if (argc < 2)
        return 0;
    return exec_replace(argv + 1);
}

static int builtin_return(int argc, char **argv)
{
    if (func_depth == 0 && dot_depth == 0) {
        sh_error("return: can only `return' from a function or sourced script");
        return 1;
    }
    int status = argc > 1 ? atoi(argv[1]) & 0xff : last_status;
    pending_jump = JUMP_RETURN;
    last_status = status;
    return status;
}

static int loop_jump(int argc, char **argv, enum jump kind)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;
    if (n < 1) {
        sh_error("%s: %s: loop count out of range", argv[0], argv[1]);
        return 1;
    }
    if (loop_depth == 0)
        return 0;
    pending_jump = kind;
    jump_count = n > loop_depth ? loop_depth : n;
    return 0;
}

static int builtin_break(int argc, char **argv) { return loop_jump(argc, argv, JUMP_BREAK); }
static int builtin_continue(int argc, char **argv) { return loop_jump(argc, argv, JUMP_CONTINUE); }

/* ---- type, command, umask ---- */

static const char *keywords[] = { "if", "then", "else", "elif", "fi", "while", "until", "for",
                                  "do", "done", "case", "esac", "in", "{", "}", "!" };

static int describe(const char *name, bool short_form)
{
    bool special;
    for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
        if (strcmp(keywords[k], name) == 0) {
            out_printf(1, short_form ? "%s\n" : "%s is a shell keyword\n", name);
            return 0;
        }
    const char *alias = alias_get(name);
    if (alias) {
        if (short_form)
            out_printf(1, "alias %s='%s'\n", name, alias);
        else
            out_printf(1, "%s is aliased to `%s'\n", name, alias);
        return 0;
    }
    if (function_lookup(name)) {
        out_printf(1, short_form ? "%s\n" : "%s is a function\n", name);
        return 0;
    }
    if (builtin_lookup(name, &special)) {
        out_printf(1, short_form ? "%s\n" : "%s is a shell builtin\n", name);
        return 0;
    }
    char path[PATH_MAX];
    if (exec_command_search(name, path, sizeof path) == 0) {
        if (short_form)
            out_printf(1, "%s\n", path);
        else
            out_printf(1, "%s is %s\n", name, path);
        return 0;
    }
    if (!short_form)
        sh_error("type: %s: not found", name);
    return 1;
}

static int builtin_type(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++)
        if (describe(argv[i], false))
            status = 1;
    return status;
}

static int builtin_command(int argc, char **argv)
{
    int i = 1;
    bool query = false, verbose = false;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "-v") == 0)
            query = true;
        else if (strcmp(argv[i], "-V") == 0)
            verbose = true;
        else if (strcmp(argv[i], "-p") == 0)
            continue;
        else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else
            break;
    }
    if (i >= argc)
        return 0;
    if (query || verbose) {
        int status = 0;
        for (; i < argc; i++)
            if (describe(argv[i], !verbose))
                status = 1;
        return status;
    }
    return run_command_builtin(argv + i);
}

static int builtin_umask(int argc, char **argv)
{
    if (argc < 2) {
        mode_t old = umask(0);
        umask(old);
        out_printf(1, "%04o\n", (unsigned)old);
        return 0;
    }
    char *end;
    long mode = strtol(argv[1], &end, 8);
    if (!*argv[1] || *end || mode < 0 || mode > 0777) {
        sh_error("umask: %s: invalid octal number", argv[1]);
        return 1;
    }
    umask((mode_t)mode);
    return 0;
}

/* ---- the table ---- */

static const struct {
    const char *name;
    builtin_fn fn;
    bool special;
} builtins[] = {
    { ":", builtin_true, true }, { ".", builtin_dot, true }, { "[", builtin_test, false },
    { "alias", builtin_alias, false },
    { "bg", builtin_bg, false }, { "break", builtin_break, true },
    { "cd", builtin_cd, false }, { "command", builtin_command, false },
    { "continue", builtin_continue, true }, { "echo", builtin_echo, false },
    { "eval", builtin_eval, true }, { "exec", builtin_exec, true },
    { "exit", builtin_exit, true }, { "export", builtin_export, true },
    { "false", builtin_false, false }, { "fg", builtin_fg, false },
    { "getopts", builtin_getopts, false },
    { "history", builtin_history, false }, { "jobs", builtin_jobs, false },
    { "kill", builtin_kill, false }, { "local", builtin_local, true },
    { "printf", builtin_printf, false }, { "pwd", builtin_pwd, false },
    { "read", builtin_read, false }, { "readonly", builtin_readonly, true },
    { "return", builtin_return, true }, { "set", builtin_set, true },
    { "shift", builtin_shift, true }, { "source", builtin_dot, true },
    { "test", builtin_test, false }, { "times", builtin_times, true },
    { "trap", builtin_trap, true },
    { "true", builtin_true, false }, { "type", builtin_type, false },
    { "umask", builtin_umask, false }, { "unalias", builtin_unalias, false },
    { "unset", builtin_unset, true },
    { "wait", builtin_wait, false },
};

builtin_fn builtin_lookup(const char *name, bool *special)
{
    for (size_t k = 0; k < sizeof builtins / sizeof builtins[0]; k++) {
        if (strcmp(builtins[k].name, name) == 0) {
            *special = builtins[k].special;
            return builtins[k].fn;
        }
    }
    return NULL;
}
