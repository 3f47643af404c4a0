/* In-kernel tests of file times: stamps from the wall clock on create and
 * write, and utimensat's permission rules (EPERM for explicit times by a
 * non-owner, EACCES for "now" without write permission, EROFS). */
#include <sched/timer.h>
#include "vfs_test.h"

#define NS_PER_SEC 1000000000LL

static const struct abi_timespec explicit_times[2] = { { 1000000000, 5 }, { 1234567890, 7 } };

KTEST(vfs_times_from_wall_clock, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "times-wall");
    int64_t before_s = (int64_t)(clock_realtime_ns() / NS_PER_SEC);
    EXPECT_OK(vfs_test_put(&ctx, "f", "x", 0644));
    struct stat st;
    EXPECT_OK(vfs_stat(&ctx, "f", &st));
    int64_t after_s = (int64_t)(clock_realtime_ns() / NS_PER_SEC);
    if (st.st_mtim.tv_sec < before_s || st.st_mtim.tv_sec > after_s)
        ktest_fail("mtime %ld not in [%ld, %ld]", (long)st.st_mtim.tv_sec, (long)before_s,
                   (long)after_s);
    if (st.st_ctim.tv_sec != st.st_mtim.tv_sec || st.st_atim.tv_sec != st.st_mtim.tv_sec)
        ktest_fail("a new file's times differ: a %ld m %ld c %ld", (long)st.st_atim.tv_sec,
                   (long)st.st_mtim.tv_sec, (long)st.st_ctim.tv_sec);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_utimens_sets_and_omits, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "times-set");
    EXPECT_OK(vfs_test_put(&ctx, "f", "x", 0644));
    struct stat st;
    EXPECT_OK(vfs_utimens(&ctx, "f", explicit_times, false));
    EXPECT_OK(vfs_stat(&ctx, "f", &st));
    EXPECT_RC(st.st_atim.tv_sec, 1000000000);
    EXPECT_RC(st.st_atim.tv_nsec, 5);
    EXPECT_RC(st.st_mtim.tv_sec, 1234567890);
    EXPECT_RC(st.st_mtim.tv_nsec, 7);
    const struct abi_timespec omit_now[2] = { { 0, ABI_UTIME_OMIT }, { 0, ABI_UTIME_NOW } };
    EXPECT_OK(vfs_utimens(&ctx, "f", omit_now, false));
    EXPECT_OK(vfs_stat(&ctx, "f", &st));
    EXPECT_RC(st.st_atim.tv_sec, 1000000000);
    if (st.st_mtim.tv_sec < 1600000000)
        ktest_fail("UTIME_NOW gave mtime %ld", (long)st.st_mtim.tv_sec);
    const struct abi_timespec bad[2] = { { 0, NS_PER_SEC }, { 0, 0 } };
    EXPECT_RC(vfs_utimens(&ctx, "f", bad, false), -EINVAL);
    EXPECT_RC(vfs_utimens(&ctx, "missing", NULL, false), -ENOENT);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_utimens_permissions_eperm_eacces, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "times-perm");
    EXPECT_OK(vfs_test_put(&ctx, "writable", "x", 0666));
    EXPECT_OK(vfs_chmod(&ctx, "writable", 0666));   /* past the umask */
    EXPECT_OK(vfs_test_put(&ctx, "readonly", "x", 0644));
    ctx.ids->cred = CRED_USER(1000, 1000);
    EXPECT_RC(vfs_utimens(&ctx, "writable", explicit_times, false), -EPERM);
    EXPECT_RC(vfs_utimens(&ctx, "writable", NULL, false), 0);
    EXPECT_RC(vfs_utimens(&ctx, "readonly", NULL, false), -EACCES);
    EXPECT_RC(vfs_utimens(&ctx, "readonly", explicit_times, false), -EPERM);
    ctx.ids->cred = CRED_ROOT;
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(vfs_utimens_read_only_erofs, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "times-erofs");
    EXPECT_OK(vfs_mkdir(&ctx, "ro", 0755));
    EXPECT_RC(vfs_mount(&ctx, "ramfs", "ro", MOUNT_RDONLY, 0), 0);
    EXPECT_RC(vfs_utimens(&ctx, "ro", NULL, false), -EROFS);
    EXPECT_RC(vfs_utimens(&ctx, "ro", explicit_times, false), -EROFS);
    vfs_ctx_release(&ctx);
    return 0;
}
