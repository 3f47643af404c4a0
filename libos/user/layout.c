/* Static checks that the layouts and constants the kernel uses
 * (libos/include/abi/) are newlib's, as the process side sees them: both
 * sides compile against their own headers and nothing is translated at the
 * boundary. Constants: newlib's value is recorded, its macro dropped, the
 * ABI header included and the two compared. Generated once from the ABI
 * headers' #defines; keep it in step when they grow. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <abi/dirent.h>
#include <abi/select.h>
#include <abi/signal.h>
#include <abi/time.h>
#include <abi/wait.h>

#define SAME_FIELD(a, b, fa, fb) \
    _Static_assert(offsetof(a, fa) == offsetof(b, fb) && \
                   sizeof(((a *)0)->fa) == sizeof(((b *)0)->fb), #a "." #fa)
#define SAME_SIZE(a, b) _Static_assert(sizeof(a) == sizeof(b), "sizeof " #a)

enum newlib_values {
    NEWLIB_EPERM = EPERM,
    NEWLIB_ENOENT = ENOENT,
    NEWLIB_ESRCH = ESRCH,
    NEWLIB_EINTR = EINTR,
    NEWLIB_EIO = EIO,
    NEWLIB_ENXIO = ENXIO,
    NEWLIB_E2BIG = E2BIG,
    NEWLIB_ENOEXEC = ENOEXEC,
    NEWLIB_EBADF = EBADF,
    NEWLIB_ECHILD = ECHILD,
    NEWLIB_EAGAIN = EAGAIN,
    NEWLIB_ENOMEM = ENOMEM,
    NEWLIB_EACCES = EACCES,
    NEWLIB_EFAULT = EFAULT,
    NEWLIB_EBUSY = EBUSY,
    NEWLIB_EEXIST = EEXIST,
    NEWLIB_EXDEV = EXDEV,
    NEWLIB_ENODEV = ENODEV,
    NEWLIB_ENOTDIR = ENOTDIR,
    NEWLIB_EISDIR = EISDIR,
    NEWLIB_EINVAL = EINVAL,
    NEWLIB_ENFILE = ENFILE,
    NEWLIB_EMFILE = EMFILE,
    NEWLIB_ENOTTY = ENOTTY,
    NEWLIB_EFBIG = EFBIG,
    NEWLIB_ENOSPC = ENOSPC,
    NEWLIB_ESPIPE = ESPIPE,
    NEWLIB_EROFS = EROFS,
    NEWLIB_EMLINK = EMLINK,
    NEWLIB_EPIPE = EPIPE,
    NEWLIB_EDOM = EDOM,
    NEWLIB_ERANGE = ERANGE,
    NEWLIB_EDEADLK = EDEADLK,
    NEWLIB_ETIME = ETIME,
    NEWLIB_ENOSYS = ENOSYS,
    NEWLIB_ENOTEMPTY = ENOTEMPTY,
    NEWLIB_ENAMETOOLONG = ENAMETOOLONG,
    NEWLIB_ELOOP = ELOOP,
    NEWLIB_EOPNOTSUPP = EOPNOTSUPP,
    NEWLIB_ETIMEDOUT = ETIMEDOUT,
    NEWLIB_ENOTSUP = ENOTSUP,
    NEWLIB_EOVERFLOW = EOVERFLOW,
    NEWLIB_O_RDONLY = O_RDONLY,
    NEWLIB_O_WRONLY = O_WRONLY,
    NEWLIB_O_RDWR = O_RDWR,
    NEWLIB_O_ACCMODE = O_ACCMODE,
    NEWLIB_O_APPEND = O_APPEND,
    NEWLIB_O_CREAT = O_CREAT,
    NEWLIB_O_TRUNC = O_TRUNC,
    NEWLIB_O_EXCL = O_EXCL,
    NEWLIB_O_SYNC = O_SYNC,
    NEWLIB_O_NONBLOCK = O_NONBLOCK,
    NEWLIB_O_NOCTTY = O_NOCTTY,
    NEWLIB_O_CLOEXEC = O_CLOEXEC,
    NEWLIB_O_NOFOLLOW = O_NOFOLLOW,
    NEWLIB_O_DIRECTORY = O_DIRECTORY,
    NEWLIB_FD_CLOEXEC = FD_CLOEXEC,
    NEWLIB_F_DUPFD = F_DUPFD,
    NEWLIB_F_GETFD = F_GETFD,
    NEWLIB_F_SETFD = F_SETFD,
    NEWLIB_F_GETFL = F_GETFL,
    NEWLIB_F_SETFL = F_SETFL,
    NEWLIB_F_DUPFD_CLOEXEC = F_DUPFD_CLOEXEC,
    NEWLIB_AT_FDCWD = AT_FDCWD,
    NEWLIB_AT_EACCESS = AT_EACCESS,
    NEWLIB_AT_SYMLINK_NOFOLLOW = AT_SYMLINK_NOFOLLOW,
    NEWLIB_AT_SYMLINK_FOLLOW = AT_SYMLINK_FOLLOW,
    NEWLIB_AT_REMOVEDIR = AT_REMOVEDIR,
    NEWLIB_F_OK = F_OK,
    NEWLIB_R_OK = R_OK,
    NEWLIB_W_OK = W_OK,
    NEWLIB_X_OK = X_OK,
    NEWLIB_SEEK_SET = SEEK_SET,
    NEWLIB_SEEK_CUR = SEEK_CUR,
    NEWLIB_SEEK_END = SEEK_END,
    NEWLIB_S_IFMT = S_IFMT,
    NEWLIB_S_IFDIR = S_IFDIR,
    NEWLIB_S_IFCHR = S_IFCHR,
    NEWLIB_S_IFBLK = S_IFBLK,
    NEWLIB_S_IFREG = S_IFREG,
    NEWLIB_S_IFLNK = S_IFLNK,
    NEWLIB_S_IFSOCK = S_IFSOCK,
    NEWLIB_S_IFIFO = S_IFIFO,
    NEWLIB_S_ISUID = S_ISUID,
    NEWLIB_S_ISGID = S_ISGID,
    NEWLIB_S_ISVTX = S_ISVTX,
    NEWLIB_S_IRWXU = S_IRWXU,
    NEWLIB_S_IRUSR = S_IRUSR,
    NEWLIB_S_IWUSR = S_IWUSR,
    NEWLIB_S_IXUSR = S_IXUSR,
    NEWLIB_S_IRWXG = S_IRWXG,
    NEWLIB_S_IRGRP = S_IRGRP,
    NEWLIB_S_IWGRP = S_IWGRP,
    NEWLIB_S_IXGRP = S_IXGRP,
    NEWLIB_S_IRWXO = S_IRWXO,
    NEWLIB_S_IROTH = S_IROTH,
    NEWLIB_S_IWOTH = S_IWOTH,
    NEWLIB_S_IXOTH = S_IXOTH,
};
#undef EPERM
#undef ENOENT
#undef ESRCH
#undef EINTR
#undef EIO
#undef ENXIO
#undef E2BIG
#undef ENOEXEC
#undef EBADF
#undef ECHILD
#undef EAGAIN
#undef ENOMEM
#undef EACCES
#undef EFAULT
#undef EBUSY
#undef EEXIST
#undef EXDEV
#undef ENODEV
#undef ENOTDIR
#undef EISDIR
#undef EINVAL
#undef ENFILE
#undef EMFILE
#undef ENOTTY
#undef EFBIG
#undef ENOSPC
#undef ESPIPE
#undef EROFS
#undef EMLINK
#undef EPIPE
#undef EDOM
#undef ERANGE
#undef EDEADLK
#undef ETIME
#undef ENOSYS
#undef ENOTEMPTY
#undef ENAMETOOLONG
#undef ELOOP
#undef EOPNOTSUPP
#undef ETIMEDOUT
#undef ENOTSUP
#undef EOVERFLOW
#undef O_RDONLY
#undef O_WRONLY
#undef O_RDWR
#undef O_ACCMODE
#undef O_APPEND
#undef O_CREAT
#undef O_TRUNC
#undef O_EXCL
#undef O_SYNC
#undef O_NONBLOCK
#undef O_NOCTTY
#undef O_CLOEXEC
#undef O_NOFOLLOW
#undef O_DIRECTORY
#undef FD_CLOEXEC
#undef F_DUPFD
#undef F_GETFD
#undef F_SETFD
#undef F_GETFL
#undef F_SETFL
#undef F_DUPFD_CLOEXEC
#undef AT_FDCWD
#undef AT_EACCESS
#undef AT_SYMLINK_NOFOLLOW
#undef AT_SYMLINK_FOLLOW
#undef AT_REMOVEDIR
#undef F_OK
#undef R_OK
#undef W_OK
#undef X_OK
#undef SEEK_SET
#undef SEEK_CUR
#undef SEEK_END
#undef S_IFMT
#undef S_IFDIR
#undef S_IFCHR
#undef S_IFBLK
#undef S_IFREG
#undef S_IFLNK
#undef S_IFSOCK
#undef S_IFIFO
#undef S_ISUID
#undef S_ISGID
#undef S_ISVTX
#undef S_IRWXU
#undef S_IRUSR
#undef S_IWUSR
#undef S_IXUSR
#undef S_IRWXG
#undef S_IRGRP
#undef S_IWGRP
#undef S_IXGRP
#undef S_IRWXO
#undef S_IROTH
#undef S_IWOTH
#undef S_IXOTH
#undef S_ISDIR
#undef S_ISCHR
#undef S_ISBLK
#undef S_ISREG
#undef S_ISLNK
#undef S_ISFIFO
#undef S_ISSOCK
#define stat abi_stat
#undef ABI_STAT_H
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/stat.h>
#undef stat
_Static_assert(NEWLIB_EPERM == EPERM, "EPERM");
_Static_assert(NEWLIB_ENOENT == ENOENT, "ENOENT");
_Static_assert(NEWLIB_ESRCH == ESRCH, "ESRCH");
_Static_assert(NEWLIB_EINTR == EINTR, "EINTR");
_Static_assert(NEWLIB_EIO == EIO, "EIO");
_Static_assert(NEWLIB_ENXIO == ENXIO, "ENXIO");
_Static_assert(NEWLIB_E2BIG == E2BIG, "E2BIG");
_Static_assert(NEWLIB_ENOEXEC == ENOEXEC, "ENOEXEC");
_Static_assert(NEWLIB_EBADF == EBADF, "EBADF");
_Static_assert(NEWLIB_ECHILD == ECHILD, "ECHILD");
_Static_assert(NEWLIB_EAGAIN == EAGAIN, "EAGAIN");
_Static_assert(NEWLIB_ENOMEM == ENOMEM, "ENOMEM");
_Static_assert(NEWLIB_EACCES == EACCES, "EACCES");
_Static_assert(NEWLIB_EFAULT == EFAULT, "EFAULT");
_Static_assert(NEWLIB_EBUSY == EBUSY, "EBUSY");
_Static_assert(NEWLIB_EEXIST == EEXIST, "EEXIST");
_Static_assert(NEWLIB_EXDEV == EXDEV, "EXDEV");
_Static_assert(NEWLIB_ENODEV == ENODEV, "ENODEV");
_Static_assert(NEWLIB_ENOTDIR == ENOTDIR, "ENOTDIR");
_Static_assert(NEWLIB_EISDIR == EISDIR, "EISDIR");
_Static_assert(NEWLIB_EINVAL == EINVAL, "EINVAL");
_Static_assert(NEWLIB_ENFILE == ENFILE, "ENFILE");
_Static_assert(NEWLIB_EMFILE == EMFILE, "EMFILE");
_Static_assert(NEWLIB_ENOTTY == ENOTTY, "ENOTTY");
_Static_assert(NEWLIB_EFBIG == EFBIG, "EFBIG");
_Static_assert(NEWLIB_ENOSPC == ENOSPC, "ENOSPC");
_Static_assert(NEWLIB_ESPIPE == ESPIPE, "ESPIPE");
_Static_assert(NEWLIB_EROFS == EROFS, "EROFS");
_Static_assert(NEWLIB_EMLINK == EMLINK, "EMLINK");
_Static_assert(NEWLIB_EPIPE == EPIPE, "EPIPE");
_Static_assert(NEWLIB_EDOM == EDOM, "EDOM");
_Static_assert(NEWLIB_ERANGE == ERANGE, "ERANGE");
_Static_assert(NEWLIB_EDEADLK == EDEADLK, "EDEADLK");
_Static_assert(NEWLIB_ETIME == ETIME, "ETIME");
_Static_assert(NEWLIB_ENOSYS == ENOSYS, "ENOSYS");
_Static_assert(NEWLIB_ENOTEMPTY == ENOTEMPTY, "ENOTEMPTY");
_Static_assert(NEWLIB_ENAMETOOLONG == ENAMETOOLONG, "ENAMETOOLONG");
_Static_assert(NEWLIB_ELOOP == ELOOP, "ELOOP");
_Static_assert(NEWLIB_EOPNOTSUPP == EOPNOTSUPP, "EOPNOTSUPP");
_Static_assert(NEWLIB_ETIMEDOUT == ETIMEDOUT, "ETIMEDOUT");
_Static_assert(NEWLIB_ENOTSUP == ENOTSUP, "ENOTSUP");
_Static_assert(NEWLIB_EOVERFLOW == EOVERFLOW, "EOVERFLOW");
_Static_assert(NEWLIB_O_RDONLY == O_RDONLY, "O_RDONLY");
_Static_assert(NEWLIB_O_WRONLY == O_WRONLY, "O_WRONLY");
_Static_assert(NEWLIB_O_RDWR == O_RDWR, "O_RDWR");
_Static_assert(NEWLIB_O_ACCMODE == O_ACCMODE, "O_ACCMODE");
_Static_assert(NEWLIB_O_APPEND == O_APPEND, "O_APPEND");
_Static_assert(NEWLIB_O_CREAT == O_CREAT, "O_CREAT");
_Static_assert(NEWLIB_O_TRUNC == O_TRUNC, "O_TRUNC");
_Static_assert(NEWLIB_O_EXCL == O_EXCL, "O_EXCL");
_Static_assert(NEWLIB_O_SYNC == O_SYNC, "O_SYNC");
_Static_assert(NEWLIB_O_NONBLOCK == O_NONBLOCK, "O_NONBLOCK");
_Static_assert(NEWLIB_O_NOCTTY == O_NOCTTY, "O_NOCTTY");
_Static_assert(NEWLIB_O_CLOEXEC == O_CLOEXEC, "O_CLOEXEC");
_Static_assert(NEWLIB_O_NOFOLLOW == O_NOFOLLOW, "O_NOFOLLOW");
_Static_assert(NEWLIB_O_DIRECTORY == O_DIRECTORY, "O_DIRECTORY");
_Static_assert(NEWLIB_FD_CLOEXEC == FD_CLOEXEC, "FD_CLOEXEC");
_Static_assert(NEWLIB_F_DUPFD == F_DUPFD, "F_DUPFD");
_Static_assert(NEWLIB_F_GETFD == F_GETFD, "F_GETFD");
_Static_assert(NEWLIB_F_SETFD == F_SETFD, "F_SETFD");
_Static_assert(NEWLIB_F_GETFL == F_GETFL, "F_GETFL");
_Static_assert(NEWLIB_F_SETFL == F_SETFL, "F_SETFL");
_Static_assert(NEWLIB_F_DUPFD_CLOEXEC == F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC");
_Static_assert(NEWLIB_AT_FDCWD == AT_FDCWD, "AT_FDCWD");
_Static_assert(NEWLIB_AT_EACCESS == AT_EACCESS, "AT_EACCESS");
_Static_assert(NEWLIB_AT_SYMLINK_NOFOLLOW == AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW");
_Static_assert(NEWLIB_AT_SYMLINK_FOLLOW == AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW");
_Static_assert(NEWLIB_AT_REMOVEDIR == AT_REMOVEDIR, "AT_REMOVEDIR");
_Static_assert(NEWLIB_F_OK == F_OK, "F_OK");
_Static_assert(NEWLIB_R_OK == R_OK, "R_OK");
_Static_assert(NEWLIB_W_OK == W_OK, "W_OK");
_Static_assert(NEWLIB_X_OK == X_OK, "X_OK");
_Static_assert(NEWLIB_SEEK_SET == SEEK_SET, "SEEK_SET");
_Static_assert(NEWLIB_SEEK_CUR == SEEK_CUR, "SEEK_CUR");
_Static_assert(NEWLIB_SEEK_END == SEEK_END, "SEEK_END");
_Static_assert(NEWLIB_S_IFMT == S_IFMT, "S_IFMT");
_Static_assert(NEWLIB_S_IFDIR == S_IFDIR, "S_IFDIR");
_Static_assert(NEWLIB_S_IFCHR == S_IFCHR, "S_IFCHR");
_Static_assert(NEWLIB_S_IFBLK == S_IFBLK, "S_IFBLK");
_Static_assert(NEWLIB_S_IFREG == S_IFREG, "S_IFREG");
_Static_assert(NEWLIB_S_IFLNK == S_IFLNK, "S_IFLNK");
_Static_assert(NEWLIB_S_IFSOCK == S_IFSOCK, "S_IFSOCK");
_Static_assert(NEWLIB_S_IFIFO == S_IFIFO, "S_IFIFO");
_Static_assert(NEWLIB_S_ISUID == S_ISUID, "S_ISUID");
_Static_assert(NEWLIB_S_ISGID == S_ISGID, "S_ISGID");
_Static_assert(NEWLIB_S_ISVTX == S_ISVTX, "S_ISVTX");
_Static_assert(NEWLIB_S_IRWXU == S_IRWXU, "S_IRWXU");
_Static_assert(NEWLIB_S_IRUSR == S_IRUSR, "S_IRUSR");
_Static_assert(NEWLIB_S_IWUSR == S_IWUSR, "S_IWUSR");
_Static_assert(NEWLIB_S_IXUSR == S_IXUSR, "S_IXUSR");
_Static_assert(NEWLIB_S_IRWXG == S_IRWXG, "S_IRWXG");
_Static_assert(NEWLIB_S_IRGRP == S_IRGRP, "S_IRGRP");
_Static_assert(NEWLIB_S_IWGRP == S_IWGRP, "S_IWGRP");
_Static_assert(NEWLIB_S_IXGRP == S_IXGRP, "S_IXGRP");
_Static_assert(NEWLIB_S_IRWXO == S_IRWXO, "S_IRWXO");
_Static_assert(NEWLIB_S_IROTH == S_IROTH, "S_IROTH");
_Static_assert(NEWLIB_S_IWOTH == S_IWOTH, "S_IWOTH");
_Static_assert(NEWLIB_S_IXOTH == S_IXOTH, "S_IXOTH");

/* struct stat */
SAME_SIZE(struct stat, struct abi_stat);

