/* The fuzz image's init: a supervisor (pid 1) that records the kernel's
 * free pages and heap bytes, runs the fuzzing master for the given time,
 * kills and reaps everything it left, removes what it created, and checks
 * that the counters are back where they were. The master runs worker
 * threads that make random syscalls (gen.c), starts children that do the
 * same with fewer restrictions, and interrupts blocked calls with a signal.
 * Usage (init's arguments after "--" on the kernel command line):
 *   fuzz [seconds=N] [seed=S] [threads=T] [only=LO-HI] [skip=LO-HI] [maxmap=BYTES]
 *        [trace=1] [hang=1]
 * (only: syscall numbers to pick from; skip: numbers to leave out;
 * maxmap: longest mmap or brk growth;
 * trace: print the master's calls;
 * hang: the master blocks for good, to check the supervisor's time-out)
 * The seed is printed first: the same seed and CPU count replay a run. */
#include <abi/dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <tandem/syscall.h>
#include <time.h>
#include <unistd.h>
#include "fuzz.h"

#define DEFAULT_SECONDS 20
#define DEFAULT_THREADS 4
#define MAX_CHILDREN 6
#define CHILD_MAX_NS 3000000000ULL      /* then the master kills it */
#define KICK_INTERVAL_NS 10000000L      /* workers' blocked calls end */
#define STOP_GRACE_NS 30000000000ULL    /* to stop after the deadline */
/* Kernel memory still in use after the run beyond the baseline: no heap
 * byte allowed. Pages: a few, since lwIP's timers (every image links the
 * stack) allocate and free heap objects all the time, and the objects
 * alive at the end may sit on other slab pages than at the baseline (heap
 * bytes equal, one to a few more slab pages in use: seeds 681373001150
 * amd64, 36819917524 arm64; a wait of 150 s did not change it). The other
 * way, the baseline may have caught a thread that had just ended (its
 * stack and structure freed a moment later): up to that much more free
 * after the run is not a leak. */
#define SLACK_PAGES 8
#define SLACK_HEAP_BYTES 0
#define IN_FLIGHT_PAGES 8
#define IN_FLIGHT_HEAP_BYTES 2048

pid_t fuzz_master_tids[FUZZ_MAX_THREADS];
int fuzz_master_tid_count;

/* ---- the master ---- */

struct worker {
    pthread_t thread;
    struct fuzz_thread t;
    volatile int finished;
};

struct child_slot {
    pid_t pid;                  /* 0: free */
    uint64_t started_ns;
};
/* children_lock protects children[]: workers add, the main thread reaps */
static pthread_mutex_t children_lock = PTHREAD_MUTEX_INITIALIZER;
static struct child_slot children[MAX_CHILDREN];
static uint64_t children_signaled, children_reaped;

void fuzz_signal_noop(int sig)
{
    (void)sig;
}

bool fuzz_may_spawn(void)
{
    pthread_mutex_lock(&children_lock);
    int used = 0;
    for (int i = 0; i < MAX_CHILDREN; i++)
        used += children[i].pid != 0;
    pthread_mutex_unlock(&children_lock);
    return used < MAX_CHILDREN;
}

void fuzz_child_started(pid_t pid)
{
    pthread_mutex_lock(&children_lock);
    for (int i = 0; i < MAX_CHILDREN; i++) {
        if (!children[i].pid) {
            children[i].pid = pid;
            children[i].started_ns = fuzz_now_ns();
            pid = 0;
            break;
        }
    }
    pthread_mutex_unlock(&children_lock);
    if (pid) {                  /* no room: it does not live long */
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
    }
}

/* Reaps what ended, forgets what a worker's wait4 reaped, kills what
 * overstayed (all of its group: its own children too). */
