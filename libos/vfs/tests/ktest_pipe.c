/* In-kernel tests of pipes, FIFOs, poll and select: the non-blocking
 * behaviour first, then blocking with a second thread as the other end. */
#include <plat/timer.h>
#include <sched/thread.h>
#include "vfs_test.h"

#define MS (1000 * 1000LL)

static int fill_pipe(struct vfs_ctx *ctx, int wfd)
{
    static char block[1024];
    long total = 0, n;
    while ((n = vfs_write(ctx, wfd, block, sizeof(block))) > 0)
        total += n;
    return n == -EAGAIN ? (int)total : (int)n;
}

KTEST(pipe_write_then_read, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "pipe_rw");
    int fds[2];
    EXPECT_RC(vfs_pipe(&ctx, fds), 0);
    EXPECT_RC(vfs_write(&ctx, fds[1], "ping", 4), 4);
    char buf[8] = { 0 };
    EXPECT_RC(vfs_read(&ctx, fds[0], buf, sizeof(buf)), 4);
    KTEST_EXPECT(memcmp(buf, "ping", 4) == 0, "read '%s', expected 'ping'", buf);
    struct stat st;
    EXPECT_RC(vfs_fstat(&ctx, fds[0], &st), 0);
    KTEST_EXPECT(S_ISFIFO(st.st_mode), "a pipe's mode is %o, not a FIFO", (unsigned)st.st_mode);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(pipe_eof_after_last_writer, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "pipe_eof");
    int fds[2];
    EXPECT_RC(vfs_pipe(&ctx, fds), 0);
    int w2 = vfs_dup(&ctx, fds[1]);
    EXPECT_RC(vfs_write(&ctx, fds[1], "x", 1), 1);
    EXPECT_RC(vfs_close(&ctx, fds[1]), 0);
    char c;
    EXPECT_RC(vfs_read(&ctx, fds[0], &c, 1), 1);
    EXPECT_RC(vfs_fcntl(&ctx, fds[0], F_SETFL, O_NONBLOCK), 0);
    EXPECT_RC(vfs_read(&ctx, fds[0], &c, 1), -EAGAIN);     /* a writer is left */
    EXPECT_RC(vfs_close(&ctx, w2), 0);
    EXPECT_RC(vfs_read(&ctx, fds[0], &c, 1), 0);
    vfs_ctx_release(&ctx);
    return 0;
}

static int sigpipe_count;
static void count_sigpipe(void)
{
    sigpipe_count++;
}

