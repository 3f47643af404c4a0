/* /proc, statfs, uname and "#!" scripts: /proc/self/stat agrees with
 * getpid() and friends, a stopped child shows T and a zombie Z, cmdline
 * round-trips argv, /proc lists pids, reads in any piece size see one
 * snapshot, meminfo's MemFree shrinks when memory is touched, mounts and
 * statfs name the filesystems, uname names Tandem and the machine, and a
 * script whose "#!" line names this program runs it with Linux's argv.
 * Mounts /proc itself when the image has not. The program is also the
 * interpreter of its test scripts (--script) and a child mode (--cmdline). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define WAIT_STATE_MS 10000
#define SCRIPT_PATH "/tmp/procfs_script"

static const char *self_path;

/* ---- helpers ----------------------------------------------------------- */

/* Reads a whole file with reads of chunk bytes; returns its length or -1. */
static long read_file(const char *path, char *buf, size_t size, size_t chunk)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t len = 0;
    for (;;) {
        size_t want = chunk < size - 1 - len ? chunk : size - 1 - len;
        if (want == 0)
            break;
        ssize_t n = read(fd, buf + len, want);
        if (n < 0) {
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    return (long)len;
}

struct stat_fields {
    int pid;
    char comm[64];
    char state;
    int ppid, pgrp, session, tty_nr, tpgid;
    unsigned long vsize;
    long rss;
    int count;          /* fields parsed */
};

/* Parses /proc/<pid>/stat ("self" for pid 0). */
static int read_stat(pid_t pid, struct stat_fields *f)
{
    char path[64], buf[1024];
    if (pid)
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    else
        snprintf(path, sizeof(path), "/proc/self/stat");
    memset(f, 0, sizeof(*f));
    if (read_file(path, buf, sizeof(buf), sizeof(buf)) < 0)
        return -1;
    char *open_paren = strchr(buf, '('), *close_paren = strrchr(buf, ')');
    if (!open_paren || !close_paren || close_paren < open_paren)
        return -1;
    f->pid = atoi(buf);
    size_t comm_len = (size_t)(close_paren - open_paren - 1);
    if (comm_len >= sizeof(f->comm))
        return -1;
    memcpy(f->comm, open_paren + 1, comm_len);
    f->comm[comm_len] = '\0';
    /* fields 3..24 after the comm */
    unsigned long skip;
    long lskip;
    f->count = 2 + sscanf(close_paren + 2,
                          "%c %d %d %d %d %d %lu %lu %lu %lu %lu %lu %lu %ld %ld %ld %ld %ld "
                          "%lu %ld %lu %lu %ld",
                          &f->state, &f->ppid, &f->pgrp, &f->session, &f->tty_nr, &f->tpgid,
                          &skip, &skip, &skip, &skip, &skip, &skip, &skip, &lskip, &lskip,
                          &lskip, &lskip, &lskip, &skip, &lskip, &skip, &f->vsize, &f->rss);
    return 0;
}

/* Waits (no fixed sleep: polls) until pid's state is want; returns the
 * last state seen. */
static char wait_state(pid_t pid, char want)
{
    struct stat_fields f = { 0 };
    long deadline = now_ms() + WAIT_STATE_MS;
    while (now_ms() < deadline) {
        if (read_stat(pid, &f) == 0 && f.state == want)
            return want;
        msleep(5);
    }
    return f.state;
}

/* A /proc value line ("MemFree:   1234 kB"): the number, or -1. */
static long meminfo_kb(const char *name)
{
    char buf[2048];
    if (read_file("/proc/meminfo", buf, sizeof(buf), sizeof(buf)) < 0)
        return -1;
    char *line = strstr(buf, name);
    if (!line || (line != buf && line[-1] != '\n'))
        return -1;
    line += strlen(name);
    char *end;
    long kb = strtol(line, &end, 10);
    return strncmp(end, " kB\n", 4) == 0 ? kb : -1;
}

static bool dir_has_entry(const char *dir_path, const char *name)
{
    DIR *dir = opendir(dir_path);
    if (!dir)
        return false;
    bool is_found = false;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL)
        is_found |= strcmp(de->d_name, name) == 0;
    closedir(dir);
    return is_found;
}

/* ---- tests -------------------------------------------------------------- */

