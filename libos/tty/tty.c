/* Terminals: the line discipline (ldisc.c) behind a lock, wait queues for
 * both sides, termios/window-size/process-group ioctls, and job control
 * (signals from typed characters, SIGTTIN/SIGTTOU for background jobs,
 * SIGHUP on hangup) through libos/proc's proc/job.h.
 *
 * Controlling terminals: acquisition on open (tty_open_controlling) or
 * TIOCSCTTY, /dev/tty (ctty_open hands the file to the terminal's own
 * device through its reopen hook), and a session leader's exit
 * (tty_session_end).
 *
 * Locking: tty->lock protects the line discipline and every field of
 * struct tty; it is a condition lock (docs/locking.md level 2), always
 * taken with interrupts off. proc_lock is never taken under it:
 * process-group checks happen before locking, signals after unlocking.
 * tty_list_lock (the list of terminals, for "does this session have a
 * terminal already" and /dev/tty) is taken before any tty->lock, and
 * before pty_lock (the reopen hook runs under it; a tty is destroyed only
 * after it left the list, so the hook's owner is alive). */
#include <string.h>
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/ioctl.h>
#include <abi/poll.h>
#include <abi/signal.h>
#include <abi/termios.h>
#include <kern/list.h>
#include <kern/printk.h>
#include <kern/spinlock.h>
#include <kern/subsys.h>
#include <mm/kmalloc.h>
#include <plat/timer.h>
#include <proc/job.h>
#include <sched/wait.h>
#include <tty/ldisc.h>
#include <tty/tty.h>
#include <vfs/fs.h>

struct tty {
    struct spinlock lock;
    struct ldisc ld;
    struct winsize winsize;
    int sid;                    /* the session it controls; 0: none */
    int fg_pgrp;                /* its foreground process group; 0: none */
    bool is_hung_up;            /* the device side is gone */
    bool is_unused;             /* no process-side file is open */
    bool is_drain_immediate;    /* tcdrain does not wait for the device */
    struct waitq input_readable;    /* process-side readers */
    struct waitq input_room;        /* device-side writers (tty_input) */
    struct waitq output_readable;   /* device-side readers */
    struct waitq output_room;       /* process-side writers, drains */
    struct list link;           /* tty_list */
    /* Set once before the terminal is used: its device number and how
     * /dev/tty opens it (tty_set_device). */
    uint32_t rdev;
    tty_reopen_fn reopen;
    void *owner;
    char name[16];
};

static struct spinlock tty_list_lock = SPINLOCK_INIT;
static struct list tty_list = LIST_INIT(tty_list);

struct tty *tty_create(const char *name)
{
    struct tty *tty = kzalloc(sizeof(*tty));
    if (!tty)
        return NULL;
    tty->lock = (struct spinlock)SPINLOCK_INIT;
    ldisc_init(&tty->ld);
    tty->winsize = (struct winsize){ .ws_row = 24, .ws_col = 80 };
    waitq_init(&tty->input_readable);
    waitq_init(&tty->input_room);
    waitq_init(&tty->output_readable);
    waitq_init(&tty->output_room);
    snprintf(tty->name, sizeof(tty->name), "%s", name ? name : "tty");
    unsigned long flags = spin_lock_irqsave(&tty_list_lock);
    list_push_back(&tty_list, &tty->link);
    spin_unlock_irqrestore(&tty_list_lock, flags);
    return tty;
}

void tty_set_device(struct tty *tty, uint32_t rdev, tty_reopen_fn reopen, void *owner)
{
    tty->rdev = rdev;
    tty->reopen = reopen;
    tty->owner = owner;
}

void tty_set_drain_immediate(struct tty *tty)
{
    tty->is_drain_immediate = true;
}

void tty_destroy(struct tty *tty)
{
    if (!tty)
        return;
    unsigned long flags = spin_lock_irqsave(&tty_list_lock);
    list_remove(&tty->link);
    spin_unlock_irqrestore(&tty_list_lock, flags);
    waitq_destroy(&tty->input_readable);
    waitq_destroy(&tty->input_room);
    waitq_destroy(&tty->output_readable);
    waitq_destroy(&tty->output_room);
    kfree(tty);
}

/* Wakes whoever the line discipline's events concern. tty->lock held. */
static void wake_for(struct tty *tty, unsigned events)
{
    if (events & LDISC_EV_INPUT)
        waitq_wake_all(&tty->input_readable);
    if (events & LDISC_EV_OUTPUT)
        waitq_wake_all(&tty->output_readable);
    if (events & LDISC_EV_ROOM) {
        waitq_wake_all(&tty->output_room);
        waitq_wake_all(&tty->input_room);
    }
}

