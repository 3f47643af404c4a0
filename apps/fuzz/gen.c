/* The syscall fuzzer's generator: random syscall numbers (0..SYS_COUNT)
 * with arguments biased toward what breaks kernels (fds that are open, of
 * every kind; pointers into unmapped, PROT_NONE, read-only, kernel and
 * non-canonical memory; ranges that wrap; huge, zero and negative sizes;
 * small valid buffers filled with plausible structures), and the filter
 * that keeps the run alive: the master must not end, unmap or overwrite
 * itself, nor lose the signal that interrupts its blocked threads; nobody
 * may reboot, kill init or the master (children may do anything else). */
#define _GNU_SOURCE
#include <abi/signal.h>
#include <abi/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <tandem/syscall.h>
#include <time.h>
#include <unistd.h>
#include "fuzz.h"

#define PAGE 4096UL

pid_t fuzz_master_pid;
long fuzz_nr_lo = 0, fuzz_nr_hi = SYS_COUNT;
long fuzz_skip_lo = -1, fuzz_skip_hi = -1;
uint64_t fuzz_max_map;
int fuzz_trace;
volatile int fuzz_stop;

/* The arena: pages in known states, the only memory the master lets the
 * fuzzer unmap, remap or protect. */
#define ARENA_PAGES 32
#define ARENA_NONE_PAGE 8       /* PROT_NONE */
#define ARENA_HOLE_PAGE 9       /* unmapped */
#define ARENA_RO_PAGE 16        /* read-only */
static uint8_t *arena;

/* Open fds of every kind, refreshed as the fuzzer closes them. Racy by
 * design: threads read and replace slots without locks (an fd number is
 * only ever a guess). */
#define POOL_FDS 48
static volatile int pool_fds[POOL_FDS];

/* /dev/fail-nth, open at a high fd: one call in FAIL_ONE_IN runs with one
 * of its first FAIL_NTH_MAX allocations failing (the calls' ENOMEM paths;
 * the end-of-run baseline check then catches what they leak). A fuzzed
 * close or dup3 may take the fd away: then no more injections. */
#define FAIL_FD_MIN 900
#define FAIL_ONE_IN 8
#define FAIL_NTH_MAX 16
static int fail_fd = -1;

static void fail_arm(unsigned n)
{
    char text[4] = { (char)('0' + n / 10), (char)('0' + n % 10), '\n', 0 };
    if (fail_fd >= 0)
        pwrite(fail_fd, text, 3, 0);
}

/* Whether the armed allocation failed (what is left reads 0). */
static bool fail_happened(void)
{
    char text[4] = "";
    return fail_fd >= 0 && pread(fail_fd, text, 3, 0) >= 1 && text[0] == '0';
}

/* Paths: in the fuzzer's own directory (relative ones resolve there while
 * the cwd stays), devices, procfs, and malformed ones. .rodata, so a
 * syscall that writes through one of them must fail. */
static const char *const paths[] = {
    FUZZ_DIR "/a", FUZZ_DIR "/b", FUZZ_DIR "/d", FUZZ_DIR "/d/e", FUZZ_DIR "/l", FUZZ_DIR "/f",
    FUZZ_DIR, "a", "b", "c", "d", "d/e", "d/e/f", "l", "f", ".", "..", "", "/",
    "a/", "a/.", "d/../a", "l/x", "//tmp//fz//a",
    "/dev/null", "/dev/zero", "/dev/full", "/dev/urandom", "/dev/random", "/dev/ptmx",
    "/dev/pts", "/dev/pts/0", "/dev/pts/1", "/dev/vmstat", "/dev", "/dev/nosuch",
    "/proc", "/proc/self", "/proc/self/stat", "/proc/self/status", "/proc/self/cmdline",
    "/proc/1/stat", "/proc/2/comm", "/proc/meminfo", "/proc/mounts", "/proc/uptime",
    "/proc/version", "/proc/cmdline", "/proc/999999/stat",
    "/nonexistent/x", "/tmp/fz/nonexistent/x/y",
    "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/a/b/c/d/e/f/g/h/i/j/k/l",
    "ramfs", "devfs", "proc", "devpts", "ext2", "vda",
};
#define PATH_COUNT (sizeof(paths) / sizeof(paths[0]))
static char long_path[8192];        /* 8191 'a's: longer than PATH_MAX */

/* Argument kinds: how each syscall's arguments are generated. */
enum kind {
    K_NONE, K_ANY, K_INT, K_FD, K_DIRFD, K_PTR, K_PATH, K_SIZE, K_OFF, K_PID, K_SIG,
    K_MODE, K_OFLAGS, K_PROT, K_MFLAGS, K_ADDR, K_IOCTL, K_TIMEOUT, K_SMALL,
};

struct sys_spec {
    uint8_t args[6];
};

