/* newlib's feature macros, plus the POSIX options Tandem provides (newlib
 * turns them on only for RTEMS and Cygwin): POSIX timers and the monotonic
 * clock (clock_gettime, nanosleep in <time.h>), the process and thread
 * CPU-time clocks (clock_gettime only) and threads (<pthread.h>). */
#ifndef TANDEM_SYS_FEATURES_H
#define TANDEM_SYS_FEATURES_H

#include_next <sys/features.h>

#ifndef _POSIX_TIMERS
#define _POSIX_TIMERS 200809L
#endif
#ifndef _POSIX_MONOTONIC_CLOCK
#define _POSIX_MONOTONIC_CLOCK 200809L
#endif
#ifndef _POSIX_CPUTIME
#define _POSIX_CPUTIME 200809L
#endif
#ifndef _POSIX_THREAD_CPUTIME
#define _POSIX_THREAD_CPUTIME 200809L
#endif
#ifndef _POSIX_THREADS
#define _POSIX_THREADS 200809L
#endif
#ifndef _POSIX_JOB_CONTROL
#define _POSIX_JOB_CONTROL 1
#endif

#endif
