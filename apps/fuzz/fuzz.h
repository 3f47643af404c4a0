/* The syscall fuzzer's shared declarations: the random generator, the
 * resources a fuzzing process holds (fds, an arena of pages in several
 * states, paths) and the loop that makes random syscalls (gen.c), driven by
 * the supervisor and the master process (main.c). */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* xorshift64*: small, good enough, and the same on both architectures */
static inline uint64_t fuzz_next(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

static inline uint64_t fuzz_below(uint64_t *state, uint64_t n)
{
    return n ? fuzz_next(state) % n : 0;
}

/* The signal the master's main thread sends its workers to interrupt a
 * blocking call (every worker checks the deadline after each call). */
#define FUZZ_KICK_SIGNAL 30     /* SIGUSR1 */

/* The directory the fuzzer works in (the supervisor removes it after). */
#define FUZZ_DIR "/tmp/fz"

/* What a fuzzing thread is and what it may not do (gen.c's filter). */
enum fuzz_role {
    FUZZ_MASTER,        /* a worker thread of the master: must survive */
    FUZZ_CHILD,         /* a forked child: may do anything but end the run */
};

struct fuzz_counts {
    uint64_t calls;         /* syscalls made */
    uint64_t errors;        /* ... that returned a negative errno */
    uint64_t skipped;       /* generated calls the filter refused */
    uint64_t forks;         /* children started */
    uint64_t armed;         /* calls run with /dev/fail-nth armed */
    uint64_t failed_allocs; /* ... in which the armed allocation failed */
};

struct fuzz_thread {
    enum fuzz_role role;
    uint64_t rng;
    uint64_t deadline_ns;   /* CLOCK_MONOTONIC */
    uint64_t max_calls;     /* 0: until the deadline */
    int depth;              /* fork depth of a child */
    volatile long last_nr;  /* the syscall in progress (a stuck one is named) */
    uint64_t mask_copy;     /* the master's sigprocmask/sigsuspend set: its own
                             * copy (another worker may refill the arena) */
    uint64_t act_copy[8];   /* the same for the master's sigaction act */
    struct fuzz_counts counts;
};

/* Set by the master before it starts workers (read by children too). */
extern pid_t fuzz_master_pid;
/* Syscall numbers the run picks from (only=LO-HI), and whether the
 * master's workers print every call (trace=1). */
extern long fuzz_nr_lo, fuzz_nr_hi;
/* Syscall numbers the run leaves out (skip=LO-HI: bisecting a hang). */
extern long fuzz_skip_lo, fuzz_skip_hi;
extern int fuzz_trace;
/* Longest mmap and brk growth allowed (maxmap=BYTES; 0: any size). */
extern uint64_t fuzz_max_map;
extern volatile int fuzz_stop;
#define FUZZ_MAX_THREADS 16
extern pid_t fuzz_master_tids[FUZZ_MAX_THREADS];
extern int fuzz_master_tid_count;

/* Prepares the process's resources (arena, fds); call once per process
 * before fuzz_loop, and again in a forked child. */
void fuzz_setup(uint64_t *rng);
/* Makes random syscalls until the deadline, max_calls or fuzz_stop. */
void fuzz_loop(struct fuzz_thread *t);
/* Starts a child that fuzzes for a while and exits (master only; main.c
 * keeps the list of them): returns its pid or -1. */
pid_t fuzz_spawn_child(struct fuzz_thread *parent);
/* main.c: records a child the master started (the main thread kills it
 * when it overstays). */
void fuzz_child_started(pid_t pid);
/* main.c: whether the master may start another child now. */
bool fuzz_may_spawn(void);
/* Signals that end the master (its handler reports and exits): its own
 * faults must end it, not loop through a handler that returns. */
static inline bool fuzz_signal_is_fatal(int sig)
{
    return sig == 4 /* SIGILL */ || sig == 5 /* SIGTRAP */ || sig == 7 /* SIGEMT */ ||
           sig == 8 /* SIGFPE */ || sig == 10 /* SIGBUS */ || sig == 11 /* SIGSEGV */ ||
           sig == 12 /* SIGSYS */;
}
/* main.c: the master's handler of every signal (interrupts a call). */
void fuzz_signal_noop(int sig);

uint64_t fuzz_now_ns(void);
/* abi/syscalls.def's name of a call number, "-" for none. */
const char *fuzz_call_name(long nr);

#endif
