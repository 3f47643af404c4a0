/* The VFS front door: the file calls of a process, as kernel functions.
 * The process layer gives each process a struct vfs_ctx (libos/proc's
 * files_vfs.c) and libos/syscall's syscall_file wires each syscall to the
 * vfs_* function of the same name; everything here returns a
 * negative errno on failure. Paths and buffers are kernel memory: the
 * syscall layer copies user memory in and out. */
#ifndef VFS_H
#define VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <abi/dirent.h>
#include <abi/fcntl.h>
#include <abi/limits.h>
#include <abi/poll.h>
#include <abi/select.h>
#include <abi/stat.h>
#include <abi/uio.h>
#include <kern/cred.h>
#include <kern/spinlock.h>

struct vnode;
struct file;
struct fdtable;

/* A process's file state. The process layer embeds one per process (fork
 * copies it with vfs_ctx_fork); kernel tests make their own. */
struct vfs_ctx {
    struct fdtable *fds;
    /* Protects the cwd and root pointers: chdir in one thread swaps cwd
     * while others take references to it (lookups, getcwd, fork). Take a
     * reference under it (vfs_ctx_cwd, vfs_ctx_root), never use the pointer
     * after dropping it. Taken before a superblock's lock; nothing sleeps
     * under it. root is only set when the context is made (no chroot). */
    struct spinlock cwd_lock;
    struct vnode *cwd;      /* holds a reference; cwd_lock */
    struct vnode *root;     /* holds a reference; ".." stops here; cwd_lock */
    uint32_t umask;
    /* Who is asking (kern/cred.h): ids points at the credentials the
     * context's operations are judged by, read whole with vfs_cred_get.
     * A context made alone (vfs_ctx_init, vfs_ctx_fork, a view) points at
     * own_ids; the process layer points a process's at the process's
     * (libos/proc/files_vfs.c), which its set*id calls change. */
    struct cred_box *ids;
    struct cred_box own_ids;
};

/* Boot: mounts the root ramfs, unpacks the initramfs linked into the image
 * and mounts devfs at /dev. Runs once at boot (SUBSYS_STAGE_VFS,
 * kern/subsys.h). Returns 0 or -errno. */
int vfs_init(void);
bool vfs_is_ready(void);

/* Process contexts. vfs_ctx_init: a fresh context at the root with an empty
 * fd table; vfs_ctx_fork: a copy sharing the open files (as fork does);
 * vfs_ctx_exec: closes the FD_CLOEXEC descriptors; vfs_ctx_release: closes
 * everything and drops the references. */
int vfs_ctx_init(struct vfs_ctx *ctx, struct cred cred);
/* A consistent copy of ctx's credentials (cred_box_get of ctx->ids). */
void vfs_cred_get(struct vfs_ctx *ctx, struct cred *out);

int vfs_ctx_fork(struct vfs_ctx *child, struct vfs_ctx *parent);
void vfs_ctx_exec(struct vfs_ctx *ctx);
void vfs_ctx_release(struct vfs_ctx *ctx);

/* Descriptors and I/O. */
int vfs_open(struct vfs_ctx *ctx, const char *path, int flags, uint32_t mode);
int vfs_openat(struct vfs_ctx *ctx, int dirfd, const char *path, int flags, uint32_t mode);
/* Opens a program for exec to read: needs execute permission (not read)
 * and a regular file (-EACCES). The file is exec's own (no descriptor:
 * the process's table may be full, and its other threads cannot swap
 * it); read it with vfs_file_pread, close it with vfs_file_close. */
int vfs_open_exec(struct vfs_ctx *ctx, const char *path, struct file **out);
long vfs_file_pread(struct file *f, void *buf, size_t len, int64_t offset);
void vfs_file_stat(struct file *f, struct stat *st);
void vfs_file_close(struct file *f);
/* For the other *at calls: when path is relative and dirfd is not
 * AT_FDCWD, fills view, a copy of ctx whose cwd is that directory, and
 * returns 1 (release it with vfs_at_view_release); 0 when ctx itself
 * resolves path; -EBADF, -ENOTDIR. */