SAME_FIELD(struct stat, struct abi_stat, st_dev, st_dev);
SAME_FIELD(struct stat, struct abi_stat, st_ino, st_ino);
SAME_FIELD(struct stat, struct abi_stat, st_mode, st_mode);
SAME_FIELD(struct stat, struct abi_stat, st_nlink, st_nlink);
SAME_FIELD(struct stat, struct abi_stat, st_uid, st_uid);
SAME_FIELD(struct stat, struct abi_stat, st_gid, st_gid);
SAME_FIELD(struct stat, struct abi_stat, st_rdev, st_rdev);
SAME_FIELD(struct stat, struct abi_stat, st_size, st_size);
SAME_FIELD(struct stat, struct abi_stat, st_atim, st_atim);
SAME_FIELD(struct stat, struct abi_stat, st_mtim, st_mtim);
SAME_FIELD(struct stat, struct abi_stat, st_ctim, st_ctim);
SAME_FIELD(struct stat, struct abi_stat, st_blksize, st_blksize);
SAME_FIELD(struct stat, struct abi_stat, st_blocks, st_blocks);

/* time */
SAME_SIZE(struct timespec, struct abi_timespec);
SAME_FIELD(struct timespec, struct abi_timespec, tv_sec, tv_sec);
SAME_FIELD(struct timespec, struct abi_timespec, tv_nsec, tv_nsec);
SAME_SIZE(struct timeval, struct abi_timeval);
SAME_FIELD(struct timeval, struct abi_timeval, tv_sec, tv_sec);
SAME_FIELD(struct timeval, struct abi_timeval, tv_usec, tv_usec);
SAME_SIZE(struct itimerval, struct abi_itimerval);
SAME_FIELD(struct itimerval, struct abi_itimerval, it_interval, it_interval);
SAME_FIELD(struct itimerval, struct abi_itimerval, it_value, it_value);
SAME_SIZE(struct rusage, struct abi_rusage);
SAME_FIELD(struct rusage, struct abi_rusage, ru_utime, ru_utime);
SAME_FIELD(struct rusage, struct abi_rusage, ru_stime, ru_stime);
_Static_assert(CLOCK_REALTIME == ABI_CLOCK_REALTIME, "CLOCK_REALTIME");
_Static_assert(CLOCK_MONOTONIC == ABI_CLOCK_MONOTONIC, "CLOCK_MONOTONIC");
_Static_assert(ITIMER_REAL == ABI_ITIMER_REAL && ITIMER_VIRTUAL == ABI_ITIMER_VIRTUAL &&
               ITIMER_PROF == ABI_ITIMER_PROF, "ITIMER_*");

