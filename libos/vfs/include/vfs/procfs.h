/* What procfs (libos/vfs/procfs.c) asks the process layer for: the
 * processes that exist and the content of their /proc/<pid> files. The
 * VFS cannot call libos/proc (which depends on it), so libos/proc
 * registers a source at start-up; without one, /proc shows only the
 * system-wide files. */
#ifndef VFS_PROCFS_H
#define VFS_PROCFS_H

#include <stdbool.h>
#include <stddef.h>

/* The files of a /proc/<pid> directory. */
enum procfs_pid_file {
    PROCFS_PID_STAT,
    PROCFS_PID_STATUS,
    PROCFS_PID_CMDLINE,
    PROCFS_PID_COMM,
};

struct procfs_source {
    /* The calling process's pid, or -ESRCH for a kernel thread. */
    int (*self_pid)(void);
    /* The smallest pid >= from (live or zombie), or -1. Must not sleep
     * (getdents calls it under a spinlock). */
    int (*next_pid)(int from);
    /* Writes the file's content for pid into buf (at most size bytes) and
     * returns its full length (which may exceed size, as snprintf does),
     * or -ESRCH when pid is gone. May sleep; called in the reader's
     * context. */
    long (*render)(int pid, enum procfs_pid_file file, char *buf, size_t size);
};

void procfs_set_source(const struct procfs_source *source);

/* A directory of system files another subsystem publishes (/proc/net):
 * each file's content is rendered at open, as snprintf would (returns the
 * full length, or -errno). Register at boot, once per name; at most
 * PROCFS_DIRS_MAX directories of PROCFS_DIR_FILES_MAX files. Returns 0,
 * -ENOSPC or -EINVAL. */
#define PROCFS_DIRS_MAX 4
#define PROCFS_DIR_FILES_MAX 15
struct procfs_dir_file {
    const char *name;
    long (*render)(char *buf, size_t size);
};
int procfs_register_dir(const char *name, const struct procfs_dir_file *files, unsigned count);

/* Formatted text into a bounded buffer, for the files' content: len
 * counts what did not fit too (as snprintf's result does). */
struct procfs_text {
    char *buf;
    size_t size;
    size_t len;
};

void procfs_printf(struct procfs_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
