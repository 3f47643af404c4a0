/* In-kernel tests of the POSIX errors the VFS calls return for bad input:
 * one error each. */
#include <mm/kmalloc.h>
#include "vfs_test.h"

KTEST(vfs_bad_descriptor_ebadf, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "ebadf");
    char c;
    struct stat st;
    EXPECT_RC(vfs_read(&ctx, 99, &c, 1), -EBADF);
    EXPECT_RC(vfs_write(&ctx, -1, &c, 1), -EBADF);
    EXPECT_RC(vfs_close(&ctx, 5), -EBADF);
    EXPECT_RC(vfs_fstat(&ctx, 100000, &st), -EBADF);
    EXPECT_RC(vfs_dup(&ctx, 3), -EBADF);
    EXPECT_RC(vfs_dup2(&ctx, 3, 4), -EBADF);
    EXPECT_RC(vfs_fcntl(&ctx, 3, F_GETFL, 0), -EBADF);
    EXPECT_RC(vfs_lseek(&ctx, 3, 0, SEEK_SET), -EBADF);
    EXPECT_RC(vfs_getdents(&ctx, 3, &st, sizeof(st)), -EBADF);
    EXPECT_RC(vfs_fchdir(&ctx, 3), -EBADF);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_wrong_access_mode_ebadf, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "accmode");
    EXPECT_OK(vfs_test_put(&ctx, "f", "x", 0644));
    int ro = vfs_open(&ctx, "f", O_RDONLY, 0);
    int wo = vfs_open(&ctx, "f", O_WRONLY, 0);
    char c;
    EXPECT_RC(vfs_write(&ctx, ro, "y", 1), -EBADF);
    EXPECT_RC(vfs_read(&ctx, wo, &c, 1), -EBADF);
    EXPECT_RC(vfs_ftruncate(&ctx, ro, 0), -EBADF);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_missing_path_enoent, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "enoent");
    struct stat st;
    EXPECT_RC(vfs_open(&ctx, "nothing", O_RDONLY, 0), -ENOENT);
    EXPECT_RC(vfs_open(&ctx, "no/dir/f", O_RDWR | O_CREAT, 0644), -ENOENT);
    EXPECT_RC(vfs_stat(&ctx, "", &st), -ENOENT);
    EXPECT_RC(vfs_unlink(&ctx, "nothing"), -ENOENT);
    EXPECT_RC(vfs_rmdir(&ctx, "nothing"), -ENOENT);
    EXPECT_RC(vfs_rename(&ctx, "nothing", "other"), -ENOENT);
    EXPECT_RC(vfs_symlink(&ctx, "", "l"), -ENOENT);
    EXPECT_OK(vfs_symlink(&ctx, "nothing", "dangling"));
    EXPECT_RC(vfs_stat(&ctx, "dangling", &st), -ENOENT);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_file_as_directory_enotdir, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "enotdir");
    EXPECT_OK(vfs_test_put(&ctx, "f", "", 0644));
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, "f/x", &st), -ENOTDIR);
    EXPECT_RC(vfs_stat(&ctx, "f/", &st), -ENOTDIR);
    EXPECT_RC(vfs_mkdir(&ctx, "f/d", 0755), -ENOTDIR);
    EXPECT_RC(vfs_chdir(&ctx, "f"), -ENOTDIR);
    EXPECT_RC(vfs_rmdir(&ctx, "f"), -ENOTDIR);
    EXPECT_RC(vfs_open(&ctx, "f", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
    int fd = vfs_open(&ctx, "f", O_RDONLY, 0);
    char buf[64];
    EXPECT_RC(vfs_getdents(&ctx, fd, buf, sizeof(buf)), -ENOTDIR);
    EXPECT_RC(vfs_fchdir(&ctx, fd), -ENOTDIR);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_long_names_enametoolong, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "enametoolong");
    char *path = kmalloc(PATH_MAX + 8);
    KTEST_EXPECT(path, "kmalloc failed");
    memset(path, 'n', NAME_MAX + 1);
    path[NAME_MAX + 1] = '\0';
    EXPECT_RC(vfs_open(&ctx, path, O_RDWR | O_CREAT, 0644), -ENAMETOOLONG);
    EXPECT_RC(vfs_mkdir(&ctx, path, 0755), -ENAMETOOLONG);
    path[NAME_MAX] = '\0';
    EXPECT_OK(vfs_test_put(&ctx, path, "", 0644));  /* NAME_MAX itself is fine */
    for (int i = 0; i < PATH_MAX; i += 2) {
        path[i] = 'a';
        path[i + 1] = '/';
    }
    path[PATH_MAX] = '\0';
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, path, &st), -ENAMETOOLONG);
    EXPECT_RC(vfs_symlink(&ctx, path, "l"), -ENAMETOOLONG);
    kfree(path);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_symlink_loop_eloop, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "eloop");
    EXPECT_OK(vfs_symlink(&ctx, "b", "a"));
    EXPECT_OK(vfs_symlink(&ctx, "a", "b"));
    EXPECT_OK(vfs_symlink(&ctx, "self/x", "self"));
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, "a", &st), -ELOOP);
    EXPECT_RC(vfs_open(&ctx, "a", O_RDONLY, 0), -ELOOP);
    EXPECT_RC(vfs_stat(&ctx, "self/y", &st), -ELOOP);
    EXPECT_RC(vfs_lstat(&ctx, "a", &st), 0);
    EXPECT_OK(vfs_test_put(&ctx, "f", "", 0644));
    EXPECT_OK(vfs_symlink(&ctx, "f", "lf"));
    EXPECT_RC(vfs_open(&ctx, "lf", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_read_only_mount_erofs, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "erofs");
    EXPECT_OK(vfs_mkdir(&ctx, "ro", 0755));
    EXPECT_RC(vfs_mount(&ctx, "ramfs", "ro", MOUNT_RDONLY, 0), 0);
    EXPECT_RC(vfs_open(&ctx, "ro/f", O_RDWR | O_CREAT, 0644), -EROFS);
    EXPECT_RC(vfs_mkdir(&ctx, "ro/d", 0755), -EROFS);
    EXPECT_RC(vfs_mkdir(&ctx, "ro", 0755), -EEXIST);
    EXPECT_RC(vfs_symlink(&ctx, "x", "ro/l"), -EROFS);
    EXPECT_RC(vfs_chmod(&ctx, "ro", 0700), -EROFS);
    EXPECT_RC(vfs_access(&ctx, "ro", W_OK), -EROFS);
    EXPECT_RC(vfs_open(&ctx, "ro", O_RDONLY, 0) >= 0, 1);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_size_limited_ramfs_enospc, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "enospc");
    EXPECT_OK(vfs_mkdir(&ctx, "small", 0755));
    EXPECT_RC(vfs_mount(&ctx, "ramfs", "small", 0, 8192), 0);
    int fd = vfs_open(&ctx, "small/f", O_WRONLY | O_CREAT, 0644);
    EXPECT_OK(fd);
    static char block[12288];
    EXPECT_RC(vfs_write(&ctx, fd, block, sizeof(block)), 8192);
    EXPECT_RC(vfs_write(&ctx, fd, block, 1), -ENOSPC);
    EXPECT_RC(vfs_ftruncate(&ctx, fd, 0), 0);
    EXPECT_RC(vfs_write(&ctx, fd, block, 4096), 4096);     /* space came back */
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_dev_full_write_enospc, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "devfull");
    int fd = vfs_open(&ctx, "/dev/full", O_RDWR, 0);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_write(&ctx, fd, "x", 1), -ENOSPC);
    char c = 1;
    EXPECT_RC(vfs_read(&ctx, fd, &c, 1), 1);
    EXPECT_RC(c, 0);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_write_beyond_max_file_size_efbig, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "efbig");
    int fd = vfs_open(&ctx, "f", O_WRONLY | O_CREAT, 0644);
    EXPECT_RC(vfs_pwrite(&ctx, fd, "x", 1, (int64_t)1 << 40), -EFBIG);
    EXPECT_RC(vfs_ftruncate(&ctx, fd, (int64_t)1 << 40), -EFBIG);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_existing_name_eexist, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "eexist");
    EXPECT_OK(vfs_test_put(&ctx, "f", "", 0644));
    EXPECT_OK(vfs_mkdir(&ctx, "d", 0755));
    EXPECT_RC(vfs_open(&ctx, "f", O_RDWR | O_CREAT | O_EXCL, 0644), -EEXIST);
    EXPECT_RC(vfs_mkdir(&ctx, "d", 0755), -EEXIST);
    EXPECT_RC(vfs_mkdir(&ctx, "f", 0755), -EEXIST);
    EXPECT_RC(vfs_symlink(&ctx, "x", "f"), -EEXIST);
    EXPECT_RC(vfs_link(&ctx, "f", "d"), -EEXIST);
    EXPECT_RC(vfs_mkfifo(&ctx, "f", 0644), -EEXIST);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_directory_misuse_eisdir, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "eisdir");
    EXPECT_OK(vfs_mkdir(&ctx, "d", 0755));
    EXPECT_RC(vfs_open(&ctx, "d", O_WRONLY, 0), -EISDIR);
    EXPECT_RC(vfs_open(&ctx, "d", O_RDWR, 0), -EISDIR);
    EXPECT_RC(vfs_unlink(&ctx, "d"), -EISDIR);
    EXPECT_RC(vfs_truncate(&ctx, "d", 0), -EISDIR);
    EXPECT_RC(vfs_open(&ctx, "new/", O_RDWR | O_CREAT, 0644), -EISDIR);
    int fd = vfs_open(&ctx, "d", O_RDONLY, 0);
    char c;
    EXPECT_RC(vfs_read(&ctx, fd, &c, 1), -EISDIR);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_rmdir_nonempty_enotempty, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "enotempty");
    EXPECT_OK(vfs_mkdir(&ctx, "d", 0755));
    EXPECT_OK(vfs_test_put(&ctx, "d/f", "", 0644));
    EXPECT_RC(vfs_rmdir(&ctx, "d"), -ENOTEMPTY);
    EXPECT_RC(vfs_unlink(&ctx, "d/f"), 0);
    EXPECT_RC(vfs_rmdir(&ctx, "d"), 0);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_non_root_without_permission_eacces, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "eacces");
    EXPECT_OK(vfs_test_put(&ctx, "secret", "s", 0600));
    EXPECT_OK(vfs_mkdir(&ctx, "locked", 0700));
    EXPECT_OK(vfs_test_put(&ctx, "locked/f", "", 0644));
    EXPECT_OK(vfs_mkdir(&ctx, "shared", 0755));
    ctx.ids->cred = CRED_USER(1000, 1000);
    struct stat st;
    EXPECT_RC(vfs_open(&ctx, "secret", O_RDONLY, 0), -EACCES);
    EXPECT_RC(vfs_stat(&ctx, "locked/f", &st), -EACCES);
    EXPECT_RC(vfs_chdir(&ctx, "locked"), -EACCES);
    EXPECT_RC(vfs_open(&ctx, "shared/new", O_RDWR | O_CREAT, 0644), -EACCES);
    EXPECT_RC(vfs_unlink(&ctx, "secret"), -EACCES);   /* the directory is 0755 root */
    EXPECT_RC(vfs_truncate(&ctx, "shared", 0), -EISDIR);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_invalid_arguments_einval, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "einval");
    int fd = vfs_open(&ctx, "f", O_RDWR | O_CREAT, 0644);
    EXPECT_OK(fd);
    EXPECT_RC(vfs_open(&ctx, "f", O_ACCMODE, 0), -EINVAL);
    EXPECT_RC(vfs_lseek(&ctx, fd, 0, 7), -EINVAL);
    EXPECT_RC(vfs_lseek(&ctx, fd, -1, SEEK_SET), -EINVAL);
    EXPECT_RC(vfs_fcntl(&ctx, fd, 999, 0), -EINVAL);
    EXPECT_RC(vfs_fcntl(&ctx, fd, F_DUPFD, -1), -EINVAL);
    EXPECT_RC(vfs_dup3(&ctx, fd, fd, 0), -EINVAL);
    EXPECT_RC(vfs_dup3(&ctx, fd, fd + 1, 0x1234), -EINVAL);
    EXPECT_RC(vfs_readlink(&ctx, "f", (char *)&fd, sizeof(fd)), -EINVAL);
    EXPECT_RC(vfs_truncate(&ctx, "f", -1), -EINVAL);
    EXPECT_RC(vfs_rmdir(&ctx, "."), -EINVAL);
    EXPECT_RC(vfs_pipe2(&ctx, (int[2]){ 0, 0 }, 0x1), -EINVAL);
    EXPECT_RC(vfs_poll(&ctx, NULL, 1, 0), -EINVAL);
    EXPECT_RC(vfs_select(&ctx, -1, NULL, NULL, NULL, 0), -EINVAL);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_across_mounts_exdev, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "exdev");
    EXPECT_OK(vfs_mkdir(&ctx, "other", 0755));
    EXPECT_RC(vfs_mount(&ctx, "ramfs", "other", 0, 0), 0);
    EXPECT_OK(vfs_test_put(&ctx, "f", "", 0644));
    EXPECT_RC(vfs_rename(&ctx, "f", "other/f"), -EXDEV);
    EXPECT_RC(vfs_link(&ctx, "f", "other/g"), -EXDEV);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_link_to_directory_eperm, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "eperm");
    EXPECT_OK(vfs_mkdir(&ctx, "d", 0755));
    EXPECT_RC(vfs_link(&ctx, "d", "e"), -EPERM);
    ctx.ids->cred = CRED_USER(1000, 1000);
    EXPECT_RC(vfs_mknod(&ctx, "c", S_IFCHR | 0600, 1), -EPERM);
    EXPECT_RC(vfs_mount(&ctx, "ramfs", "d", 0, 0), -EPERM);
    vfs_ctx_release(&ctx);
    return 0;
}
