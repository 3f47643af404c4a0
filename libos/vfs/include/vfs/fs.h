/* The VFS's inside, for filesystems (ramfs, devfs, pipes, ext2,
 * devpts, procfs) and drivers that register device files: vnodes, their
 * operations, superblocks, open files and the file operations. */
#ifndef VFS_FS_H
#define VFS_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kern/list.h>
#include <kern/spinlock.h>
#include <sched/sync.h>
#include <vfs/vfs.h>

struct superblock;
struct poll_waiter;
struct vnode_locks;

/* What a vnode can do. Directory operations get a name that is not "." or
 * "..", 1..NAME_MAX bytes, not NUL-terminated (name, len). The VFS checks
 * permissions, types and read-only mounts before calling; the filesystem
 * checks existence, emptiness and space. Unused operations are NULL. */
struct vnode_ops {
    int (*lookup)(struct vnode *dir, const char *name, size_t len, struct vnode **out);
    /* Creates a regular file, directory, FIFO or device node (mode has the
     * type bits). -EEXIST when name exists. Returns the new vnode held. */
    int (*create)(struct vnode *dir, const char *name, size_t len, uint32_t mode,
                  uint32_t rdev, const struct cred *cred, struct vnode **out);
    int (*symlink)(struct vnode *dir, const char *name, size_t len, const char *target,
                   const struct cred *cred);
    int (*link)(struct vnode *dir, const char *name, size_t len, struct vnode *target);
    /* Removes a non-directory (unlink) or an empty directory (rmdir). */
    int (*unlink)(struct vnode *dir, const char *name, size_t len, bool is_rmdir);
    int (*rename)(struct vnode *from_dir, const char *from, size_t from_len,
                  struct vnode *to_dir, const char *to, size_t to_len);
    /* Calls emit for the entry at *pos and following ones until emit
     * returns non-zero; *pos advances past each entry emitted. */
    int (*readdir)(struct vnode *dir, uint64_t *pos,
                   int (*emit)(void *arg, const char *name, size_t len, uint64_t ino,
                               uint32_t mode), void *arg);
    long (*readlink)(struct vnode *vn, char *buf, size_t size);
    long (*read)(struct vnode *vn, void *buf, size_t len, uint64_t offset);
    long (*write)(struct vnode *vn, const void *buf, size_t len, uint64_t offset);
    int (*truncate)(struct vnode *vn, uint64_t length);
    /* The VFS changed the vnode's mode or times (chmod, utimensat): store
     * them. NULL: nothing to store (the in-memory filesystems). */
    int (*write_attrs)(struct vnode *vn);
    /* The last reference is gone: free the vnode when nothing else (a
     * directory entry) keeps it. Called with the superblock lock held,
     * except on a superblock with has_sleeping_inactive: then it is called
     * without any lock, with the last reference still counted, and drops
     * that reference itself under its own lock (ext2 does disk I/O here). */
    void (*inactive)(struct vnode *vn);
    /* The file operations opens of this vnode get (NULL: the generic ones
     * by type). procfs uses it to snapshot a file's content at open. */
    const struct file_ops *fops;
};

/*
 * Locking legend of struct vnode and struct file (a letter per field):
 *   c  constant from creation until freed
 *   s  the superblock's lock, sb->lock
 *   f  the filesystem's lock: sb->lock for the in-memory filesystems
 *      (ramfs, devfs, procfs, pipefs), ext2_fs.lock (a mutex) for ext2
 *   m  mount_lock (libos/vfs/mount.c)
 *   i  pipe.c's fifo_lock
 *   o  file.pos_lock (a mutex)
 *   l  file.lock (a spinlock)
 *   a  atomic accesses only
 *   k  filelock.c's filelock_lock
 */
struct vnode {
    struct superblock *sb;      /* c */
    const struct vnode_ops *ops;        /* c */
    unsigned refcount;          /* s */
    uint32_t mode;              /* f: type and permission bits */
    uint32_t uid, gid;          /* f */
    uint32_t nlink;             /* f */
    uint32_t rdev;              /* c: device files: the devfs device number */
    uint64_t ino;               /* c */
    uint64_t size;              /* f */
    int64_t mtime_ns, ctime_ns, atime_ns;   /* f */
    struct superblock *mounted_here;    /* m: a filesystem mounted on this dir */
    struct pipe *fifo;          /* i: FIFOs: the pipe while open */
    /* k: fcntl and flock locks (filelock.c), NULL while there are none;
     * read without the lock only to see that it is NULL */
    struct vnode_locks *locks;
    void *fs_data;              /* f */
};

/* What a mounted filesystem does as a whole. Any may be NULL. */
struct superblock_ops {
    /* Writes everything dirty to the device (sync, fsync). */
    int (*sync)(struct superblock *sb);
    int (*statfs)(struct superblock *sb, struct vfs_statfs *st);
    /* Called with sb detached from the tree: -EBUSY when a vnode other than
     * the root is still held, -EIO when the write-back fails (the VFS then
     * re-attaches it, nothing freed); otherwise syncs, marks the
     * filesystem clean and frees sb. */
    int (*unmount)(struct superblock *sb);
    /* Clean power-off: sync and mark clean, staying mounted. */
    int (*shutdown)(struct superblock *sb);
};