static void proc_is_mounted(void)
{
    CHECK_OK(tap_ensure_proc());
    struct statfs st;
    CHECK_OK(statfs("/proc", &st));
    CHECK_EQ("/proc f_type", PROC_SUPER_MAGIC, st.f_type);
    char target[32];
    ssize_t n = readlink("/proc/self", target, sizeof(target) - 1);
    CHECK(n > 0, "readlink /proc/self: %s", strerror(errno));
    target[n] = '\0';
    CHECK_EQ("/proc/self names the caller", getpid(), atoi(target));
}

static void self_stat_matches_ids(void)
{
    struct stat_fields f;
    CHECK_OK(read_stat(0, &f));
    CHECK(f.count >= 24, "stat: expected at least 24 fields, parsed %d", f.count);
    CHECK_EQ("pid", getpid(), f.pid);
    CHECK(strcmp(f.comm, "procfs") == 0, "comm: expected procfs, got %s", f.comm);
    CHECK(f.state == 'R', "state: expected R (reading its own stat), got %c", f.state);
    CHECK_EQ("ppid", getppid(), f.ppid);
    CHECK_EQ("pgrp", getpgrp(), f.pgrp);
    CHECK_EQ("session", getsid(0), f.session);
    CHECK(f.vsize > 0 && f.rss > 0, "vsize %lu and rss %ld: expected > 0", f.vsize, f.rss);

    char buf[1024];
    CHECK(read_file("/proc/self/status", buf, sizeof(buf), 64) > 0, "status: %s",
          strerror(errno));
    char want[64];
    snprintf(want, sizeof(want), "\nPid:\t%d\n", (int)getpid());
    CHECK(strstr(buf, "Name:\tprocfs\n") == buf, "status: expected Name first, got %s", buf);
    CHECK(strstr(buf, want), "status: expected %s in %s", want + 1, buf);
    CHECK(strstr(buf, "\nState:\tR (running)\n"), "status: no running state in %s", buf);
    CHECK(strstr(buf, "\nUid:\t0\t0\t0\t0\n"), "status: no Uid line in %s", buf);
    CHECK(strstr(buf, "\nVmRSS:\t"), "status: no VmRSS line in %s", buf);
    CHECK(read_file("/proc/self/comm", buf, sizeof(buf), 1) == 7, "comm: %s", buf);
    CHECK(strcmp(buf, "procfs\n") == 0, "comm: expected procfs, got %s", buf);
}

/* utime (field 14) counts the CPU time of a busy loop. */
static void utime_counts_a_busy_loop(void)
{
    char buf[1024];
    CHECK(read_file("/proc/self/stat", buf, sizeof(buf), sizeof(buf)) > 0, "stat");
    unsigned long before = 0, after = 0;
    char *fields = strrchr(buf, ')');
    CHECK(fields && sscanf(fields + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu",
                           &before) == 1, "stat: no utime in %s", buf);
    long end = now_ms() + 300;
    volatile unsigned long spins = 0;
    while (now_ms() < end)
        spins++;
    CHECK(read_file("/proc/self/stat", buf, sizeof(buf), sizeof(buf)) > 0, "stat");
    fields = strrchr(buf, ')');
    CHECK(fields && sscanf(fields + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu",
                           &after) == 1, "stat: no utime in %s", buf);
    CHECK(after >= before + 5, "utime after a 300 ms busy loop: %lu -> %lu ticks", before,
          after);
}

/* A session leader that opens a PTY slave gets it as its controlling
 * terminal: tty_nr is the slave's device number, tpgid its group. */
static void controlling_terminal_in_stat(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        if (setsid() < 0)
            _exit(1);
        struct stat_fields before, after;
        if (read_stat(0, &before) < 0 || before.tty_nr != 0 || before.tpgid != -1)
            _exit(2);
        int master = posix_openpt(O_RDWR | O_NOCTTY);
        if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
            _exit(3);
        const char *name = ptsname(master);
        int slave = name ? open(name, O_RDWR) : -1;
        struct stat st;
        if (slave < 0 || fstat(slave, &st) < 0)
            _exit(4);
        if (read_stat(0, &after) < 0)
            _exit(5);
        if ((unsigned)after.tty_nr != (unsigned)(unsigned short)st.st_rdev)
            _exit(6);
        if (after.tpgid != getpid())
            _exit(7);
        _exit(0);
    }
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "child: expected exited 0, got %s (2 tty_nr/tpgid before, 3-4 pty, 6 tty_nr, "
          "7 tpgid)", status_str(status));
}

