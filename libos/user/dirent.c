/* Directory streams over SYS_getdents (struct dirent64 records,
 * abi/dirent.h). A DIR holds one buffer of records and the struct dirent
 * handed out by readdir. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

#define DIR_BUF_BYTES 4096

struct tandem_dir {
    int fd;
    size_t pos;         /* next record in buf */
    size_t len;         /* bytes of records in buf */
    struct dirent entry;
    _Alignas(8) char buf[DIR_BUF_BYTES];
};

DIR *fdopendir(int fd)
{
    DIR *d = malloc(sizeof(*d));

    if (!d) {
        errno = ENOMEM;
        return NULL;
    }
    d->fd = fd;
    d->pos = d->len = 0;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return d;
}

DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0)
        return NULL;
    DIR *d = fdopendir(fd);
    if (!d)
        close(fd);
    return d;
}

struct dirent *readdir(DIR *d)
{
    if (d->pos >= d->len) {
        long n = tandem_syscall3(SYS_getdents, d->fd, d->buf, sizeof(d->buf));
        if (n <= 0) {
            if (n < 0)
                errno = (int)-n;
            return NULL;       /* the end leaves errno alone */
        }
        d->len = (size_t)n;
        d->pos = 0;
    }
    const struct dirent64 *rec = (const struct dirent64 *)(d->buf + d->pos);
    d->pos += rec->d_reclen;
    d->entry.d_ino = (ino_t)rec->d_ino;
    d->entry.d_type = rec->d_type;
    strncpy(d->entry.d_name, rec->d_name, sizeof(d->entry.d_name) - 1);
    d->entry.d_name[sizeof(d->entry.d_name) - 1] = '\0';
    return &d->entry;
}

int readdir_r(DIR *d, struct dirent *entry, struct dirent **result)
{
    int saved = errno;

    errno = 0;
    struct dirent *e = readdir(d);
    if (!e && errno) {
        int err = errno;
        errno = saved;
        *result = NULL;
        return err;
    }
    errno = saved;
    if (e)
        *entry = *e;
    *result = e ? entry : NULL;
    return 0;
}

void rewinddir(DIR *d)
{
    lseek(d->fd, 0, SEEK_SET);
    d->pos = d->len = 0;
}

int dirfd(DIR *d)
{
    return d->fd;
}

int closedir(DIR *d)
{
    int rc = close(d->fd);
    free(d);
    return rc;
}
