/* poll and select: ask each file's poll operation for its ready events,
 * registering one poll_waiter on the wait queues that signal a change, and
 * sleep until one of them is woken or the timeout passes. Devices without
 * a wake-up source yet (the polled console) answer VFS_POLL_RETRY, which
 * makes the sleep short. A file whose queues hold one of the waiter's entries
 * stays referenced (struct poll_hold) until poll_waiter_done has unlinked
 * them: a close in another thread must not free those queues under us. */
#include <string.h>
#include <abi/errno.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <plat/timer.h>
#include <sched/wait.h>
#include <vfs/fs.h>

#define POLL_RETRY_NS (10 * 1000 * 1000ULL)    /* re-poll polled devices */
#define POLL_ALWAYS (POLLERR | POLLHUP | POLLNVAL)

static unsigned file_poll(struct file *f, struct poll_waiter *pw)
{
    if (!f->ops->poll)
        return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
    return f->ops->poll(f, pw);
}

/* The files whose wait queues hold the waiter's entries. Each kept file
 * added at least one entry, so there are at most as many as entries. */
struct poll_hold {
    struct poll_waiter waiter;
    unsigned file_count;
    struct file *files[POLL_WAITER_ENTRIES];
};

/* Unregisters the waiter, then drops the files it kept alive. */
static void poll_hold_done(struct poll_hold *hold)
{
    poll_waiter_done(&hold->waiter);
    for (unsigned i = 0; i < hold->file_count; i++)
        file_put(hold->files[i]);
    hold->file_count = 0;
}

/* One pass over fds; registers hold's waiter when hold is not NULL. Returns
 * the ready count and sets *needs_retry when some file cannot wake us. */
static int poll_pass(struct vfs_ctx *ctx, struct pollfd *fds, nfds_t nfds,
                     struct poll_hold *hold, bool *needs_retry)
{
    struct poll_waiter *pw = hold ? &hold->waiter : NULL;
    int ready = 0;
    for (nfds_t i = 0; i < nfds; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0)
            continue;
        struct file *f = fd_get(ctx->fds, fds[i].fd);
        if (!f) {
            fds[i].revents = POLLNVAL;
            ready++;
            continue;
        }
        unsigned entries_before = pw ? pw->entry_count : 0;
        unsigned mask = file_poll(f, pw);
        if (pw && pw->entry_count > entries_before)
            hold->files[hold->file_count++] = f;    /* put by poll_hold_done */
        else
            file_put(f);
        if (mask & VFS_POLL_RETRY)
            *needs_retry = true;
        fds[i].revents = (short)(mask & ((unsigned)(unsigned short)fds[i].events | POLL_ALWAYS));
        if (fds[i].revents)
            ready++;
    }
    if (pw && pw->entry_count >= ARRAY_SIZE(pw->entries))
        *needs_retry = true;    /* some queues could not be registered */
    return ready;
}

int vfs_poll(struct vfs_ctx *ctx, struct pollfd *fds, nfds_t nfds, int64_t timeout_ns)
{
    if (nfds > FDTABLE_MAX || (nfds && !fds))
        return -EINVAL;
    uint64_t deadline = timeout_ns > 0 ? plat_time_ns() + (uint64_t)timeout_ns : 0;
    for (;;) {
        bool needs_retry = false;
        if (timeout_ns == 0)
            return poll_pass(ctx, fds, nfds, NULL, &needs_retry);
        struct poll_hold hold = { .file_count = 0 };
        poll_waiter_init(&hold.waiter);
        int ready = poll_pass(ctx, fds, nfds, &hold, &needs_retry);
        if (ready) {
            poll_hold_done(&hold);
            return ready;
        }
        uint64_t wake_at = deadline;
        if (needs_retry) {
            uint64_t retry = plat_time_ns() + POLL_RETRY_NS;
            wake_at = wake_at ? MIN(wake_at, retry) : retry;
        }
        int slept = poll_waiter_sleep(&hold.waiter, wake_at);
        poll_hold_done(&hold);
        if (slept == -EINTR)
            return -EINTR;      /* a signal (libos/proc) */
        if (deadline && plat_time_ns() >= deadline)
            return poll_pass(ctx, fds, nfds, NULL, &needs_retry);
    }
}

int vfs_select(struct vfs_ctx *ctx, int nfds, abi_fd_set *readfds, abi_fd_set *writefds,
               abi_fd_set *exceptfds, int64_t timeout_ns)
{
    if (nfds < 0 || nfds > ABI_FD_SETSIZE)
        return -EINVAL;
    struct pollfd *pfds = kzalloc(sizeof(*pfds) * (size_t)(nfds ? nfds : 1));
    if (!pfds)
        return -ENOMEM;
    nfds_t count = 0;
    int rc = 0;
    for (int fd = 0; fd < nfds; fd++) {
        short events = 0;
        if (readfds && ABI_FD_ISSET(fd, readfds))
            events |= POLLIN;
        if (writefds && ABI_FD_ISSET(fd, writefds))
            events |= POLLOUT;
        if (exceptfds && ABI_FD_ISSET(fd, exceptfds))
            events |= POLLPRI;
        if (!events)
            continue;
        struct file *f = fd_get(ctx->fds, fd);
        if (!f) {
            rc = -EBADF;
            break;
        }
        file_put(f);
        pfds[count++] = (struct pollfd){ fd, events, 0 };
    }
    if (rc == 0)
        rc = vfs_poll(ctx, pfds, count, timeout_ns);
    if (rc >= 0) {
        int bits = 0;
        if (readfds)
            memset(readfds, 0, sizeof(*readfds));
        if (writefds)
            memset(writefds, 0, sizeof(*writefds));
        if (exceptfds)
            memset(exceptfds, 0, sizeof(*exceptfds));
        for (nfds_t i = 0; i < count; i++) {
            short ev = pfds[i].events, rev = pfds[i].revents;
            if ((ev & POLLIN) && (rev & (POLLIN | POLLHUP | POLLERR))) {
                ABI_FD_SET(pfds[i].fd, readfds);
                bits++;
            }
            if ((ev & POLLOUT) && (rev & (POLLOUT | POLLERR))) {
                ABI_FD_SET(pfds[i].fd, writefds);
                bits++;
            }
            if ((ev & POLLPRI) && (rev & POLLPRI)) {
                ABI_FD_SET(pfds[i].fd, exceptfds);
                bits++;
            }
        }
        rc = bits;
    }
    kfree(pfds);
    return rc;
}