static void tend_children(bool kill_all)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        children_reaped++;
        if (WIFSIGNALED(status))
            children_signaled++;
    }
    uint64_t now = fuzz_now_ns();
    pthread_mutex_lock(&children_lock);
    for (int i = 0; i < MAX_CHILDREN; i++) {
        pid_t p = children[i].pid;
        if (!p)
            continue;
        if (kill(p, 0) < 0 && errno == ESRCH) {
            children[i].pid = 0;
        } else if (kill_all || now - children[i].started_ns > CHILD_MAX_NS) {
            kill(-p, SIGKILL);
            kill(p, SIGKILL);
        }
    }
    pthread_mutex_unlock(&children_lock);
}

static struct worker workers[FUZZ_MAX_THREADS];

/* A fault of the master itself (a kernel that wrote where it should not,
 * or the fuzzer's own bug): say where and in which call, then end. */
static void on_master_fault(int sig, siginfo_t *info, void *context)
{
    (void)context;
    if (getpid() != fuzz_master_pid) {
        /* a child forked with this handler before it reset it: a child's
         * fault is its own business (it dies as by the signal) */
        signal(sig, SIG_DFL);
        tandem_syscall2(SYS_kill, getpid(), sig);
        _exit(128 + sig);
    }
    pid_t tid = (pid_t)tandem_syscall0(SYS_gettid);
    long nr = -100;
    for (int i = 0; i < fuzz_master_tid_count; i++)
        if (fuzz_master_tids[i] == tid)
            nr = workers[i].t.last_nr;
    char line[200];
    int n = snprintf(line, sizeof(line),
                     "fuzz: FAIL the master got signal %d (code %d) at address %p in thread %d, "
                     "last syscall %ld (%s)\n", sig, info->si_code, info->si_addr, (int)tid, nr,
                     fuzz_call_name(nr));
    if (n > 0)
        write(1, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
    _exit(4);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    fuzz_loop(&w->t);
    w->finished = 1;
    return NULL;
}

static void sleep_ns(long ns)
{
    struct timespec ts = { ns / 1000000000L, ns % 1000000000L };
    nanosleep(&ts, NULL);
}

static void show_file(const char *path)
{
    char buf[1024];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return;
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0)
        write(1, buf, (size_t)n);
    close(fd);
}

/* hang=1: the master blocks for good (checks that the supervisor still
 * reports and powers off) */
static bool hang_master;