KTEST(pipe_epipe_and_sigpipe_hook_after_last_reader, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "pipe_epipe");
    int fds[2];
    EXPECT_RC(vfs_pipe(&ctx, fds), 0);
    EXPECT_RC(vfs_close(&ctx, fds[0]), 0);
    sigpipe_count = 0;
    vfs_set_sigpipe_hook(count_sigpipe);
    long rc = vfs_write(&ctx, fds[1], "x", 1);
    vfs_set_sigpipe_hook(NULL);
    EXPECT_RC(rc, -EPIPE);
    EXPECT_RC(sigpipe_count, 1);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(pipe_nonblocking_ends_eagain, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "pipe_eagain");
    int fds[2];
    EXPECT_RC(vfs_pipe2(&ctx, fds, O_NONBLOCK | O_CLOEXEC), 0);
    EXPECT_RC(vfs_fcntl(&ctx, fds[0], F_GETFD, 0), FD_CLOEXEC);
    char c;
    EXPECT_RC(vfs_read(&ctx, fds[0], &c, 1), -EAGAIN);
    int total = fill_pipe(&ctx, fds[1]);
    KTEST_EXPECT(total >= 4096, "the pipe took %d bytes before EAGAIN", total);
    EXPECT_RC(vfs_write(&ctx, fds[1], "x", 1), -EAGAIN);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(pipe_write_up_to_pipe_buf_is_all_or_nothing, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "pipe_atomic");
    int fds[2];
    EXPECT_RC(vfs_pipe2(&ctx, fds, O_NONBLOCK), 0);
    int total = fill_pipe(&ctx, fds[1]);
    KTEST_EXPECT(total > 0, "fill_pipe: %d", total);
    static char buf[PIPE_BUF];
    EXPECT_RC(vfs_read(&ctx, fds[0], buf, 100), 100);
    /* 100 bytes free: a PIPE_BUF write must not go in partly */
    EXPECT_RC(vfs_write(&ctx, fds[1], buf, PIPE_BUF), -EAGAIN);
    /* above PIPE_BUF a partial write is allowed */
    EXPECT_RC(vfs_write(&ctx, fds[1], buf, 50), 50);
    static char big[PIPE_BUF + 100];
    EXPECT_RC(vfs_write(&ctx, fds[1], big, sizeof(big)), 50);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(pipe_lseek_and_pread_espipe, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "pipe_espipe");
    int fds[2];
    char c;
    EXPECT_RC(vfs_pipe(&ctx, fds), 0);
    EXPECT_RC(vfs_lseek(&ctx, fds[0], 0, SEEK_SET), -ESPIPE);
    EXPECT_RC(vfs_pread(&ctx, fds[0], &c, 1, 0), -ESPIPE);
    EXPECT_RC(vfs_pwrite(&ctx, fds[1], &c, 1, 0), -ESPIPE);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(fifo_rdwr_open_passes_data, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "fifo_rdwr");
    EXPECT_RC(vfs_mkfifo(&ctx, "ff", 0644), 0);
    struct stat st;
    EXPECT_RC(vfs_stat(&ctx, "ff", &st), 0);
    KTEST_EXPECT(S_ISFIFO(st.st_mode), "mkfifo made mode %o", (unsigned)st.st_mode);
    int fd = vfs_open(&ctx, "ff", O_RDWR, 0);
    EXPECT_OK(fd);
    int rfd = vfs_open(&ctx, "ff", O_RDONLY | O_NONBLOCK, 0);
    EXPECT_OK(rfd);
    EXPECT_RC(vfs_write(&ctx, fd, "fifo", 4), 4);
    char buf[8];
    EXPECT_RC(vfs_read(&ctx, rfd, buf, sizeof(buf)), 4);
    EXPECT_RC(vfs_lseek(&ctx, fd, 0, SEEK_SET), -ESPIPE);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(fifo_nonblocking_writer_without_reader_enxio, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "fifo_enxio");
    EXPECT_RC(vfs_mkfifo(&ctx, "ff", 0644), 0);
    EXPECT_RC(vfs_open(&ctx, "ff", O_WRONLY | O_NONBLOCK, 0), -ENXIO);
    int rfd = vfs_open(&ctx, "ff", O_RDONLY | O_NONBLOCK, 0);
    EXPECT_OK(rfd);
    EXPECT_OK(vfs_open(&ctx, "ff", O_WRONLY | O_NONBLOCK, 0));
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(poll_reports_pipe_readiness_and_nval, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "poll_ready");
    int fds[2];
    EXPECT_RC(vfs_pipe(&ctx, fds), 0);
    struct pollfd p[3] = {
        { fds[0], POLLIN, 0 }, { fds[1], POLLOUT, 0 }, { 77, POLLIN, 0 },
    };
    EXPECT_RC(vfs_poll(&ctx, p, 3, 0), 2);
    EXPECT_RC(p[0].revents, 0);
    EXPECT_RC(p[1].revents, POLLOUT);
    EXPECT_RC(p[2].revents, POLLNVAL);
    EXPECT_RC(vfs_write(&ctx, fds[1], "x", 1), 1);
    EXPECT_RC(vfs_poll(&ctx, p, 2, 0), 2);
    EXPECT_RC(p[0].revents, POLLIN);
    EXPECT_RC(vfs_close(&ctx, fds[1]), 0);
    p[0].events = POLLIN;
    EXPECT_RC(vfs_poll(&ctx, p, 1, 0), 1);
    EXPECT_RC(p[0].revents, POLLIN | POLLHUP);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(select_reports_pipe_ends_and_bad_fd_ebadf, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "select");
    int fds[2];
    EXPECT_RC(vfs_pipe(&ctx, fds), 0);
    abi_fd_set r = { 0 }, w = { 0 };
    ABI_FD_SET(fds[0], &r);
    ABI_FD_SET(fds[1], &w);
    EXPECT_RC(vfs_select(&ctx, fds[1] + 1, &r, &w, NULL, 0), 1);
    KTEST_EXPECT(!ABI_FD_ISSET(fds[0], &r) && ABI_FD_ISSET(fds[1], &w),
                 "select marked the wrong ends");
    abi_fd_set bad = { 0 };
    ABI_FD_SET(20, &bad);
    EXPECT_RC(vfs_select(&ctx, 21, &bad, NULL, NULL, 0), -EBADF);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(poll_devices_always_ready, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "poll_dev");
    int fd = vfs_open(&ctx, "/dev/null", O_RDWR, 0);
    struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
    EXPECT_RC(vfs_poll(&ctx, &p, 1, 0), 1);
    EXPECT_RC(p.revents, POLLIN | POLLOUT);
    vfs_ctx_release(&ctx);
    return 0;
}

