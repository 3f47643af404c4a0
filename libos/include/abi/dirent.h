/* getdents(2) records. newlib has no dirent for our target, so this is
 * Linux's struct linux_dirent64: records are 8-byte aligned, d_reclen is
 * the whole record, d_off the offset of the next one. */
#ifndef ABI_DIRENT_H
#define ABI_DIRENT_H

#include <stdint.h>

#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

struct dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];      /* NUL-terminated */
};

#endif