/* One mounted filesystem. */
struct superblock {
    /* Protects the refcounts of every vnode of this filesystem and, for
     * the in-memory filesystems, their whole tree and data. A leaf lock
     * apart from the mount-table lock, which is taken before it. */
    struct spinlock lock;
    const char *fstype;
    char source[24];            /* what it was mounted from ("vda"; "" for none) */
    unsigned flags;             /* MOUNT_RDONLY */
    unsigned short dev;         /* st_dev */
    struct vnode *root;
    struct vnode *covered;      /* the directory it is mounted on (held) */
    uint64_t next_ino;
    void *fs_data;
    const struct superblock_ops *ops;   /* NULL: none */
    bool has_sleeping_inactive;         /* see vnode_ops.inactive */
    struct list link;           /* on the mount table */
};

/* A filesystem type, found by name by vfs_mount_source. mount creates a
 * superblock (not yet attached) from source: a block device name for disk
 * filesystems, ignored by the others. */
struct vfs_fstype {
    const char *name;
    int (*mount)(const char *source, unsigned flags, uint64_t size_limit_bytes,
                 struct superblock **out);
    /* Frees a superblock mount returned that could not be attached. */
    void (*discard)(struct superblock *sb);
    struct list link;           /* on the type list (fstype.c's lock) */
};
int vfs_register_fstype(struct vfs_fstype *type);
struct vfs_fstype *vfs_find_fstype(const char *name);
/* Every mounted superblock, in mount order; returns how many there are
 * (may exceed max). Callers hold vfs_mount_mutex so none goes away. */
size_t vfs_mounted_superblocks(struct superblock **out, size_t max);
int vfs_unmount_sb(struct superblock *sb);

/* What an open file does; chosen when it is opened (regular files and
 * directories get the generic ones, FIFOs and devices their own). All may
 * be NULL except where noted; NULL read/write give -EINVAL. */
struct file_ops {
    /* Called once after the file object exists; may block (FIFO open). */
    int (*open)(struct file *f);
    void (*release)(struct file *f);
    long (*read)(struct file *f, void *buf, size_t len, uint64_t *offset);
    long (*write)(struct file *f, const void *buf, size_t len, uint64_t *offset);
    /* Returns the ready events (POLLIN|POLLOUT|POLLHUP|POLLERR...) and, when
     * pw is not NULL, registers pw on the wait queues that signal a change. */
    unsigned (*poll)(struct file *f, struct poll_waiter *pw);
#define VFS_POLL_RETRY 0x10000u /* no wake-up source: poll again soon */
    /* ioctl(2) (abi/ioctl.h). arg is the value itself, or for requests
     * that carry a structure a kernel pointer to it (the syscall layer
     * copies it in and out; see vfs_ioctl). NULL: -ENOTTY. */
    long (*ioctl)(struct file *f, unsigned long request, unsigned long arg);
    bool is_seekable;
};

/* An open file: shared by dup'd descriptors (and across fork). */
struct file {                   /* legend: see struct vnode */
    unsigned refcount;          /* a */
    struct vnode *vn;           /* c: held */
    const struct file_ops *ops; /* c */
    /* pos_lock (sleeping, Linux's f_pos_lock) protects offset: held from
     * reading it to storing the new one, across the filesystem's read,
     * write or readdir (which may wait for the disk), so that threads and
     * processes sharing the file each get their own bytes. Taken before
     * any filesystem lock; never taken with a spinlock held. */
    struct mutex pos_lock;      /* c */
    uint64_t offset;            /* o */
    struct spinlock lock;       /* c: protects flags; held for a few instructions */
    int flags;                  /* l: O_ACCMODE | O_APPEND | O_NONBLOCK ... */
    void *private_data;         /* c: the pipe, the device state */
};

/* Vnodes. */
struct vnode *vnode_alloc(struct superblock *sb, const struct vnode_ops *ops, uint32_t mode,
                          const struct cred *cred);
void vnode_get(struct vnode *vn);
void vnode_put(struct vnode *vn);
void vnode_stat(struct vnode *vn, struct stat *st);
/* Checks access (R_OK|W_OK|X_OK bits) against the mode bits. */
int vnode_permission(struct vnode *vn, const struct cred *cred, int amode);
int64_t vfs_now_ns(void);

/* Superblocks and mounts. */
struct superblock *sb_create(const char *fstype, unsigned flags);
int vfs_mount_sb(struct superblock *sb, struct vnode *covered);
struct vnode *vfs_root(void);           /* the global root, held */
struct vnode *vfs_cross_mounts(struct vnode *vn);
struct vnode *vfs_mount_covered(struct vnode *vn);

/* The filesystems. */
struct superblock *ramfs_create(unsigned flags, uint64_t size_limit_bytes);
void ramfs_destroy(struct superblock *sb);
struct superblock *devfs_create(void);
extern struct vfs_fstype procfs_fstype;     /* "proc" (procfs.c) */

/* Device files: devfs looks drivers up by number. A driver registers a
 * name under /dev and the file_ops its opens get. */
