/* getopts.c: the getopts builtin (POSIX option parsing for scripts).
 * OPTIND names the next argument; the position inside a word of grouped
 * options (-abc) is kept here and forgotten whenever OPTIND is changed
 * by anything other than getopts itself (e.g. OPTIND=1 to start over). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

static int char_pos;                 /* index into the current word; 0: none */
static char optind_we_set[24];       /* OPTIND as getopts last stored it */

static void store_optind(int optind)
{
    snprintf(optind_we_set, sizeof optind_we_set, "%d", optind);
    var_set("OPTIND", optind_we_set);
}

static int read_optind(void)
{
    const char *v = var_get("OPTIND");
    if (!v || strcmp(v, optind_we_set) != 0)
        char_pos = 0;
    long n = v ? strtol(v, NULL, 10) : 1;
    return n < 1 || n > 1000000 ? 1 : (int)n;
}

static int set_result(const char *name, char letter)
{
    char value[2] = { letter, '\0' };
    if (var_set(name, value) < 0) {
        sh_error("getopts: %s: readonly variable", name);
        return 2;
    }
    return 0;
}

/* A letter the option string does not know, or one missing its argument. */
static int report_problem(const char *name, const char *optstring, char letter, bool missing)
{
    char text[2] = { letter, '\0' };
    if (optstring[0] == ':') {
        var_set("OPTARG", text);
        return set_result(name, missing ? ':' : '?');
    }
    var_unset("OPTARG");
    if (missing)
        sh_error("getopts: option requires an argument -- %c", letter);
    else
        sh_error("getopts: illegal option -- %c", letter);
    return set_result(name, '?');
}

/* Returns 0 with the next option in name, 1 when the options are over. */
static int next_option(const char *optstring, const char *name, int nargs, char **args)
{
    int optind = read_optind();
    /* the arguments may have changed under a remembered position */
    if (char_pos != 0 && (optind > nargs || (size_t)char_pos >= strlen(args[optind - 1])))
        char_pos = 0;
    if (char_pos == 0) {
        const char *word = optind <= nargs ? args[optind - 1] : NULL;
        if (!word || word[0] != '-' || word[1] == '\0') {
            store_optind(optind);
            set_result(name, '?');
            return 1;
        }
        if (strcmp(word, "--") == 0) {
            store_optind(optind + 1);
            set_result(name, '?');
            return 1;
        }
        char_pos = 1;
    }
    const char *word = args[optind - 1];
    char letter = word[char_pos++];
    if (word[char_pos] == '\0') {
        optind++;
        char_pos = 0;
    }
    const char *spec = letter != ':' ? strchr(optstring, letter) : NULL;
    int status;
    if (!spec) {
        status = report_problem(name, optstring, letter, false);
    } else if (spec[1] != ':') {
        var_unset("OPTARG");
        status = set_result(name, letter);
    } else if (char_pos != 0) {        /* argument attached: -ofile */
        var_set("OPTARG", word + char_pos);
        optind++;
        char_pos = 0;
        status = set_result(name, letter);
    } else if (optind <= nargs) {      /* argument in the next word */
        var_set("OPTARG", args[optind - 1]);
        optind++;
        status = set_result(name, letter);
    } else {
        status = report_problem(name, optstring, letter, true);
    }
    store_optind(optind);
    return status;
}

int builtin_getopts(int argc, char **argv)
{
    if (argc < 3) {
        sh_error("getopts: usage: getopts optstring name [arg ...]");
        return 2;
    }
    if (!is_name(argv[2], strlen(argv[2]))) {
        sh_error("getopts: `%s': not a valid identifier", argv[2]);
        return 2;
    }
    if (argc > 3)
        return next_option(argv[1], argv[2], argc - 3, argv + 3);
    return next_option(argv[1], argv[2], posparams.argc, posparams.argv);
}
