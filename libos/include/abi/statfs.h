/* statfs(2)/fstatfs(2): Linux's struct statfs of 64-bit machines, which
 * the kernel fills and <sys/statfs.h> declares with the same layout (120
 * bytes), and the f_type magic numbers Tandem's filesystems report. */
#ifndef ABI_STATFS_H
#define ABI_STATFS_H

#include <stdint.h>

struct abi_statfs {
    int64_t f_type;
    int64_t f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail;
    uint64_t f_files, f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen;
    int64_t f_frsize;
    int64_t f_flags;            /* ABI_ST_VALID | ABI_ST_RDONLY ... */
    int64_t f_spare[4];
};

#define ABI_ST_RDONLY 0x0001
#define ABI_ST_VALID  0x0020    /* f_flags is filled (Linux) */

/* Linux's magic numbers for the filesystems Tandem has (devfs and devpts
 * report what Linux's tmpfs-backed /dev and devpts do). */
#define ABI_EXT2_SUPER_MAGIC   0xEF53
#define ABI_RAMFS_MAGIC        0x858458f6
#define ABI_PROC_SUPER_MAGIC   0x9fa0
#define ABI_TMPFS_MAGIC        0x01021994
#define ABI_DEVPTS_SUPER_MAGIC 0x1cd1

_Static_assert(sizeof(struct abi_statfs) == 120, "Linux's 64-bit struct statfs");

#endif
