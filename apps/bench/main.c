/* Process benchmarks: getpid, pipe ping-pong between two processes,
 * fork+exit+wait, and fork of a process with 64 MiB of touched heap.
 *
 * The same source builds as a Tandem program (apps/meson.build, the bench
 * image's /sbin/init) and as a static Linux program (scripts/bench proc
 * builds it with the host's gcc -static and aarch64-linux-gnu-gcc -static),
 * so both kernels run the same code in the same QEMU. Times come from
 * clock_gettime(CLOCK_MONOTONIC): each figure is the median over batches of
 * the mean per operation in the batch. Output lines are "bench KEY VALUE".
 *
 * On Tandem the pages copied by the 64 MiB fork come from /dev/vmstat (the
 * VM layer's cow_copies counter, every copy-on-write copy in the system
 * between the fork and the wait: the parent's own writes to its stack and
 * data after the fork count too). Linux has no such counter: the line says
 * n/a; with /proc mounted it prints how many transparent huge pages the
 * heap got (thp_fault_alloc), which changes what its fork copies.
 *
 * usage: bench [quick]    (quick: a few iterations, for the smoke test)
 * As init on Tandem the argument comes from the kernel command line:
 * "-- quick". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HEAP_BYTES (64UL << 20)
#define PAGE_BYTES 4096UL
#define MAX_BATCHES 32

static int quick;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *values, int n)
{
    qsort(values, (size_t)n, sizeof(values[0]), compare_doubles);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static void fail(const char *what)
{
    printf("bench error %s: %s\n", what, strerror(errno));
    fflush(stdout);
    exit(1);
}

/* A "name value" counter of /dev/vmstat (Tandem) or /proc/vmstat (Linux,
 * when /proc is mounted); -1 when there is none. */
static long long vmstat(const char *name)
{
    int fd = open("/dev/vmstat", O_RDONLY);
    if (fd < 0)
        fd = open("/proc/vmstat", O_RDONLY);
    if (fd < 0)
        return -1;
    static char text[16384];
    ssize_t n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = '\0';
    size_t len = strlen(name);
    for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, name, len) == 0 && line[len] == ' ')
            return atoll(line + len + 1);
    }
    return -1;
}

static void wait_child(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) != pid)
        fail("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("bench error child status 0x%x\n", status);
        exit(1);
    }
}

/* ns per getpid call. */
static double bench_getpid(void)
{
    int batches = quick ? 3 : 20, per = quick ? 1000 : 5000;
    double values[MAX_BATCHES];
    for (int b = 0; b < batches; b++) {
        double start = now_ns();
        for (int i = 0; i < per; i++) {
            if (getpid() <= 0)
                fail("getpid");
        }
        values[b] = (now_ns() - start) / per;
    }
    return median(values, batches);
}

/* ns per call of an empty function that is not inlined, in the same loop
 * as getpid's: the floor of a syscall that costs a function call (direct
 * mode's aim) under this CPU or emulator. */
__attribute__((noinline)) static int empty_call(void)
{
    __asm__ volatile("");
    return 1;
}

static int (*volatile empty_call_ptr)(void) = empty_call;

static double bench_call(void)
{
    int batches = quick ? 3 : 20, per = quick ? 1000 : 5000;
    double values[MAX_BATCHES];
    for (int b = 0; b < batches; b++) {
        double start = now_ns();
        for (int i = 0; i < per; i++) {
            if (empty_call_ptr() <= 0)
                fail("call");
        }
        values[b] = (now_ns() - start) / per;
    }
    return median(values, batches);
}