/* Signals the events ask for, to the group that was in the foreground.
 * Called without tty->lock. */
static void send_signals(int pgrp, unsigned events)
{
    if (pgrp <= 0)
        return;
    if (events & LDISC_EV_SIGINT)
        proc_job_signal_pgrp(pgrp, SIGINT);
    if (events & LDISC_EV_SIGQUIT)
        proc_job_signal_pgrp(pgrp, SIGQUIT);
    if (events & LDISC_EV_SIGTSTP)
        proc_job_signal_pgrp(pgrp, SIGTSTP);
}

#define SIGNAL_EVENTS (LDISC_EV_SIGINT | LDISC_EV_SIGQUIT | LDISC_EV_SIGTSTP)

/* Job control for a process touching its controlling terminal from a
 * background group: 0 to go on, -EIO when it may not (orphaned group, or
 * SIGTTIN ignored/blocked), -EINTR after stopping the group with sig.
 * is_always: SIGTTOU even without TOSTOP (termios changes, tcsetpgrp). */
static int check_background(struct tty *tty, int sig, bool is_always)
{
    struct proc_job_id me;
    if (!proc_job_current(&me))
        return 0;                       /* kernel threads are not jobs */
    unsigned long flags = spin_lock_irqsave(&tty->lock);
    int sid = tty->sid, fg = tty->fg_pgrp;
    bool has_tostop = (tty->ld.termios.c_lflag & TOSTOP) != 0;
    spin_unlock_irqrestore(&tty->lock, flags);
    if (sid == 0 || sid != me.sid || fg <= 0 || fg == me.pgid)
        return 0;
    if (sig == SIGTTOU && !is_always && !has_tostop)
        return 0;
    if (proc_job_sig_is_ignored_or_blocked(sig))
        return sig == SIGTTIN ? -EIO : 0;
    if (proc_job_pgrp_is_orphaned(me.pgid))
        return -EIO;
    proc_job_signal_pgrp(me.pgid, sig);
    return -EINTR;
}

/* ---- process side ------------------------------------------------------- */

static long read_canonical(struct tty *tty, char *buf, size_t len, bool is_nonblocking)
{
    long rc;
    for (;;) {
        rc = ldisc_read(&tty->ld, buf, len);
        if (rc != -EAGAIN)
            break;
        if (tty->is_hung_up)
            return -EIO;
        if (is_nonblocking)
            return -EAGAIN;
        rc = waitq_sleep(&tty->input_readable, &tty->lock, 0);
        if (rc < 0)
            return rc;
    }
    return rc;
}

static long read_raw(struct tty *tty, char *buf, size_t len, bool is_nonblocking)
{
    size_t got = 0;
    uint64_t deadline_ns = 0;
    bool is_timed_out = false;
    for (;;) {
        long n = ldisc_read(&tty->ld, buf + got, len - got);
        if (n > 0)
            got += (size_t)n;
        if (ldisc_raw_read_done(&tty->ld.termios, len, got, is_timed_out))
            break;
        if (tty->is_hung_up)
            return got ? (long)got : -EIO;
        if (is_nonblocking)
            return got ? (long)got : -EAGAIN;
        uint64_t timer_ns = ldisc_raw_timer_ns(&tty->ld.termios, got);
        if (timer_ns && (n > 0 || deadline_ns == 0))
            deadline_ns = plat_time_ns() + timer_ns;   /* (re)started */
        int rc = waitq_sleep(&tty->input_readable, &tty->lock, timer_ns ? deadline_ns : 0);
        if (rc == -ETIMEDOUT)
            is_timed_out = true;
        else if (rc < 0)
            return got ? (long)got : rc;
    }
    return (long)got;
}

long tty_read(struct tty *tty, void *buf, size_t len, bool is_nonblocking)
{
    if (len == 0)
        return 0;
    int rc = check_background(tty, SIGTTIN, false);
    if (rc < 0)
        return rc;
    unsigned long flags = spin_lock_irqsave(&tty->lock);
    long n = tty->ld.termios.c_lflag & ICANON ? read_canonical(tty, buf, len, is_nonblocking)
                                              : read_raw(tty, buf, len, is_nonblocking);
    if (n > 0)
        waitq_wake_all(&tty->input_room);
    spin_unlock_irqrestore(&tty->lock, flags);
    return n;
}