static int master_main(uint64_t seed, unsigned seconds, int threads)
{
    fuzz_master_pid = getpid();
    setpgid(0, 0);
    while (hang_master && seconds)
        pause();
    /* every signal that can be caught is, without SA_RESTART: a blocked
     * call ends with EINTR and nothing the fuzzer sends ends the master */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fuzz_signal_noop;
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP && !fuzz_signal_is_fatal(sig))
            sigaction(sig, &sa, NULL);
    struct sigaction fault;
    memset(&fault, 0, sizeof(fault));
    fault.sa_sigaction = on_master_fault;
    fault.sa_flags = SA_SIGINFO;
    for (int sig = 1; sig < NSIG; sig++)
        if (fuzz_signal_is_fatal(sig))
            sigaction(sig, &fault, NULL);
    mkdir(FUZZ_DIR, 0777);
    mkdir(FUZZ_DIR "/d", 0777);
    if (chdir(FUZZ_DIR) < 0) {
        printf("fuzz: FAIL cannot enter %s (%s)\n", FUZZ_DIR, strerror(errno));
        return 2;
    }
    uint64_t rng = seed | 1;
    fuzz_setup(&rng);

    uint64_t deadline = fuzz_now_ns() + (uint64_t)seconds * 1000000000ULL;
    for (int i = 0; i < threads; i++) {
        workers[i].t.role = FUZZ_MASTER;
        workers[i].t.rng = (seed + 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1)) | 1;
        workers[i].t.deadline_ns = deadline;
        if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0) {
            printf("fuzz: FAIL cannot start worker %d\n", i);
            return 2;
        }
        fuzz_master_tids[i] = pthread_gettid_np(workers[i].thread);
        fuzz_master_tid_count = i + 1;
    }
    while (fuzz_now_ns() < deadline) {
        sleep_ns(KICK_INTERVAL_NS);
        for (int i = 0; i < threads; i++)
            if (!workers[i].finished)
                pthread_kill(workers[i].thread, FUZZ_KICK_SIGNAL);
        tend_children(false);
    }
    fuzz_stop = 1;
    uint64_t give_up = fuzz_now_ns() + STOP_GRACE_NS;
    for (;;) {
        int running = 0;
        for (int i = 0; i < threads; i++) {
            if (!workers[i].finished) {
                running++;
                pthread_kill(workers[i].thread, FUZZ_KICK_SIGNAL);
            }
        }
        tend_children(true);
        if (!running)
            break;
        if (fuzz_now_ns() > give_up) {
            for (int i = 0; i < threads; i++)
                if (!workers[i].finished)
                    printf("fuzz: FAIL worker %d (tid %d) stuck in syscall %ld %s "
                           "(-1: making fds, -2: remapping)\n", i, (int)fuzz_master_tids[i],
                           workers[i].t.last_nr,
                           fuzz_call_name(workers[i].t.last_nr));
            fflush(stdout);
            show_file("/proc/self/status");
            return 3;
        }
        sleep_ns(10000000L);
    }
    struct fuzz_counts total = { 0 };
    for (int i = 0; i < threads; i++) {
        pthread_join(workers[i].thread, NULL);
        total.calls += workers[i].t.counts.calls;
        total.errors += workers[i].t.counts.errors;
        total.skipped += workers[i].t.counts.skipped;
        total.forks += workers[i].t.counts.forks;
        total.armed += workers[i].t.counts.armed;
        total.failed_allocs += workers[i].t.counts.failed_allocs;
    }
    for (;;) {
        tend_children(true);
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0 && errno == ECHILD)
            break;
        if (pid > 0) {
            children_reaped++;
            if (WIFSIGNALED(status))
                children_signaled++;
        }
    }
    printf("fuzz: %llu calls, %llu errors, %llu skipped, %llu children (%llu reaped here, "
           "%llu killed by a signal), %d threads\n",
           (unsigned long long)total.calls, (unsigned long long)total.errors,
           (unsigned long long)total.skipped, (unsigned long long)total.forks,
           (unsigned long long)children_reaped, (unsigned long long)children_signaled,
           threads);
    printf("fuzz: %llu calls with an allocation set to fail (/dev/fail-nth), %llu failed one\n",
           (unsigned long long)total.armed, (unsigned long long)total.failed_allocs);
    fflush(stdout);
    return 0;
}

/* ---- the supervisor's file tree bookkeeping (no allocation after the
 * baseline: static buffers only) ---- */

#define TREE_BYTES 65536
static char tree[TREE_BYTES];       /* NUL-separated paths present before */
static size_t tree_len;

static bool in_tree(const char *path)
{
    for (size_t at = 0; at < tree_len; at += strlen(tree + at) + 1)
        if (strcmp(tree + at, path) == 0)
            return true;
    return false;
}

/* dir/name into out (cut at size: such a path is not ours to remove). */
static void join_path(char *out, size_t size, const char *dir, const char *name)
{
    size_t used = 0;
    for (const char *p = dir; *p && used + 1 < size; p++)
        out[used++] = *p;
    if (strcmp(dir, "/") != 0 && used + 1 < size)
        out[used++] = '/';
    for (const char *p = name; *p && used + 1 < size; p++)
        out[used++] = *p;
    out[used] = '\0';
}

#define MAX_DEPTH 64             /* directories below / the walks follow */
#define STACK_TOUCH_BYTES (256 * 1024)   /* more than MAX_DEPTH levels use */

/* Reads dir's entry names (not . and ..) into buf, NUL-separated, as many
 * as fit; returns how many, or -1. getdents into the stack, not opendir:
 * the supervisor allocates nothing between its two readings. */
static int list_dir(const char *dir, char *buf, size_t size)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    char raw[1024];
    size_t used = 0;
    int count = 0;
    long n;
    while ((n = tandem_syscall3(SYS_getdents, fd, raw, sizeof(raw))) > 0) {
        for (long off = 0; off < n;) {
            const struct dirent64 *e = (const struct dirent64 *)(raw + off);
            off += e->d_reclen;
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            size_t len = strlen(e->d_name) + 1;
            if (used + len > size)
                goto out;
            memcpy(buf + used, e->d_name, len);
            used += len;
            count++;
        }
    }
