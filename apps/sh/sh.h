/* sh.h: the declarations the files of the Tandem shell (apps/sh) share.
 * The shell is portable POSIX C: it builds for Tandem (libos/user + newlib)
 * and for the host with glibc, where tests/host/sh runs it under ASan. */
#ifndef SH_H
#define SH_H

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <termios.h>

/* ---- memory.c: allocation that fails loudly, arenas, string buffers ---- */
void *xmalloc(size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* An arena hands out memory freed all at once; parse trees live in one
 * (reference-counted, so a function body outlives its parse), expansion
 * temporaries in the scratch arena, released back to a mark. */
struct arena_block;
struct arena {
    struct arena_block *head;
    int refs;
};
struct arena_mark {
    struct arena_block *block;
    size_t used;
};
struct arena *arena_new(void);
void arena_ref(struct arena *a);
void arena_unref(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_get_mark(struct arena *a, struct arena_mark *mark);
void arena_release(struct arena *a, const struct arena_mark *mark);
extern struct arena *scratch;

struct strbuf {
    char *s;
    size_t len, cap;
};
void sb_addc(struct strbuf *sb, char c);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_free(struct strbuf *sb);
const char *sb_str(struct strbuf *sb);

/* ---- output.c: unbuffered output (no stdio buffers to duplicate on fork) */
void out_write(int fd, const char *s, size_t n);
void out_printf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "sh: line N: message" on stderr */
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- lexer.c and parser.c: source text to a tree ---- */
enum node_kind {
    NODE_SIMPLE, NODE_PIPELINE, NODE_AND, NODE_OR, NODE_SEQ, NODE_BACKGROUND,
    NODE_NOT, NODE_SUBSHELL, NODE_GROUP, NODE_IF, NODE_WHILE, NODE_UNTIL,
    NODE_FOR, NODE_CASE, NODE_FUNCDEF,
};
enum redir_kind {
    REDIR_IN, REDIR_OUT, REDIR_APPEND, REDIR_CLOBBER, REDIR_RDWR,
    REDIR_DUPIN, REDIR_DUPOUT, REDIR_HEREDOC,
};
struct redir {
    struct redir *next;
    enum redir_kind kind;
    int fd;
    char *word;          /* target, or a here-document's delimiter */
    char *body;          /* here-document text (raw) */
    bool expand_body;    /* delimiter unquoted: expand $, ` and \ */
    bool strip_tabs;     /* <<- */
};
struct case_item {
    struct case_item *next;
    char **patterns;
    int npatterns;
    struct node *body;
};
struct node {
    enum node_kind kind;
    int line;
    struct redir *redirs;
    char **argv;         /* NODE_SIMPLE words (raw, quoted) */
    int argc;
    char **assigns;      /* NODE_SIMPLE NAME=value prefixes */
    int nassigns;
    struct node *a, *b, *c; /* operands / condition, body, else */
    struct node **cmds;  /* NODE_PIPELINE */
    int ncmds;
    char *name;          /* NODE_FOR variable, NODE_FUNCDEF name */
    char **words;        /* NODE_FOR list */
    int nwords;
    bool has_in;         /* NODE_FOR: an "in" list was given */
    char *subject;       /* NODE_CASE word */
    struct case_item *items;
    char *text;          /* source text of a job (pipelines, & lists) */
    struct arena *arena; /* NODE_FUNCDEF: the arena holding a->... */
};

enum tok {
    TOK_EOF, TOK_NEWLINE, TOK_WORD, TOK_IO_NUMBER, TOK_SEMI, TOK_DSEMI,
    TOK_AMP, TOK_AND, TOK_PIPE, TOK_OR, TOK_LPAREN, TOK_RPAREN, TOK_LESS,
    TOK_GREAT, TOK_DGREAT, TOK_DLESS, TOK_DLESSDASH, TOK_LESSAND,
    TOK_GREATAND, TOK_LESSGREAT, TOK_CLOBBER,
};
struct lexer {
    const char *buf;
    size_t len, pos;
    int line;
    struct arena *arena;
    jmp_buf *fail;
    bool incomplete;     /* the failure was running out of input */
    char errmsg[160];
    struct redir *pending[16]; /* here-documents whose body follows */
    int npending;
    enum tok tok;        /* last token lexed */
    char *word;
    int tok_line;
    size_t tok_start;
};
void lex_init(struct lexer *lx, const char *buf, size_t len, struct arena *arena, jmp_buf *fail);
enum tok lex_next(struct lexer *lx);
void lex_fail(struct lexer *lx, bool incomplete, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
/* Skip a quoted or substituted construct starting at s[i]; return the index
 * after it, or (size_t)-1 when the text ends first. */
size_t skip_squote(const char *s, size_t n, size_t i);
size_t skip_dquote(const char *s, size_t n, size_t i);
size_t skip_backquote(const char *s, size_t n, size_t i);
size_t skip_dollar(const char *s, size_t n, size_t i);

enum parse_result { PARSE_OK, PARSE_EMPTY, PARSE_INCOMPLETE, PARSE_ERROR };
/* Parse one complete command (through its newline) from buf. */
enum parse_result parse_command(const char *buf, size_t len, int line, struct arena *arena,
                                struct node **out, size_t *consumed, int *lines_used,
                                char *errmsg, size_t errlen);
bool is_name(const char *s, size_t n);

/* ---- vars.c: variables and positional parameters ---- */
#define VAR_EXPORT 1
#define VAR_READONLY 2
const char *var_get(const char *name);
int var_set(const char *name, const char *value);   /* -1: readonly */
int var_unset(const char *name);
void var_set_flags(const char *name, int flags);
int var_flags(const char *name);
void vars_import(char **envp);
char **vars_environ(char **extra, int nextra);   /* malloc'd, free with free_strv */
void free_strv(char **v);
void vars_print(int only_flags, const char *prefix);
int var_make_local(const char *name, int depth);   /* local: saved until return */
void vars_pop_locals(int depth);
struct params {
    int argc;
    char **argv;
};
extern struct params posparams;
extern char *arg0;
void params_set(struct params *p, int argc, char **argv);
void params_free(struct params *p);

/* ---- expand.c: word expansion ---- */
/* Expand words into fields (splitting, globbing); the result is a
 * NULL-terminated vector in the scratch arena. Returns -1 on an error. */
int expand_fields(char **words, int nwords, char ***out, int *count);
/* Expand one word without splitting or globbing (assignments, redirection
 * targets, case subjects); NULL on an error. Result in the scratch arena. */
char *expand_string(const char *word);
char *expand_pattern(const char *word);   /* quoted chars backslash-escaped */
char *expand_heredoc(const char *body);
char *expand_prompt(const char *ps);
extern int subst_status;   /* status of the last command substitution */

/* ---- arith.c ---- */
int arith_eval(const char *expr, long *result);   /* -1 on error (reported) */

/* ---- glob.c ---- */
bool pattern_match(const char *pattern, const char *str);
bool pattern_has_magic(const char *pattern);
/* Append the sorted matches of pattern to *v; returns how many. */
int glob_expand(const char *pattern, char ***v, int *count, int *cap);
char *pattern_unescape(const char *pattern);

/* ---- exec.c: evaluation ---- */
#define EV_EXIT 1        /* the shell exits after this command (a child) */
#define EV_NOERREXIT 2   /* status is tested: set -e does not apply */
int eval(struct node *n, int flags);
int eval_string(const char *text, const char *what);
int run_file(const char *path, bool must_exist);
int exec_command_search(const char *name, char *path, size_t pathlen);
int exec_replace(char **argv);                 /* the exec builtin */
int run_command_builtin(char **argv);          /* the command builtin */
void shell_exit(int status) __attribute__((noreturn));
void reset_signals_in_child(void);
enum jump { JUMP_NONE, JUMP_BREAK, JUMP_CONTINUE, JUMP_RETURN };
extern enum jump pending_jump;
extern int jump_count;
extern int loop_depth, func_depth;
extern int last_status;
extern int current_line;
extern volatile sig_atomic_t interrupted;
extern bool is_subshell;
struct node *function_lookup(const char *name);
void function_define(const char *name, struct node *def);
void function_unset(const char *name);

/* ---- options (main.c) ---- */
struct shell_options {
    bool errexit, xtrace, nounset, noclobber, interactive, monitor, login, noglob;
};
extern struct shell_options opt;
/* set's option words (-e +x -o name ...); returns the index of the first
 * operand, or -1; *dashdash tells whether "--" or "-" ended them */
int shell_set_options(int argc, char **argv, int *dashdash);
extern pid_t shell_pid;
extern pid_t last_bg_pid;

/* ---- jobs.c: job control ---- */
typedef void (*child_fn)(void *arg, int index);
extern int tty_fd;
extern bool job_control;
void jobs_init_interactive(void);
/* Run n processes as one pipeline; wait when foreground. */
int job_run(int n, child_fn fn, void *arg, bool foreground, const char *text);
void jobs_report(bool all_changes);
void jobs_forget_in_child(void);
int job_wait_pid(pid_t pid);
int builtin_jobs(int argc, char **argv);
int builtin_fg(int argc, char **argv);
int builtin_bg(int argc, char **argv);
int builtin_wait(int argc, char **argv);
int builtin_kill(int argc, char **argv);
/* exit/Ctrl-D with stopped jobs: warn once, true when the shell stays */
bool jobs_block_exit(long command_number);
extern long top_command_number;   /* input.c: top-level commands run */
int signal_from_name(const char *name);   /* signals.c */
const char *signal_name(int sig);
const char *signal_text(int sig);         /* "Killed", "Terminated", ... */
void signals_list(void);                  /* kill -l */
void tty_restore_shell_modes(void);

/* ---- alias.c ---- */
const char *alias_get(const char *name);
int builtin_alias(int argc, char **argv);
int builtin_unalias(int argc, char **argv);

/* ---- builtins.c, test.c, trap.c ---- */
typedef int (*builtin_fn)(int argc, char **argv);
builtin_fn builtin_lookup(const char *name, bool *special);
int builtin_test(int argc, char **argv);
int builtin_getopts(int argc, char **argv);   /* getopts.c */
int builtin_times(int argc, char **argv);     /* times.c */
int builtin_read(int argc, char **argv);      /* read.c */
void traps_run_pending(void);
void trap_run_exit(void);
void traps_reset_in_child(void);
bool trap_is_ignored(int sig);
int builtin_trap(int argc, char **argv);
void shell_sigint_handler(int sig);

/* ---- lineedit.c ---- */
/* Read a line with editing; 1 line read, 0 end of input, 2 cancelled. */
int lineedit_read(int fd, const char *prompt, struct strbuf *out);
void lineedit_history_add(const char *line);
void lineedit_history_print(void);

/* ---- input.c: where commands come from ---- */
struct source {
    const char *text;    /* string sources (-c, files, eval) */
    size_t len, pos;
    int fd;              /* -1 for string sources */
    bool edit;           /* interactive terminal: line editor */
    bool eof;
    int first_line;      /* line number of its first line (0: 1) */
};
int source_getline(struct source *src, struct strbuf *line, bool continuation);
int run_source(struct source *src);

#endif
