/* What the TTY layer (libos/tty) asks the process layer for job control:
 * who the caller is (pid, process group, session), whether a group exists
 * in a session or is orphaned, and signals to a whole group. Kernel
 * threads are not processes: proc_job_current says false for them. */
#ifndef PROC_JOB_H
#define PROC_JOB_H

#include <stdbool.h>
#include <stdint.h>

struct proc_job_id {
    int pid, pgid, sid;
};

/* The calling process's ids; false for a kernel thread. */
bool proc_job_current(struct proc_job_id *out);
/* Sends sig from the kernel (SI_KERNEL) to every live process of group
 * pgid. Returns 0, or -ESRCH when the group has no live process. Safe from
 * any thread context (takes proc_lock with interrupts off). */
int proc_job_signal_pgrp(int pgid, int sig);
bool proc_job_pgrp_in_session(int pgid, int sid);
bool proc_job_session_exists(int sid);
/* POSIX: no member has a parent in another group of the same session
 * (job-control stops to such a group would never be continued). */
bool proc_job_pgrp_is_orphaned(int pgid);
/* The calling thread ignores (SIG_IGN) or blocks sig. */
bool proc_job_sig_is_ignored_or_blocked(int sig);

/* The other way: what the process layer asks the TTY layer. libos/tty
 * registers it once at boot (SUBSYS_STAGE_LINKS); without a TTY layer no
 * session has a controlling terminal. */
struct proc_job_tty_ops {
    /* A session leader exits (proc_finish): its controlling terminal sends
     * SIGHUP to the foreground group and loses its session. */
    void (*session_end)(int sid);
    /* The device number (major * 256 + minor) and foreground group of
     * session sid's controlling terminal (/proc's tty_nr and tpgid);
     * false when it has none. */
    bool (*session_info)(int sid, uint32_t *rdev, int *fg_pgrp);
};
void proc_job_set_tty(const struct proc_job_tty_ops *ops);

#endif
