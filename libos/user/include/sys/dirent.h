/* Directory streams for Tandem processes (newlib's <dirent.h> declares the
 * functions and expects the system's <sys/dirent.h> for the types). Entries
 * come from SYS_getdents as struct dirent64 records (abi/dirent.h). */
#ifndef _SYS_DIRENT_H
#define _SYS_DIRENT_H

#include <sys/types.h>
#include <abi/dirent.h>
#include <abi/limits.h>

struct dirent {
    ino_t d_ino;
    unsigned char d_type;
    char d_name[NAME_MAX + 1];
};

typedef struct tandem_dir DIR;

#endif