long tty_write(struct tty *tty, const void *buf, size_t len, bool is_nonblocking)
{
    int rc = check_background(tty, SIGTTOU, false);
    if (rc < 0)
        return rc;
    size_t done = 0;
    long result = 0;
    unsigned long flags = spin_lock_irqsave(&tty->lock);
    while (done < len) {
        if (tty->is_hung_up) {
            result = -EIO;
            break;
        }
        unsigned events = 0;
        done += ldisc_write(&tty->ld, (const char *)buf + done, len - done, &events);
        wake_for(tty, events);
        if (done == len)
            break;
        if (is_nonblocking) {
            result = -EAGAIN;
            break;
        }
        int sleep_rc = waitq_sleep(&tty->output_room, &tty->lock, 0);
        if (sleep_rc < 0) {
            result = sleep_rc;
            break;
        }
    }
    spin_unlock_irqrestore(&tty->lock, flags);
    return done ? (long)done : result;
}

unsigned tty_poll(struct tty *tty, struct poll_waiter *pw)
{
    unsigned mask = 0;
    unsigned long flags = spin_lock_irqsave(&tty->lock);
    if (ldisc_is_readable(&tty->ld))
        mask |= POLLIN | POLLRDNORM;
    if (tty->is_hung_up)
        mask |= POLLHUP;
    else if (ldisc_output_has_room(&tty->ld))
        mask |= POLLOUT | POLLWRNORM;
    if (pw) {
        poll_waiter_add(pw, &tty->input_readable);
        poll_waiter_add(pw, &tty->output_room);
    }
    spin_unlock_irqrestore(&tty->lock, flags);
    return mask;
}

/* Waits until the device side has taken every output byte (tcdrain);
 * at once for a PTY slave, whose output counts as sent when the master
 * can read it (Linux: a program draining a terminal nobody reads does not
 * hang). */
static int drain_output(struct tty *tty)
{
    unsigned long flags = spin_lock_irqsave(&tty->lock);
    int rc = 0;
    if (tty->is_drain_immediate) {
        spin_unlock_irqrestore(&tty->lock, flags);
        return 0;
    }
    while (rc == 0 && ldisc_output_pending(&tty->ld) && !tty->is_hung_up)
        rc = waitq_sleep(&tty->output_room, &tty->lock, 0);
    spin_unlock_irqrestore(&tty->lock, flags);
    return rc;
}

static long set_termios(struct tty *tty, unsigned long request, const struct termios *t)
{
    int rc = check_background(tty, SIGTTOU, true);
    if (rc < 0)
        return rc;
    if (request != TCSETS) {
        rc = drain_output(tty);
        if (rc < 0)
            return rc;
    }
    unsigned long flags = spin_lock_irqsave(&tty->lock);
    if (request == TCSETSF)
        ldisc_flush_input(&tty->ld);
    ldisc_set_termios(&tty->ld, t);
    wake_for(tty, LDISC_EV_INPUT | LDISC_EV_ROOM);
    spin_unlock_irqrestore(&tty->lock, flags);
    return 0;
}

/* The caller's session (0 for a kernel thread, which may do anything). */
static int caller_sid(struct proc_job_id *me)
{
    if (!proc_job_current(me)) {
        *me = (struct proc_job_id){ 0, 0, 0 };
        return 0;
    }
    return me->sid;
}

static long set_ctty(struct tty *tty, unsigned long arg)
{
    (void)arg;                          /* stealing (arg 1) is not supported */
    struct proc_job_id me;
    if (!caller_sid(&me) || me.pid != me.sid)
        return -EPERM;                  /* session leaders only */
    unsigned long list_flags = spin_lock_irqsave(&tty_list_lock);
    long rc = 0;
    struct list *pos;
    list_for_each(pos, &tty_list) {
        struct tty *other = list_entry(pos, struct tty, link);
        if (other != tty && __atomic_load_n(&other->sid, __ATOMIC_RELAXED) == me.sid)
            rc = -EPERM;                /* the session has a terminal */
    }
    int old_sid = 0;
    if (rc == 0) {
        spin_lock(&tty->lock);
        old_sid = tty->sid;
        if (old_sid == 0) {
            tty->sid = me.sid;
            tty->fg_pgrp = me.pgid;
        }
        spin_unlock(&tty->lock);
    }
    spin_unlock_irqrestore(&tty_list_lock, list_flags);
    if (rc < 0 || old_sid == 0 || old_sid == me.sid)
        return rc;
    /* Another session's terminal: take it only when that session is gone
     * (pids are never reused, so a dead session stays dead). */
    if (proc_job_session_exists(old_sid))
        return -EPERM;
    list_flags = spin_lock_irqsave(&tty_list_lock);
    spin_lock(&tty->lock);
    if (tty->sid == old_sid) {
        tty->sid = me.sid;
        tty->fg_pgrp = me.pgid;
    } else {
        rc = -EPERM;
    }
    spin_unlock(&tty->lock);
    spin_unlock_irqrestore(&tty_list_lock, list_flags);
    return rc;
}