out:
    close(fd);
    return count;
}

/* Removes path and, for a directory, everything under it (and anything
 * mounted on it). */
static void remove_tree(const char *path, int depth)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return;
    if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
        for (int i = 0; i < 4 && umount(path) == 0; i++)
            ;
        for (int rounds = 0; rounds < 8; rounds++) {
            char names[1024];
            int count = list_dir(path, names, sizeof(names));
            if (count <= 0)
                break;
            const char *name = names;
            for (int i = 0; i < count; i++, name += strlen(name) + 1) {
                char child[512];
                join_path(child, sizeof(child), path, name);
                remove_tree(child, depth + 1);
            }
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* Walks the tree under dir (not /proc): record adds every path to tree[],
 * otherwise every path not in tree[] is removed. */
static void walk(const char *dir, bool record, int depth)
{
    if (strcmp(dir, "/proc") == 0 || depth >= MAX_DEPTH)
        return;
    char names[1024];
    int count = list_dir(dir, names, sizeof(names));
    const char *name = names;
    for (int i = 0; i < count; i++, name += strlen(name) + 1) {
        char path[512];
        join_path(path, sizeof(path), dir, name);
        if (record) {
            size_t n = strlen(path) + 1;
            if (tree_len + n <= TREE_BYTES) {
                memcpy(tree + tree_len, path, n);
                tree_len += n;
            }
        } else if (!in_tree(path)) {
            remove_tree(path, depth + 1);
            continue;
        }
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            walk(path, record, depth + 1);
    }
}

/* Makes the stack pages the walks may use present now, before the
 * baseline (a process's pages are counted too). */
__attribute__((noinline)) static void touch_stack(void)
{
    volatile char area[STACK_TOUCH_BYTES];
    for (size_t i = 0; i < sizeof(area); i += 512)
        area[i] = 0;
}

/* ---- the supervisor ---- */

struct counters {
    long long free_pages;
    long long heap_bytes;
};

static long long counter(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, name, n) == 0 && p[n] == ' ')
            return atoll(p + n + 1);
    return -1;
}

static void *settle_thread(void *arg)
{
    return arg;
}

/* The kernel frees a dead thread's stack at the next thread creation
 * (libos/sched/thread.c's zombie list): a thread and a child made and
 * ended the same way before each reading leave the same ones pending. */
static void settle(void)
{
    for (int i = 0; i < 2; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, settle_thread, NULL) == 0)
            pthread_join(t, NULL);
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid > 0)
            waitpid(pid, NULL, 0);
    }
}

static struct counters read_counters(void)
{
    settle();
    static char text[512];
    struct counters c = { -1, -1 };
    int fd = open("/dev/vmstat", O_RDONLY);
    if (fd < 0) {
        static bool said;
        if (!said)
            printf("fuzz: cannot open /dev/vmstat: %s\n", strerror(errno));
        said = true;
        return c;
    }
    ssize_t n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (n <= 0)
        return c;
    text[n] = '\0';
    c.free_pages = counter(text, "nr_free_pages");
    c.heap_bytes = counter(text, "heap_bytes");
    return c;
}

static bool counters_back(struct counters base, struct counters now)
{
    return base.free_pages - now.free_pages <= SLACK_PAGES &&
           now.free_pages - base.free_pages <= IN_FLIGHT_PAGES &&
           now.heap_bytes - base.heap_bytes <= SLACK_HEAP_BYTES &&
           base.heap_bytes - now.heap_bytes <= IN_FLIGHT_HEAP_BYTES;
}

static volatile sig_atomic_t alarmed;

static void on_alarm(int sig)
{
    (void)sig;
    alarmed = 1;
}

/* Prints /proc/<pid>/stat of every process but this one (what is left
 * when SIGKILL does not end them: the kernel bug to look for). */
