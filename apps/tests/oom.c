/* Out of memory: a child touching more memory than the machine has is
 * killed by the kernel's OOM killer (SIGKILL), the kernel log names it
 * ("oom: killed pid N (name), M KiB"), the caller (init, when this runs as
 * init in a small machine) goes on, and the free memory comes back. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define PAGE 4096UL

/* A /proc/meminfo value in KiB, or -1. */
static long meminfo_kb(const char *name)
{
    struct stat st;
    if (stat("/proc/meminfo", &st) < 0) {
        mkdir("/proc", 0555);
        if (mount("proc", "/proc", "proc", 0, NULL) < 0)
            return -1;
    }
    char buf[2048];
    int fd = open("/proc/meminfo", O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *line = strstr(buf, name);
    return line ? strtol(line + strlen(name) + 1, NULL, 10) : -1;
}

/* Whether the kernel log holds needle. */
static int kmsg_has(const char *needle)
{
    static char log[64 * 1024];
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return 0;
    size_t used = 0;
    for (;;) {
        ssize_t n = read(fd, log + used, sizeof(log) - 1 - used);
        if (n <= 0)
            break;
        used += (size_t)n;
        if (used == sizeof(log) - 1)
            break;
    }
    close(fd);
    log[used] = '\0';
    return strstr(log, needle) != NULL;
}

static void oom_hog_killed_memory_back(void)
{
    long total_kb = meminfo_kb("MemTotal:");
    long free_before = meminfo_kb("MemFree:");
    CHECK(total_kb > 0 && free_before > 0, "meminfo: total %ld free %ld", total_kb, free_before);
    size_t len = (size_t)total_kb * 1024 * 2;       /* twice the machine */

    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
            _exit(2);
        for (size_t off = 0; off < len; off += PAGE)
            p[off] = 1;
        _exit(3);                                   /* touched it all: no OOM */
    }
    int status = wait_for(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
          "the hog: %s, expected killed by SIGKILL", status_str(status));
    char line[64];
    snprintf(line, sizeof(line), "oom: killed pid %d (", (int)pid);
    CHECK(kmsg_has(line), "no \"%s...\" in the kernel log", line);

    /* The rest goes on: a new process runs and exits normally. */
    pid_t again = fork();
    CHECK_OK(again);
    if (again == 0)
        _exit(7);
    status = wait_for(again);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7, "a child after the OOM: %s",
          status_str(status));

    long free_after = meminfo_kb("MemFree:");
    CHECK(free_after >= free_before - 1024, "MemFree %ld KiB after, %ld KiB before",
          free_after, free_before);
}

static size_t hog_len;

/* A hog with two threads touching at once (its own threads meet in the
 * OOM path, one of them the victim). */
static void *touch_half(void *arg)
{
    volatile char *p = arg;
    size_t len = hog_len / 2;
    for (size_t off = 0; off < len; off += PAGE)
        p[off] = 1;
    return NULL;
}

static void two_thread_hog(void)
{
    char *p = mmap(NULL, hog_len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        _exit(2);
    pthread_t t;
    if (pthread_create(&t, NULL, touch_half, p + hog_len / 2) != 0)
        _exit(4);
    touch_half(p);
    pthread_join(t, NULL);
    _exit(3);
}

/* Two hogs of two threads each fault for pages at the same time: the OOM
 * path (oom_mutex, the victim's wait, the retries) is entered from four
 * threads of two processes at once. Each hog alone needs more than the
 * machine, so both must end by SIGKILL, each logged, and the memory must
 * come back. */
static void oom_two_hogs_at_once(void)
{
    long total_kb = meminfo_kb("MemTotal:");
    long free_before = meminfo_kb("MemFree:");
    CHECK(total_kb > 0 && free_before > 0, "meminfo: total %ld free %ld", total_kb, free_before);
    hog_len = (size_t)total_kb * 1024 * 2;
    pid_t pids[2];
    for (int i = 0; i < 2; i++) {
        pids[i] = fork();
        CHECK_OK(pids[i]);
        if (pids[i] == 0)
            two_thread_hog();
    }
    for (int i = 0; i < 2; i++) {
        int status = wait_for(pids[i]);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
              "hog %d: %s, expected killed by SIGKILL", i, status_str(status));
        char line[64];
        snprintf(line, sizeof(line), "oom: killed pid %d (", (int)pids[i]);
        CHECK(kmsg_has(line), "no \"%s...\" in the kernel log", line);
    }
    long free_after = meminfo_kb("MemFree:");
    CHECK(free_after >= free_before - 1024, "MemFree %ld KiB after, %ld KiB before",
          free_after, free_before);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(oom_hog_killed_memory_back),
        TAP_TEST(oom_two_hogs_at_once),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
