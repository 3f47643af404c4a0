/* The host side of ext2's host tests (filedisk.c). */
#ifndef EXT2_HOST_H
#define EXT2_HOST_H

#include <stdbool.h>
#include <block/blockdev.h>

struct blockdev *filedisk_open(const char *name, const char *path, bool is_read_only);
void filedisk_close(struct blockdev *dev);
/* Host directories: entry names (without "." and ".."), or -1. */
int host_dir_names(const char *path, char (*names)[256], int max);
/* 'd', 'l', 'f', '?' (other) or 0 (absent); *size from lstat. */
char host_kind(const char *path, long *size);
long host_readlink(const char *path, char *buf, size_t size);

#endif
