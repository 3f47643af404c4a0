/* Private to libos/sched: the thread and per-CPU structures shared by the
 * scheduler, the timer queues, wait queues and the SMP code. */
#ifndef SCHED_INTERNAL_H
#define SCHED_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <kern/list.h>
#include <kern/spinlock.h>
#include <plat/cpu.h>
#include <plat/layout.h>
#include <plat/smp.h>
#include <sched/thread.h>
#include <sched/timer.h>
#include <sched/wait.h>

enum thread_state {
    THREAD_RUNNING,     /* on a CPU */
    THREAD_READY,       /* on a run queue, or being put on one by a waker */
    THREAD_BLOCKED,     /* waiting for sched_wake */
    THREAD_DEAD,        /* exited, waiting to be joined or reaped */
};

#define THREAD_STACK_SIZE   (16 * 1024)
/* Mapped a page at a time into the thread's stack slot: a new thread
 * needs no run of free pages, which memory may lack after a fork bomb. */
#define THREAD_STACK_PAGES  (THREAD_STACK_SIZE / PAGE_SIZE)
#define SCHED_QUANTUM_NS    (5 * 1000 * 1000ULL)

struct thread {
    struct thread_head head;    /* first: owner, is_interrupted (sched/thread.h) */
    void *sp;                   /* saved context while switched out */
    /* state_lock protects state; innermost but for the run-queue locks. */
    struct spinlock state_lock;
    volatile int state;
    /* Set while a CPU runs on the thread's stack; cleared (without a lock,
     * release order) by the next thread on that CPU once the switch is
     * complete. Wakers and stealers wait for it to clear. */
    volatile bool on_cpu;
    volatile unsigned cpu;      /* run queue it is on, or CPU it last ran on */
    struct list run_link;       /* on cpu->runq, under its rq_lock */
    thread_fn fn;
    void *arg;
    bool is_idle;
    /* exit_lock protects the exit fields; taken before any waitq lock. */
    struct spinlock exit_lock;
    int exit_code;
    bool is_detached;
    bool is_reapable;           /* dead and off every CPU */
    struct waitq join_wq;
    struct list zombie_link;
    uintptr_t stack_va;         /* lowest usable byte; 0 for the boot thread */
    uint64_t stack_pages[THREAD_STACK_PAGES];   /* physical, each mapped at stack_va + i pages */
    char name[24];
    /* is_in_intr_sleep says the thread sleeps interruptibly; with
     * head.is_interrupted, paired with full fences (thread_interrupt /
     * sleep_common), no lock. */
    volatile bool is_in_intr_sleep;
    int spin_held;              /* spinlocks held while switched out */
    /* Allocation-failure injection: the fail_nth-th allocation from now
     * fails (0: off); paused during page faults. The thread's own. */
    unsigned fail_nth;
    bool is_fail_paused;
};

struct cpu {
    /* rq_lock protects runq and nr_ready; innermost lock of the scheduler. */
    struct spinlock rq_lock;
    struct list runq;
    volatile unsigned nr_ready;
    struct thread *volatile current;
    struct thread *idle;
    struct thread *prev;        /* the thread switched away from, for finish */
    volatile bool need_resched;
    volatile bool is_online;
    struct timer quantum;
    /* timer_lock protects the timer heap; a leaf lock (callbacks run
     * without it). */
    struct spinlock timer_lock;
    struct timer *timer_heap;
    struct timer *volatile running_timer;
    /* call_lock protects calls (struct smp_call); a leaf lock. */
    struct spinlock call_lock;
    struct list calls;
    uint64_t switches;
};

extern struct cpu sched_cpus[PLAT_MAX_CPUS];
extern bool sched_is_ready;

static inline struct cpu *this_cpu(void)
{
    return &sched_cpus[arch_cpu_id()];
}

/* Blocking, for wait queues. With interrupts disabled: sched_prepare_block
 * marks the current thread BLOCKED (call it while the condition's locks are
 * still held, so a waker that comes after sees it); then, with no spinlock
 * held, sched_block switches away until sched_wake. sched_abort_block
 * undoes the prepare when the thread finds it need not sleep after all. */
void sched_prepare_block(void);
void sched_block(void);
void sched_abort_block(void);
/* Makes a BLOCKED thread runnable; false when it was not blocked. Safe from
 * interrupt handlers. */
bool sched_wake(struct thread *t);
/* The core switch: interrupts disabled, no spinlock held. */
void sched_switch(void);

void smp_handle_calls(void);

/* thread.c */
void thread_slots_init(void);           /* thread.c, from sched_init */
void thread_struct_init(struct thread *t, const char *name);
/* A thread with its stack, ready to be started by sched_make_runnable. */
struct thread *thread_alloc(const char *name, thread_fn fn, void *arg);
void thread_zombie_add(struct thread *t);
/* Frees the detached threads that died so far (any context: spinlocks only). */
void thread_reap_zombies(void);
/* sched.c */
void sched_thread_setup(struct thread *t);
void sched_make_runnable(struct thread *t);

#endif
