/* What the TTY layer (libos/tty) asks the process layer for job control:
 * who the caller is (pid, process group, session), whether a group exists
 * in a session or is orphaned, and signals to a whole group. Kernel
 * threads are not processes: proc_job_current says false for them. */
#ifndef PROC_JOB_H
#define PROC_JOB_H

#include <stdbool.h>

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

#endif
