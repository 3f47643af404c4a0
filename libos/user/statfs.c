/* statfs/fstatfs (one syscall each, Linux's layout) and POSIX's
 * statvfs/fstatvfs built on them. */
#include <stddef.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <abi/statfs.h>
#include "internal.h"

_Static_assert(sizeof(struct statfs) == sizeof(struct abi_statfs), "struct statfs layout");
_Static_assert(offsetof(struct statfs, f_fsid) == offsetof(struct abi_statfs, f_fsid),
               "struct statfs layout");
_Static_assert(offsetof(struct statfs, f_flags) == offsetof(struct abi_statfs, f_flags),
               "struct statfs layout");

int statfs(const char *path, struct statfs *buf)
{
    return (int)tandem_result(tandem_syscall2(SYS_statfs, path, buf));
}

int fstatfs(int fd, struct statfs *buf)
{
    return (int)tandem_result(tandem_syscall2(SYS_fstatfs, fd, buf));
}

static void statfs_to_statvfs(const struct statfs *in, struct statvfs *out)
{
    *out = (struct statvfs){
        .f_bsize = (unsigned long)in->f_bsize,
        .f_frsize = (unsigned long)(in->f_frsize ? in->f_frsize : in->f_bsize),
        .f_blocks = in->f_blocks,
        .f_bfree = in->f_bfree,
        .f_bavail = in->f_bavail,
        .f_files = (fsfilcnt_t)in->f_files,
        .f_ffree = (fsfilcnt_t)in->f_ffree,
        .f_favail = (fsfilcnt_t)in->f_ffree,
        .f_fsid = (unsigned long)(unsigned)in->f_fsid.__val[0],
        .f_flag = (unsigned long)in->f_flags & ~(unsigned long)ABI_ST_VALID,
        .f_namemax = (unsigned long)in->f_namelen,
    };
}

int statvfs(const char *path, struct statvfs *buf)
{
    struct statfs st;
    if (statfs(path, &st) < 0)
        return -1;
    statfs_to_statvfs(&st, buf);
    return 0;
}

int fstatvfs(int fd, struct statvfs *buf)
{
    struct statfs st;
    if (fstatfs(fd, &st) < 0)
        return -1;
    statfs_to_statvfs(&st, buf);
    return 0;
}
