/* POSIX options: <unistd.h>'s macros and sysconf agree, a supported one
 * works, an unsupported one is -1 from both (sysconf leaving errno as it
 * was), and an unknown name is EINVAL. The smaller headers programs
 * include: <mntent.h> over /proc/mounts, <sys/vfs.h>, and <nl_types.h>,
 * which fails honestly (no catalogues). */
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <nl_types.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

struct option {
    const char *name;
    long macro;
    int sc;
};

#define OPTION(x) { #x, _POSIX_##x, _SC_##x }

static const struct option options[] = {
    OPTION(VERSION), OPTION(MEMORY_PROTECTION), OPTION(SAVED_IDS), OPTION(FSYNC),
    OPTION(JOB_CONTROL), OPTION(THREADS), OPTION(TIMERS), OPTION(MONOTONIC_CLOCK),
    OPTION(CPUTIME), OPTION(THREAD_CPUTIME), OPTION(REALTIME_SIGNALS), OPTION(SEMAPHORES),
    OPTION(MAPPED_FILES), OPTION(SHARED_MEMORY_OBJECTS), OPTION(TIMEOUTS), OPTION(BARRIERS),
    OPTION(SPIN_LOCKS), OPTION(READER_WRITER_LOCKS), OPTION(CLOCK_SELECTION),
    OPTION(MESSAGE_PASSING),
};

static void sysconf_agrees_with_the_macros(void)
{
    for (unsigned i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
        const struct option *o = &options[i];
        CHECK(o->macro != 0, "_POSIX_%s is 0 (\"ask sysconf\"): say what it is", o->name);
        errno = 1234;
        long v = sysconf(o->sc);
        CHECK(v == o->macro, "sysconf(_SC_%s) = %ld, _POSIX_%s = %ld", o->name, v, o->name,
              o->macro);
        if (v == -1)
            CHECK(errno == 1234, "sysconf(_SC_%s): errno %d for an unsupported option", o->name,
                  errno);
    }
    errno = 0;
    CHECK(sysconf(100000) == -1 && errno == EINVAL, "an unknown name: errno %d, not EINVAL", errno);
    CHECK(sysconf(_SC_PAGESIZE) == 4096, "page size %ld", sysconf(_SC_PAGESIZE));
}

/* What the supported options promise works. */
static void supported_options_work(void)
{
    struct timespec ts;
    CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &ts));
    CHECK_OK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts));
    CHECK_OK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts));
    /* memory protection: a write to a read-only page is SIGSEGV */
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap: errno %d", errno);
    CHECK_OK(mprotect(p, 4096, PROT_READ));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        *(volatile char *)p = 1;
        _exit(0);
    }
    int status = wait_for(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
          "write to a read-only page: %s, expected SIGSEGV", status_str(status));
    munmap(p, 4096);
    /* fsync */
    int fd = open("/tmp/posix-fsync", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_OK(fd);
    CHECK_EQ("write", 3, write(fd, "abc", 3));
    CHECK_OK(fsync(fd));
    close(fd);
    unlink("/tmp/posix-fsync");
}

static void mount_table_and_catalogues(void)
{
    CHECK_OK(tap_ensure_proc());
    FILE *f = setmntent(_PATH_MOUNTED, "r");
    CHECK(f != NULL, "setmntent(%s): errno %d", _PATH_MOUNTED, errno);
    bool has_root = false, has_proc = false;
    struct mntent *m;
    while ((m = getmntent(f)) != NULL) {
        if (strcmp(m->mnt_dir, "/") == 0)
            has_root = hasmntopt(m, MNTOPT_RW) || hasmntopt(m, MNTOPT_RO);
        if (strcmp(m->mnt_dir, "/proc") == 0 && strcmp(m->mnt_type, "proc") == 0)
            has_proc = true;
    }
    endmntent(f);
    CHECK(has_root, "no / with rw or ro in %s", _PATH_MOUNTED);
    CHECK(has_proc, "no /proc of type proc in %s", _PATH_MOUNTED);
    /* a table of our own: blanks escaped on the way out, back on the way in */
    const char *path = "/tmp/posix-mtab";
    FILE *t = setmntent(path, "w+");
    CHECK(t != NULL, "setmntent(%s, w+): errno %d", path, errno);
    struct mntent e = { (char *)"my disk", (char *)"/mnt/a b", (char *)"ext2",
                        (char *)"rw,noatime,size=3", 0, 2 };
    CHECK_EQ("addmntent", 0, addmntent(t, &e));
    rewind(t);
    m = getmntent(t);
    CHECK(m != NULL, "no entry read back");
    CHECK(strcmp(m->mnt_fsname, "my disk") == 0 && strcmp(m->mnt_dir, "/mnt/a b") == 0 &&
          strcmp(m->mnt_type, "ext2") == 0 && m->mnt_freq == 0 && m->mnt_passno == 2,
          "read back: %s %s %s %d %d", m->mnt_fsname, m->mnt_dir, m->mnt_type, m->mnt_freq,
          m->mnt_passno);
    CHECK(hasmntopt(m, "noatime") != NULL && hasmntopt(m, "size") != NULL &&
          hasmntopt(m, "atime") == NULL, "hasmntopt on %s", m->mnt_opts);
    CHECK(getmntent(t) == NULL, "a second entry");
    endmntent(t);
    unlink(path);
    struct statfs sf;
    CHECK_OK(statfs("/proc", &sf));
    CHECK_EQ("f_type of /proc", PROC_SUPER_MAGIC, sf.f_type);
    errno = 0;
    nl_catd c = catopen("nothing", NL_CAT_LOCALE);
    CHECK(c == (nl_catd)-1 && errno == ENOENT, "catopen: errno %d", errno);
    CHECK(strcmp(catgets(c, NL_SETD, 1, "fallback"), "fallback") == 0, "catgets' default");
    CHECK_ERRNO(catclose(c), EBADF);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(sysconf_agrees_with_the_macros),
        TAP_TEST(supported_options_work),
        TAP_TEST(mount_table_and_catalogues),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
