/* The ramfs root's size limit: statfs reports it (below RAM)
 * and what is left; writes beyond it fail with ENOSPC instead of eating
 * the machine's memory; removing the files gives every page back. On a
 * disk root (ext2) there is nothing to check: skipped. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include "tap.h"

#define RAMFS_MAGIC 0x858458f6
#define CHUNK_BYTES (1024 * 1024)
#define FILL_PATH "/tmp/ramfs_limit_fill"
#define EXTRA_PATH "/tmp/ramfs_limit_extra"
/* page tables, slabs, and up to 2 MiB of kmalloc debug quarantine (the
 * tests image boots with kmalloc_debug=1): not the file, which is tens of
 * MiB */
#define LEAK_SLACK_KB 4096

/* A /proc/meminfo value ("MemFree:   1234 kB"): the number, or -1. */
static long meminfo_kb(const char *name)
{
    static char buf[2048];
    int fd = open("/proc/meminfo", O_RDONLY);
    if (fd < 0)
        return -1;
    long n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *line = strstr(buf, name);
    if (!line)
        return -1;
    return strtol(line + strlen(name), NULL, 10);
}

static void statfs_reports_limit_below_ram(void)
{
    struct statfs st;
    CHECK_OK(statfs("/tmp", &st));
    if (st.f_type != RAMFS_MAGIC) {
        tap_skip("the root is not a ramfs");
        return;
    }
    CHECK_OK(tap_ensure_proc());
    long total_kb = meminfo_kb("MemTotal:");
    CHECK(total_kb > 0, "MemTotal: got %ld", total_kb);
    CHECK_EQ("f_bsize", 4096, st.f_bsize);
    CHECK(st.f_blocks > 0, "f_blocks: expected a limit, got 0");
    CHECK(st.f_blocks * (st.f_bsize / 1024) < (unsigned long)total_kb,
          "limit %lu kB not below MemTotal %ld kB",
          (unsigned long)(st.f_blocks * (st.f_bsize / 1024)), total_kb);
    CHECK(st.f_bfree <= st.f_blocks && st.f_bavail == st.f_bfree,
          "f_bfree %lu f_bavail %lu f_blocks %lu", (unsigned long)st.f_bfree,
          (unsigned long)st.f_bavail, (unsigned long)st.f_blocks);
}

static void writes_past_limit_enospc_and_no_leak(void)
{
    struct statfs before;
    CHECK_OK(statfs("/tmp", &before));
    if (before.f_type != RAMFS_MAGIC) {
        tap_skip("the root is not a ramfs");
        return;
    }
    CHECK(before.f_blocks > 0, "f_blocks: expected a limit, got 0");
    CHECK_OK(tap_ensure_proc());
    long free_before_kb = meminfo_kb("MemFree:");
    CHECK(free_before_kb > 0, "MemFree: got %ld", free_before_kb);

    static char chunk[CHUNK_BYTES];
    memset(chunk, 0xa5, sizeof(chunk));
    int fd = open(FILL_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK_OK(fd);
    /* Bounded: the space left, plus a few chunks that must fail. */
    unsigned long long room = (unsigned long long)before.f_bfree * before.f_bsize;
    unsigned long long written = 0;
    long n = 0;
    int err = 0;
    while (written <= room + 4ULL * CHUNK_BYTES) {
        n = write(fd, chunk, sizeof(chunk));
        if (n < 0) {
            err = errno;
            break;
        }
        written += (unsigned long long)n;
    }
    close(fd);
    CHECK(n < 0 && err == ENOSPC, "expected ENOSPC, got %ld (errno %d) after %llu bytes", n,
          err, written);
    CHECK(written <= room, "wrote %llu bytes, more than the %llu left", written, room);
    CHECK(written + 2 * before.f_bsize > room - CHUNK_BYTES,
          "ENOSPC after %llu bytes, %llu were left", written, room);
    struct stat st;
    CHECK_OK(stat(FILL_PATH, &st));
    CHECK_EQ("file size", (long)written, st.st_size);

    struct statfs full;
    CHECK_OK(statfs("/tmp", &full));
    CHECK_EQ("f_bfree when full", 0, full.f_bfree);
    int extra = open(EXTRA_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK_OK(extra);
    CHECK_ERRNO(write(extra, "x", 1), ENOSPC);
    close(extra);

    CHECK_OK(unlink(EXTRA_PATH));
    CHECK_OK(unlink(FILL_PATH));
    struct statfs after;
    CHECK_OK(statfs("/tmp", &after));
    CHECK_EQ("f_bfree after unlink", (long)before.f_bfree, (long)after.f_bfree);
    long free_after_kb = meminfo_kb("MemFree:");
    CHECK(free_after_kb >= free_before_kb - LEAK_SLACK_KB,
          "MemFree: %ld kB before, %ld kB after removing the files", free_before_kb,
          free_after_kb);
    tap_note("limit %lu kB, filled %llu kB", (unsigned long)(before.f_blocks * 4), written / 1024);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(statfs_reports_limit_below_ram),
        TAP_TEST(writes_past_limit_enospc_and_no_leak),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