static void show_processes(void)
{
    char names[1024];
    /* the image mounts no procfs (the fuzzing runs without it): only
     * here, on the way to a failure, where memory no longer counts */
    mkdir("/proc", 0555);
    bool mounted = mount("proc", "/proc", "proc", 0, NULL) == 0;
    int count = list_dir("/proc", names, sizeof(names));
    if (count < 0)
        printf("fuzz: cannot list /proc: %s\n", strerror(errno));
    fflush(stdout);
    const char *name = names;
    for (int i = 0; i < count; i++, name += strlen(name) + 1) {
        if (name[0] < '0' || name[0] > '9' || strcmp(name, "1") == 0)
            continue;
        char path[1056];
        snprintf(path, sizeof(path), "/proc/%s/stat", name);
        write(1, "fuzz: left: ", 12);
        show_file(path);
        snprintf(path, sizeof(path), "/proc/%s/status", name);
        show_file(path);
    }
    if (mounted)
        umount("/proc");
}

#define REAP_SECONDS 20     /* every process killed ends within this */

/* Kills every process but this one (kill -1) and reaps until none is
 * left; false (after listing them) when some do not end in REAP_SECONDS. */
static bool kill_and_reap_all(void)
{
    alarmed = 0;
    alarm(REAP_SECONDS);
    for (;;) {
        kill(-1, SIGKILL);
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0 && errno == ECHILD)
            break;
        if (pid < 0 && alarmed) {
            printf("fuzz: FAIL processes still there %d s after SIGKILL\n", REAP_SECONDS);
            fflush(stdout);
            show_processes();
            return false;
        }
    }
    alarm(0);
    return true;
}

static uint64_t random_seed(void)
{
    uint64_t seed = 0;
    int fd = open("/dev/urandom", O_RDONLY);
    if (fd >= 0) {
        if (read(fd, &seed, sizeof(seed)) != sizeof(seed))
            seed = 0;
        close(fd);
    }
    if (!seed)
        seed = fuzz_now_ns();
    return seed % 1000000000000ULL;     /* short enough to type */
}

/* Runs the master once for no time (its set-up and tear-down: threads,
 * a pty, pipes, the fuzzer's directory), and cleans up after it, so that
 * what the kernel creates on first use and keeps is in the baseline. */
static void warm_up(uint64_t seed, int threads)
{
    /* The network stack starts at the first AF_INET socket and stays: in
     * the baseline, whatever the warm-up's random pool holds. */
    for (int type = 1; type <= 2; type++) {
        int fd = socket(AF_INET, type, 0);
        if (fd >= 0)
            close(fd);
    }
    /* So does the pipes' superblock, made at the first pipe (the random
     * pool of the warm-up may have none). */
    int fds[2];
    if (pipe(fds) == 0) {
        close(fds[0]);
        close(fds[1]);
    }
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, 1);
        _exit(master_main(seed, 0, threads));
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
    kill_and_reap_all();
    walk("/", false, 0);
}

