/* Message catalogues: Tandem has none. catopen fails (ENOENT: no catalogue
 * by that name exists), catgets answers the caller's default string, and
 * catclose of anything catopen could have returned fails with EBADF, as
 * POSIX lets a system without catalogues do (libos/user/nl_types.c). */
#ifndef _NL_TYPES_H
#define _NL_TYPES_H

#define NL_SETD 1
#define NL_CAT_LOCALE 1

typedef void *nl_catd;
typedef int nl_item;

nl_catd catopen(const char *name, int flag);
char *catgets(nl_catd catd, int set_id, int msg_id, const char *s);
int catclose(nl_catd catd);

#endif
