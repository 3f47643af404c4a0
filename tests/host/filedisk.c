/* The host side of ext2's host tests, kept apart from the kernel's ABI
 * headers (whose O_ and S_ constants clash with the C library's): a block
 * device over a host file, and a look at host directories. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <block/blockdev.h>
#include "ext2_host.h"

struct filedisk {
    struct blockdev dev;
    int fd;
};

static int filedisk_submit(struct blockdev *dev, struct blockdev_request *req)
{
    struct filedisk *fd = dev->driver_data;
    size_t bytes = (size_t)req->count * BLOCKDEV_SECTOR_SIZE;
    off_t at = (off_t)(req->sector * BLOCKDEV_SECTOR_SIZE);
    ssize_t n = req->is_write ? pwrite(fd->fd, req->buf, bytes, at)
                              : pread(fd->fd, req->buf, bytes, at);
    req->done(req, n == (ssize_t)bytes ? 0 : -EIO);
    return 0;
}

static int filedisk_flush(struct blockdev *dev)
{
    struct filedisk *fd = dev->driver_data;
    return fsync(fd->fd) == 0 ? 0 : -EIO;
}

static const struct blockdev_ops filedisk_ops = {
    .submit = filedisk_submit,
    .flush = filedisk_flush,
};

struct blockdev *filedisk_open(const char *name, const char *path, bool is_read_only)
{
    struct filedisk *fd = calloc(1, sizeof(*fd));
    fd->fd = open(path, is_read_only ? O_RDONLY : O_RDWR);
    if (fd->fd < 0) {
        perror(path);
        exit(1);
    }
    off_t size = lseek(fd->fd, 0, SEEK_END);
    snprintf(fd->dev.name, sizeof(fd->dev.name), "%s", name);
    fd->dev.sector_size = BLOCKDEV_SECTOR_SIZE;
    fd->dev.sector_count = (uint64_t)size / BLOCKDEV_SECTOR_SIZE;
    fd->dev.is_read_only = is_read_only;
    fd->dev.ops = &filedisk_ops;
    fd->dev.driver_data = fd;
    return &fd->dev;
}

void filedisk_close(struct blockdev *dev)
{
    struct filedisk *fd = dev->driver_data;
    blockdev_unregister(dev);
    close(fd->fd);
    free(fd);
}


int host_dir_names(const char *path, char (*names)[256], int max)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(names[n++], 256, "%s", e->d_name);
    }
    closedir(d);
    return n;
}

char host_kind(const char *path, long *size)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return 0;
    *size = (long)st.st_size;
    return S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : S_ISREG(st.st_mode) ? 'f'
                                                                                       : '?';
}

long host_readlink(const char *path, char *buf, size_t size)
{
    return (long)readlink(path, buf, size);
}
