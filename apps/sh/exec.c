/* exec.c: evaluation of the command tree: simple commands (functions,
 * builtins, programs found on PATH), pipelines and background lists (as
 * jobs, jobs.c), compound commands, break/continue/return, set -e and -x. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sh.h"
#include "redir.h"

enum jump pending_jump;
int jump_count;
int loop_depth, func_depth;
int last_status;
int current_line;
volatile sig_atomic_t interrupted;
bool is_subshell;
static int noerrexit_depth;

/* ---- functions ---- */

struct function {
    struct function *next;
    char *name;
    struct node *def;
};
static struct function *functions;

struct node *function_lookup(const char *name)
{
    for (struct function *f = functions; f; f = f->next)
        if (strcmp(f->name, name) == 0)
            return f->def;
    return NULL;
}

void function_unset(const char *name)
{
    for (struct function **pp = &functions; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->name, name) == 0) {
            struct function *f = *pp;
            *pp = f->next;
            arena_unref(f->def->arena);
            free(f->name);
            free(f);
            return;
        }
    }
}

void function_define(const char *name, struct node *def)
{
    arena_ref(def->arena);
    function_unset(name);
    struct function *f = xmalloc(sizeof *f);
    f->name = xstrdup(name);
    f->def = def;
    f->next = functions;
    functions = f;
}

static int run_function(struct node *def, int argc, char **argv)
{
    struct params saved = posparams;
    struct arena *arena = def->arena;
    arena_ref(arena);
    params_set(&posparams, argc - 1, argv + 1);
    func_depth++;
    int status = eval(def->a, 0);
    vars_pop_locals(func_depth);
    func_depth--;
    if (pending_jump == JUMP_RETURN) {
        pending_jump = JUMP_NONE;
        status = last_status;
    }
    params_free(&posparams);
    posparams = saved;
    arena_unref(arena);
    return status;
}

/* ---- programs ---- */

void shell_exit(int status)
{
    last_status = status;
    trap_run_exit();
    if (!is_subshell) {
        tty_restore_shell_modes();
        exit(status);
    }
    _exit(status);
}

