/* struct stat and the mode bits, as newlib lays them out (sys/stat.h,
 * sys/_types.h) for both architectures: checked by the kernel with static
 * assertions (libos/vfs/vnode.c) and by the process side the same way. */
#ifndef ABI_STAT_H
#define ABI_STAT_H

#include <stdint.h>

#define S_IFMT   0170000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFBLK  0060000
#define S_IFREG  0100000
#define S_IFLNK  0120000
#define S_IFSOCK 0140000
#define S_IFIFO  0010000

#define S_ISUID 0004000
#define S_ISGID 0002000
#define S_ISVTX 0001000
#define S_IRWXU 0000700
#define S_IRUSR 0000400
#define S_IWUSR 0000200
#define S_IXUSR 0000100
#define S_IRWXG 0000070
#define S_IRGRP 0000040
#define S_IWGRP 0000020
#define S_IXGRP 0000010
#define S_IRWXO 0000007
#define S_IROTH 0000004
#define S_IWOTH 0000002
#define S_IXOTH 0000001

#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m) & S_IFMT) == S_IFBLK)
#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

#include <abi/time.h>     /* struct abi_timespec */

/* utimensat's special tv_nsec values (Linux's; newlib defines them only
 * for Cygwin, so the process side's <sys/stat.h> takes these). */
#define ABI_UTIME_NOW  ((1L << 30) - 1)
#define ABI_UTIME_OMIT ((1L << 30) - 2)

/* newlib's layout: dev_t short, ino_t/nlink_t/uid_t/gid_t unsigned short,
 * mode_t uint32_t, off_t/blksize_t/blkcnt_t long. 104 bytes on both. */
struct stat {
    int16_t st_dev;
    uint16_t st_ino;
    uint32_t st_mode;
    uint16_t st_nlink;
    uint16_t st_uid;
    uint16_t st_gid;
    int16_t st_rdev;
    long st_size;
    struct abi_timespec st_atim;
    struct abi_timespec st_mtim;
    struct abi_timespec st_ctim;
    long st_blksize;
    long st_blocks;
    long st_spare4[2];
};

#endif