static const struct sys_spec specs[SYS_COUNT] = {
    [SYS_exit] = { { K_INT } },
    [SYS_exit_group] = { { K_INT } },
    [SYS_execve] = { { K_PATH, K_PTR, K_PTR } },
    [SYS_wait4] = { { K_PID, K_PTR, K_SMALL, K_PTR } },
    [SYS_kill] = { { K_PID, K_SIG } },
    [SYS_tgkill] = { { K_PID, K_PID, K_SIG } },
    [SYS_getsid] = { { K_PID } },
    [SYS_setpgid] = { { K_PID, K_PID } },
    [SYS_getpgid] = { { K_PID } },
    [SYS_thread_create] = { { K_ADDR, K_ADDR, K_ADDR, K_ANY } },
    [SYS_thread_exit] = { { K_PTR } },
    [SYS_futex] = { { K_PTR, K_SMALL, K_INT, K_PTR } },
    [SYS_set_tls] = { { K_ADDR } },
    [SYS_uname] = { { K_PTR } },
    [SYS_reboot] = { { K_INT } },
    [SYS_setresuid] = { { K_INT, K_INT, K_INT } },
    [SYS_setresgid] = { { K_INT, K_INT, K_INT } },
    [SYS_getgroups] = { { K_SIZE, K_PTR } },
    [SYS_setgroups] = { { K_SIZE, K_PTR } },
    [SYS_prlimit] = { { K_PID, K_SMALL, K_PTR, K_PTR } },
    [SYS_brk] = { { K_ADDR } },
    [SYS_mmap] = { { K_ADDR, K_SIZE, K_PROT, K_MFLAGS, K_FD, K_OFF } },
    [SYS_munmap] = { { K_ADDR, K_SIZE } },
    [SYS_mprotect] = { { K_ADDR, K_SIZE, K_PROT } },
    [SYS_sigaction] = { { K_SIG, K_PTR, K_PTR } },
    [SYS_sigprocmask] = { { K_SMALL, K_PTR, K_PTR } },
    [SYS_sigpending] = { { K_PTR } },
    [SYS_sigsuspend] = { { K_PTR } },
    [SYS_sigqueue] = { { K_PID, K_SIG, K_ANY } },
    [SYS_sigtimedwait] = { { K_PTR, K_PTR, K_PTR } },
    [SYS_sigaltstack] = { { K_PTR, K_PTR } },
    [SYS_alarm] = { { K_SMALL } },
    [SYS_setitimer] = { { K_SMALL, K_PTR, K_PTR } },
    [SYS_getitimer] = { { K_SMALL, K_PTR } },
    [SYS_clock_gettime] = { { K_SMALL, K_PTR } },
    [SYS_gettimeofday] = { { K_PTR, K_PTR } },
    [SYS_nanosleep] = { { K_PTR, K_PTR } },
    [SYS_times] = { { K_PTR } },
    [SYS_openat] = { { K_DIRFD, K_PATH, K_OFLAGS, K_MODE } },
    [SYS_close] = { { K_FD } },
    [SYS_read] = { { K_FD, K_PTR, K_SIZE } },
    [SYS_write] = { { K_FD, K_PTR, K_SIZE } },
    [SYS_pread] = { { K_FD, K_PTR, K_SIZE, K_OFF } },
    [SYS_pwrite] = { { K_FD, K_PTR, K_SIZE, K_OFF } },
    [SYS_readv] = { { K_FD, K_PTR, K_SMALL } },
    [SYS_writev] = { { K_FD, K_PTR, K_SMALL } },
    [SYS_lseek] = { { K_FD, K_OFF, K_SMALL } },
    [SYS_dup] = { { K_FD } },
    [SYS_dup3] = { { K_FD, K_FD, K_OFLAGS } },
    [SYS_fcntl] = { { K_FD, K_SMALL, K_ANY } },
    [SYS_fstatat] = { { K_DIRFD, K_PATH, K_PTR, K_INT } },
    [SYS_fstat] = { { K_FD, K_PTR } },
    [SYS_getdents] = { { K_FD, K_PTR, K_SIZE } },
    [SYS_mkdirat] = { { K_DIRFD, K_PATH, K_MODE } },
    [SYS_unlinkat] = { { K_DIRFD, K_PATH, K_INT } },
    [SYS_renameat] = { { K_DIRFD, K_PATH, K_DIRFD, K_PATH } },
    [SYS_linkat] = { { K_DIRFD, K_PATH, K_DIRFD, K_PATH, K_INT } },
    [SYS_symlinkat] = { { K_PATH, K_DIRFD, K_PATH } },
    [SYS_readlinkat] = { { K_DIRFD, K_PATH, K_PTR, K_SIZE } },
    [SYS_chdir] = { { K_PATH } },
    [SYS_fchdir] = { { K_FD } },
    [SYS_getcwd] = { { K_PTR, K_SIZE } },
    [SYS_fchmodat] = { { K_DIRFD, K_PATH, K_MODE, K_INT } },
    [SYS_truncate] = { { K_PATH, K_OFF } },
    [SYS_ftruncate] = { { K_FD, K_OFF } },
    [SYS_umask] = { { K_MODE } },
    [SYS_faccessat] = { { K_DIRFD, K_PATH, K_SMALL, K_INT } },
    [SYS_pipe2] = { { K_PTR, K_OFLAGS } },
    [SYS_mknodat] = { { K_DIRFD, K_PATH, K_MODE, K_INT } },
    [SYS_poll] = { { K_PTR, K_SMALL, K_TIMEOUT } },
    [SYS_select] = { { K_SMALL, K_PTR, K_PTR, K_PTR, K_PTR } },
    [SYS_ioctl] = { { K_FD, K_IOCTL, K_PTR } },
    [SYS_fsync] = { { K_FD } },
    [SYS_mount] = { { K_PATH, K_PATH, K_PATH, K_INT, K_PTR } },
    [SYS_umount] = { { K_PATH, K_INT } },
    [SYS_fchmod] = { { K_FD, K_MODE } },
    [SYS_statfs] = { { K_PATH, K_PTR } },
    [SYS_fstatfs] = { { K_FD, K_PTR } },
    [SYS_utimensat] = { { K_DIRFD, K_PATH, K_PTR, K_INT } },
    [SYS_fchownat] = { { K_DIRFD, K_PATH, K_INT, K_INT, K_INT } },
    [SYS_fchown] = { { K_FD, K_INT, K_INT } },
    [SYS_flock] = { { K_FD, K_SMALL } },
    [SYS_socket] = { { K_SMALL, K_SMALL, K_SMALL } },
    [SYS_bind] = { { K_FD, K_PTR, K_SIZE } },
    [SYS_listen] = { { K_FD, K_INT } },
    [SYS_accept] = { { K_FD, K_PTR, K_PTR, K_INT } },
    [SYS_connect] = { { K_FD, K_PTR, K_SIZE } },
    [SYS_sendto] = { { K_FD, K_PTR, K_SIZE, K_INT, K_PTR, K_SIZE } },
    [SYS_recvfrom] = { { K_FD, K_PTR, K_SIZE, K_INT, K_PTR, K_PTR } },
    [SYS_shutdown] = { { K_FD, K_SMALL } },
    [SYS_getsockopt] = { { K_FD, K_SMALL, K_SMALL, K_PTR, K_PTR } },
    [SYS_setsockopt] = { { K_FD, K_SMALL, K_SMALL, K_PTR, K_SIZE } },
    [SYS_getsockname] = { { K_FD, K_PTR, K_PTR } },
    [SYS_getpeername] = { { K_FD, K_PTR, K_PTR } },
    [SYS_sendmsg] = { { K_FD, K_PTR, K_INT } },
    [SYS_recvmsg] = { { K_FD, K_PTR, K_INT } },
    [SYS_socketpair] = { { K_SMALL, K_SMALL, K_SMALL, K_PTR } },
};