struct devfs_device {
    const char *name;
    uint32_t mode;              /* S_IFCHR | permission bits */
    const struct file_ops *fops;
    void *driver_data;
    /* Its number as Linux numbers it (DEV_NUMBER; for a directory, any
     * number of that major opens fops); 0: devfs numbers it (1..32). */
    uint32_t rdev;
};
/* Linux's device numbers as st_rdev carries them: major * 256 + minor. */
#define DEV_NUMBER(major, minor) ((uint32_t)(major) << 8 | (uint32_t)(minor))
#define DEV_MAJOR(rdev) (((rdev) >> 8) & 0xffu)
#define DEV_MINOR(rdev) ((rdev) & 0xffu)
int devfs_register(const struct devfs_device *dev);
/* A directory the driver fills (/dev/pts): its vnode gets dir_ops (mode
 * S_IFDIR | permission bits); the nodes its lookup makes (in the same
 * superblock, rdev set to the directory's) open with fops. */
int devfs_register_dir(const struct devfs_device *dev, const struct vnode_ops *dir_ops);
/* The terminals (console, tty, ptmx, pts): a terminal library (libos/tty)
 * sets the function that registers its devices at boot, before the VFS
 * stage; vfs_init calls it right after devfs's own devices. Without one,
 * /dev has a dumb console (console, serial0: the kernel log's output). */
typedef int (*devfs_terminals_fn)(void);
void devfs_set_terminals(devfs_terminals_fn register_devices);

/* Path lookup. flags: */
#define LOOKUP_FOLLOW    0x1u   /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 0x2u   /* the last component must be a directory */
/* Resolves path from start (NULL: cwd of ctx) to a held vnode. */
int vfs_lookup(struct vfs_ctx *ctx, struct vnode *start, const char *path, unsigned flags,
               struct vnode **out);
/* Resolves all but the last component: *dir (held) and the last name,
 * copied into name (NAME_MAX + 1 bytes). -EINVAL... for "" and "/"; the
 * last name may be "." or "..", which callers reject as they must. */
int vfs_lookup_parent(struct vfs_ctx *ctx, struct vnode *start, const char *path,
                      struct vnode **dir, char *name, bool *has_trailing_slash);
/* The same, judged by cred (a copy from vfs_cred_get) rather than by ctx's
 * credentials of the moment: an operation that checks more after the
 * lookup passes the copy it checks with, so one set of ids judges it all. */
int vfs_lookup_as(struct vfs_ctx *ctx, const struct cred *cred, struct vnode *start,
                  const char *path, unsigned flags, struct vnode **out);
int vfs_lookup_parent_as(struct vfs_ctx *ctx, const struct cred *cred, struct vnode *start,
                         const char *path, struct vnode **dir, char *name,
                         bool *has_trailing_slash);

/* A socket's name in the file tree (AF_UNIX bind): creates an S_IFSOCK
 * node at path and returns it held; -EEXIST when the name exists. */
int vfs_mksock(struct vfs_ctx *ctx, const char *path, uint32_t mode, struct vnode **out);

/* Files. */
struct file *file_alloc(struct vnode *vn, const struct file_ops *ops, int flags);
void file_get(struct file *f);
void file_put(struct file *f);
/* Opens a vnode (runs the file_ops' open); returns a file with one ref. */
int file_open_vnode(struct vnode *vn, int flags, struct file **out);

/* fd tables. */
#define FDTABLE_MAX 1024
struct fdtable *fdtable_create(void);
struct fdtable *fdtable_clone(struct fdtable *fdt);
void fdtable_destroy(struct fdtable *fdt);
/* Installs f (the table takes the caller's reference) at the lowest free
 * descriptor >= min_fd below the table's limit (RLIMIT_NOFILE). Returns the
 * descriptor or -EMFILE. */
int fd_install(struct fdtable *fdt, struct file *f, int min_fd, bool cloexec);
/* A held reference to the file at fd, or NULL. */
struct file *fd_get(struct fdtable *fdt, int fd);
struct file *fd_remove(struct fdtable *fdt, int fd);
/* -EBADF for newfd at or past the table's limit. */
int fd_replace(struct fdtable *fdt, int newfd, struct file *f, bool cloexec);
/* The descriptor limit (RLIMIT_NOFILE, at most FDTABLE_MAX). */
int fd_limit(struct fdtable *fdt);
int fd_get_cloexec(struct fdtable *fdt, int fd);
int fd_set_cloexec(struct fdtable *fdt, int fd, bool cloexec);
void fdtable_close_on_exec(struct fdtable *fdt);

/* Pipes and FIFOs. */
int pipe_create(struct file **read_end, struct file **write_end, int flags);
extern const struct file_ops fifo_file_ops;
void pipe_fifo_release_vnode(struct vnode *vn);
void vfs_sigpipe(void);

/* The CSPRNG behind /dev/random. */
void random_init(void);
void random_read(void *buf, size_t len);
void random_mix(const void *data, size_t len);

/* The initramfs: unpacks a newc cpio archive under dir. */
int initramfs_unpack(struct vfs_ctx *ctx, const void *archive, size_t size);

#endif
