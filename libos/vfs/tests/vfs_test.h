/* Helpers for the VFS's in-kernel tests: each test works in a directory of
 * its own under the root, as root unless it says otherwise. */
#ifndef VFS_TEST_H
#define VFS_TEST_H

#include <string.h>
#include <abi/errno.h>
#include <kern/printk.h>
#include <vfs/vfs.h>
#include <ktest.h>

#define EXPECT_RC(expr, expected)                                             \
    do {                                                                      \
        long rc_ = (long)(expr);                                              \
        long want_ = (long)(expected);                                        \
        if (rc_ != want_)                                                     \
            ktest_fail("%s: expected %ld, got %ld", #expr, want_, rc_);       \
    } while (0)

#define EXPECT_OK(expr)                                                       \
    do {                                                                      \
        long rc_ = (long)(expr);                                              \
        if (rc_ < 0)                                                          \
            ktest_fail("%s: expected success, got %ld", #expr, rc_);          \
    } while (0)

/* A context as root, in a fresh directory /ktest/<name>. */
static inline int vfs_test_ctx(struct vfs_ctx *ctx, const char *name)
{
    char path[128];
    if (!vfs_is_ready())
        return -ENOENT;
    int rc = vfs_ctx_init(ctx, CRED_ROOT);
    if (rc < 0)
        return rc;
    rc = vfs_mkdir(ctx, "/ktest", 0777);
    if (rc < 0 && rc != -EEXIST)
        return rc;
    snprintf(path, sizeof(path), "/ktest/%s", name);
    rc = vfs_mkdir(ctx, path, 0777);
    if (rc < 0)
        return rc;
    return vfs_chdir(ctx, path);
}

#define TEST_CTX(ctx, name)                                                   \
    struct vfs_ctx ctx;                                                       \
    do {                                                                      \
        int setup_rc_ = vfs_test_ctx(&ctx, name);                             \
        if (setup_rc_ < 0)                                                    \
            ktest_fail("set-up of /ktest/%s failed: %d", name, setup_rc_);    \
    } while (0)

/* Writes a whole file. */
static inline int vfs_test_put(struct vfs_ctx *ctx, const char *path, const char *text,
                               uint32_t mode)
{
    int fd = vfs_open(ctx, path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        return fd;
    long n = vfs_write(ctx, fd, text, strlen(text));
    vfs_close(ctx, fd);
    return n < 0 ? (int)n : 0;
}

#endif