static const unsigned long ioctls[] = {
    0x5401, 0x5402, 0x5403, 0x5404, 0x5409, 0x540A, 0x540B, 0x540E, 0x540F, 0x5410,
    0x5411, 0x5413, 0x5414, 0x541B, 0x5421, 0x5422, 0x5429, 0x80045430, 0x40045431,
    0x5412 /* TIOCSTI */, 0x5420, 0x541C, 0,
};

uint64_t fuzz_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static long sys6(long nr, const long a[6])
{
    return tandem_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static bool one_in(uint64_t *rng, unsigned n)
{
    return fuzz_below(rng, n) == 0;
}

/* ---- the arena ---- */

static void arena_remap(void);

/* One thread at a time remaps the arena (another one's mprotect of the
 * read-only page would fault this one's fill of it); a busy flag rather
 * than a mutex, so that a child forked meanwhile is not stuck with it. */
static volatile int arena_busy;

static void arena_reset(void)
{
    if (__atomic_exchange_n(&arena_busy, 1, __ATOMIC_ACQUIRE))
        return;
    arena_remap();
    __atomic_store_n(&arena_busy, 0, __ATOMIC_RELEASE);
}

static void arena_remap(void)
{
    /* MAP_FIXED over the arena's own range only */
    void *p = mmap(arena, ARENA_PAGES * PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | (arena ? MAP_FIXED : 0), -1, 0);
    if (p == MAP_FAILED)
        return;
    arena = p;
    /* (the read-only page stays zero: a store here could meet a worker's
     * mprotect of it) */
    mprotect(arena + ARENA_NONE_PAGE * PAGE, PAGE, PROT_NONE);
    munmap(arena + ARENA_HOLE_PAGE * PAGE, PAGE);
    mprotect(arena + ARENA_RO_PAGE * PAGE, PAGE, PROT_READ);
}

/* ---- resources ---- */

/* An AF_INET socket on the loopback interface (127.0.0.1, ports
 * 20000..20015 shared by every fuzzer thread, so binds also collide): a
 * bound UDP socket connected to itself, a bare TCP socket, or a
 * non-blocking TCP listener. No connected TCP pair: a closed connection
 * keeps lwIP's pcb in TIME_WAIT for 2 MSL, which the end-of-run memory
 * baseline check would take for a leak. Any step may fail (port taken):
 * the socket made so far goes to the pool. */
static int inet_resource(uint64_t *rng)
{
    struct {
        uint16_t family, port;          /* port in network order */
        uint32_t addr;
        uint8_t zero[8];
    } sin = { 2 /* AF_INET */, 0, 0, { 0 } };
    uint16_t port = (uint16_t)(20000 + fuzz_below(rng, 16));
    const uint8_t loopback[4] = { 127, 0, 0, 1 };
    sin.port = (uint16_t)(port >> 8 | port << 8);
    memcpy(&sin.addr, loopback, 4);
    int kind = (int)fuzz_below(rng, 3);
    /* SOCK_DGRAM or SOCK_STREAM, with SOCK_NONBLOCK */
    int type = (kind == 0 ? 2 : 1) | 0x4000;
    int fd = (int)tandem_syscall3(SYS_socket, 2, type, 0);
    if (fd < 0 || kind == 1)
        return fd;
    if ((long)tandem_syscall3(SYS_bind, fd, (uint64_t)&sin, sizeof sin) < 0)
        return fd;
    if (kind == 0) {
        tandem_syscall3(SYS_connect, fd, (uint64_t)&sin, sizeof sin);
        return fd;
    }
    tandem_syscall2(SYS_listen, fd, 4);
    return fd;
}

static int open_resource(uint64_t *rng, int *second)
{
    static const char *const devs[] = {
        "/dev/null", "/dev/zero", "/dev/full", "/dev/urandom", "/dev/vmstat",
        "/proc/self/stat", "/proc/meminfo", "/proc/mounts", "/proc/self/status",
    };
    static const char *const dirs[] = { FUZZ_DIR, FUZZ_DIR "/d", "/", "/dev", "/proc",
                                        "/dev/pts", "/proc/self" };
    static const char *const files[] = { FUZZ_DIR "/a", FUZZ_DIR "/b", FUZZ_DIR "/f" };
    int fds[2];
    *second = -1;
    switch (fuzz_below(rng, 8)) {
    case 0:
        return open(files[fuzz_below(rng, 3)], O_RDWR | O_CREAT | (one_in(rng, 3) ? O_APPEND : 0),
                    0644);
    case 1:
        return open(dirs[fuzz_below(rng, sizeof(dirs) / sizeof(dirs[0]))],
                    O_RDONLY | O_DIRECTORY);
    case 2:
        if (pipe2(fds, one_in(rng, 4) ? 0 : O_NONBLOCK) < 0)
            return -1;
        *second = fds[1];
        return fds[0];
    case 3: {
        int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | (one_in(rng, 4) ? 0 : O_NONBLOCK));
        if (m < 0)
            return -1;
        unsigned n;
        int unlock = 0;
        if (ioctl(m, 0x40045431, &unlock) == 0 && ioctl(m, 0x80045430, &n) == 0) {
            char name[32] = "/dev/pts/";
            char *p = name + strlen(name);
            char digits[12];
            int k = 0;
            do {
                digits[k++] = (char)('0' + n % 10);
                n /= 10;
            } while (n);
            while (k)
                *p++ = digits[--k];
            *p = '\0';
            *second = open(name, O_RDWR | O_NOCTTY | O_NONBLOCK);
        }
        return m;
    }
    case 4:
        if (one_in(rng, 3))
            return inet_resource(rng);
        if (one_in(rng, 2))
            return (int)tandem_syscall3(SYS_socket, 1 /* AF_UNIX */,
                                        one_in(rng, 2) ? 1 /* SOCK_STREAM */ : 2 /* DGRAM */, 0);
        /* a connected AF_UNIX pair, stream or datagram, both ends pooled */
        if (tandem_syscall4(SYS_socketpair, 1, one_in(rng, 2) ? 1 : 2, 0, fds) < 0)
            return -1;
        *second = fds[1];
        return fds[0];
    default:
        return open(devs[fuzz_below(rng, sizeof(devs) / sizeof(devs[0]))],
                    one_in(rng, 2) ? O_RDWR : O_RDONLY);
    }
}