int vfs_at_view(struct vfs_ctx *ctx, int dirfd, const char *path, struct vfs_ctx *view);
void vfs_at_view_release(struct vfs_ctx *view);
int vfs_close(struct vfs_ctx *ctx, int fd);
long vfs_read(struct vfs_ctx *ctx, int fd, void *buf, size_t len);
long vfs_write(struct vfs_ctx *ctx, int fd, const void *buf, size_t len);
long vfs_pread(struct vfs_ctx *ctx, int fd, void *buf, size_t len, int64_t offset);
long vfs_pwrite(struct vfs_ctx *ctx, int fd, const void *buf, size_t len, int64_t offset);
long vfs_readv(struct vfs_ctx *ctx, int fd, const struct iovec *iov, int iovcnt);
long vfs_writev(struct vfs_ctx *ctx, int fd, const struct iovec *iov, int iovcnt);
int64_t vfs_lseek(struct vfs_ctx *ctx, int fd, int64_t offset, int whence);
int vfs_dup(struct vfs_ctx *ctx, int fd);
int vfs_dup2(struct vfs_ctx *ctx, int oldfd, int newfd);
int vfs_dup3(struct vfs_ctx *ctx, int oldfd, int newfd, int flags);
int vfs_fcntl(struct vfs_ctx *ctx, int fd, int cmd, long arg);
/* fcntl F_GETLK, F_SETLK, F_SETLKW on fl (kernel memory; F_GETLK fills
 * it): POSIX record locks owned by the process (its fd table), pid being
 * what F_GETLK reports of them (libos/vfs/filelock.c). */
int vfs_fcntl_lock(struct vfs_ctx *ctx, int fd, int cmd, struct abi_flock *fl, int pid);
/* flock(2): LOCK_SH, LOCK_EX, LOCK_UN, optionally | LOCK_NB (-EAGAIN). */
int vfs_flock(struct vfs_ctx *ctx, int fd, int operation);
int vfs_fstat(struct vfs_ctx *ctx, int fd, struct stat *st);
int vfs_ftruncate(struct vfs_ctx *ctx, int fd, int64_t length);
int vfs_fchdir(struct vfs_ctx *ctx, int fd);
/* Fills buf with struct dirent64 records; returns bytes written, 0 at the
 * end, -EINVAL when buf cannot hold the next record. */
long vfs_getdents(struct vfs_ctx *ctx, int fd, void *buf, size_t len);

/* Paths. */
int vfs_stat(struct vfs_ctx *ctx, const char *path, struct stat *st);
int vfs_lstat(struct vfs_ctx *ctx, const char *path, struct stat *st);
int vfs_mkdir(struct vfs_ctx *ctx, const char *path, uint32_t mode);
int vfs_rmdir(struct vfs_ctx *ctx, const char *path);
int vfs_unlink(struct vfs_ctx *ctx, const char *path);
int vfs_rename(struct vfs_ctx *ctx, const char *from, const char *to);
int vfs_link(struct vfs_ctx *ctx, const char *existing, const char *newpath);
int vfs_symlink(struct vfs_ctx *ctx, const char *target, const char *linkpath);
long vfs_readlink(struct vfs_ctx *ctx, const char *path, char *buf, size_t size);
int vfs_chdir(struct vfs_ctx *ctx, const char *path);
/* Copies the absolute path of the cwd (NUL-terminated); returns its length
 * + 1, -ERANGE when size is too small. */
long vfs_getcwd(struct vfs_ctx *ctx, char *buf, size_t size);
int vfs_chmod(struct vfs_ctx *ctx, const char *path, uint32_t mode);
int vfs_fchmod(struct vfs_ctx *ctx, int fd, uint32_t mode);
/* chown (is_nofollow: lchown) and fchown; CRED_ID_UNCHANGED keeps an id. */
int vfs_chown(struct vfs_ctx *ctx, const char *path, uint32_t uid, uint32_t gid,
              bool is_nofollow);
int vfs_fchown(struct vfs_ctx *ctx, int fd, uint32_t uid, uint32_t gid);
/* utimensat and futimens: times[0] is the access time, times[1] the
 * modification time; a tv_nsec of ABI_UTIME_NOW means now, ABI_UTIME_OMIT
 * leaves that time alone; times NULL: both now. Explicit times need the
 * owner or root (-EPERM), "now" also write permission (-EACCES). */
int vfs_utimens(struct vfs_ctx *ctx, const char *path, const struct abi_timespec *times,
                bool is_nofollow);
int vfs_futimens(struct vfs_ctx *ctx, int fd, const struct abi_timespec *times);
int vfs_truncate(struct vfs_ctx *ctx, const char *path, int64_t length);
uint32_t vfs_umask(struct vfs_ctx *ctx, uint32_t mask);
int vfs_access(struct vfs_ctx *ctx, const char *path, int amode);
/* faccessat: flags AT_EACCESS (judge by the effective ids, not the real
 * ones) and AT_SYMLINK_NOFOLLOW. */
