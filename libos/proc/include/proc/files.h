/* A process's files, as the process layer sees them: an opaque context
 * per process (descriptors, cwd, umask) that one library implements and
 * registers at boot (SUBSYS_STAGE_LINKS). With the VFS that is
 * libos/proc/files_vfs.c (a struct vfs_ctx per process, exec from any
 * file); an image without files links libos/syscall/sys_console.c, whose
 * processes have only the kernel console on descriptors 0, 1 and 2 and
 * exec nothing but the program linked into the image. Without either,
 * the process layer starts no process. fork, exec and exit each make one
 * call through the ops; the syscalls reach the context with proc_files. */
#ifndef PROC_FILES_H
#define PROC_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <abi/stat.h>
#include <kern/cred.h>

/* The most descriptors a process may have (RLIMIT_NOFILE's ceiling; the
 * VFS's FDTABLE_MAX is the same). */
#define PROC_FILES_MAX 1024

struct file;            /* a program exec reads: the implementation's own */

struct proc_files_ops {
    /* init's context, judged by ids (the process's), with no descriptor;
     * then, on init's own thread, console on descriptors 0, 1 and 2
     * (O_RDWR | O_NOCTTY). */
    int (*init)(void **files, struct cred_box *ids);
    int (*open_console)(void *files, const char *console);
    /* A child's context, sharing parent's open files as fork does. */
    int (*fork)(void **child, void *parent, struct cred_box *child_ids);
    void (*exec)(void *files);              /* closes the FD_CLOEXEC ones */
    void (*release)(void *files);           /* closes everything, frees it */
    /* RLIMIT_NOFILE: descriptors from limit up are refused. */
    void (*set_fd_limit)(void *files, uint64_t limit);
    /* fd's open flags (F_GETFL: mmap checks a file's access mode), or
     * -EBADF. */
    long (*fd_flags)(void *files, int fd);
    /* A program for exec to read, opened as files' process (needs execute
     * permission; vfs/vfs.h's vfs_open_exec), read with file_pread, closed
     * with file_close; -ENOENT where there are no files. */
    int (*open_exec)(void *files, const char *path, struct file **out);
    long (*file_pread)(struct file *f, void *buf, size_t len, int64_t offset);
    void (*file_stat)(struct file *f, struct stat *st);
    void (*file_close)(struct file *f);
    /* Is the file tree up (kinit checks before it starts init)? */
    bool (*is_ready)(void);
};

/* At boot, by the one library that implements them (a second one panics). */
void proc_files_register(const struct proc_files_ops *ops);

#endif