/* Replaces a random slot's fd by a new resource (closing the old one,
 * which the fuzzer may already have closed or replaced: any fd >= 3). */
static void pool_refresh(uint64_t *rng)
{
    unsigned slot = (unsigned)fuzz_below(rng, POOL_FDS);
    int old = pool_fds[slot];
    if (old >= 3)
        close(old);
    int second;
    int fd = open_resource(rng, &second);
    pool_fds[slot] = fd;
    if (second >= 0)
        pool_fds[(slot + 1) % POOL_FDS] = second;
    /* fds the fuzzer made itself (dup, open, pipe2...) are only bounded
     * here: close one now and then */
    if (one_in(rng, 2)) {
        int victim = 3 + (int)fuzz_below(rng, 200);
        close(victim);
    }
}

void fuzz_setup(uint64_t *rng)
{
    if (!long_path[0])
        memset(long_path, 'a', sizeof(long_path) - 1);
    if (fail_fd < 0) {
        int fd = open("/dev/fail-nth", O_RDWR | O_CLOEXEC);
        if (fd >= 0) {
            fail_fd = fcntl(fd, F_DUPFD_CLOEXEC, FAIL_FD_MIN);
            close(fd);
        }
    }
    arena_reset();
    for (unsigned i = 0; i < POOL_FDS; i++)
        pool_fds[i] = -1;
    for (unsigned i = 0; i < POOL_FDS; i++)
        pool_refresh(rng);
}

/* ---- argument values ---- */

static uint64_t gen_size(uint64_t *rng)
{
    static const uint64_t sizes[] = {
        0, 1, 2, 3, 7, 8, 15, 16, 24, 63, 64, 100, 255, 256, 4095, 4096, 4097, 8192, 65536,
        1UL << 20, 1UL << 31, (1UL << 32) + 1, 1UL << 40, 1UL << 46, 1UL << 47, INT64_MAX,
        UINT64_MAX, UINT64_MAX - 4095, (uint64_t)-4096, (uint64_t)INT32_MIN, 0x7fffffffUL,
    };
    if (one_in(rng, 4))
        return fuzz_below(rng, 128);
    if (one_in(rng, 8))
        return fuzz_next(rng);
    return sizes[fuzz_below(rng, sizeof(sizes) / sizeof(sizes[0]))];
}

static uint64_t gen_int(uint64_t *rng)
{
    switch (fuzz_below(rng, 6)) {
    case 0: return 0;
    case 1: return (uint64_t)-1;
    case 2: return fuzz_below(rng, 16);
    case 3: return 1ULL << fuzz_below(rng, 64);
    case 4: return (uint64_t)(int64_t)(int32_t)fuzz_next(rng);
    default: return fuzz_next(rng);
    }
}

/* Addresses that are not the arena's: kernel, non-canonical, the gate,
 * the top and bottom of the user half, this program's code and .rodata. */
static uint64_t gen_wild_addr(uint64_t *rng)
{
    static const uint64_t addrs[] = {
        0, 1, 0xfff, 0x1000, 0x10000, 0x400000, 0x7ffffffff000ULL, 0x7ffffffffff0ULL,
        0x7fffffffffffULL, 0x800000000000ULL, 0x800000001000ULL, 0x8000000000000000ULL,
        0xffff000000000000ULL, 0xffff800000000000ULL, 0xffff800000100000ULL,
        0xffffffff80000000ULL, 0xffffffff80100000ULL, 0xfffffffffffff000ULL,
        0xffffffffffffffffULL, 0xfffffffffffffff0ULL, 0x00007ffffffff000ULL,
    };
    switch (fuzz_below(rng, 5)) {
    case 0: return (uint64_t)(uintptr_t)&fuzz_loop;             /* code */
    case 1: return (uint64_t)(uintptr_t)paths[fuzz_below(rng, PATH_COUNT)]; /* .rodata */
    case 2: return addrs[fuzz_below(rng, sizeof(addrs) / sizeof(addrs[0]))]
                   + (one_in(rng, 2) ? 0 : fuzz_below(rng, 8192));
    default: return addrs[fuzz_below(rng, sizeof(addrs) / sizeof(addrs[0]))];
    }
}

/* A pointer into the arena: a valid page most of the time, sometimes at
 * the end of one so that an access runs into the next (PROT_NONE) page. */
