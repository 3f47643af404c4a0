/* newlib's <unistd.h>, plus what Tandem adds to it: Linux's setresuid and
 * setresgid (libos/user/cred.c). */
#ifndef TANDEM_UNISTD_H
#define TANDEM_UNISTD_H

#include_next <unistd.h>

/* POSIX options as they are (newlib's sys/features.h leaves these
 * undefined, which means "unknown"): 200809L (or 1) supported, -1 not
 * (yet). sysconf(_SC_...) answers the same (libos/user/process.c; apps/tests
 * posix checks the two agree). newlib's own _POSIX_THREADS, _POSIX_TIMERS,
 * _POSIX_MONOTONIC_CLOCK, _POSIX_CPUTIME, _POSIX_THREAD_CPUTIME and
 * _POSIX_JOB_CONTROL stand. */
#undef _POSIX_VERSION
#define _POSIX_VERSION 200809L
#undef _POSIX_MEMORY_PROTECTION
#define _POSIX_MEMORY_PROTECTION 200809L
#undef _POSIX_SAVED_IDS
#define _POSIX_SAVED_IDS 1
#undef _POSIX_FSYNC
#define _POSIX_FSYNC 200809L
#undef _POSIX_REALTIME_SIGNALS
#define _POSIX_REALTIME_SIGNALS 200809L
#undef _POSIX_SEMAPHORES
#define _POSIX_SEMAPHORES (-1)
#undef _POSIX_MAPPED_FILES
#define _POSIX_MAPPED_FILES (-1)
#undef _POSIX_SHARED_MEMORY_OBJECTS
#define _POSIX_SHARED_MEMORY_OBJECTS (-1)
#undef _POSIX_TIMEOUTS
#define _POSIX_TIMEOUTS (-1)
#undef _POSIX_BARRIERS
#define _POSIX_BARRIERS 200809L
#undef _POSIX_SPIN_LOCKS
#define _POSIX_SPIN_LOCKS 200809L
#undef _POSIX_READER_WRITER_LOCKS
#define _POSIX_READER_WRITER_LOCKS 200809L
#undef _POSIX_CLOCK_SELECTION
#define _POSIX_CLOCK_SELECTION (-1)
#undef _POSIX_MESSAGE_PASSING
#define _POSIX_MESSAGE_PASSING (-1)

int setresuid(uid_t ruid, uid_t euid, uid_t suid);
int setresgid(gid_t rgid, gid_t egid, gid_t sgid);

#endif
