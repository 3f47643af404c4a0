/* The VFS from a process: open/read/write/lseek, dup2 and fcntl, getdents
 * through readdir, rename/unlink/mkdir/rmdir, symlink/readlink, chdir and
 * getcwd, stat fields, truncate, pread/pwrite, readv/writev, termios on a
 * non-terminal. Works under /tmp. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>
#include "tap.h"

static void open_write_read_lseek(void)
{
    const char *path = "/tmp/files_rw";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_OK(fd);
    CHECK_EQ("write", 11, write(fd, "hello world", 11));
    CHECK_EQ("lseek SEEK_SET", 6, lseek(fd, 6, SEEK_SET));
    char buf[16] = { 0 };
    CHECK_EQ("read", 5, read(fd, buf, sizeof(buf)));
    CHECK(!strcmp(buf, "world"), "read: expected \"world\", got \"%s\"", buf);
    CHECK_EQ("read at EOF", 0, read(fd, buf, sizeof(buf)));
    CHECK_EQ("lseek SEEK_END", 11, lseek(fd, 0, SEEK_END));
    CHECK_ERRNO(lseek(fd, -100, SEEK_SET), EINVAL);
    CHECK_OK(close(fd));
    CHECK_ERRNO(open(path, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    CHECK_ERRNO(open("/tmp/no/such/file", O_RDONLY), ENOENT);
    CHECK_ERRNO(close(fd), EBADF);
    CHECK_OK(unlink(path));
    CHECK_ERRNO(open(path, O_RDONLY), ENOENT);
}

static void dup2_shares_offset_and_fcntl_flags(void)
{
    const char *path = "/tmp/files_dup";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_OK(fd);
    CHECK_EQ("dup2", 20, dup2(fd, 20));
    CHECK_EQ("write via the copy", 3, write(20, "abc", 3));
    CHECK_EQ("offset seen via the original", 3, lseek(fd, 0, SEEK_CUR));
    CHECK_EQ("dup2 onto itself", fd, dup2(fd, fd));
    CHECK_ERRNO(dup2(99, 21), EBADF);
    CHECK_EQ("F_GETFD of a dup2 copy", 0, fcntl(20, F_GETFD));
    CHECK_OK(fcntl(20, F_SETFD, FD_CLOEXEC));
    CHECK_EQ("F_GETFD after F_SETFD", FD_CLOEXEC, fcntl(20, F_GETFD));
    CHECK_EQ("F_GETFD of the original unchanged", 0, fcntl(fd, F_GETFD));
    CHECK_EQ("F_GETFL access mode", O_RDWR, fcntl(fd, F_GETFL) & O_ACCMODE);
    CHECK_OK(fcntl(fd, F_SETFL, O_APPEND));
    CHECK(fcntl(20, F_GETFL) & O_APPEND, "O_APPEND not shared by the dup'd descriptor");
    int low = fcntl(fd, F_DUPFD, 30);
    CHECK(low >= 30, "F_DUPFD 30: expected >= 30, got %d", low);
    close(low);
    close(20);
    close(fd);
    unlink(path);
}

static void mkdir_readdir_rename_rmdir(void)
{
    CHECK_OK(mkdir("/tmp/files_dir", 0755));
    CHECK_ERRNO(mkdir("/tmp/files_dir", 0755), EEXIST);
    const char *names[] = { "a", "bb", "ccc" };
    for (int i = 0; i < 3; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/tmp/files_dir/%s", names[i]);
        int fd = open(path, O_WRONLY | O_CREAT, 0644);
        CHECK_OK(fd);
        close(fd);
    }
    DIR *d = opendir("/tmp/files_dir");
    CHECK(d, "opendir: errno %d", errno);
    int seen = 0, dots = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            dots++;
        for (int i = 0; i < 3; i++)
            if (!strcmp(e->d_name, names[i]))
                seen |= 1 << i;
    }
    rewinddir(d);
    CHECK(readdir(d) != NULL, "readdir after rewinddir returned nothing");
    closedir(d);
    CHECK_EQ("entries found (bit mask)", 7, seen);
    CHECK_EQ("'.' and '..' found", 2, dots);
    CHECK_ERRNO(rmdir("/tmp/files_dir"), ENOTEMPTY);
    CHECK_OK(rename("/tmp/files_dir/a", "/tmp/files_dir/z"));
    CHECK_ERRNO(access("/tmp/files_dir/a", F_OK), ENOENT);
    CHECK_OK(access("/tmp/files_dir/z", F_OK));
    CHECK_OK(rename("/tmp/files_dir/z", "/tmp/files_dir/bb"));   /* replaces */
    CHECK_OK(unlink("/tmp/files_dir/bb"));
    CHECK_OK(unlink("/tmp/files_dir/ccc"));
    CHECK_ERRNO(unlink("/tmp/files_dir"), EISDIR);
    CHECK_OK(rmdir("/tmp/files_dir"));
    CHECK(opendir("/tmp/files_dir") == NULL && errno == ENOENT, "opendir of a removed dir: errno %d",
          errno);
}

