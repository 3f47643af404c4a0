/* Private to procfs: the system-wide files of /proc (procfs_files.c), by
 * index, for the mechanics in procfs.c. */
#ifndef VFS_PROCFS_INTERNAL_H
#define VFS_PROCFS_INTERNAL_H

#include <stddef.h>

unsigned procfs_system_file_count(void);
const char *procfs_system_file_name(unsigned index);
/* Writes the file's content into buf (size bytes, NUL-terminated when it
 * fits); returns the full length, as snprintf does, or -errno. */
long procfs_system_file_render(unsigned index, char *buf, size_t size);

#endif