/* us per 1-byte round trip between two processes over two pipes. */
static double bench_pipe(void)
{
    int batches = quick ? 3 : 10, per = quick ? 20 : 200;
    int there[2], back[2];
    if (pipe(there) < 0 || pipe(back) < 0)
        fail("pipe");
    pid_t pid = fork();
    if (pid < 0)
        fail("fork");
    if (pid == 0) {
        char c;
        close(there[1]);
        close(back[0]);
        while (read(there[0], &c, 1) == 1) {
            if (write(back[1], &c, 1) != 1)
                _exit(2);
        }
        _exit(0);
    }
    close(there[0]);
    close(back[1]);
    double values[MAX_BATCHES];
    char c = 'x';
    for (int b = 0; b < batches; b++) {
        double start = now_ns();
        for (int i = 0; i < per; i++) {
            if (write(there[1], &c, 1) != 1)
                fail("pipe write");
            if (read(back[0], &c, 1) != 1)
                fail("pipe read");
        }
        values[b] = (now_ns() - start) / per / 1e3;
    }
    close(there[1]);            /* the child reads EOF and exits */
    wait_child(pid);
    close(back[0]);
    return median(values, batches);
}

/* ms per fork + child _exit(0) + waitpid. */
static double bench_fork(void)
{
    int batches = quick ? 3 : 10, per = quick ? 3 : 20;
    double values[MAX_BATCHES];
    for (int b = 0; b < batches; b++) {
        double start = now_ns();
        for (int i = 0; i < per; i++) {
            pid_t pid = fork();
            if (pid < 0)
                fail("fork");
            if (pid == 0)
                _exit(0);
            wait_child(pid);
        }
        values[b] = (now_ns() - start) / per / 1e6;
    }
    return median(values, batches);
}

/* fork + _exit + waitpid with 64 MiB of touched heap: ms (median), and the
 * pages copied (the largest count over the runs). */
static void bench_fork64(double *ms, long long *copied, long long *touched,
                         long long *huge)
{
    int runs = quick ? 1 : 7;
    char *heap = malloc(HEAP_BYTES);
    if (!heap)
        fail("malloc 64 MiB");
    long long zero_before = vmstat("zero_fills");
    long long huge_before = vmstat("thp_fault_alloc");
    memset(heap, 0x5a, HEAP_BYTES);
    long long zero_after = vmstat("zero_fills");
    long long huge_after = vmstat("thp_fault_alloc");
    *touched = zero_before >= 0 ? zero_after - zero_before : -1;
    /* Linux: 2 MiB pages the heap got (a fork then copies PMDs, not PTEs). */
    *huge = huge_before >= 0 ? huge_after - huge_before : -1;
    double values[MAX_BATCHES];
    *copied = -1;
    for (int r = 0; r < runs; r++) {
        long long before = vmstat("cow_copies");
        double start = now_ns();
        pid_t pid = fork();
        if (pid < 0)
            fail("fork");
        if (pid == 0)
            _exit(0);
        wait_child(pid);
        values[r] = (now_ns() - start) / 1e6;
        long long after = vmstat("cow_copies");
        if (before >= 0 && after - before > *copied)
            *copied = after - before;
    }
    /* The heap is still the parent's and intact. */
    for (unsigned long i = 0; i < HEAP_BYTES; i += PAGE_BYTES) {
        if (heap[i] != 0x5a) {
            printf("bench error heap byte %lu changed\n", i);
            exit(1);
        }
    }
    free(heap);
    *ms = median(values, runs);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "quick") == 0)
            quick = 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct utsname u;
    if (uname(&u) < 0)
        fail("uname");
    printf("bench os %s %s\n", u.sysname, u.machine);
    printf("bench mode %s\n", quick ? "quick" : "full");
    printf("bench getpid_ns %.0f\n", bench_getpid());
    printf("bench call_ns %.1f\n", bench_call());
    printf("bench pipe_rtt_us %.2f\n", bench_pipe());
    printf("bench fork_exit_wait_ms %.3f\n", bench_fork());
    double ms;
    long long copied, touched, huge;
    bench_fork64(&ms, &copied, &touched, &huge);
    printf("bench fork64_ms %.3f\n", ms);
    if (copied >= 0) {
        printf("bench fork64_pages_copied %lld\n", copied);
        printf("bench fork64_pages_touched %lld\n", touched);
    } else {
        printf("bench fork64_pages_copied n/a\n");
    }
    if (huge >= 0)
        printf("bench fork64_thp_faults %lld\n", huge);
    printf("bench done\n");
    fflush(stdout);
    return 0;
}