/* Takes the terminal from its session; returns the foreground group it
 * had (for SIGHUP). */
static int dissociate(struct tty *tty)
{
    unsigned long flags = spin_lock_irqsave(&tty->lock);
    int fg = tty->fg_pgrp;
    tty->sid = 0;
    tty->fg_pgrp = 0;
    spin_unlock_irqrestore(&tty->lock, flags);
    return fg;
}

static void hangup_signals(int fg)
{
    if (fg > 0) {
        proc_job_signal_pgrp(fg, SIGHUP);
        proc_job_signal_pgrp(fg, SIGCONT);
    }
}

long tty_ioctl(struct tty *tty, unsigned long request, unsigned long arg)
{
    struct proc_job_id me;
    unsigned long flags;
    long rc = 0;
    if (!arg && (request == TCGETS || request == TCSETS || request == TCSETSW ||
                 request == TCSETSF || request == TIOCGPGRP || request == TIOCSPGRP ||
                 request == TIOCGWINSZ || request == TIOCSWINSZ || request == FIONREAD ||
                 request == TIOCOUTQ || request == TIOCGSID))
        return -EFAULT;
    switch (request) {
    case TCGETS:
        flags = spin_lock_irqsave(&tty->lock);
        *(struct termios *)arg = tty->ld.termios;
        spin_unlock_irqrestore(&tty->lock, flags);
        return 0;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        return set_termios(tty, request, (const struct termios *)arg);
    case TCSBRK:                        /* tcdrain; a break is nothing here */
        return drain_output(tty);
    case TCFLSH:
        if (arg != TCIFLUSH && arg != TCOFLUSH && arg != TCIOFLUSH)
            return -EINVAL;
        flags = spin_lock_irqsave(&tty->lock);
        if (arg != TCOFLUSH)
            ldisc_flush_input(&tty->ld);
        if (arg != TCIFLUSH)
            ldisc_flush_output(&tty->ld);
        wake_for(tty, LDISC_EV_ROOM);
        spin_unlock_irqrestore(&tty->lock, flags);
        return 0;
    case TCXONC:
        return arg <= TCION ? -ENOTSUP : -EINVAL;  /* no flow control yet */
    case FIONREAD:
    case TIOCOUTQ:
        flags = spin_lock_irqsave(&tty->lock);
        *(int *)arg = (int)(request == FIONREAD ? ldisc_readable_bytes(&tty->ld)
                                                : ldisc_output_pending(&tty->ld));
        spin_unlock_irqrestore(&tty->lock, flags);
        return 0;
    case TIOCGWINSZ:
        flags = spin_lock_irqsave(&tty->lock);
        *(struct winsize *)arg = tty->winsize;
        spin_unlock_irqrestore(&tty->lock, flags);
        return 0;
    case TIOCSWINSZ: {
        const struct winsize *ws = (const struct winsize *)arg;
        flags = spin_lock_irqsave(&tty->lock);
        bool is_changed = memcmp(&tty->winsize, ws, sizeof(*ws)) != 0;
        tty->winsize = *ws;
        int fg = tty->fg_pgrp;
        spin_unlock_irqrestore(&tty->lock, flags);
        if (is_changed && fg > 0)
            proc_job_signal_pgrp(fg, SIGWINCH);
        return 0;
    }
    case TIOCGPGRP:
    case TIOCGSID: {
        int sid = caller_sid(&me);
        flags = spin_lock_irqsave(&tty->lock);
        if (sid && tty->sid != sid)
            rc = -ENOTTY;               /* not the caller's terminal */
        else if (request == TIOCGSID && tty->sid == 0)
            rc = -ENOTTY;
        else
            *(int *)arg = request == TIOCGPGRP ? tty->fg_pgrp : tty->sid;
        spin_unlock_irqrestore(&tty->lock, flags);
        return rc;
    }
    case TIOCSPGRP: {
        int pgrp = *(const int *)arg;
        int sid = caller_sid(&me);
        if (pgrp <= 0)
            return -EINVAL;
        flags = spin_lock_irqsave(&tty->lock);
        bool is_ours = !sid || tty->sid == sid;
        spin_unlock_irqrestore(&tty->lock, flags);
        if (!is_ours)
            return -ENOTTY;
        rc = check_background(tty, SIGTTOU, true);
        if (rc < 0)
            return rc;
        if (sid && !proc_job_pgrp_in_session(pgrp, sid))
            return -EPERM;
        flags = spin_lock_irqsave(&tty->lock);
        if (sid && tty->sid != sid)
            rc = -ENOTTY;
        else
            tty->fg_pgrp = pgrp;
        spin_unlock_irqrestore(&tty->lock, flags);
        return rc;
    }
    case TIOCSCTTY:
        return set_ctty(tty, arg);
    case TIOCNOTTY: {
        int sid = caller_sid(&me);
        flags = spin_lock_irqsave(&tty->lock);
        bool is_ours = sid && tty->sid == sid;
        spin_unlock_irqrestore(&tty->lock, flags);
        if (!is_ours)
            return -ENOTTY;
        if (me.pid != me.sid)
            return -ENOTSUP;            /* per-process detaching: see docs */
        hangup_signals(dissociate(tty));
        return 0;
    }
    default:
        return -ENOTTY;
    }
}