/* signals: <sys/signal.h> is libos/user's, over abi/signal.h */
SAME_SIZE(sigset_t, abi_sigset_t);
SAME_SIZE(struct sigaction, struct abi_sigaction);
SAME_FIELD(struct sigaction, struct abi_sigaction, sa_handler, handler);
SAME_FIELD(struct sigaction, struct abi_sigaction, sa_sigaction, handler);
SAME_FIELD(struct sigaction, struct abi_sigaction, sa_mask, mask);
SAME_FIELD(struct sigaction, struct abi_sigaction, sa_flags, flags);
SAME_SIZE(siginfo_t, struct abi_siginfo);
SAME_FIELD(siginfo_t, struct abi_siginfo, si_signo, si_signo);
SAME_FIELD(siginfo_t, struct abi_siginfo, si_errno, si_errno);
SAME_FIELD(siginfo_t, struct abi_siginfo, si_code, si_code);
SAME_FIELD(siginfo_t, struct abi_siginfo, si_pid, si_pid);
_Static_assert(offsetof(siginfo_t, si_uid) == offsetof(struct abi_siginfo, si_uid), "si_uid");
SAME_FIELD(siginfo_t, struct abi_siginfo, si_status, si_status);
SAME_FIELD(siginfo_t, struct abi_siginfo, si_addr, si_addr);
SAME_FIELD(siginfo_t, struct abi_siginfo, si_value, si_value);
SAME_SIZE(stack_t, struct abi_stack);
SAME_FIELD(stack_t, struct abi_stack, ss_sp, ss_sp);
SAME_FIELD(stack_t, struct abi_stack, ss_flags, ss_flags);
SAME_FIELD(stack_t, struct abi_stack, ss_size, ss_size);
_Static_assert((long)SIG_DFL == (long)ABI_SIG_DFL && (long)SIG_IGN == (long)ABI_SIG_IGN, "SIG_DFL");

/* select, poll, uio */
SAME_SIZE(fd_set, abi_fd_set);
_Static_assert(FD_SETSIZE == ABI_FD_SETSIZE, "FD_SETSIZE");
SAME_FIELD(fd_set, abi_fd_set, fds_bits, fds_bits);
_Static_assert(sizeof(struct pollfd) == 8, "struct pollfd");
_Static_assert(sizeof(struct iovec) == 16, "struct iovec");
_Static_assert(offsetof(struct dirent64, d_name) == 19, "struct dirent64");

/* types the kernel writes through pointers */
_Static_assert(sizeof(pid_t) == 4, "pid_t is an int");
_Static_assert(sizeof(off_t) == 8, "off_t is 64 bits");
_Static_assert(sizeof(time_t) == 8, "time_t is 64 bits");