static uint64_t gen_arena_ptr(uint64_t *rng)
{
    uint64_t base = (uint64_t)(uintptr_t)arena;
    switch (fuzz_below(rng, 8)) {
    case 0: return base + ARENA_NONE_PAGE * PAGE + fuzz_below(rng, PAGE);
    case 1: return base + ARENA_HOLE_PAGE * PAGE + fuzz_below(rng, PAGE);
    case 2: return base + ARENA_RO_PAGE * PAGE + fuzz_below(rng, PAGE);
    case 3: return base + ARENA_NONE_PAGE * PAGE - 1 - fuzz_below(rng, 64);
    case 4: return base + ARENA_PAGES * PAGE - 1 - fuzz_below(rng, 64);
    default: {
        uint64_t page = fuzz_below(rng, 8);
        uint64_t off = one_in(rng, 2) ? 0 : fuzz_below(rng, PAGE - 512) & ~7ULL;
        return base + page * PAGE + off;
    }
    }
}

/* Fills a valid arena buffer with something a kernel will parse further:
 * small numbers (timespecs, flags), arena pointers with lengths (iovecs),
 * fds with poll events, or random bytes. */
static void fill_buffer(uint64_t *rng, uint64_t ptr)
{
    uint64_t base = (uint64_t)(uintptr_t)arena;
    if (ptr < base || ptr >= base + ARENA_NONE_PAGE * PAGE)
        return;
    uint64_t room = base + ARENA_NONE_PAGE * PAGE - ptr;
    size_t words = (size_t)(room < 256 ? room : 256) / 8;
    uint64_t *w = (uint64_t *)(uintptr_t)ptr;
    if ((ptr & 7) != 0)
        return;
    switch (fuzz_below(rng, 6)) {
    case 0:
        for (size_t i = 0; i < words; i++)
            w[i] = fuzz_below(rng, 4);
        break;
    case 1:     /* iovec-like: {pointer, length} pairs */
        for (size_t i = 0; i + 1 < words; i += 2) {
            w[i] = one_in(rng, 4) ? gen_wild_addr(rng) : gen_arena_ptr(rng);
            w[i + 1] = one_in(rng, 3) ? gen_size(rng) : fuzz_below(rng, 300);
        }
        break;
    case 2:     /* pollfd-like: {fd, events | revents << 16} */
        for (size_t i = 0; i < words; i++) {
            uint32_t fd = (uint32_t)pool_fds[fuzz_below(rng, POOL_FDS)];
            w[i] = fd | (fuzz_next(rng) & 0xffff00000000ULL);
        }
        break;
    case 3:
        for (size_t i = 0; i < words; i++)
            w[i] = fuzz_next(rng);
        break;
    case 4:     /* a path string */
        strncpy((char *)w, paths[fuzz_below(rng, PATH_COUNT)], words * 8);
        break;
    default:
        for (size_t i = 0; i < words; i++)
            w[i] = one_in(rng, 2) ? fuzz_below(rng, 1000000000) : fuzz_below(rng, 64);
        break;
    }
}

static uint64_t gen_ptr(uint64_t *rng)
{
    if (one_in(rng, 4))
        return gen_wild_addr(rng);
    uint64_t p = gen_arena_ptr(rng);
    if (one_in(rng, 2))
        fill_buffer(rng, p);
    return p;
}

static uint64_t gen_fd(uint64_t *rng)
{
    switch (fuzz_below(rng, 10)) {
    case 0: return (uint64_t)(int64_t)-1;
    case 1: return fuzz_below(rng, 64);
    case 2: return one_in(rng, 2) ? 0x7fffffffULL : (uint64_t)(int64_t)INT32_MIN;
    case 3: return one_in(rng, 2) ? 1024 : 65536;
    default: return (uint64_t)(int64_t)pool_fds[fuzz_below(rng, POOL_FDS)];
    }
}

static uint64_t gen_pid(uint64_t *rng)
{
    switch (fuzz_below(rng, 7)) {
    case 0: return 0;
    case 1: return (uint64_t)getpid();
    case 2: return (uint64_t)-(int64_t)getpid();
    case 3: return fuzz_below(rng, 300);
    case 4: return (uint64_t)-(int64_t)fuzz_below(rng, 300);
    case 5: return one_in(rng, 2) ? 0x7fffffffULL : (uint64_t)(int64_t)INT32_MIN;
    default: return (uint64_t)(fuzz_master_pid + (pid_t)fuzz_below(rng, 40));
    }
}

static uint64_t gen_arg(uint64_t *rng, enum kind kind)
{
    switch (kind) {
    case K_NONE:
        return one_in(rng, 4) ? fuzz_next(rng) : 0;
    case K_INT:
        return gen_int(rng);
    case K_SMALL:
        return one_in(rng, 8) ? gen_int(rng) : fuzz_below(rng, 8);
    case K_FD:
        return gen_fd(rng);
    case K_DIRFD:
        return one_in(rng, 3) ? (uint64_t)(int64_t)-2 /* AT_FDCWD */ : gen_fd(rng);
    case K_PTR:
        return one_in(rng, 10) ? 0 : gen_ptr(rng);
    case K_ADDR:
        return one_in(rng, 2) ? gen_arena_ptr(rng) & ~(PAGE - 1) : gen_wild_addr(rng);
    case K_PATH:
        switch (fuzz_below(rng, 12)) {
        case 0: return (uint64_t)(uintptr_t)long_path + fuzz_below(rng, sizeof(long_path));
        case 1: return gen_ptr(rng);   /* no NUL before PROT_NONE, or garbage */
        default: return (uint64_t)(uintptr_t)paths[fuzz_below(rng, PATH_COUNT)];
        }
    case K_SIZE:
        return gen_size(rng);
    case K_OFF:
        return one_in(rng, 3) ? fuzz_below(rng, 10000) : gen_size(rng);
    case K_PID:
        return gen_pid(rng);
    case K_SIG:
        return one_in(rng, 8) ? gen_int(rng) : fuzz_below(rng, NSIG + 2);
    case K_MODE:
        return one_in(rng, 2) ? 0644 | (fuzz_below(rng, 8) << 12) : fuzz_next(rng) & 0xffff;
    case K_OFLAGS:
        return one_in(rng, 4) ? fuzz_next(rng) & 0xffffffff
                              : fuzz_next(rng) & (O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC |
                                                  O_APPEND | O_NONBLOCK | O_DIRECTORY |
                                                  O_NOCTTY | O_CLOEXEC);
    case K_PROT:
        return one_in(rng, 8) ? fuzz_next(rng) : fuzz_below(rng, 8);
    case K_MFLAGS:
        return one_in(rng, 6) ? fuzz_next(rng) & 0xfffff
                              : (MAP_PRIVATE | MAP_ANONYMOUS) |
                                (one_in(rng, 3) ? MAP_FIXED : 0) |
                                (one_in(rng, 5) ? MAP_SHARED : 0);
    case K_IOCTL:
        return one_in(rng, 6) ? fuzz_next(rng) & 0xffffffff
                              : ioctls[fuzz_below(rng, sizeof(ioctls) / sizeof(ioctls[0]))];
    case K_TIMEOUT:
        switch (fuzz_below(rng, 5)) {
        case 0: return (uint64_t)-1;
        case 1: return fuzz_next(rng);
        default: return fuzz_below(rng, 20);
        }
    case K_ANY:
    default:
        break;
    }
    switch (fuzz_below(rng, 5)) {
    case 0: return gen_ptr(rng);
    case 1: return gen_fd(rng);
    case 2: return gen_size(rng);
    default: return gen_int(rng);
    }
}

