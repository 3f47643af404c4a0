/* <mntent.h>: the mount table's lines, "fsname dir type opts freq passno"
 * separated by blanks, with glibc's octal escapes (\040 for a space) in
 * the fields. */
#include <errno.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

FILE *setmntent(const char *file, const char *mode)
{
    return fopen(file, mode);
}

int endmntent(FILE *stream)
{
    if (stream)
        fclose(stream);
    return 1;                   /* always, as glibc */
}

/* Undoes the \ooo escapes in place. */
static void unescape(char *s)
{
    char *out = s;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
            s[3] >= '0' && s[3] <= '7') {
            *out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
            s += 3;
        } else {
            *out++ = *s;
        }
    }
    *out = 0;
}

static char *next_field(char **cursor)
{
    char *s = *cursor + strspn(*cursor, " \t");
    if (!*s)
        return NULL;
    char *end = s + strcspn(s, " \t");
    if (*end)
        *end++ = 0;
    *cursor = end;
    return s;
}

struct mntent *getmntent_r(FILE *stream, struct mntent *mnt, char *buf, int buflen)
{
    while (fgets(buf, buflen, stream)) {
        size_t len = strlen(buf);
        if (len && buf[len - 1] == '\n')
            buf[--len] = 0;
        char *cursor = buf;
        char *first = next_field(&cursor);
        if (!first || first[0] == '#')
            continue;                   /* blank line or comment */
        mnt->mnt_fsname = first;
        mnt->mnt_dir = next_field(&cursor);
        mnt->mnt_type = next_field(&cursor);
        mnt->mnt_opts = next_field(&cursor);
        if (!mnt->mnt_dir || !mnt->mnt_type)
            continue;                   /* not an entry */
        if (!mnt->mnt_opts)
            mnt->mnt_opts = (char *)"";
        char *freq = next_field(&cursor), *passno = next_field(&cursor);
        mnt->mnt_freq = freq ? atoi(freq) : 0;
        mnt->mnt_passno = passno ? atoi(passno) : 0;
        unescape(mnt->mnt_fsname);
        unescape(mnt->mnt_dir);
        unescape(mnt->mnt_type);
        unescape(mnt->mnt_opts);
        return mnt;
    }
    return NULL;
}

struct mntent *getmntent(FILE *stream)
{
    static struct mntent mnt;
    static char buf[4096];
    return getmntent_r(stream, &mnt, buf, sizeof(buf));
}

static int put_escaped(FILE *stream, const char *s)
{
    for (; *s; s++) {
        int rc = strchr(" \t\n\\", *s) ? fprintf(stream, "\\%03o", (unsigned char)*s)
                                        : fputc(*s, stream);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int addmntent(FILE *stream, const struct mntent *mnt)
{
    if (fseek(stream, 0, SEEK_END) < 0 || put_escaped(stream, mnt->mnt_fsname) < 0 ||
        fputc(' ', stream) < 0 || put_escaped(stream, mnt->mnt_dir) < 0 ||
        fputc(' ', stream) < 0 || put_escaped(stream, mnt->mnt_type) < 0 ||
        fputc(' ', stream) < 0 || put_escaped(stream, mnt->mnt_opts) < 0 ||
        fprintf(stream, " %d %d\n", mnt->mnt_freq, mnt->mnt_passno) < 0)
        return 1;
    return 0;
}

/* The option opt in mnt's comma-separated options, alone or as "opt=...". */
char *hasmntopt(const struct mntent *mnt, const char *opt)
{
    size_t len = strlen(opt);
    char *p = mnt->mnt_opts;
    while (p && *p) {
        if (strncmp(p, opt, len) == 0 && (p[len] == 0 || p[len] == ',' || p[len] == '='))
            return p;
        p = strchr(p, ',');
        if (p)
            p++;
    }
    return NULL;
}
