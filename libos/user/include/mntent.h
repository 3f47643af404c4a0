/* The mounted-filesystem table as glibc reads it (libos/user/mntent.c):
 * setmntent opens a table (/proc/mounts: "source target type options 0 0"
 * per mount, docs/procfs.md; _PATH_MOUNTED names it), getmntent returns
 * its entries one at a time in a static buffer, getmntent_r in the
 * caller's, hasmntopt finds an option. addmntent appends a line. */
#ifndef _MNTENT_H
#define _MNTENT_H

#include <stdio.h>

#define _PATH_MOUNTED "/proc/mounts"
#define MOUNTED _PATH_MOUNTED
#define MNTTYPE_IGNORE "ignore"
#define MNTOPT_DEFAULTS "defaults"
#define MNTOPT_RO "ro"
#define MNTOPT_RW "rw"

struct mntent {
    char *mnt_fsname;
    char *mnt_dir;
    char *mnt_type;
    char *mnt_opts;
    int mnt_freq;
    int mnt_passno;
};

FILE *setmntent(const char *file, const char *mode);
struct mntent *getmntent(FILE *stream);
struct mntent *getmntent_r(FILE *stream, struct mntent *mnt, char *buf, int buflen);
int addmntent(FILE *stream, const struct mntent *mnt);
int endmntent(FILE *stream);
char *hasmntopt(const struct mntent *mnt, const char *opt);

#endif