/* ---- the filter ---- */

static bool is_fd_kind(uint8_t kind)
{
    return kind == K_FD || kind == K_DIRFD;
}

/* Could a signal sent to pid (kill's meaning) reach init or the master?
 * Init is the supervisor; the master, its group, its threads (a tid is a
 * pid to kill) and -1 (every process but init and the sender) would end
 * the run. */
static bool reaches_run(int pid)
{
    if (pid == -1 || pid == 1 || pid == fuzz_master_pid || pid == -fuzz_master_pid)
        return true;
    if (pid == 0)
        return getpgrp() == fuzz_master_pid;
    for (int i = 0; i < fuzz_master_tid_count; i++)
        if (pid == fuzz_master_tids[i])
            return true;
    return false;
}

/* The master's own writable buffers: the arena's first pages, which the
 * master never lets the fuzzer unmap or protect (its threads write
 * structures there). */
static bool in_buffers(uint64_t addr, uint64_t len)
{
    uint64_t start = (uint64_t)(uintptr_t)arena, end = start + ARENA_NONE_PAGE * PAGE;
    return addr >= start && addr <= end && len <= end - addr && (addr & 7) == 0;
}

/* The part of the arena the master's fuzzing may remap or protect. */
static bool in_mutable(uint64_t addr, uint64_t len)
{
    uint64_t start = (uint64_t)(uintptr_t)arena + ARENA_NONE_PAGE * PAGE;
    uint64_t end = (uint64_t)(uintptr_t)arena + ARENA_PAGES * PAGE;
    return addr >= start && addr <= end && len <= end - addr;
}

/* Whether the path at p names something outside the fuzzer's directory
 * by an absolute path: the system's files and mounts (/, /dev, /proc,
 * /dev/pts) outlive the run and its accounting, so calls that change the
 * tree or mount leave them alone. p may be one of paths[], a string in the
 * arena's buffers (fill_buffer copies them there), or anything else, which
 * the kernel must reject or read as garbage. */
static bool is_system_path(long p)
{
    const char *path = NULL;
    for (unsigned i = 0; i < PATH_COUNT && !path; i++)
        if ((const char *)p == paths[i])
            path = paths[i];
    uint64_t end = (uint64_t)(uintptr_t)arena + ARENA_NONE_PAGE * PAGE;
    if (!path && in_buffers((uint64_t)p & ~7ULL, 0) && (uint64_t)p < end &&
        memchr((const void *)p, 0, end - (uint64_t)p))
        path = (const char *)p;     /* a string fill_buffer put in the buffers */
    if (!path || path[0] != '/')
        return false;
    while (path[0] == '/' && path[1] == '/')
        path++;
    return strncmp(path, FUZZ_DIR "/", sizeof(FUZZ_DIR)) != 0 && strcmp(path, FUZZ_DIR) != 0;
}

/* A mount or umount target the run may use: an absolute path below
 * FUZZ_DIR without "..", every component of it a real directory (no
 * symlink: "l" may point to "/"). A relative one is refused: the cwd may
 * be "/" after a chdir, and "." then is the root, which a mount of proc
 * would hide from the supervisor (/dev/vmstat, /proc/mounts) for good. */
static bool is_run_mount_point(long p)
{
    const char *path = NULL;
    for (unsigned i = 0; i < PATH_COUNT && !path; i++)
        if ((const char *)p == paths[i])
            path = paths[i];
    if (!path || strncmp(path, FUZZ_DIR "/", sizeof(FUZZ_DIR)) != 0 || strstr(path, ".."))
        return false;
    char prefix[128];
    size_t len = strlen(path);
    if (len >= sizeof(prefix))
        return false;
    for (size_t i = 1; i <= len; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        memcpy(prefix, path, i);
        prefix[i] = '\0';
        struct stat st;
        if (lstat(prefix, &st) < 0 || !S_ISDIR(st.st_mode))
            return false;
    }
    return true;
}

/* Whether p is the string name: one of paths[] or in the buffers. */
static bool is_named(long p, const char *name)
{
    for (unsigned i = 0; i < PATH_COUNT; i++)
        if ((const char *)p == paths[i])
            return strcmp(paths[i], name) == 0;
    uint64_t end = (uint64_t)(uintptr_t)arena + ARENA_NONE_PAGE * PAGE;
    return in_buffers((uint64_t)p & ~7ULL, 0) && (uint64_t)p < end &&
           strncmp((const char *)p, name, end - (uint64_t)p) == 0;
}