/* Byte-by-byte reads, big reads and reads at an offset see the same text. */
static void reads_in_any_piece_size_agree(void)
{
    static const char *const paths[] = { "/proc/version", "/proc/self/cmdline",
                                         "/proc/mounts" };
    for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        char one[4096], whole[4096], tail[4096];
        long n1 = read_file(paths[i], one, sizeof(one), 1);
        long n2 = read_file(paths[i], whole, sizeof(whole), sizeof(whole));
        CHECK(n1 > 0 && n1 == n2, "%s: 1-byte reads gave %ld bytes, one read %ld", paths[i],
              n1, n2);
        CHECK(memcmp(one, whole, (size_t)n1) == 0, "%s: the two reads differ", paths[i]);
        int fd = open(paths[i], O_RDONLY);
        CHECK_OK(fd);
        ssize_t n3 = pread(fd, tail, sizeof(tail), n1 / 2);
        close(fd);
        CHECK(n3 == n1 - n1 / 2 && memcmp(tail, whole + n1 / 2, (size_t)n3) == 0,
              "%s: pread at %ld gave %ld bytes", paths[i], n1 / 2, (long)n3);
    }
    CHECK_ERRNO(open("/proc/version", O_WRONLY), EACCES);
    CHECK_ERRNO(open("/proc/no_such_file", O_RDONLY), ENOENT);
}

static void stopped_child_shows_t_sleeping_s(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        for (;;)
            pause();
    }
    char state = wait_state(pid, 'S');
    int status;
    kill(pid, SIGSTOP);
    pid_t w = waitpid(pid, &status, WUNTRACED);
    char stopped = wait_state(pid, 'T');
    struct stat_fields f;
    int rc = read_stat(pid, &f);
    kill(pid, SIGKILL);
    wait_for(pid);
    CHECK(state == 'S', "a child in pause(): expected S, got %c", state);
    CHECK(w == pid && WIFSTOPPED(status), "waitpid WUNTRACED: %s", status_str(status));
    CHECK(stopped == 'T', "a stopped child: expected T, got %c", stopped);
    CHECK(rc == 0 && f.ppid == getpid() && f.pgrp == getpgrp(),
          "child's stat: ppid %d pgrp %d", f.ppid, f.pgrp);
}

static void zombie_shows_z_and_is_listed(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(7);
    char state = wait_state(pid, 'Z');
    char name[16];
    snprintf(name, sizeof(name), "%d", (int)pid);
    bool is_listed = dir_has_entry("/proc", name);
    char cmdline[64];
    snprintf(cmdline, sizeof(cmdline), "/proc/%d/cmdline", (int)pid);
    char buf[256];
    long cmdline_len = read_file(cmdline, buf, sizeof(buf), sizeof(buf));
    int status = wait_for(pid);
    CHECK(state == 'Z', "an exited, unreaped child: expected Z, got %c", state);
    CHECK(is_listed, "/proc does not list the child %s", name);
    CHECK_EQ("a zombie's cmdline length", 0, cmdline_len);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7, "child: %s", status_str(status));
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d", (int)pid);
    struct stat st;
    CHECK_ERRNO(stat(path, &st), ENOENT);
    CHECK(dir_has_entry("/proc", "self") && dir_has_entry("/proc", "meminfo") &&
          dir_has_entry("/proc", "1"), "/proc lacks self, meminfo or 1");
    CHECK(dir_has_entry("/proc/self", "cmdline"), "/proc/self lacks cmdline");
}

/* The child mode: /proc/self/cmdline holds exactly argv, NUL-separated. */
static int cmdline_mode(int argc, char **argv)
{
    char buf[1024], want[1024];
    size_t len = 0;
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]) + 1;
        memcpy(want + len, argv[i], n);
        len += n;
    }
    long got = read_file("/proc/self/cmdline", buf, sizeof(buf), 3);
    if (got != (long)len)
        return 1;
    return memcmp(buf, want, len) == 0 ? 0 : 2;
}

static void cmdline_round_trips_argv(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        char *argv[] = { (char *)self_path, "--cmdline", "two words", "", "last", NULL };
        char *envp[] = { "SOME=env", NULL };
        execve(self_path, argv, envp);
        _exit(100);
    }
    int status = wait_for(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "child: expected exited 0, got %s (1 length, 2 bytes, 100 exec)", status_str(status));
}