int main(int argc, char **argv)
{
    unsigned seconds = DEFAULT_SECONDS;
    int threads = DEFAULT_THREADS;
    uint64_t seed = 0;
    bool have_seed = false;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "seconds=", 8) == 0) {
            seconds = (unsigned)strtoul(argv[i] + 8, NULL, 10);
        } else if (strncmp(argv[i], "seed=", 5) == 0) {
            seed = strtoull(argv[i] + 5, NULL, 10);
            have_seed = true;
        } else if (strncmp(argv[i], "only=", 5) == 0) {
            char *end;
            fuzz_nr_lo = strtol(argv[i] + 5, &end, 10);
            fuzz_nr_hi = *end == '-' ? strtol(end + 1, NULL, 10) : fuzz_nr_lo;
            if (fuzz_nr_lo < 0 || fuzz_nr_hi < fuzz_nr_lo)
                fuzz_nr_lo = 0, fuzz_nr_hi = SYS_COUNT;
        } else if (strncmp(argv[i], "skip=", 5) == 0) {
            char *end;
            fuzz_skip_lo = strtol(argv[i] + 5, &end, 10);
            fuzz_skip_hi = *end == '-' ? strtol(end + 1, NULL, 10) : fuzz_skip_lo;
        } else if (strncmp(argv[i], "maxmap=", 7) == 0) {
            fuzz_max_map = strtoull(argv[i] + 7, NULL, 0);
        } else if (strcmp(argv[i], "hang=1") == 0) {
            hang_master = true;
        } else if (strcmp(argv[i], "trace=1") == 0) {
            fuzz_trace = 1;
        } else if (strncmp(argv[i], "threads=", 8) == 0) {
            threads = atoi(argv[i] + 8);
            if (threads < 1 || threads > FUZZ_MAX_THREADS)
                threads = DEFAULT_THREADS;
        } else {
            printf("fuzz: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if (!have_seed)
        seed = random_seed();
    printf("fuzz: seed %llu\n", (unsigned long long)seed);
    printf("fuzz: %u seconds, %d threads\n", seconds, threads);
    fflush(stdout);
    /* without SA_RESTART (signal() sets it): the alarm must end a
     * waitpid that waits for a process that does not end */
    struct sigaction alarm_action;
    memset(&alarm_action, 0, sizeof(alarm_action));
    alarm_action.sa_handler = on_alarm;
    sigaction(SIGALRM, &alarm_action, NULL);

    touch_stack();
    walk("/", true, 0);
    warm_up(seed, threads);
    /* A reading sometimes catches a thread that has just ended before its
     * stack went to the zombie list (4 pages and its heap, freed a moment
     * later): the baseline is the quietest of a few readings. */
    struct counters base = read_counters();
    for (int i = 0; i < 4; i++) {
        sleep_ns(50000000L);
        struct counters c = read_counters();
        if (c.free_pages > base.free_pages)
            base = c;
    }

    pid_t master = fork();
    if (master < 0) {
        printf("fuzz: FAIL fork: %s\n", strerror(errno));
        return 1;
    }
    if (master == 0)
        _exit(master_main(seed, seconds, threads));
    alarm(seconds + (unsigned)(STOP_GRACE_NS / 1000000000ULL) + 60);
    int status = 0;
    bool master_done = false;
    while (!master_done) {
        pid_t pid = waitpid(-1, &status, 0);
        if (pid == master)
            master_done = true;
        else if (pid < 0 && errno == EINTR && alarmed)
            break;
        else if (pid < 0 && errno != EINTR)
            break;
    }
    alarm(0);
    if (!master_done) {
        printf("fuzz: FAIL the master did not finish; the processes:\n");
        fflush(stdout);
        show_processes();
    }
    bool reaped = kill_and_reap_all();
    walk("/", false, 0);

    /* Freed memory may come back a little later (a thread's kernel stack
     * after its last switch): look again for up to 5 s. */
    struct counters after = read_counters();
    for (int i = 0; i < 50 && !counters_back(base, after); i++) {
        sleep_ns(100000000L);
        after = read_counters();
    }
    printf("fuzz: pages baseline %lld after %lld\n", base.free_pages, after.free_pages);
    printf("fuzz: heap baseline %lld after %lld\n", base.heap_bytes, after.heap_bytes);
    bool ok = true;
    if (!reaped)
        ok = false;
    if (!master_done) {
        ok = false;
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("fuzz: FAIL the master %s %d\n", WIFEXITED(status) ? "exited" : "was killed by signal",
               WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        ok = false;
    }
    if (base.free_pages < 0 || !counters_back(base, after)) {
        printf("fuzz: FAIL kernel memory not back to the baseline (slack %d pages, %d heap bytes)\n",
               SLACK_PAGES, SLACK_HEAP_BYTES);
        fflush(stdout);
        show_file("/proc/mounts");
        ok = false;
    }
    printf("fuzz: %s (seed %llu)\n", ok ? "PASS" : "FAIL", (unsigned long long)seed);
    fflush(stdout);
    return ok ? 0 : 1;
}
