/* statfs(2) and fstatfs(2) as on Linux (64-bit layout, abi/statfs.h):
 * f_type is Linux's magic number of the filesystem (EXT2_SUPER_MAGIC,
 * RAMFS_MAGIC, PROC_SUPER_MAGIC, TMPFS_MAGIC for /dev). */
#ifndef _SYS_STATFS_H
#define _SYS_STATFS_H

#include <sys/types.h>

typedef struct {
    int __val[2];
} fsid_t;

struct statfs {
    long f_type;
    long f_bsize;
    fsblkcnt_t f_blocks;
    fsblkcnt_t f_bfree;
    fsblkcnt_t f_bavail;
    unsigned long f_files;
    unsigned long f_ffree;
    fsid_t f_fsid;
    long f_namelen;
    long f_frsize;
    long f_flags;
    long f_spare[4];
};

#define EXT2_SUPER_MAGIC 0xEF53
#define RAMFS_MAGIC 0x858458f6
#define PROC_SUPER_MAGIC 0x9fa0
#define TMPFS_MAGIC 0x01021994
#define DEVPTS_SUPER_MAGIC 0x1cd1

int statfs(const char *path, struct statfs *buf);
int fstatfs(int fd, struct statfs *buf);

#endif