static void meminfo_free_shrinks_after_touching_4mib(void)
{
    long total = meminfo_kb("MemTotal:"), before = meminfo_kb("MemFree:");
    CHECK(total > 0 && before > 0 && before < total, "MemTotal %ld kB, MemFree %ld kB", total,
          before);
    CHECK(meminfo_kb("MemAvailable:") >= 0 && meminfo_kb("Buffers:") >= 0 &&
          meminfo_kb("Cached:") >= 0, "meminfo lacks MemAvailable, Buffers or Cached");
    size_t size = 4u << 20;
    char *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(mem != MAP_FAILED, "mmap: %s", strerror(errno));
    for (size_t i = 0; i < size; i += 4096)
        mem[i] = 1;
    long after = meminfo_kb("MemFree:");
    munmap(mem, size);
    CHECK(after >= 0 && before - after >= 3 * 1024,
          "MemFree: expected to shrink by >= 3072 kB, %ld -> %ld kB", before, after);
}

static void mounts_and_uptime(void)
{
    char buf[4096];
    CHECK(read_file("/proc/mounts", buf, sizeof(buf), 100) > 0, "mounts: %s", strerror(errno));
    CHECK(strstr(buf, "proc /proc proc rw 0 0\n"), "mounts lacks /proc: %s", buf);
    CHECK(strstr(buf, " / ") && strstr(buf, " /dev devfs rw 0 0\n"),
          "mounts lacks / or /dev: %s", buf);
    CHECK(read_file("/proc/uptime", buf, sizeof(buf), 2) > 0, "uptime: %s", strerror(errno));
    /* "seconds.cc idle.cc\n" */
    unsigned long secs, centis, idle_secs, idle_centis;
    CHECK(sscanf(buf, "%lu.%2lu %lu.%2lu", &secs, &centis, &idle_secs, &idle_centis) == 4 &&
          secs + centis > 0 && buf[strlen(buf) - 1] == '\n', "uptime: %s", buf);
}

static void statfs_names_filesystems(void)
{
    struct statfs root, dev, by_fd;
    CHECK_OK(statfs("/", &root));
    CHECK(root.f_type == RAMFS_MAGIC || root.f_type == EXT2_SUPER_MAGIC,
          "/ f_type: expected ramfs or ext2, got %#lx", root.f_type);
    CHECK(root.f_bsize > 0 && root.f_namelen == 255, "/: f_bsize %ld f_namelen %ld",
          root.f_bsize, root.f_namelen);
    CHECK_OK(statfs("/dev", &dev));
    CHECK_EQ("/dev f_type", TMPFS_MAGIC, dev.f_type);
    int fd = open("/dev", O_RDONLY | O_DIRECTORY);
    CHECK_OK(fd);
    int rc = fstatfs(fd, &by_fd);
    close(fd);
    CHECK_OK(rc);
    CHECK(by_fd.f_type == dev.f_type && by_fd.f_fsid.__val[0] == dev.f_fsid.__val[0],
          "fstatfs(/dev) differs from statfs(/dev)");
    CHECK(root.f_fsid.__val[0] != dev.f_fsid.__val[0], "/ and /dev share an f_fsid");
    struct statvfs vfs;
    CHECK_OK(statvfs("/", &vfs));
    CHECK(vfs.f_namemax == 255 && vfs.f_bsize == (unsigned long)root.f_bsize &&
          !(vfs.f_flag & ST_RDONLY), "statvfs(/): namemax %lu bsize %lu flag %#lx",
          vfs.f_namemax, vfs.f_bsize, vfs.f_flag);
    CHECK_ERRNO(statfs("/no/such/dir", &root), ENOENT);
    CHECK_ERRNO(fstatfs(-1, &root), EBADF);
    CHECK_ERRNO(statfs((const char *)8, &root), EFAULT);
}

static void uname_names_tandem_and_machine(void)
{
    struct utsname u;
    CHECK_OK(uname(&u));
    const char *machine = strcmp(TANDEM_ARCH, "amd64") == 0 ? "x86_64" : "aarch64";
    CHECK(strcmp(u.sysname, "Tandem") == 0, "sysname: %s", u.sysname);
    CHECK(strcmp(u.nodename, "tandem") == 0, "nodename: %s", u.nodename);
    CHECK(strcmp(u.machine, machine) == 0, "machine: expected %s, got %s", machine, u.machine);
    CHECK(u.release[0] >= '0' && u.release[0] <= '9', "release: %s", u.release);
    CHECK(u.version[0] == '#', "version: %s", u.version);
    char buf[512];
    CHECK(read_file("/proc/version", buf, sizeof(buf), sizeof(buf)) > 0, "/proc/version");
    CHECK(strncmp(buf, "Tandem version ", 15) == 0 && strstr(buf, u.release) &&
          strstr(buf, u.version), "/proc/version: %s", buf);
}

