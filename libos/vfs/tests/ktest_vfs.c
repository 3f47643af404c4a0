/* In-kernel tests of the VFS calls on ramfs: descriptors, offsets, names,
 * links, mounts, the working directory. */
#include "vfs_test.h"

KTEST(vfs_write_then_read_back, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "rw");
    char buf[32] = { 0 };
    int fd = vfs_open(&ctx, "f", O_RDWR | O_CREAT, 0644);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_write(&ctx, fd, "hello", 5), 5);
    EXPECT_RC(vfs_lseek(&ctx, fd, 0, SEEK_SET), 0);
    EXPECT_RC(vfs_read(&ctx, fd, buf, sizeof(buf)), 5);
    KTEST_EXPECT(memcmp(buf, "hello", 5) == 0, "read back '%s', expected 'hello'", buf);
    EXPECT_RC(vfs_read(&ctx, fd, buf, sizeof(buf)), 0);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_dup_shares_offset, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "dup");
    int fd = vfs_open(&ctx, "f", O_RDWR | O_CREAT, 0644);
    EXPECT_OK(fd);
    int fd2 = vfs_dup(&ctx, fd);
    EXPECT_OK(fd2);
    KTEST_EXPECT(fd2 != fd, "dup returned the same descriptor %d", fd);
    EXPECT_RC(vfs_write(&ctx, fd, "abc", 3), 3);
    EXPECT_RC(vfs_lseek(&ctx, fd2, 0, SEEK_CUR), 3);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_dup2_replaces_open_descriptor, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "dup2");
    EXPECT_OK(vfs_test_put(&ctx, "a", "AAAA", 0644));
    EXPECT_OK(vfs_test_put(&ctx, "b", "BBBB", 0644));
    int fa = vfs_open(&ctx, "a", O_RDONLY, 0);
    int fb = vfs_open(&ctx, "b", O_RDONLY, 0);
    EXPECT_OK(fa);
    EXPECT_OK(fb);
    EXPECT_RC(vfs_dup2(&ctx, fa, fb), fb);
    char c = 0;
    EXPECT_RC(vfs_read(&ctx, fb, &c, 1), 1);
    KTEST_EXPECT(c == 'A', "read '%c' through the dup2'd fd, expected 'A'", c);
    EXPECT_RC(vfs_dup2(&ctx, fa, fa), fa);
    EXPECT_RC(vfs_dup3(&ctx, fa, 40, O_CLOEXEC), 40);
    EXPECT_RC(vfs_fcntl(&ctx, 40, F_GETFD, 0), FD_CLOEXEC);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_fcntl_cloexec_and_exec_closes, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "cloexec");
    int fd = vfs_open(&ctx, "f", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    int keep = vfs_open(&ctx, "f", O_RDONLY, 0);
    EXPECT_OK(fd);
    EXPECT_OK(keep);
    EXPECT_RC(vfs_fcntl(&ctx, fd, F_GETFD, 0), FD_CLOEXEC);
    EXPECT_RC(vfs_fcntl(&ctx, keep, F_GETFD, 0), 0);
    EXPECT_RC(vfs_fcntl(&ctx, keep, F_SETFD, FD_CLOEXEC), 0);
    EXPECT_RC(vfs_fcntl(&ctx, keep, F_SETFD, 0), 0);
    vfs_ctx_exec(&ctx);
    struct stat st;
    EXPECT_RC(vfs_fstat(&ctx, fd, &st), -EBADF);
    EXPECT_RC(vfs_fstat(&ctx, keep, &st), 0);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_fcntl_setfl_changes_append_and_nonblock_only, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "setfl");
    int fd = vfs_open(&ctx, "f", O_WRONLY | O_CREAT, 0644);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_fcntl(&ctx, fd, F_GETFL, 0), O_WRONLY);
    EXPECT_RC(vfs_fcntl(&ctx, fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDWR), 0);
    EXPECT_RC(vfs_fcntl(&ctx, fd, F_GETFL, 0), O_WRONLY | O_APPEND | O_NONBLOCK);
    EXPECT_RC(vfs_fcntl(&ctx, fd, F_DUPFD, 10), 10);
    EXPECT_RC(vfs_fcntl(&ctx, fd, F_DUPFD, 10), 11);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_append_writes_at_end, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "append");
    EXPECT_OK(vfs_test_put(&ctx, "f", "12345", 0644));
    int fd = vfs_open(&ctx, "f", O_WRONLY | O_APPEND, 0);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_lseek(&ctx, fd, 0, SEEK_SET), 0);
    EXPECT_RC(vfs_write(&ctx, fd, "67", 2), 2);
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, "f", &st), 0);
    EXPECT_RC(st.st_size, 7);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_pread_pwrite_keep_offset, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "pread");
    int fd = vfs_open(&ctx, "f", O_RDWR | O_CREAT, 0644);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_pwrite(&ctx, fd, "xyz", 3, 10), 3);
    EXPECT_RC(vfs_lseek(&ctx, fd, 0, SEEK_CUR), 0);
    char buf[4] = { 0 };
    EXPECT_RC(vfs_pread(&ctx, fd, buf, 3, 10), 3);
    KTEST_EXPECT(memcmp(buf, "xyz", 3) == 0, "pread got '%s', expected 'xyz'", buf);
    EXPECT_RC(vfs_pread(&ctx, fd, buf, 1, 0), 1);
    KTEST_EXPECT(buf[0] == 0, "the hole read %d, expected 0", buf[0]);
    EXPECT_RC(vfs_pread(&ctx, fd, buf, 1, -1), -EINVAL);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_readv_writev_gather_and_scatter, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "iov");
    int fd = vfs_open(&ctx, "f", O_RDWR | O_CREAT, 0644);
    EXPECT_OK(fd);
    struct iovec out[3] = { { "ab", 2 }, { "", 0 }, { "cde", 3 } };
    EXPECT_RC(vfs_writev(&ctx, fd, out, 3), 5);
    EXPECT_RC(vfs_lseek(&ctx, fd, 0, SEEK_SET), 0);
    char x[3] = { 0 }, y[3] = { 0 };
    struct iovec in[2] = { { x, 3 }, { y, 3 } };
    EXPECT_RC(vfs_readv(&ctx, fd, in, 2), 5);
    KTEST_EXPECT(memcmp(x, "abc", 3) == 0 && memcmp(y, "de", 2) == 0,
                 "scattered '%.3s' '%.2s', expected 'abc' 'de'", x, y);
    EXPECT_RC(vfs_readv(&ctx, fd, in, -1), -EINVAL);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_lseek_end_and_past_end_reads_zeros, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "seek");
    int fd = vfs_open(&ctx, "f", O_RDWR | O_CREAT, 0644);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_write(&ctx, fd, "abc", 3), 3);
    EXPECT_RC(vfs_lseek(&ctx, fd, -1, SEEK_END), 2);
    EXPECT_RC(vfs_lseek(&ctx, fd, 8192, SEEK_END), 8195);
    EXPECT_RC(vfs_write(&ctx, fd, "z", 1), 1);
    char buf[16];
    EXPECT_RC(vfs_pread(&ctx, fd, buf, 16, 4000), 16);
    for (int i = 0; i < 16; i++)
        KTEST_EXPECT(buf[i] == 0, "byte %d of the hole is %d, expected 0", i, buf[i]);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_large_file_spans_pages, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "large");
    static char block[10000];
    for (unsigned i = 0; i < sizeof(block); i++)
        block[i] = (char)(i * 7);
    int fd = vfs_open(&ctx, "f", O_RDWR | O_CREAT, 0644);
    EXPECT_OK(fd);
    for (int i = 0; i < 5; i++)
        EXPECT_RC(vfs_write(&ctx, fd, block, sizeof(block)), (long)sizeof(block));
    static char back[10000];
    EXPECT_RC(vfs_pread(&ctx, fd, back, sizeof(back), 3 * (int64_t)sizeof(block)),
              (long)sizeof(back));
    KTEST_EXPECT(memcmp(block, back, sizeof(block)) == 0, "the 4th block reads back different");
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_stat_reports_type_size_and_mode, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "stat");
    EXPECT_OK(vfs_test_put(&ctx, "f", "12345", 0640));
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, "f", &st), 0);
    KTEST_EXPECT(S_ISREG(st.st_mode), "mode %o is not a regular file", (unsigned)st.st_mode);
    EXPECT_RC(st.st_mode & 07777, 0640);
    EXPECT_RC(st.st_size, 5);
    EXPECT_RC(st.st_nlink, 1);
    EXPECT_RC(vfs_stat(&ctx, ".", &st), 0);
    KTEST_EXPECT(S_ISDIR(st.st_mode), "mode %o of '.' is not a directory", (unsigned)st.st_mode);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_umask_applies_to_new_files, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "umask");
    EXPECT_RC(vfs_umask(&ctx, 077), 022);
    EXPECT_OK(vfs_test_put(&ctx, "f", "", 0666));
    EXPECT_OK(vfs_mkdir(&ctx, "d", 0777));
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, "f", &st), 0);
    EXPECT_RC(st.st_mode & 0777, 0600);
    EXPECT_RC(vfs_stat(&ctx, "d", &st), 0);
    EXPECT_RC(st.st_mode & 0777, 0700);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_symlink_resolves_and_lstat_sees_link, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "symlink");
    EXPECT_OK(vfs_mkdir(&ctx, "dir", 0755));
    EXPECT_OK(vfs_test_put(&ctx, "dir/target", "data", 0644));
    EXPECT_RC(vfs_symlink(&ctx, "dir/target", "link"), 0);
    EXPECT_RC(vfs_symlink(&ctx, "dir", "dlink"), 0);
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, "link", &st), 0);
    EXPECT_RC(st.st_size, 4);
    EXPECT_RC(vfs_lstat(&ctx, "link", &st), 0);
    KTEST_EXPECT(S_ISLNK(st.st_mode), "lstat mode %o is not a link", (unsigned)st.st_mode);
    EXPECT_RC(vfs_stat(&ctx, "dlink/target", &st), 0);
    EXPECT_RC(vfs_stat(&ctx, "dlink/", &st), 0);
    KTEST_EXPECT(S_ISDIR(st.st_mode), "dlink/ is not a directory");
    char buf[32];
    EXPECT_RC(vfs_readlink(&ctx, "link", buf, sizeof(buf)), 10);
    KTEST_EXPECT(memcmp(buf, "dir/target", 10) == 0, "readlink gave '%.10s'", buf);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_dot_and_dotdot_resolve, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "dots");
    EXPECT_OK(vfs_mkdir(&ctx, "a", 0755));
    EXPECT_OK(vfs_mkdir(&ctx, "a/b", 0755));
    EXPECT_OK(vfs_test_put(&ctx, "x", "x", 0644));
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, "a/./b/../../x", &st), 0);
    EXPECT_RC(vfs_stat(&ctx, "/../../ktest/dots/x", &st), 0);
    EXPECT_RC(vfs_stat(&ctx, "a//b///", &st), 0);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_getdents_lists_every_entry, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "getdents");
    EXPECT_OK(vfs_test_put(&ctx, "one", "", 0644));
    EXPECT_OK(vfs_mkdir(&ctx, "two", 0755));
    EXPECT_OK(vfs_symlink(&ctx, "one", "three"));
    int fd = vfs_open(&ctx, ".", O_RDONLY | O_DIRECTORY, 0);
    EXPECT_OK(fd);
    char buf[64];
    unsigned seen = 0, count = 0;
    long n;
    /* a small buffer: several calls */
    while ((n = vfs_getdents(&ctx, fd, buf, sizeof(buf))) > 0) {
        for (long off = 0; off < n;) {
            struct dirent64 *de = (struct dirent64 *)(void *)(buf + off);
            count++;
            if (strcmp(de->d_name, "one") == 0 && de->d_type == DT_REG)
                seen |= 1;
            if (strcmp(de->d_name, "two") == 0 && de->d_type == DT_DIR)
                seen |= 2;
            if (strcmp(de->d_name, "three") == 0 && de->d_type == DT_LNK)
                seen |= 4;
            off += de->d_reclen;
        }
    }
    EXPECT_RC(n, 0);
    EXPECT_RC(count, 5);
    EXPECT_RC(seen, 7);
    EXPECT_RC(vfs_lseek(&ctx, fd, 0, SEEK_SET), 0);
    EXPECT_RC(vfs_getdents(&ctx, fd, buf, 8), -EINVAL);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_rename_moves_and_replaces, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "rename");
    EXPECT_OK(vfs_test_put(&ctx, "a", "A", 0644));
    EXPECT_OK(vfs_test_put(&ctx, "b", "B", 0644));
    EXPECT_OK(vfs_mkdir(&ctx, "d", 0755));
    EXPECT_RC(vfs_rename(&ctx, "a", "b"), 0);
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, "a", &st), -ENOENT);
    char c = 0;
    int fd = vfs_open(&ctx, "b", O_RDONLY, 0);
    EXPECT_RC(vfs_read(&ctx, fd, &c, 1), 1);
    KTEST_EXPECT(c == 'A', "b holds '%c' after rename, expected 'A'", c);
    EXPECT_RC(vfs_rename(&ctx, "b", "d/c"), 0);
    EXPECT_RC(vfs_stat(&ctx, "d/c", &st), 0);
    EXPECT_RC(vfs_rename(&ctx, "d", "d/inner"), -EINVAL);
    EXPECT_OK(vfs_mkdir(&ctx, "e", 0755));
    EXPECT_RC(vfs_rename(&ctx, "e", "d"), -ENOTEMPTY);
    EXPECT_RC(vfs_rename(&ctx, "d", "e"), 0);
    EXPECT_RC(vfs_stat(&ctx, "e/c", &st), 0);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_link_counts_and_unlinked_open_file_stays, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "link");
    EXPECT_OK(vfs_test_put(&ctx, "f", "keep", 0644));
    EXPECT_RC(vfs_link(&ctx, "f", "g"), 0);
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, "g", &st), 0);
    EXPECT_RC(st.st_nlink, 2);
    int fd = vfs_open(&ctx, "g", O_RDONLY, 0);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_unlink(&ctx, "f"), 0);
    EXPECT_RC(vfs_unlink(&ctx, "g"), 0);
    EXPECT_RC(vfs_fstat(&ctx, fd, &st), 0);
    EXPECT_RC(st.st_nlink, 0);
    char buf[4];
    EXPECT_RC(vfs_read(&ctx, fd, buf, 4), 4);
    KTEST_EXPECT(memcmp(buf, "keep", 4) == 0, "the unlinked file reads '%.4s'", buf);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_getcwd_follows_chdir_and_fchdir, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "cwd");
    char buf[64];
    EXPECT_RC(vfs_getcwd(&ctx, buf, sizeof(buf)), 11);
    KTEST_EXPECT(strcmp(buf, "/ktest/cwd") == 0, "getcwd '%s', expected '/ktest/cwd'", buf);
    EXPECT_OK(vfs_mkdir(&ctx, "sub", 0755));
    EXPECT_RC(vfs_chdir(&ctx, "sub"), 0);
    EXPECT_OK(vfs_getcwd(&ctx, buf, sizeof(buf)));
    KTEST_EXPECT(strcmp(buf, "/ktest/cwd/sub") == 0, "getcwd '%s' after chdir", buf);
    int fd = vfs_open(&ctx, "/dev", O_RDONLY | O_DIRECTORY, 0);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_fchdir(&ctx, fd), 0);
    EXPECT_OK(vfs_getcwd(&ctx, buf, sizeof(buf)));
    KTEST_EXPECT(strcmp(buf, "/dev") == 0, "getcwd '%s' after fchdir to /dev", buf);
    EXPECT_RC(vfs_getcwd(&ctx, buf, 3), -ERANGE);
    EXPECT_RC(vfs_chdir(&ctx, "/"), 0);
    EXPECT_RC(vfs_getcwd(&ctx, buf, sizeof(buf)), 2);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_chmod_changes_mode_and_needs_owner, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "chmod");
    EXPECT_OK(vfs_test_put(&ctx, "f", "", 0644));
    EXPECT_RC(vfs_chmod(&ctx, "f", 0600), 0);
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, "f", &st), 0);
    EXPECT_RC(st.st_mode & 07777, 0600);
    ctx.ids->cred = CRED_USER(1000, 1000);
    EXPECT_RC(vfs_chmod(&ctx, "f", 0666), -EPERM);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_truncate_shrinks_and_extends_with_zeros, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "truncate");
    EXPECT_OK(vfs_test_put(&ctx, "f", "abcdef", 0644));
    EXPECT_RC(vfs_truncate(&ctx, "f", 2), 0);
    int fd = vfs_open(&ctx, "f", O_RDWR, 0);
    EXPECT_RC(vfs_ftruncate(&ctx, fd, 5), 0);
    char buf[8] = { 0 };
    EXPECT_RC(vfs_read(&ctx, fd, buf, sizeof(buf)), 5);
    KTEST_EXPECT(memcmp(buf, "ab\0\0\0", 5) == 0, "read '%.5s' after truncation", buf);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_access_checks_permission_bits, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "access");
    EXPECT_OK(vfs_test_put(&ctx, "f", "", 0644));
    EXPECT_RC(vfs_access(&ctx, "f", R_OK | W_OK), 0);
    EXPECT_RC(vfs_access(&ctx, "f", X_OK), -EACCES);
    ctx.ids->cred = CRED_USER(1000, 1000);
    EXPECT_RC(vfs_access(&ctx, "f", R_OK), 0);
    EXPECT_RC(vfs_access(&ctx, "f", W_OK), -EACCES);
    EXPECT_RC(vfs_access(&ctx, "f", F_OK), 0);
    EXPECT_RC(vfs_access(&ctx, "f", 0x40), -EINVAL);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_mount_crossing_and_dotdot_back, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "mount");
    EXPECT_OK(vfs_mkdir(&ctx, "mnt", 0755));
    EXPECT_OK(vfs_test_put(&ctx, "mnt/hidden", "", 0644));
    EXPECT_RC(vfs_mount(&ctx, "ramfs", "mnt", 0, 0), 0);
    struct stat st, root_st, dir_st;
    EXPECT_RC(vfs_stat(&ctx, "mnt/hidden", &st), -ENOENT);
    EXPECT_OK(vfs_test_put(&ctx, "mnt/inside", "", 0644));
    EXPECT_RC(vfs_stat(&ctx, "mnt/inside", &st), 0);
    EXPECT_RC(vfs_stat(&ctx, "mnt", &root_st), 0);
    EXPECT_RC(vfs_stat(&ctx, ".", &dir_st), 0);
    KTEST_EXPECT(st.st_dev == root_st.st_dev && st.st_dev != dir_st.st_dev,
                 "st_dev: inside %d, mount root %d, parent %d", st.st_dev, root_st.st_dev,
                 dir_st.st_dev);
    EXPECT_RC(vfs_stat(&ctx, "mnt/..", &st), 0);
    KTEST_EXPECT(st.st_ino == dir_st.st_ino && st.st_dev == dir_st.st_dev,
                 "mnt/.. is not the directory holding the mount point");
    EXPECT_RC(vfs_mount(&ctx, "nosuchfs", "mnt", 0, 0), -ENODEV);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_ctx_fork_shares_open_files, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "fork");
    int fd = vfs_open(&ctx, "f", O_RDWR | O_CREAT, 0644);
    EXPECT_OK(fd);
    struct vfs_ctx child;
    EXPECT_RC(vfs_ctx_fork(&child, &ctx), 0);
    EXPECT_RC(vfs_write(&child, fd, "xy", 2), 2);
    EXPECT_RC(vfs_lseek(&ctx, fd, 0, SEEK_CUR), 2);
    EXPECT_RC(vfs_close(&child, fd), 0);
    EXPECT_RC(vfs_write(&ctx, fd, "z", 1), 1);
    vfs_ctx_release(&child);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_fd_table_grows_and_reuses_lowest, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "fds");
    EXPECT_OK(vfs_test_put(&ctx, "f", "", 0644));
    for (int i = 0; i < 100; i++)
        EXPECT_RC(vfs_open(&ctx, "f", O_RDONLY, 0), i);
    EXPECT_RC(vfs_close(&ctx, 37), 0);
    EXPECT_RC(vfs_open(&ctx, "f", O_RDONLY, 0), 37);
    EXPECT_RC(vfs_dup2(&ctx, 0, 500), 500);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_openat_relative_to_directory_fd, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "openat");
    EXPECT_OK(vfs_mkdir(&ctx, "d", 0755));
    EXPECT_OK(vfs_test_put(&ctx, "d/f", "", 0644));
    int dfd = vfs_open(&ctx, "d", O_RDONLY | O_DIRECTORY, 0);
    EXPECT_OK(dfd);
    EXPECT_OK(vfs_openat(&ctx, dfd, "f", O_RDONLY, 0));
    int ffd = vfs_openat(&ctx, AT_FDCWD, "d/f", O_RDONLY, 0);
    EXPECT_OK(ffd);
    EXPECT_RC(vfs_openat(&ctx, ffd, "x", O_RDONLY, 0), -ENOTDIR);
    EXPECT_RC(vfs_openat(&ctx, 99, "x", O_RDONLY, 0), -EBADF);
    vfs_ctx_release(&ctx);
    return 0;
}
