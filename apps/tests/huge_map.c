/* Huge mappings that are mostly untouched cost what is touched, not their
 * size: 64 GiB (and the largest region the space takes, tens of TiB) can
 * be mapped, forked, measured in /proc/self/stat, mprotected and unmapped
 * quickly. Stepping page by page took about a second per 16 GiB for each
 * of these under TCG (hours for the largest): the runner's time limit is
 * what fails then. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define GiB (1UL << 30)
#define TiB (1UL << 40)
#define PAGE 4096UL

/* vsize (bytes) and rss (pages) from /proc/self/stat (mounting /proc
 * when the image has not); -1 on error. */
static int self_stat(unsigned long *vsize, long *rss)
{
    char buf[1024];
    struct stat st;
    if (stat("/proc/self/stat", &st) < 0) {
        mkdir("/proc", 0555);
        if (mount("proc", "/proc", "proc", 0, NULL) < 0)
            return -1;
    }
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    p += 2;
    /* fields 3..22 come before vsize (23) and rss (24) */
    for (int field = 3; field < 23; field++) {
        p = strchr(p, ' ');
        if (!p)
            return -1;
        p++;
    }
    char *end;
    *vsize = strtoul(p, &end, 10);
    *rss = strtol(end, NULL, 10);
    return 0;
}

/* A child checks the parent's markers through its COW copy, changes one,
 * exits 0 when all was as expected. */
static int child_check(volatile char *rw, size_t len)
{
    if (rw[0] != 'a' || rw[len / 2] != 'b' || rw[len - 1] != 'c')
        return 1;
    rw[len / 2] = 'X';
    return rw[len / 2] == 'X' ? 0 : 2;
}

static void huge_map_64gib_untouched(void)
{
    const size_t len = 64 * GiB;
    unsigned long vsize_before, vsize;
    long rss_before, rss;
    CHECK_OK(self_stat(&vsize_before, &rss_before));

    char *none = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(none != MAP_FAILED, "mmap 64 GiB PROT_NONE: errno %d", errno);
    volatile char *rw = mmap(NULL, len, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(rw != MAP_FAILED, "mmap 64 GiB read/write: errno %d", errno);
    rw[0] = 'a';
    rw[len / 2] = 'b';
    rw[len - 1] = 'c';

    CHECK_OK(self_stat(&vsize, &rss));
    CHECK(vsize >= vsize_before + 2 * len, "vsize %lu, expected at least %lu", vsize,
          vsize_before + 2 * len);
    CHECK(rss >= rss_before + 3, "rss %ld pages, expected at least %ld", rss, rss_before + 3);

    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(child_check(rw, len));
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %s", status_str(status));
    CHECK(rw[len / 2] == 'b', "the child's write showed in the parent: '%c'", rw[len / 2]);

    CHECK_OK(mprotect((void *)rw, len, PROT_READ));
    CHECK(rw[len - 1] == 'c', "after mprotect(PROT_READ): '%c'", rw[len - 1]);
    CHECK_OK(mprotect((void *)rw, len, PROT_READ | PROT_WRITE));
    rw[len - 1] = 'd';
    CHECK_OK(mprotect(none, len, PROT_READ));
    CHECK(none[len - 1] == 0, "fresh page after mprotect reads %d", none[len - 1]);

    CHECK_OK(munmap(none, len));
    CHECK_OK(munmap((void *)rw, len));
    CHECK_OK(self_stat(&vsize, &rss));
    CHECK(vsize < vsize_before + GiB, "vsize %lu after munmap, expected about %lu", vsize,
          vsize_before);
}

/* The largest PROT_NONE region the space takes (from 64 TiB down). */
static void huge_map_largest(void)
{
    size_t len = 64 * TiB;
    char *p = MAP_FAILED;
    for (; len >= TiB; len /= 2) {
        p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED)
            break;
    }
    CHECK(p != MAP_FAILED, "no PROT_NONE mapping of 1 TiB or more: errno %d", errno);
    tap_note("mapped %lu GiB", (unsigned long)(len / GiB));
    CHECK_OK(mprotect(p + len - PAGE, PAGE, PROT_READ | PROT_WRITE));
    p[len - 1] = 'z';

    unsigned long vsize;
    long rss;
    CHECK_OK(self_stat(&vsize, &rss));
    CHECK(vsize >= len, "vsize %lu, expected at least %lu", vsize, (unsigned long)len);

    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(p[len - 1] == 'z' ? 0 : 1);
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %s", status_str(status));

    CHECK_OK(mprotect(p, len, PROT_READ));
    CHECK(p[len - 1] == 'z', "after mprotect of the whole: '%c'", p[len - 1]);
    CHECK_OK(munmap(p, len));
}

/* The same for an exiting process: its whole space is torn down. */
static void huge_map_exit(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        char *p = mmap(NULL, 16 * TiB, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
            _exit(1);
        p[0] = p[8 * TiB] = p[16 * TiB - 1] = 1;
        _exit(0);
    }
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %s", status_str(status));
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(huge_map_64gib_untouched),
        TAP_TEST(huge_map_largest),
        TAP_TEST(huge_map_exit),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