/* ---- device side -------------------------------------------------------- */

long tty_input(struct tty *tty, const void *buf, size_t len, bool is_nonblocking)
{
    size_t done = 0;
    long result = 0;
    unsigned long flags = spin_lock_irqsave(&tty->lock);
    while (done < len) {
        size_t consumed;
        unsigned events = ldisc_receive(&tty->ld, (const char *)buf + done, len - done, &consumed);
        done += consumed;
        wake_for(tty, events);
        if (events & SIGNAL_EVENTS) {
            int fg = tty->fg_pgrp;
            spin_unlock_irqrestore(&tty->lock, flags);
            send_signals(fg, events);
            flags = spin_lock_irqsave(&tty->lock);
        }
        if (done == len)
            break;
        if (consumed)
            continue;                   /* a signal character may have made room */
        if (is_nonblocking) {
            result = -EAGAIN;
            break;
        }
        int rc = waitq_sleep(&tty->input_room, &tty->lock, 0);
        if (rc < 0) {
            result = rc;
            break;
        }
    }
    spin_unlock_irqrestore(&tty->lock, flags);
    return done ? (long)done : result;
}

long tty_output_read(struct tty *tty, void *buf, size_t len, bool is_nonblocking)
{
    if (len == 0)
        return 0;
    long rc;
    unsigned long flags = spin_lock_irqsave(&tty->lock);
    for (;;) {
        unsigned events = 0;
        size_t n = ldisc_output_take(&tty->ld, buf, len, &events);
        if (n) {
            wake_for(tty, events);
            rc = (long)n;
            break;
        }
        if (tty->is_unused) {
            rc = -EIO;
            break;
        }
        if (is_nonblocking) {
            rc = -EAGAIN;
            break;
        }
        rc = waitq_sleep(&tty->output_readable, &tty->lock, 0);
        if (rc < 0)
            break;
    }
    spin_unlock_irqrestore(&tty->lock, flags);
    return rc;
}

unsigned tty_device_poll(struct tty *tty, struct poll_waiter *pw)
{
    unsigned mask = 0;
    unsigned long flags = spin_lock_irqsave(&tty->lock);
    if (ldisc_output_pending(&tty->ld))
        mask |= POLLIN | POLLRDNORM;
    if (tty->is_unused)
        mask |= POLLHUP;
    if (tty->ld.in_count < LDISC_INPUT_BYTES && ldisc_output_has_room(&tty->ld))
        mask |= POLLOUT | POLLWRNORM;
    if (pw) {
        poll_waiter_add(pw, &tty->output_readable);
        poll_waiter_add(pw, &tty->input_room);
    }
    spin_unlock_irqrestore(&tty->lock, flags);
    return mask;
}

void tty_set_unused(struct tty *tty, bool is_unused)
{
    unsigned long flags = spin_lock_irqsave(&tty->lock);
    tty->is_unused = is_unused;
    waitq_wake_all(&tty->output_readable);
    waitq_wake_all(&tty->input_room);
    spin_unlock_irqrestore(&tty->lock, flags);
}

