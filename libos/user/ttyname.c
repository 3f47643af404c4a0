/* ttyname and ttyname_r: the path of the terminal open on a descriptor,
 * found as glibc does, by looking in /dev/pts and /dev for the character
 * device with the descriptor's device number (st_rdev). /dev/tty is an
 * alias for whatever terminal the caller controls, never a name. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TTY_NAME_BYTES 64

/* Whether dir/name is a character device numbered rdev; fills path. */
static int is_device_at(const char *dir, const char *name, dev_t rdev, char *path, size_t size)
{
    struct stat st;

    if (snprintf(path, size, "%s/%s", dir, name) >= (int)size)
        return 0;
    return stat(path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == rdev;
}

/* Looks through one directory; 0 and the name in path when found. */
static int search_dir(const char *dir, dev_t rdev, char *path, size_t size)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = -1;
    while (rc < 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "tty") == 0)
            continue;
        if (is_device_at(dir, e->d_name, rdev, path, size))
            rc = 0;
    }
    closedir(d);
    return rc;
}

int ttyname_r(int fd, char *buf, size_t len)
{
    struct stat st;
    char path[TTY_NAME_BYTES];

    if (!isatty(fd))
        return errno;                   /* EBADF or ENOTTY, set by isatty */
    if (fstat(fd, &st) < 0)
        return errno;
    if (!is_device_at("/dev", "console", st.st_rdev, path, sizeof(path)) &&
        search_dir("/dev/pts", st.st_rdev, path, sizeof(path)) < 0 &&
        search_dir("/dev", st.st_rdev, path, sizeof(path)) < 0) {
        errno = ENODEV;
        return ENODEV;
    }
    if (strlen(path) >= len) {
        errno = ERANGE;
        return ERANGE;
    }
    strcpy(buf, path);
    return 0;
}

char *ttyname(int fd)
{
    static char name[TTY_NAME_BYTES];

    return ttyname_r(fd, name, sizeof(name)) == 0 ? name : NULL;
}