/* Blocking: a helper thread is the other end. */
struct peer {
    struct vfs_ctx *ctx;
    int fd;
    int64_t delay_ns;
    const char *path;
    int flags;
    long result;
    char fill;
    int rounds;
};

static int peer_write(void *arg)
{
    struct peer *p = arg;
    sched_sleep_ns((uint64_t)p->delay_ns);
    p->result = vfs_write(p->ctx, p->fd, "wake", 4);
    return 0;
}

static int peer_read_all(void *arg)
{
    struct peer *p = arg;
    static char buf[4096];
    long n, total = 0;
    sched_sleep_ns((uint64_t)p->delay_ns);
    while ((n = vfs_read(p->ctx, p->fd, buf, sizeof(buf))) > 0)
        total += n;
    p->result = n < 0 ? n : total;
    return 0;
}

static int peer_open(void *arg)
{
    struct peer *p = arg;
    sched_sleep_ns((uint64_t)p->delay_ns);
    p->result = vfs_open(p->ctx, p->path, p->flags, 0);
    return 0;
}

static int join(struct thread *t)
{
    int code = -1;
    return t ? thread_join(t, &code) : -1;
}

KTEST(pipe_blocking_read_waits_for_writer, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "pipe_block_read");
    int fds[2];
    EXPECT_RC(vfs_pipe(&ctx, fds), 0);
    struct peer p = { &ctx, fds[1], 20 * MS, NULL, 0, 0, 0, 0 };
    uint64_t start = plat_time_ns();
    struct thread *t = thread_create("pipe-writer", peer_write, &p);
    KTEST_EXPECT(t, "thread_create failed");
    char buf[8];
    EXPECT_RC(vfs_read(&ctx, fds[0], buf, sizeof(buf)), 4);
    uint64_t waited = plat_time_ns() - start;
    join(t);
    EXPECT_RC(p.result, 4);
    KTEST_EXPECT(waited >= 15 * MS, "the read returned after %llu ns, before the write",
                 (unsigned long long)waited);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(pipe_blocking_write_waits_for_reader, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "pipe_block_write");
    int fds[2];
    EXPECT_RC(vfs_pipe(&ctx, fds), 0);
    static char big[64 * 1024];
    struct peer p = { &ctx, fds[0], 10 * MS, NULL, 0, 0, 0, 0 };
    struct thread *t = thread_create("pipe-reader", peer_read_all, &p);
    KTEST_EXPECT(t, "thread_create failed");
    EXPECT_RC(vfs_write(&ctx, fds[1], big, sizeof(big)), (long)sizeof(big));
    EXPECT_RC(vfs_close(&ctx, fds[1]), 0);
    join(t);
    EXPECT_RC(p.result, (long)sizeof(big));
    vfs_ctx_release(&ctx);
    return 0;
}

static int peer_write_chunks(void *arg)
{
    struct peer *p = arg;
    static char chunks[2][PIPE_BUF];
    char *chunk = chunks[p->fill == 'a' ? 0 : 1];
    memset(chunk, p->fill, PIPE_BUF);
    for (int i = 0; i < p->rounds; i++) {
        long n = vfs_write(p->ctx, p->fd, chunk, PIPE_BUF);
        if (n != PIPE_BUF) {
            p->result = n;
            return 0;
        }
    }
    p->result = 0;
    return 0;
}