int exec_command_search(const char *name, char *path, size_t pathlen)
{
    if (strchr(name, '/')) {
        snprintf(path, pathlen, "%s", name);
        return access(path, X_OK) == 0 ? 0 : -1;
    }
    const char *dirs = var_get("PATH");
    if (!dirs)
        dirs = "/bin:/sbin";
    for (const char *d = dirs;;) {
        const char *colon = strchr(d, ':');
        size_t dl = colon ? (size_t)(colon - d) : strlen(d);
        snprintf(path, pathlen, "%.*s%s%s", (int)dl, d, dl ? "/" : "", name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
            return 0;
        if (!colon)
            break;
        d = colon + 1;
    }
    return -1;
}

static void __attribute__((noreturn)) run_as_script(const char *path, char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    params_free(&posparams);
    params_set(&posparams, argc > 0 ? argc - 1 : 0, argc > 0 ? argv + 1 : argv);
    arg0 = xstrdup(path);
    shell_exit(run_file(path, true));
}

static void try_exec(const char *path, char **argv, char **envp)
{
    execve(path, argv, envp);
    if (errno == ENOEXEC) {
        free_strv(envp);
        run_as_script(path, argv);
    }
}

/* In a child: exec argv[0] or exit with 126/127 and a message. */
static void __attribute__((noreturn)) exec_program(char **argv, char **envp)
{
    const char *name = argv[0];
    int err = ENOENT;
    if (strchr(name, '/')) {
        try_exec(name, argv, envp);
        err = errno;
    } else {
        const char *dirs = var_get("PATH");
        if (!dirs)
            dirs = "/bin:/sbin";
        char path[1024];
        for (const char *d = dirs;;) {
            const char *colon = strchr(d, ':');
            size_t dl = colon ? (size_t)(colon - d) : strlen(d);
            snprintf(path, sizeof path, "%.*s%s%s", (int)dl, d, dl ? "/" : "", name);
            try_exec(path, argv, envp);
            if (errno != ENOENT && errno != ENOTDIR)
                err = errno;
            if (!colon)
                break;
            d = colon + 1;
        }
    }
    if (err == ENOENT && !strchr(name, '/')) {
        sh_error("%s: command not found", name);
        _exit(127);
    }
    sh_error("%s: %s", name, strerror(err));
    _exit(err == ENOENT ? 127 : 126);
}

/* ---- simple commands ---- */

struct simple_ctx {
    struct node *n;
    char **argv;
    char **env_extra;
    int nextra;
};

static void child_simple(void *arg, int index)
{
    (void)index;
    struct simple_ctx *ctx = arg;
    if (ctx->n && apply_redirs(ctx->n->redirs, NULL) < 0)
        _exit(1);
    exec_program(ctx->argv, vars_environ(ctx->env_extra, ctx->nextra));
}

static void trace_command(char **assigns, int nassigns, char **argv, int argc)
{
    struct strbuf sb = { 0 };
    const char *ps4 = var_get("PS4");
    sb_adds(&sb, ps4 ? ps4 : "+ ");
    for (int i = 0; i < nassigns; i++) {
        sb_adds(&sb, assigns[i]);
        sb_addc(&sb, ' ');
    }
    for (int i = 0; i < argc; i++) {
        sb_adds(&sb, argv[i]);
        if (i + 1 < argc)
            sb_addc(&sb, ' ');
    }
    sb_addc(&sb, '\n');
    out_write(2, sb.s, sb.len);
    sb_free(&sb);
}

/* NAME=value prefixes expanded to "NAME=value" strings (scratch arena). */
static char **expand_assignments(struct node *n)
{
    char **out = arena_alloc(scratch, (size_t)(n->nassigns + 1) * sizeof *out);
    for (int i = 0; i < n->nassigns; i++) {
        const char *eq = strchr(n->assigns[i], '=');
        char *value = expand_string(eq + 1);
        if (!value)
            return NULL;
        size_t nl = (size_t)(eq - n->assigns[i]);
        out[i] = arena_alloc(scratch, nl + strlen(value) + 2);
        memcpy(out[i], n->assigns[i], nl + 1);
        strcpy(out[i] + nl + 1, value);
    }
    out[n->nassigns] = NULL;
    return out;
}

static int assign_all(char **assigns, int n)
{
    for (int i = 0; i < n; i++) {
        char *eq = strchr(assigns[i], '=');
        *eq = '\0';
        int rc = var_set(assigns[i], eq + 1);
        *eq = '=';
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Temporary assignments for a builtin or function: set, and remember the
 * old values to put back. */
struct saved_var {
    char *name;
    char *value;
    int flags;
    bool was_set;
};

static struct saved_var *assign_temporary(char **assigns, int n)
{
    struct saved_var *saved = xmalloc((size_t)(n + 1) * sizeof *saved);
    for (int i = 0; i < n; i++) {
        char *eq = strchr(assigns[i], '=');
        saved[i].name = xstrndup(assigns[i], (size_t)(eq - assigns[i]));
        const char *old = var_get(saved[i].name);
        saved[i].was_set = old != NULL;
        saved[i].value = old ? xstrdup(old) : NULL;
        saved[i].flags = var_flags(saved[i].name);
        var_set(saved[i].name, eq + 1);
    }
    return saved;
}

static void restore_temporary(struct saved_var *saved, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        if (saved[i].was_set)
            var_set(saved[i].name, saved[i].value);
        else if (!(var_flags(saved[i].name) & VAR_READONLY))
            var_unset(saved[i].name);
        free(saved[i].name);
        free(saved[i].value);
    }
    free(saved);
}

static int expansion_failed(void)
{
    if (!opt.interactive)
        shell_exit(2);
    return 2;
}

static int run_builtin(builtin_fn fn, bool special, struct node *n, char **assigns,
                       char **argv, int argc)
{
    struct redir_undo undo;
    bool is_exec = strcmp(argv[0], "exec") == 0;
    if (apply_redirs(n->redirs, is_exec && argc == 1 ? NULL : &undo) < 0) {
        if (!(is_exec && argc == 1))
            undo_redirs(&undo);
        return 1;
    }
    if (is_exec && argc == 1)
        return assign_all(assigns, n->nassigns) < 0 ? 1 : 0;
    struct saved_var *saved = NULL;
    if (special) {
        if (assign_all(assigns, n->nassigns) < 0) {
            undo_redirs(&undo);
            return 1;
        }
    } else {
        saved = assign_temporary(assigns, n->nassigns);
    }
    if (is_exec)
        forget_redirs(&undo);
    int status = fn(argc, argv);
    if (saved)
        restore_temporary(saved, n->nassigns);
    if (!is_exec)
        undo_redirs(&undo);
    return status;
}

static int eval_simple(struct node *n, int flags)
{
    current_line = n->line;
    char **argv;
    int argc;
    subst_status = 0;
    if (expand_fields(n->argv, n->argc, &argv, &argc) < 0)
        return expansion_failed();
    char **assigns = expand_assignments(n);
    if (!assigns)
        return expansion_failed();
    if (opt.xtrace && (argc > 0 || n->nassigns > 0))
        trace_command(assigns, n->nassigns, argv, argc);
    if (argc == 0) {
        if (assign_all(assigns, n->nassigns) < 0)
            return 1;
        struct redir_undo undo;
        int rc = apply_redirs(n->redirs, &undo);
        undo_redirs(&undo);
        return rc < 0 ? 1 : subst_status;
    }
    struct node *fn = function_lookup(argv[0]);
    if (fn) {
        struct redir_undo undo;
        if (apply_redirs(n->redirs, &undo) < 0) {
            undo_redirs(&undo);
            return 1;
        }
        struct saved_var *saved = assign_temporary(assigns, n->nassigns);
        int status = run_function(fn, argc, argv);
        restore_temporary(saved, n->nassigns);
        undo_redirs(&undo);
        return status;
    }
    bool special;
    builtin_fn builtin = builtin_lookup(argv[0], &special);
    if (builtin)
        return run_builtin(builtin, special, n, assigns, argv, argc);
    struct simple_ctx ctx = { n, argv, assigns, n->nassigns };
    if (flags & EV_EXIT)
        child_simple(&ctx, 0);
    return job_run(1, child_simple, &ctx, true, n->text);
}

/* ---- pipelines, subshells, background ---- */

static void child_eval(void *arg, int index)
{
    struct node *n = arg;
    (void)index;
    if (n->kind == NODE_SUBSHELL) {
        if (apply_redirs(n->redirs, NULL) < 0)
            shell_exit(1);
        shell_exit(eval(n->a, EV_EXIT));
    }
    shell_exit(eval(n, EV_EXIT));
}

static void child_pipeline(void *arg, int index)
{
    struct node *n = arg;
    child_eval(n->cmds[index], 0);
}

static int eval_background(struct node *n)
{
    struct node *job = n->a;
    if (job->kind == NODE_PIPELINE)
        return job_run(job->ncmds, child_pipeline, job, false, n->text);
    return job_run(1, child_eval, job, false, n->text);
}

/* ---- compound commands ---- */

static bool stop_list(void)
{
    return pending_jump != JUMP_NONE || interrupted;
}

static int eval_condition(struct node *n)
{
    noerrexit_depth++;
    int status = eval(n, 0);
    noerrexit_depth--;
    return status;
}

/* After a loop body: true when the loop must end. */
static bool loop_should_stop(void)
{
    if (interrupted)
        return true;
    switch (pending_jump) {
    case JUMP_BREAK:
        if (--jump_count <= 0)
            pending_jump = JUMP_NONE;
        return true;
    case JUMP_CONTINUE:
        if (--jump_count <= 0) {
            pending_jump = JUMP_NONE;
            return false;
        }
        return true;
    case JUMP_RETURN:
        return true;
    default:
        return false;
    }
}

static int eval_loop(struct node *n)
{
    int status = 0;
    loop_depth++;
    for (;;) {
        int cond = eval_condition(n->a);
        if (pending_jump != JUMP_NONE || interrupted) {
            if (loop_should_stop())
                break;
            continue;
        }
        if ((cond == 0) != (n->kind == NODE_WHILE))
            break;
        status = eval(n->b, 0);
        if (loop_should_stop())
            break;
        traps_run_pending();
    }
    loop_depth--;
    return status;
}

static int eval_for(struct node *n)
{
    char **words;
    int count;
    if (n->has_in) {
        if (expand_fields(n->words, n->nwords, &words, &count) < 0)
            return expansion_failed();
    } else {
        words = posparams.argv;
        count = posparams.argc;
    }
    int status = 0;
    loop_depth++;
    for (int i = 0; i < count; i++) {
        if (var_set(n->name, words[i]) < 0) {
            status = 1;
            break;
        }
        status = eval(n->b, 0);
        if (loop_should_stop())
            break;
    }
    loop_depth--;
    return status;
}

static int eval_case(struct node *n)
{
    current_line = n->line;
    char *subject = expand_string(n->subject);
    if (!subject)
        return expansion_failed();
    for (struct case_item *item = n->items; item; item = item->next) {
        for (int i = 0; i < item->npatterns; i++) {
            char *pat = expand_pattern(item->patterns[i]);
            if (!pat)
                return expansion_failed();
            if (pattern_match(pat, subject))
                return item->body ? eval(item->body, 0) : 0;
        }
    }
    return 0;
}

static int eval_compound(struct node *n, int flags)
{
    switch (n->kind) {
    case NODE_GROUP:
        return eval(n->a, flags);
    case NODE_IF: {
        int cond = eval_condition(n->a);
        if (stop_list())
            return cond;
        if (cond == 0)
            return eval(n->b, flags);
        return n->c ? eval(n->c, flags) : 0;
    }
    case NODE_WHILE:
    case NODE_UNTIL:
        return eval_loop(n);
    case NODE_FOR:
        return eval_for(n);
    case NODE_CASE:
        return eval_case(n);
    default:
        return 0;
    }
}

static void check_errexit(int status)
{
    if (opt.errexit && status != 0 && noerrexit_depth == 0)
        shell_exit(status);
}

int eval(struct node *n, int flags)
{
    if (!n)
        return 0;
    struct arena_mark mark;
    arena_get_mark(scratch, &mark);
    int status = 0;
    switch (n->kind) {
    case NODE_SIMPLE:
        status = eval_simple(n, flags);
        check_errexit(status);
        break;
    case NODE_PIPELINE:
        current_line = n->line;
        status = job_run(n->ncmds, child_pipeline, n, true, n->text);
        check_errexit(status);
        break;
    case NODE_SUBSHELL:
        current_line = n->line;
        if (flags & EV_EXIT)
            child_eval(n, 0);
        status = job_run(1, child_eval, n, true, n->text);
        check_errexit(status);
        break;
    case NODE_AND:
    case NODE_OR:
        status = eval_condition(n->a);
        if (!stop_list() && (status == 0) == (n->kind == NODE_AND))
            status = eval(n->b, flags);
        break;
    case NODE_NOT:
        status = !eval_condition(n->a);
        break;
    case NODE_SEQ:
        status = eval(n->a, flags & ~EV_EXIT);
        traps_run_pending();
        if (!stop_list())
            status = eval(n->b, flags);
        break;
    case NODE_BACKGROUND:
        status = eval_background(n);
        break;
    case NODE_FUNCDEF:
        function_define(n->name, n);
        status = 0;
        break;
    default:
        if (n->redirs) {
            struct redir_undo undo;
            if (apply_redirs(n->redirs, &undo) < 0) {
                undo_redirs(&undo);
                status = 1;
                break;
            }
            status = eval_compound(n, flags & ~EV_EXIT);
            undo_redirs(&undo);
        } else {
            status = eval_compound(n, flags);
        }
    }
    arena_release(scratch, &mark);
    last_status = status;
    return status;
}

/* exec builtin: replace the shell with a program. */
int exec_replace(char **argv)
{
    tty_restore_shell_modes();
    reset_signals_in_child();
    exec_program(argv, vars_environ(NULL, 0));
}

/* command builtin: a builtin or a program, never a function. */
int run_command_builtin(char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    bool special;
    builtin_fn fn = builtin_lookup(argv[0], &special);
    if (fn)
        return fn(argc, argv);
    struct simple_ctx ctx = { NULL, argv, NULL, 0 };
    return job_run(1, child_simple, &ctx, true, argv[0]);
}