/* Path arguments of the calls that change the file tree (bit i: a[i]). */
static unsigned changed_paths(long nr)
{
    switch (nr) {
    case SYS_renameat: return 1u << 1 | 1u << 3;
    case SYS_unlinkat: case SYS_mkdirat: case SYS_mknodat: case SYS_fchmodat:
    case SYS_utimensat: case 122 /* fchownat */: return 1u << 1;
    case SYS_linkat: return 1u << 3;
    case SYS_symlinkat: return 1u << 2;
    case SYS_truncate: case SYS_umount: return 1u << 0;
    case SYS_mount: return 1u << 1;
    default: return 0;
    }
}

/* Returns false when the call must not be made; may adjust arguments. */
static bool allowed(struct fuzz_thread *t, long nr, long a[6])
{
    bool master = t->role == FUZZ_MASTER;
    if (fuzz_max_map && nr == SYS_mmap && (uint64_t)a[1] > fuzz_max_map)
        return false;
    if (fuzz_max_map && nr == SYS_brk && (uint64_t)a[0] < 0x800000000000ULL &&
        (uint64_t)a[0] > (uint64_t)tandem_syscall1(SYS_brk, 0) + fuzz_max_map)
        return false;
    /* ramfs and devfs cannot be unmounted (umount: ENOTSUP), so one of
     * them mounted would stay for good: not these two */
    if (nr == SYS_mount && (is_named(a[2], "ramfs") || is_named(a[2], "devfs")))
        return false;
    for (int i = 0; i < 6; i++)
        if ((changed_paths(nr) >> i & 1) && is_system_path(a[i]))
            return false;
    if ((nr == SYS_mount && !is_run_mount_point(a[1])) ||
        (nr == SYS_umount && !is_run_mount_point(a[0])))
        return false;
    switch (nr) {
    case SYS_reboot:
        return false;
    case SYS_kill:
    case SYS_sigqueue:
    case SYS_tgkill: {
        /* the kernel reads pid_t and int: compare what it will see */
        int pid = (int)a[0], sig = (int)(nr == SYS_tgkill ? a[2] : a[1]);
        if (!reaches_run(pid))
            return true;
        /* the master may signal itself (or its group) with what it
         * handles: everything but SIGKILL and SIGSTOP */
        return master && (pid == fuzz_master_pid || pid == 0 || pid == -fuzz_master_pid) &&
               sig != SIGKILL && sig != SIGSTOP && !fuzz_signal_is_fatal(sig);
    }
    case SYS_setpgid:
        /* a child in the master's group would take it down with kill(0) */
        return !master && (int)a[1] != fuzz_master_pid &&
               !((int)a[1] == 0 && (int)a[0] == fuzz_master_pid);
    case 29:    /* prlimit: init's limits (no fds, no fork) would end the run */
        return (int)a[0] != 1 || a[2] == 0;
    case 25:    /* setresuid, setresgid, setgroups: the master must stay */
    case 26:    /* root to kill its children and see its files */
    case 28:
    case SYS_fork:
    case SYS_execve:
    case SYS_exit:
    case SYS_exit_group:
    case SYS_thread_exit:
    case SYS_thread_create:
    case SYS_set_tls:
    case SYS_sigreturn:
        return !master;
    default:
        break;
    }
    if (!master)
        return true;
    /* The master: keep fds 0..2 (its report), its signal handlers and
     * the kick signal, and its memory outside the arena. */
    for (int i = 0; i < 6; i++)
        if (is_fd_kind(specs[nr].args[i]) && (int)a[i] >= 0 && (int)a[i] <= 2)
            a[i] = pool_fds[(unsigned)a[i] % POOL_FDS];
    for (int i = 0; i < 6; i++)
        if (is_fd_kind(specs[nr].args[i]) && (int)a[i] >= 0 && (int)a[i] <= 2)
            return false;       /* the pool slot held one too */
    switch (nr) {
    case SYS_sigaction:
        /* the master's faults stay fatal (a handler returning to a
         * faulting store would loop): leave those alone */
        if (fuzz_signal_is_fatal((int)a[0]))
            return a[1] == 0 || (uint64_t)a[1] >= 0x800000000000ULL;
        /* act: only valid handlers, or an address the kernel must reject */
        if (in_buffers((uint64_t)a[1], sizeof(struct abi_sigaction))) {
            /* a private copy, as for the masks below: a refill of the
             * arena before the call would install any handler */
            _Static_assert(sizeof(struct abi_sigaction) <= sizeof(t->act_copy), "act_copy");
            memcpy(t->act_copy, (const void *)a[1], sizeof(struct abi_sigaction));
            a[1] = (long)t->act_copy;
            struct abi_sigaction *sa = (struct abi_sigaction *)a[1];
            sa->handler = (uintptr_t)fuzz_signal_noop;
            sa->flags = 0;
            return true;
        }
        return a[1] == 0 || (uint64_t)a[1] >= 0x800000000000ULL;
    case SYS_sigprocmask:
    case SYS_sigsuspend: {
        long set = nr == SYS_sigprocmask ? a[1] : a[0];
        if (in_buffers((uint64_t)set, 8)) {
            /* a private copy: another worker refilling the arena between
             * this check and the call could block the kick signal, and a
             * sigsuspend would then never end (seed 302818062840) */
            t->mask_copy = *(volatile abi_sigset_t *)set;
            set = (long)&t->mask_copy;
            if (nr == SYS_sigprocmask)
                a[1] = set;
            else
                a[0] = set;
            /* nor the fault signals: one blocked, a fault kills the
             * master without its report ("killed by signal 11") */
            abi_sigset_t keep = ABI_SIGBIT(FUZZ_KICK_SIGNAL);
            for (int sig = 1; sig < 32; sig++)
                if (fuzz_signal_is_fatal(sig))
                    keep |= ABI_SIGBIT(sig);
            *(abi_sigset_t *)set &= ~keep;
            return true;
        }
        return set == 0 || (uint64_t)set >= 0x800000000000ULL;
    }
    case SYS_mmap:
        if (a[3] & MAP_FIXED)
            return in_mutable((uint64_t)a[0], (uint64_t)a[1]);
        return true;
    case SYS_munmap:
    case SYS_mprotect:
        return in_mutable((uint64_t)a[0], (uint64_t)a[1]) ||
               (uint64_t)a[0] >= 0x800000000000ULL;
    case SYS_brk: {
        uint64_t cur = (uint64_t)tandem_syscall1(SYS_brk, 0);
        return a[0] == 0 || (uint64_t)a[0] >= cur;
    }
    default:
        return true;
    }
}

