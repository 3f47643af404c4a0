/* Memory: brk, anonymous mmap (zeroed, private), munmap, mprotect, and
 * faults becoming SIGSEGV with the address in si_addr. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define PAGE 4096

static void brk_grows_and_shrinks(void)
{
    char *start = sbrk(0);
    CHECK(start != (void *)-1, "sbrk(0) failed");
    char *old = sbrk(3 * PAGE);
    CHECK(old == start, "sbrk(3 pages): expected %p, got %p", (void *)start, (void *)old);
    memset(start, 0x5a, 3 * PAGE);
    CHECK_EQ("byte written at the top of the new break", 0x5a, start[3 * PAGE - 1]);
    CHECK(sbrk(0) == start + 3 * PAGE, "sbrk(0) after growing: expected %p, got %p",
          (void *)(start + 3 * PAGE), sbrk(0));
    CHECK(sbrk(-3 * PAGE) != (void *)-1, "shrinking the break failed");
    CHECK(sbrk(0) == start, "sbrk(0) after shrinking: expected %p, got %p", (void *)start,
          sbrk(0));
}

static void malloc_large_block(void)
{
    size_t size = 16 << 20;
    unsigned char *p = malloc(size);
    CHECK(p, "malloc(16 MiB) failed");
    for (size_t i = 0; i < size; i += PAGE)
        p[i] = (unsigned char)(i >> 12);
    for (size_t i = 0; i < size; i += PAGE)
        CHECK(p[i] == (unsigned char)(i >> 12), "page %zu: expected 0x%x, got 0x%x", i / PAGE,
              (unsigned char)(i >> 12), p[i]);
    free(p);
}

static void mmap_anonymous_is_zeroed(void)
{
    size_t size = 8 * PAGE;
    unsigned char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap failed: errno %d", errno);
    CHECK_EQ("mmap address page offset", 0, (uintptr_t)p % PAGE);
    for (size_t i = 0; i < size; i++)
        CHECK(p[i] == 0, "byte %zu of a new mapping: expected 0, got 0x%x", i, p[i]);
    memset(p, 0xff, size);
    CHECK_OK(munmap(p, size));
}

static void mmap_bad_arguments_einval(void)
{
    CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
          errno == EINVAL, "mmap of 0 bytes: expected EINVAL, got errno %d", errno);
    CHECK(mmap((void *)(PAGE + 1), PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
               0) == MAP_FAILED && errno == EINVAL,
          "MAP_FIXED at an unaligned address: expected EINVAL, got errno %d", errno);
}

/* File mappings are not supported yet (ENODEV), but a bad call gets the
 * error Linux gives, checked first: the offset, the fd, the length, the
 * type, a MAP_FIXED address, then the file's access mode. */
static void mmap_argument_errors_in_linux_order(void)
{
    const char *path = "/tmp/mem-mmap-file";
    int rw = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_OK(rw);
    CHECK_EQ("write", PAGE, write(rw, memset(malloc(PAGE), 'm', PAGE), PAGE));
    int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY);
    CHECK_OK(ro);
    CHECK_OK(wo);
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, ro, 1), EINVAL);      /* offset */
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 1000, 0), EBADF);     /* fd */
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, -1, 0), EBADF);
    CHECK_ERRNO(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, ro, 0), EINVAL);         /* length */
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, 0, ro, 0), EINVAL);                /* type */
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_SHARED | MAP_PRIVATE, ro, 0), EINVAL);
    CHECK_ERRNO(mmap((void *)(PAGE + 1), PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, ro, 0), EINVAL);
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, wo, 0), EACCES);      /* access */
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES);
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, wo, 0), EACCES);
    /* anonymous: the fd is not looked at */
    void *p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, 1000, 0);
    CHECK(p != MAP_FAILED, "anonymous mmap with a bad fd: errno %d", errno);
    munmap(p, PAGE);
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 4095), EINVAL);
    close(ro);
    close(wo);
    close(rw);
    unlink(path);
}

/* Runs fn in a child and returns its status. */
static int in_child(void (*fn)(void *), void *arg)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        fn(arg);
        _exit(0);
    }
    return pid < 0 ? -1 : wait_for(pid);
}

static void touch_write(void *p) { *(volatile int *)p = 1; }
static void touch_read(void *p) { (void)*(volatile int *)p; }

static void munmap_then_access_sigsegv(void)
{
    char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap failed: errno %d", errno);
    p[0] = 1;
    p[PAGE] = 1;
    CHECK_OK(munmap(p + PAGE, PAGE));
    CHECK_EQ("first page still mapped", 1, p[0]);
    int status = in_child(touch_read, p + PAGE);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
          "read of an unmapped page: expected killed by SIGSEGV, got %s", status_str(status));
    munmap(p, PAGE);
}

static void mprotect_read_only_write_sigsegv(void)
{
    char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap failed: errno %d", errno);
    p[0] = 42;
    CHECK_OK(mprotect(p, PAGE, PROT_READ));
    CHECK_EQ("read of a PROT_READ page", 42, p[0]);
    int status = in_child(touch_write, p);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
          "write to a PROT_READ page: expected killed by SIGSEGV, got %s", status_str(status));
    CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_WRITE));
    p[0] = 43;
    CHECK_EQ("write after PROT_WRITE is back", 43, p[0]);
    munmap(p, PAGE);
}

static void prot_none_read_sigsegv(void)
{
    char *p = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap PROT_NONE failed: errno %d", errno);
    int status = in_child(touch_read, p);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
          "read of a PROT_NONE page: expected killed by SIGSEGV, got %s", status_str(status));
    munmap(p, PAGE);
}

/* volatile: the store must happen before the faulting write */
static char *volatile expected_fault_addr;

/* exits 0 when the fault is reported as expected */
static void segv_handler(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    if (sig != SIGSEGV || info->si_signo != SIGSEGV)
        _exit(3);
    if ((char *)info->si_addr != expected_fault_addr)
        _exit(4);
    if (info->si_code != SEGV_ACCERR)
        _exit(5);
    _exit(0);
}

static void write_with_handler(void *p)
{
    struct sigaction a;
    memset(&a, 0, sizeof(a));
    a.sa_sigaction = segv_handler;
    a.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &a, NULL);
    expected_fault_addr = (char *)p + 123;
    *(volatile char *)expected_fault_addr = 1;
    _exit(2);
}

static void segv_handler_gets_address_and_code(void)
{
    char *p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap failed: errno %d", errno);
    int status = in_child(write_with_handler, p);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "SIGSEGV handler: expected exited 0, got %s (2 no fault, 3 wrong signo, "
          "4 wrong si_addr, 5 si_code not SEGV_ACCERR)", status_str(status));
    munmap(p, PAGE);
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(brk_grows_and_shrinks),
        TAP_TEST(malloc_large_block),
        TAP_TEST(mmap_anonymous_is_zeroed),
        TAP_TEST(mmap_bad_arguments_einval),
        TAP_TEST(mmap_argument_errors_in_linux_order),
        TAP_TEST(munmap_then_access_sigsegv),
        TAP_TEST(mprotect_read_only_write_sigsegv),
        TAP_TEST(prot_none_read_sigsegv),
        TAP_TEST(segv_handler_gets_address_and_code),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