void tty_hangup(struct tty *tty)
{
    unsigned long flags = spin_lock_irqsave(&tty->lock);
    tty->is_hung_up = true;
    waitq_wake_all(&tty->input_readable);
    waitq_wake_all(&tty->output_room);
    spin_unlock_irqrestore(&tty->lock, flags);
    hangup_signals(dissociate(tty));
}

void tty_session_end(int sid)
{
    if (sid <= 0)
        return;
    struct tty *found = NULL;
    int fg = 0;
    unsigned long flags = spin_lock_irqsave(&tty_list_lock);
    struct list *pos;
    list_for_each(pos, &tty_list) {
        struct tty *tty = list_entry(pos, struct tty, link);
        spin_lock(&tty->lock);
        if (tty->sid == sid) {
            found = tty;
            fg = tty->fg_pgrp;
            tty->sid = 0;
            tty->fg_pgrp = 0;
        }
        spin_unlock(&tty->lock);
    }
    spin_unlock_irqrestore(&tty_list_lock, flags);
    if (found && fg > 0)
        proc_job_signal_pgrp(fg, SIGHUP);   /* stopped members: the orphan rule */
}

/* ---- controlling terminals ---------------------------------------------- */

/* The terminal session sid controls, or NULL. tty_list_lock held. */
static struct tty *session_tty(int sid)
{
    struct list *pos;
    list_for_each(pos, &tty_list) {
        struct tty *tty = list_entry(pos, struct tty, link);
        if (sid > 0 && __atomic_load_n(&tty->sid, __ATOMIC_RELAXED) == sid)
            return tty;
    }
    return NULL;
}

void tty_open_controlling(struct tty *tty, int open_flags)
{
    struct proc_job_id me;
    if ((open_flags & O_NOCTTY) || !proc_job_current(&me) || me.pid != me.sid)
        return;
    unsigned long flags = spin_lock_irqsave(&tty_list_lock);
    if (!session_tty(me.sid)) {
        spin_lock(&tty->lock);
        if (tty->sid == 0 && !tty->is_hung_up) {
            tty->sid = me.sid;
            tty->fg_pgrp = me.pgid;
        }
        spin_unlock(&tty->lock);
    }
    spin_unlock_irqrestore(&tty_list_lock, flags);
}

bool tty_session_info(int sid, uint32_t *rdev, int *fg_pgrp)
{
    unsigned long flags = spin_lock_irqsave(&tty_list_lock);
    struct tty *tty = session_tty(sid);
    if (tty) {
        spin_lock(&tty->lock);
        *rdev = tty->rdev;
        *fg_pgrp = tty->fg_pgrp;
        spin_unlock(&tty->lock);
    }
    spin_unlock_irqrestore(&tty_list_lock, flags);
    return tty != NULL;
}

/* /dev/tty: hands the file to the caller's controlling terminal's own
 * device (the reopen hook sets its operations), so it is that device. */
static int ctty_open(struct file *f)
{
    struct proc_job_id me;
    if (!proc_job_current(&me))
        return -ENXIO;
    int rc = -ENXIO;
    unsigned long flags = spin_lock_irqsave(&tty_list_lock);
    struct tty *tty = session_tty(me.sid);
    if (tty && tty->reopen)
        rc = tty->reopen(tty, tty->owner, f);
    spin_unlock_irqrestore(&tty_list_lock, flags);
    return rc;
}

static const struct file_ops ctty_ops = {
    .open = ctty_open,
};

int tty_register_ctty_device(void)
{
    static const struct devfs_device dev_tty = {
        "tty", S_IFCHR | 0666, &ctty_ops, NULL, DEV_NUMBER(TTY_MAJOR, 0),
    };
    int rc = devfs_register(&dev_tty);
    return rc < 0 && rc != -EEXIST ? rc : 0;
}

/* Connects the TTY layer at boot, before any process exists and before
 * the VFS stage (kern/subsys.h): the process layer's session hooks, and
 * the terminal devices, which vfs_init registers after its own. */
static const struct proc_job_tty_ops session_ops = {
    .session_end = tty_session_end,
    .session_info = tty_session_info,
};

static int tty_register(void)
{
    proc_job_set_tty(&session_ops);
    devfs_set_terminals(tty_register_devices);
    return 0;
}
SUBSYS_REGISTER(tty, SUBSYS_STAGE_LINKS, tty_register, NULL);