static void fchmod_changes_mode(void)
{
    const char *path = "/tmp/procfs_fchmod";
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK_OK(fd);
    int rc = fchmod(fd, 0600);
    struct stat st;
    fstat(fd, &st);
    close(fd);
    unlink(path);
    CHECK_OK(rc);
    CHECK_EQ("mode after fchmod", 0600, st.st_mode & 07777);
    CHECK_ERRNO(fchmod(-1, 0600), EBADF);
}

/* mkdirat, fstatat, fchmodat, faccessat, symlinkat, renameat, readlinkat,
 * unlinkat resolve a relative path from their directory fd. */
static void at_calls_resolve_from_directory_fd(void)
{
    const char *dir = "/tmp/procfs_at";
    mkdir(dir, 0755);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK_OK(dfd);
    int file_fd = open("/proc/version", O_RDONLY);
    struct stat st;
    char target[16];
    int rc_mkdir = mkdirat(dfd, "sub", 0755);
    int rc_stat = fstatat(dfd, "sub", &st, 0);
    bool is_dir = rc_stat == 0 && S_ISDIR(st.st_mode);
    int rc_chmod = fchmodat(dfd, "sub", 0700, 0);
    int rc_stat2 = fstatat(dfd, "sub", &st, 0);
    int rc_access = faccessat(dfd, "sub", R_OK, 0);
    int rc_symlink = symlinkat("sub", dfd, "link");
    int rc_rename = renameat(dfd, "link", dfd, "link2");
    ssize_t link_len = readlinkat(dfd, "link2", target, sizeof(target));
    int rc_unlink = unlinkat(dfd, "link2", 0);
    int rc_rmdir = unlinkat(dfd, "sub", AT_REMOVEDIR);
    errno = 0;
    int rc_gone = fstatat(dfd, "sub", &st, 0);
    int errno_gone = errno;
    errno = 0;
    int rc_notdir = fstatat(file_fd, "x", &st, 0);
    int errno_notdir = errno;
    close(file_fd);
    close(dfd);
    rmdir(dir);
    CHECK(rc_mkdir == 0 && is_dir, "mkdirat/fstatat: %d %d", rc_mkdir, rc_stat);
    CHECK(rc_chmod == 0 && rc_stat2 == 0 && (st.st_mode & 0777) == 0700,
          "fchmodat: rc %d mode %o", rc_chmod, (unsigned)(st.st_mode & 0777));
    CHECK(rc_access == 0 && rc_symlink == 0 && rc_rename == 0,
          "faccessat %d, symlinkat %d, renameat %d", rc_access, rc_symlink, rc_rename);
    CHECK(link_len == 3 && memcmp(target, "sub", 3) == 0, "readlinkat: %ld", (long)link_len);
    CHECK(rc_unlink == 0 && rc_rmdir == 0, "unlinkat: %d, AT_REMOVEDIR: %d", rc_unlink,
          rc_rmdir);
    CHECK(rc_gone == -1 && errno_gone == ENOENT, "fstatat after rmdir: %d errno %d", rc_gone,
          errno_gone);
    CHECK(rc_notdir == -1 && errno_notdir == ENOTDIR, "fstatat on a file fd: %d errno %d",
          rc_notdir, errno_notdir);
    CHECK_ERRNO(fstatat(-5, "x", &st, 0), EBADF);
}

/* ---- "#!" scripts ---------------------------------------------------- */

/* The interpreter mode: writes its argv, one per line, to stdout. */
static int script_mode(int argc, char **argv)
{
    char comm[32];
    if (read_file("/proc/self/comm", comm, sizeof(comm), sizeof(comm)) < 0)
        return 3;
    for (int i = 0; i < argc; i++)
        printf("%s\n", argv[i]);
    printf("comm=%s", comm);
    fflush(stdout);
    return 0;
}