static void symlink_readlink_lstat(void)
{
    int fd = open("/tmp/files_target", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK_OK(fd);
    write(fd, "12345", 5);
    close(fd);
    CHECK_OK(symlink("/tmp/files_target", "/tmp/files_link"));
    char buf[64];
    long n = readlink("/tmp/files_link", buf, sizeof(buf));
    CHECK_EQ("readlink length", strlen("/tmp/files_target"), n);
    buf[n] = 0;
    CHECK(!strcmp(buf, "/tmp/files_target"), "readlink: got \"%s\"", buf);
    struct stat st;
    CHECK_OK(lstat("/tmp/files_link", &st));
    CHECK(S_ISLNK(st.st_mode), "lstat: expected a symlink, mode 0%o", (unsigned)st.st_mode);
    CHECK_OK(stat("/tmp/files_link", &st));
    CHECK(S_ISREG(st.st_mode), "stat through the link: expected a file, mode 0%o",
          (unsigned)st.st_mode);
    CHECK_EQ("size through the link", 5, st.st_size);
    CHECK_ERRNO(readlink("/tmp/files_target", buf, sizeof(buf)), EINVAL);
    unlink("/tmp/files_link");
    unlink("/tmp/files_target");
}

static void chdir_getcwd_relative_paths(void)
{
    char saved[256];
    CHECK(getcwd(saved, sizeof(saved)), "getcwd: errno %d", errno);
    CHECK_OK(mkdir("/tmp/files_cwd", 0755));
    CHECK_OK(chdir("/tmp/files_cwd"));
    char buf[256];
    CHECK(getcwd(buf, sizeof(buf)), "getcwd: errno %d", errno);
    CHECK(!strcmp(buf, "/tmp/files_cwd"), "getcwd: expected /tmp/files_cwd, got %s", buf);
    CHECK(getcwd(buf, 4) == NULL && errno == ERANGE, "getcwd with 4 bytes: expected ERANGE, errno %d",
          errno);
    int fd = open("rel", O_WRONLY | O_CREAT, 0644);
    CHECK_OK(fd);
    close(fd);
    CHECK_OK(access("/tmp/files_cwd/rel", F_OK));
    CHECK_OK(chdir(".."));
    CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, "/tmp"), "after chdir(..): got %s", buf);
    int dfd = open("/tmp/files_cwd", O_RDONLY | O_DIRECTORY);
    CHECK_OK(dfd);
    CHECK_OK(fchdir(dfd));
    close(dfd);
    CHECK_OK(unlink("rel"));
    CHECK_ERRNO(chdir("/tmp/nonexistent"), ENOENT);
    CHECK_OK(chdir(saved));
    CHECK_OK(rmdir("/tmp/files_cwd"));
}

static void stat_truncate_pread_writev(void)
{
    const char *path = "/tmp/files_misc";
    mode_t old = umask(022);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0666);
    umask(old);
    CHECK_OK(fd);
    struct iovec iov[2] = { { "abc", 3 }, { "defgh", 5 } };
    CHECK_EQ("writev", 8, writev(fd, iov, 2));
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISREG(st.st_mode), "fstat: not a regular file, mode 0%o", (unsigned)st.st_mode);
    CHECK_EQ("permissions after umask 022", 0644, st.st_mode & 0777);
    CHECK_EQ("st_size", 8, st.st_size);
    char buf[8] = { 0 };
    CHECK_EQ("pread", 3, pread(fd, buf, 3, 2));
    CHECK(!memcmp(buf, "cde", 3), "pread at 2: expected cde, got %.3s", buf);
    CHECK_EQ("offset unchanged by pread", 8, lseek(fd, 0, SEEK_CUR));
    CHECK_EQ("pwrite", 2, pwrite(fd, "XY", 2, 0));
    char a[4] = { 0 }, b[4] = { 0 };
    struct iovec riov[2] = { { a, 2 }, { b, 3 } };
    lseek(fd, 0, SEEK_SET);
    CHECK_EQ("readv", 5, readv(fd, riov, 2));
    CHECK(!memcmp(a, "XY", 2) && !memcmp(b, "cde", 3), "readv: got %.2s|%.3s", a, b);
    CHECK_OK(ftruncate(fd, 2));
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ("size after ftruncate", 2, st.st_size);
    CHECK_OK(truncate(path, 100));
    CHECK_OK(stat(path, &st));
    CHECK_EQ("size after truncate", 100, st.st_size);
    CHECK_OK(chmod(path, 0600));
    CHECK_OK(stat(path, &st));
    CHECK_EQ("mode after chmod", 0600, st.st_mode & 0777);
    close(fd);
    unlink(path);
}

static void termios_on_a_file_enotty(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    struct termios t;
    CHECK_ERRNO(tcgetattr(fds[0], &t), ENOTTY);
    errno = 0;
    CHECK_EQ("isatty(pipe)", 0, isatty(fds[0]));
    CHECK_EQ("isatty errno", ENOTTY, errno);
    close(fds[0]);
    close(fds[1]);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(open_write_read_lseek),
        TAP_TEST(dup2_shares_offset_and_fcntl_flags),
        TAP_TEST(mkdir_readdir_rename_rmdir),
        TAP_TEST(symlink_readlink_lstat),
        TAP_TEST(chdir_getcwd_relative_paths),
        TAP_TEST(stat_truncate_pread_writev),
        TAP_TEST(termios_on_a_file_enotty),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