KTEST(pipe_concurrent_pipe_buf_writes_do_not_interleave, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "pipe_interleave");
    int fds[2];
    EXPECT_RC(vfs_pipe(&ctx, fds), 0);
    struct peer a = { &ctx, fds[1], 0, NULL, 0, 0, 'a', 16 };
    struct peer b = { &ctx, fds[1], 0, NULL, 0, 0, 'b', 16 };
    struct thread *ta = thread_create("writer-a", peer_write_chunks, &a);
    struct thread *tb = thread_create("writer-b", peer_write_chunks, &b);
    KTEST_EXPECT(ta && tb, "thread_create failed");
    static char chunk[PIPE_BUF];
    for (int i = 0; i < 32; i++) {
        long got = 0;
        while (got < PIPE_BUF) {
            long n = vfs_read(&ctx, fds[0], chunk + got, (size_t)(PIPE_BUF - got));
            KTEST_EXPECT(n > 0, "read %ld in chunk %d", n, i);
            got += n;
        }
        for (int j = 1; j < PIPE_BUF; j++)
            KTEST_EXPECT(chunk[j] == chunk[0], "chunk %d mixes '%c' and '%c' at byte %d", i,
                         chunk[0], chunk[j], j);
    }
    join(ta);
    join(tb);
    EXPECT_RC(a.result, 0);
    EXPECT_RC(b.result, 0);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(fifo_blocking_open_waits_for_writer, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "fifo_block_open");
    EXPECT_RC(vfs_mkfifo(&ctx, "ff", 0644), 0);
    struct peer p = { &ctx, -1, 20 * MS, "ff", O_WRONLY, 0, 0, 0 };
    uint64_t start = plat_time_ns();
    struct thread *t = thread_create("fifo-writer", peer_open, &p);
    KTEST_EXPECT(t, "thread_create failed");
    int rfd = vfs_open(&ctx, "ff", O_RDONLY, 0);
    uint64_t waited = plat_time_ns() - start;
    join(t);
    EXPECT_OK(rfd);
    EXPECT_OK(p.result);
    KTEST_EXPECT(waited >= 15 * MS, "the open returned after %llu ns, before the writer",
                 (unsigned long long)waited);
    EXPECT_RC(vfs_write(&ctx, (int)p.result, "hi", 2), 2);
    char buf[4];
    EXPECT_RC(vfs_read(&ctx, rfd, buf, sizeof(buf)), 2);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(poll_wakes_when_pipe_becomes_readable, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "poll_wake");
    int fds[2];
    EXPECT_RC(vfs_pipe(&ctx, fds), 0);
    struct peer p = { &ctx, fds[1], 20 * MS, NULL, 0, 0, 0, 0 };
    struct thread *t = thread_create("poll-writer", peer_write, &p);
    KTEST_EXPECT(t, "thread_create failed");
    struct pollfd pf = { fds[0], POLLIN, 0 };
    EXPECT_RC(vfs_poll(&ctx, &pf, 1, -1), 1);
    EXPECT_RC(pf.revents, POLLIN);
    join(t);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(poll_times_out_on_idle_pipe, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "poll_timeout");
    int fds[2];
    EXPECT_RC(vfs_pipe(&ctx, fds), 0);
    struct pollfd pf = { fds[0], POLLIN, 0 };
    uint64_t start = plat_time_ns();
    EXPECT_RC(vfs_poll(&ctx, &pf, 1, 30 * MS), 0);
    uint64_t waited = plat_time_ns() - start;
    KTEST_EXPECT(waited >= 30 * MS, "poll returned after %llu ns, before its 30 ms timeout",
                 (unsigned long long)waited);
    vfs_ctx_release(&ctx);
    return 0;
}

KTEST(select_times_out_then_sees_data, KTEST_DEFAULT)
{
    TEST_CTX(ctx, "select_timeout");
    int fds[2];
    EXPECT_RC(vfs_pipe(&ctx, fds), 0);
    abi_fd_set r = { 0 };
    ABI_FD_SET(fds[0], &r);
    uint64_t start = plat_time_ns();
    EXPECT_RC(vfs_select(&ctx, fds[0] + 1, &r, NULL, NULL, 20 * MS), 0);
    KTEST_EXPECT(plat_time_ns() - start >= 20 * MS, "select returned before its timeout");
    KTEST_EXPECT(!ABI_FD_ISSET(fds[0], &r), "the set is not cleared after a timeout");
    struct peer p = { &ctx, fds[1], 10 * MS, NULL, 0, 0, 0, 0 };
    struct thread *t = thread_create("select-writer", peer_write, &p);
    KTEST_EXPECT(t, "thread_create failed");
    ABI_FD_SET(fds[0], &r);
    EXPECT_RC(vfs_select(&ctx, fds[0] + 1, &r, NULL, NULL, 2000 * MS), 1);
    KTEST_EXPECT(ABI_FD_ISSET(fds[0], &r), "the read end is not marked");
    join(t);
    vfs_ctx_release(&ctx);
    return 0;
}