int vfs_faccess(struct vfs_ctx *ctx, const char *path, int amode, int flags);
int vfs_mknod(struct vfs_ctx *ctx, const char *path, uint32_t mode, uint32_t rdev);
int vfs_mkfifo(struct vfs_ctx *ctx, const char *path, uint32_t mode);

/* ioctl(2): FIONBIO here, the rest by the file's ioctl operation (-ENOTTY
 * without one). arg is a value or a kernel pointer, as the request says
 * (abi/ioctl.h); the syscall layer copies structures in and out. */
long vfs_ioctl(struct vfs_ctx *ctx, int fd, unsigned long request, unsigned long arg);

/* Pipes: fds[0] reads, fds[1] writes. flags: O_NONBLOCK, O_CLOEXEC. */
int vfs_pipe(struct vfs_ctx *ctx, int fds[2]);
int vfs_pipe2(struct vfs_ctx *ctx, int fds[2], int flags);

/* poll/select. timeout_ns < 0: wait forever; 0: do not wait. Return the
 * number of ready descriptors, 0 on timeout. */
int vfs_poll(struct vfs_ctx *ctx, struct pollfd *fds, nfds_t nfds, int64_t timeout_ns);
int vfs_select(struct vfs_ctx *ctx, int nfds, abi_fd_set *readfds, abi_fd_set *writefds,
               abi_fd_set *exceptfds, int64_t timeout_ns);

/* Mounts. fstype: "ramfs", "devfs", "ext2" (any registered type).
 * flags: MOUNT_RDONLY. size_limit_bytes caps a ramfs's file data (0: no
 * limit). vfs_mount_source names the block device ("vda") disk
 * filesystems read. Root only (-EPERM); -ENODEV for an unknown type,
 * -ENXIO for an unknown device, -EBUSY when path already has a mount. */
#define MOUNT_RDONLY 0x1u
int vfs_mount(struct vfs_ctx *ctx, const char *fstype, const char *path, unsigned flags,
              uint64_t size_limit_bytes);
int vfs_mount_source(struct vfs_ctx *ctx, const char *fstype, const char *source,
                     const char *path, unsigned flags);
/* Unmounts the filesystem whose root path names: -EINVAL when it is not a
 * mount point (or is the global root), -EBUSY while a file, directory or
 * cwd in it is in use, -ENOTSUP for filesystems that cannot unmount. */
int vfs_umount(struct vfs_ctx *ctx, const char *path);

/* Free space. */
struct vfs_statfs {
    uint64_t block_size;
    uint64_t blocks, blocks_free, blocks_avail;     /* avail: for non-root */
    uint64_t files, files_free;
    uint32_t name_max;
    unsigned flags;                                 /* MOUNT_RDONLY */
    const char *fstype;     /* set by the VFS: "ext2", "ramfs", "proc"... */
    uint32_t dev;           /* set by the VFS: the filesystem's st_dev */
};
int vfs_statfs(struct vfs_ctx *ctx, const char *path, struct vfs_statfs *st);
int vfs_fstatfs(struct vfs_ctx *ctx, int fd, struct vfs_statfs *st);

/* Write-back: vfs_fsync writes the file's filesystem (all of it: simple,
 * and what a one-lock filesystem can offer); vfs_sync every filesystem.
 * vfs_shutdown (the VFS's shutdown hook, after the app returns, and
 * reboot) syncs and marks every disk filesystem clean. */
int vfs_fsync(struct vfs_ctx *ctx, int fd);
int vfs_sync(void);
void vfs_shutdown(void);

/* The process layer delivers SIGPIPE here: called when a write fails with
 * -EPIPE (no reader left). The default does nothing; the process layer
 * replaces it with vfs_set_sigpipe_hook. */
void vfs_set_sigpipe_hook(void (*hook)(void));

/* Resource limits the process layer sets (libos/proc/rlimit.c).
 * vfs_ctx_set_fd_limit: RLIMIT_NOFILE, descriptors from limit up are
 * refused (EMFILE, or EBADF for a dup2 target); capped at FDTABLE_MAX; a
 * plain store, safe under any lock while ctx is alive; fork copies it.
 * vfs_set_fsize_hooks: RLIMIT_FSIZE of the calling process (limit) and what
 * to do when a write or truncate would pass it (exceeded: SIGXFSZ); writes
 * to regular files stop at the limit and then fail with -EFBIG. Without
 * hooks files have no size limit. */
void vfs_ctx_set_fd_limit(struct vfs_ctx *ctx, uint64_t limit);
void vfs_set_fsize_hooks(uint64_t (*limit)(void), void (*exceeded)(void));

#endif
