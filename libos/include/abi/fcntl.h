/* open(2) and fcntl(2) constants shared by the kernel and processes. The
 * values are newlib's (sys/_default_fcntl.h), so nothing is translated at
 * the boundary. */
#ifndef ABI_FCNTL_H
#define ABI_FCNTL_H

#define O_RDONLY    0
#define O_WRONLY    1
#define O_RDWR      2
#define O_ACCMODE   (O_RDONLY | O_WRONLY | O_RDWR)
#define O_APPEND    0x0008
#define O_CREAT     0x0200
#define O_TRUNC     0x0400
#define O_EXCL      0x0800
#define O_SYNC      0x2000
#define O_NONBLOCK  0x4000
#define O_NOCTTY    0x8000
#define O_CLOEXEC   0x40000
#define O_NOFOLLOW  0x100000
#define O_DIRECTORY 0x200000

#define FD_CLOEXEC  1

#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_GETLK         7       /* record locks: struct abi_flock */
#define F_SETLK         8
#define F_SETLKW        9
#define F_DUPFD_CLOEXEC 14

/* struct flock's l_type */
#define F_RDLCK 1
#define F_WRLCK 2
#define F_UNLCK 3

/* flock(2) */
#define LOCK_SH 0x01
#define LOCK_EX 0x02
#define LOCK_NB 0x04
#define LOCK_UN 0x08

#define AT_FDCWD            (-2)
#define AT_EACCESS          1
#define AT_SYMLINK_NOFOLLOW 2
#define AT_SYMLINK_FOLLOW   4
#define AT_REMOVEDIR        8

/* access(2) */
#define F_OK 0
#define R_OK 4
#define W_OK 2
#define X_OK 1

/* lseek(2) */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* newlib's struct flock (sys/_default_fcntl.h), which processes pass to
 * F_GETLK, F_SETLK and F_SETLKW: a 16-bit l_pid, 32 bytes on both ports. */
struct abi_flock {
    short l_type;               /* F_RDLCK, F_WRLCK, F_UNLCK */
    short l_whence;             /* SEEK_SET, SEEK_CUR, SEEK_END */
    long l_start;
    long l_len;                 /* 0: to the end of the file and beyond */
    short l_pid;                /* F_GETLK: the holder */
    short l_xxx;
};

#endif
