/* Setting file times: utimensat and futimens are the one syscall
 * (SYS_utimensat; a NULL path means the descriptor itself), utimes,
 * futimes and utime convert their microsecond or second times to it. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <utime.h>
#include "internal.h"

int utimensat(int dirfd, const char *path, const struct timespec *times, int flags)
{
    if (!path) {            /* the syscall would act on dirfd: not POSIX */
        errno = EFAULT;
        return -1;
    }
    return (int)tandem_result(tandem_syscall4(SYS_utimensat, dirfd, path, times, flags));
}

int futimens(int fd, const struct timespec *times)
{
    return (int)tandem_result(tandem_syscall4(SYS_utimensat, fd, NULL, times, 0));
}

/* timeval pairs to timespec pairs; NULL stays NULL (both now). */
static const struct timespec *from_timevals(const struct timeval *tv, struct timespec *ts)
{
    if (!tv)
        return NULL;
    for (int i = 0; i < 2; i++) {
        ts[i].tv_sec = tv[i].tv_sec;
        ts[i].tv_nsec = tv[i].tv_usec * 1000;
    }
    return ts;
}

int utimes(const char *path, const struct timeval *times)
{
    struct timespec ts[2];
    return utimensat(AT_FDCWD, path, from_timevals(times, ts), 0);
}

int futimes(int fd, const struct timeval *times)
{
    struct timespec ts[2];
    return futimens(fd, from_timevals(times, ts));
}

int utime(const char *path, const struct utimbuf *times)
{
    if (!times)
        return utimensat(AT_FDCWD, path, NULL, 0);
    struct timespec ts[2] = { { times->actime, 0 }, { times->modtime, 0 } };
    return utimensat(AT_FDCWD, path, ts, 0);
}