static int write_script(const char *text, mode_t mode)
{
    int fd = open(SCRIPT_PATH, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? chmod(SCRIPT_PATH, mode) : -1;
}

/* Runs the script with argv (script, A, "B C"); returns what it printed. */
static int run_script(char *out, size_t size, int *status)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        char *argv[] = { "called-as", "A", "B C", NULL };
        char *envp[] = { NULL };
        execve(SCRIPT_PATH, argv, envp);
        _exit(errno == ENOEXEC ? 101 : errno == ENOENT ? 102 : errno == EACCES ? 103 : 104);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    while (len + 1 < size && (n = read(fds[0], out + len, size - 1 - len)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    close(fds[0]);
    *status = wait_for(pid);
    return 0;
}

static void script_runs_interpreter_with_argv(void)
{
    char line[256], out[1024], want[1024];
    int status;
    snprintf(line, sizeof(line), "#!  %s   --script  two words \t\necho not run\n", self_path);
    CHECK_OK(write_script(line, 0755));
    CHECK_OK(run_script(out, sizeof(out), &status));
    snprintf(want, sizeof(want), "%s\n--script  two words\n%s\nA\nB C\ncomm=procfs_script\n",
             self_path, SCRIPT_PATH);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "script: %s", status_str(status));
    CHECK(strcmp(out, want) == 0, "script argv: expected\n%s\ngot\n%s", want, out);

    /* No newline at all: the whole file is the line. */
    snprintf(line, sizeof(line), "#!%s --script", self_path);
    CHECK_OK(write_script(line, 0755));
    CHECK_OK(run_script(out, sizeof(out), &status));
    snprintf(want, sizeof(want), "%s\n--script\n%s\nA\nB C\n", self_path, SCRIPT_PATH);
    CHECK(strncmp(out, want, strlen(want)) == 0, "script argv: expected\n%s\ngot\n%s", want,
          out);
}

static void bad_scripts_fail_cleanly(void)
{
    static const struct {
        const char *text;
        mode_t mode;
        int code;               /* run_script's child exit code */
        const char *what;
    } cases[] = {
        { "#!\n", 0755, 101, "an empty #! line: ENOEXEC" },
        { "#!   \t \n", 0755, 101, "a blank #! line: ENOEXEC" },
        { "#!/no/such/interpreter\n", 0755, 102, "a missing interpreter: ENOENT" },
        { "#!" SCRIPT_PATH "\n", 0755, 101, "a script as interpreter: ENOEXEC" },
        { "#!/bin/tests/procfs --script\n", 0644, 103, "a script without x: EACCES" },
        { "not a script\n", 0755, 101, "text without #!: ENOEXEC" },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[256];
        int status;
        CHECK_OK(write_script(cases[i].text, cases[i].mode));
        CHECK_OK(run_script(out, sizeof(out), &status));
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == cases[i].code,
              "%s: expected exit %d, got %s", cases[i].what, cases[i].code, status_str(status));
    }
    /* A line longer than the limit (255 bytes before the newline). */
    char line[400];
    memset(line, 'x', sizeof(line));
    memcpy(line, "#!/", 3);
    line[sizeof(line) - 2] = '\n';
    line[sizeof(line) - 1] = '\0';
    CHECK_OK(write_script(line, 0755));
    char out[64];
    int status;
    CHECK_OK(run_script(out, sizeof(out), &status));
    unlink(SCRIPT_PATH);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 101,
          "an over-long #! line: expected ENOEXEC (101), got %s", status_str(status));
}

int main(int argc, char **argv)
{
    self_path = argv[0];
    if (argc > 1 && strncmp(argv[1], "--script", 8) == 0)
        return script_mode(argc, argv);
    if (argc > 1 && strcmp(argv[1], "--cmdline") == 0)
        return cmdline_mode(argc, argv);
    if (tap_ensure_proc() < 0)
        printf("# mounting /proc: %s\n", strerror(errno));
    static const struct tap_test tests[] = {
        TAP_TEST(proc_is_mounted),
        TAP_TEST(self_stat_matches_ids),
        TAP_TEST(utime_counts_a_busy_loop),
        TAP_TEST(controlling_terminal_in_stat),
        TAP_TEST(reads_in_any_piece_size_agree),
        TAP_TEST(stopped_child_shows_t_sleeping_s),
        TAP_TEST(zombie_shows_z_and_is_listed),
        TAP_TEST(cmdline_round_trips_argv),
        TAP_TEST(meminfo_free_shrinks_after_touching_4mib),
        TAP_TEST(mounts_and_uptime),
        TAP_TEST(statfs_names_filesystems),
        TAP_TEST(uname_names_tandem_and_machine),
        TAP_TEST(fchmod_changes_mode),
        TAP_TEST(at_calls_resolve_from_directory_fd),
        TAP_TEST(script_runs_interpreter_with_argv),
        TAP_TEST(bad_scripts_fail_cleanly),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
