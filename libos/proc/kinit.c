/* The kernel-side app of the process images: runs /sbin/init (or init=
 * from the command line, or the program linked into the image) as pid 1
 * on /dev/console (opened O_NOCTTY: init gives the console to the session
 * it starts) and, when it exits or is killed, returns its status for the
 * power-off (128 + N when killed by signal N). As on Linux, the words
 * after "--" on the command line are init's arguments. */
#include <stdbool.h>
#include <string.h>
#include <kern/app.h>
#include <kern/cmdline.h>
#include <kern/printk.h>
#include <proc/proc.h>

#define INIT_MAX_ARGS 16

#ifdef KINIT_EMBEDDED
/* Built as kinit_embedded (images/meson.build): the image carries init
 * itself (apps/embed_program.py), started without a file unless init= on
 * the command line names one. */
extern const struct embedded_program embedded_program;
#define EMBEDDED_INIT (&embedded_program)
#else
#define EMBEDDED_INIT NULL
#endif

/* Splits the words after the first "--" word of cmdline into argv[1..]
 * (copied into words); returns the argument count including argv[0]. */
static int init_args(const char *cmdline, char *words, size_t size, char **argv)
{
    int argc = 1;
    bool after = false;
    size_t used = 0;
    const char *p = cmdline;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        size_t len = (size_t)(p - word);
        if (len == 0)
            break;
        if (!after) {
            after = len == 2 && word[0] == '-' && word[1] == '-';
            continue;
        }
        if (argc == INIT_MAX_ARGS || used + len + 1 > size)
            break;
        memcpy(words + used, word, len);
        words[used + len] = '\0';
        argv[argc++] = words + used;
        used += len + 1;
    }
    argv[argc] = NULL;
    return argc;
}

int app_main(const char *cmdline)
{
    static char path[256] = "/sbin/init";
    const struct embedded_program *program = EMBEDDED_INIT;
    if (cmdline_get(cmdline, "init", path, sizeof(path)))
        program = NULL;
    if (!proc_files_ready()) {
        printk("kinit: no file tree\n");
        return 1;
    }
    static char words[256];
    char *argv[INIT_MAX_ARGS + 1];
    argv[0] = program ? (char *)program->name : path;
    init_args(cmdline ? cmdline : "", words, sizeof(words), argv);
    char *const envp[] = { "HOME=/", "PATH=/bin:/sbin", "TERM=vt100", NULL };
    if (program)
        printk("kinit: init is %s, linked into the image\n", program->name);
    int rc = proc_start_init(path, program, argv, envp, "/dev/console");
    if (rc < 0) {
        printk("kinit: cannot start %s (%d)\n", argv[0], rc);
        return 127;
    }
    int status = proc_wait_init();
    printk("kinit: init exited with status %d\n", status);
    return status;
}