/* ---- the loop ---- */

const char *fuzz_call_name(long nr)
{
    const char *name = abi_syscall_name(nr);
    return name ? name : "-";
}

/* One line per call, written with one write (threads interleave lines). */
static void trace(long nr, const long a[6], long rc)
{
    char line[200];
    int n = snprintf(line, sizeof(line), "fuzz: call %ld %s(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx) = %ld\n",
                     nr, fuzz_call_name(nr), a[0], a[1], a[2], a[3], a[4], a[5], rc);
    if (n > 0)
        write(1, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void child_main(struct fuzz_thread *parent, uint64_t seed)
{
    struct fuzz_thread t = {
        .role = FUZZ_CHILD, .rng = seed | 1, .deadline_ns = parent->deadline_ns,
        .depth = parent->depth + 1,
    };
    uint64_t limit = fuzz_now_ns() + 1500000000ULL;
    if (limit < t.deadline_ns)
        t.deadline_ns = limit;
    t.max_calls = 100 + fuzz_below(&t.rng, 2000);
    setpgid(0, 0);
    /* the master's fault handler is the master's: a child's fault ends
     * the child, as the kernel's default does */
    for (int sig = 1; sig < NSIG; sig++)
        if (fuzz_signal_is_fatal(sig))
            signal(sig, SIG_DFL);
    arena_busy = 0;             /* no other thread here */
    /* never the console: a child's ioctl on it (stopped output, raw
     * mode, another session's terminal) would block the master's and the
     * supervisor's report. Closed first, so that a failed open (the master
     * may have lowered its RLIMIT_NOFILE) leaves nothing of it. */
    for (int fd = 0; fd < 3; fd++)
        close(fd);
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3 && null >= 0; fd++)
        if (fd != null)
            dup2(null, fd);
    if (one_in(&t.rng, 2))
        fuzz_setup(&t.rng);
    fuzz_loop(&t);
    tandem_syscall1(SYS_exit_group, 0);
}

pid_t fuzz_spawn_child(struct fuzz_thread *parent)
{
    uint64_t seed = fuzz_next(&parent->rng);
    pid_t pid = fork();
    if (pid == 0)
        child_main(parent, seed);
    if (pid > 0) {
        parent->counts.forks++;
        if (parent->role == FUZZ_MASTER)
            fuzz_child_started(pid);
    }
    return pid;
}

void fuzz_loop(struct fuzz_thread *t)
{
    uint64_t *rng = &t->rng;
    while (!fuzz_stop) {
        if (t->max_calls && t->counts.calls >= t->max_calls)
            break;
        if ((t->counts.calls & 15) == 0 && fuzz_now_ns() >= t->deadline_ns)
            break;
        if (one_in(rng, 64)) {
            t->last_nr = -1;        /* "in pool_refresh" */
            pool_refresh(rng);
        }
        if (one_in(rng, 1024)) {
            t->last_nr = -2;        /* "in arena_reset" */
            arena_reset();
        }
        long nr = fuzz_nr_lo + (long)fuzz_below(rng, (uint64_t)(fuzz_nr_hi - fuzz_nr_lo + 1));
        if (one_in(rng, 200) && fuzz_nr_lo == 0)
            nr = (long)gen_int(rng);        /* out of range */
        if (nr >= fuzz_skip_lo && nr <= fuzz_skip_hi)
            continue;
        if (nr == SYS_fork) {
            /* children of the master's kind, bounded in number and depth,
             * rather than copies of this loop */
            if (t->role == FUZZ_MASTER ? fuzz_may_spawn() : t->depth < 2 && one_in(rng, 4))
                fuzz_spawn_child(t);
            continue;
        }
        const struct sys_spec *spec = nr >= 0 && nr < SYS_COUNT ? &specs[nr] : NULL;
        long a[6];
        for (int i = 0; i < 6; i++) {
            enum kind k = spec && spec->args[i] ? (enum kind)spec->args[i] : K_NONE;
            if (!spec || one_in(rng, 16))
                k = K_ANY;
            a[i] = (long)gen_arg(rng, k);
        }
        if (nr >= 0 && nr < SYS_COUNT && !allowed(t, nr, a)) {
            t->counts.skipped++;
            continue;
        }
        if ((nr < 0 || nr >= SYS_COUNT) && t->role == FUZZ_MASTER &&
            ((unsigned long)nr % (1UL << 32)) < SYS_COUNT) {
            t->counts.skipped++;        /* a truncating kernel would run it unchecked */
            continue;
        }
        t->last_nr = nr;
        bool is_failing = fail_fd >= 0 && one_in(rng, FAIL_ONE_IN);
        if (is_failing)
            fail_arm(1 + (unsigned)fuzz_below(rng, FAIL_NTH_MAX));
        long rc = sys6(nr, a);
        if (is_failing) {
            t->counts.armed++;
            t->counts.failed_allocs += fail_happened();
            fail_arm(0);
        }
        if (fuzz_trace && t->role == FUZZ_MASTER)
            trace(nr, a, rc);
        t->counts.calls++;
        if (rc < 0 && rc > -4096)
            t->counts.errors++;
    }
}
