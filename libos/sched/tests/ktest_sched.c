/* Scheduler tests: thread lifecycle, preemption, sleeping, many threads,
 * parallel speed-up on several CPUs, call-function IPIs. */
#include <stdint.h>
#include <kern/printk.h>
#include <mm/kmalloc.h>
#include <mm/page.h>
#include <plat/cpu.h>
#include <plat/timer.h>
#include <sched/smp.h>
#include <sched/thread.h>
#include <sched/timer.h>
#include <sched/wait.h>
#include <sched/sync.h>
#include <ktest.h>

#define NS_PER_MS 1000000ULL

static int return_arg(void *arg)
{
    return (int)(uintptr_t)arg;
}

KTEST(thread_create_join_exit_code, KTEST_DEFAULT)
{
    struct thread *t = thread_create("ret", return_arg, (void *)42);
    KTEST_EXPECT(t, "thread_create failed");
    int code = -1;
    KTEST_EXPECT(thread_join(t, &code) == 0, "join failed");
    KTEST_EXPECT(code == 42, "exit code %d, expected 42", code);
    return 0;
}

static volatile bool stop_spinning;
static volatile unsigned long spin_count;

static int spin_forever(void *arg)
{
    (void)arg;
    while (!stop_spinning)
        spin_count++;
    return 0;
}

static volatile unsigned others_ran;

static int count_and_exit(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&others_ran, 1, __ATOMIC_RELAXED);
    return 0;
}

/* A thread that never blocks does not keep others off the CPU: the quantum
 * timer preempts it. Run with one spinner per CPU so every CPU is taken. */
KTEST(preempt_spinner_does_not_starve, KTEST_DEFAULT)
{
    unsigned cpus = smp_cpus_online();
    struct thread *spinners[PLAT_MAX_CPUS], *others[8];

    stop_spinning = false;
    others_ran = 0;
    for (unsigned i = 0; i < cpus; i++) {
        spinners[i] = thread_create("spinner", spin_forever, NULL);
        KTEST_EXPECT(spinners[i], "thread_create failed");
    }
    for (unsigned i = 0; i < 8; i++)
        others[i] = thread_create("other", count_and_exit, NULL);
    for (unsigned i = 0; i < 8; i++)
        thread_join(others[i], NULL);
    unsigned ran = others_ran;
    stop_spinning = true;
    for (unsigned i = 0; i < cpus; i++)
        thread_join(spinners[i], NULL);
    KTEST_EXPECT(ran == 8, "%u of 8 threads ran beside %u spinners", ran, cpus);
    KTEST_EXPECT(spin_count > 0, "the spinners never ran");
    return 0;
}

KTEST(sleep_not_early, KTEST_DEFAULT)
{
    static const uint64_t durations_ns[] = { 1000, 100 * 1000, NS_PER_MS, 10 * NS_PER_MS,
                                             25 * NS_PER_MS };
    uint64_t worst_late = 0;

    for (unsigned i = 0; i < sizeof(durations_ns) / sizeof(durations_ns[0]); i++) {
        uint64_t start = plat_time_ns();
        sched_sleep_ns(durations_ns[i]);
        uint64_t slept = plat_time_ns() - start;
        KTEST_EXPECT(slept >= durations_ns[i], "asked %llu ns, slept %llu ns",
                     (unsigned long long)durations_ns[i], (unsigned long long)slept);
        if (slept - durations_ns[i] > worst_late)
            worst_late = slept - durations_ns[i];
    }
    printk("# worst oversleep %llu us\n", (unsigned long long)(worst_late / 1000));
    return 0;
}

static int sleep_some(void *arg)
{
    uint64_t ns = (uintptr_t)arg;
    uint64_t start = plat_time_ns();
    sched_sleep_ns(ns);
    return plat_time_ns() - start >= ns ? 0 : 1;
}

/* Many sleepers at once: the timer heap holds them all. */
KTEST(sleep_many_threads, KTEST_DEFAULT)
{
    enum { N = 500 };
    static struct thread *threads[N];
    unsigned long seed = 7;

    for (unsigned i = 0; i < N; i++) {
        uint64_t ns = (ktest_rand(&seed) % 50) * NS_PER_MS / 2 + 1000;
        threads[i] = thread_create("sleeper", sleep_some, (void *)(uintptr_t)ns);
        KTEST_EXPECT(threads[i], "thread_create %u failed", i);
    }
    unsigned early = 0;
    for (unsigned i = 0; i < N; i++) {
        int code;
        thread_join(threads[i], &code);
        early += code != 0;
    }
    KTEST_EXPECT(early == 0, "%u of %u sleepers woke early", early, N);
    return 0;
}

static volatile unsigned long thread_runs;

static int bump(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&thread_runs, 1, __ATOMIC_RELAXED);
    return 0;
}

KTEST(threads_2000_no_leak, KTEST_DEFAULT)
{
    enum { N = 2000, BATCH = 250 };
    static struct thread *threads[BATCH];

    /* Warm the slab caches so the baseline includes their pages. */
    struct thread *warm = thread_create("warm", bump, NULL);
    thread_join(warm, NULL);
    size_t heap_before = kmalloc_bytes_in_use();
    uint64_t pages_before = mm_free_pages();
    thread_runs = 0;
    for (unsigned done = 0; done < N; done += BATCH) {
        for (unsigned i = 0; i < BATCH; i++) {
            threads[i] = thread_create("many", bump, NULL);
            KTEST_EXPECT(threads[i], "thread_create %u failed", done + i);
        }
        for (unsigned i = 0; i < BATCH; i++)
            KTEST_EXPECT(thread_join(threads[i], NULL) == 0, "join %u failed", done + i);
    }
    KTEST_EXPECT(thread_runs == N, "%lu of %u threads ran", thread_runs, N);
    size_t heap_after = kmalloc_bytes_in_use();
    uint64_t pages_after = mm_free_pages();
    KTEST_EXPECT(heap_after == heap_before, "kmalloc bytes in use %zu, before %zu",
                 heap_after, heap_before);
    KTEST_EXPECT(pages_after == pages_before, "free pages %llu, before %llu",
                 (unsigned long long)pages_after, (unsigned long long)pages_before);
    return 0;
}

static int detached_bump(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&thread_runs, 1, __ATOMIC_RELAXED);
    return 0;
}

KTEST(thread_detach_runs, KTEST_DEFAULT)
{
    thread_runs = 0;
    for (int i = 0; i < 20; i++) {
        struct thread *t = thread_create("detached", detached_bump, NULL);
        KTEST_EXPECT(t, "thread_create failed");
        thread_detach(t);
    }
    uint64_t give_up = plat_time_ns() + 60000 * NS_PER_MS;   /* a bound, not a timing */
    while (thread_runs < 20 && plat_time_ns() < give_up)
        sched_sleep_ns(NS_PER_MS);
    KTEST_EXPECT(thread_runs == 20, "%lu of 20 detached threads ran", thread_runs);
    return 0;
}

/* Detached threads that died give their stacks back without waiting for
 * some other thread to be created or joined (a killed fork bomb left
 * ~20 MiB of kernel stacks on the zombie list while the shell ran only
 * builtins). No thread_create or thread_join between the exits and the
 * check: they would reap the zombies themselves. */
KTEST(detached_exit_frees_stack, KTEST_DEFAULT)
{
    enum { N = 64 };
    struct thread *warm = thread_create("warm", bump, NULL);
    KTEST_EXPECT(warm, "thread_create failed");
    thread_join(warm, NULL);        /* reaps earlier zombies too */
    uint64_t pages_before = mm_free_pages();
    thread_runs = 0;
    for (int i = 0; i < N; i++) {
        struct thread *t = thread_create("detached", detached_bump, NULL);
        KTEST_EXPECT(t, "thread_create %d failed", i);
        thread_detach(t);
    }
    uint64_t give_up = plat_time_ns() + 60000 * NS_PER_MS;   /* a bound, not a timing */
    while ((thread_runs < N || mm_free_pages() < pages_before) && plat_time_ns() < give_up)
        sched_sleep_ns(NS_PER_MS);
    uint64_t pages_after = mm_free_pages();
    KTEST_EXPECT(thread_runs == N, "%lu of %d detached threads ran", thread_runs, N);
    KTEST_EXPECT(pages_after >= pages_before, "free pages %llu, before %llu: %llu short",
                 (unsigned long long)pages_after, (unsigned long long)pages_before,
                 (unsigned long long)(pages_before - pages_after));
    return 0;
}

/* A thread that dies on another CPU while the CPU it blocked on is still
 * finishing the switch away from it has its death reported once
 * (sched.c's finish_switch). The CPU it blocked on lingers right after
 * letting it go; the creator wakes it and sleeps, so an idle CPU steals it
 * and runs it to its end. Before the fix the lingering CPU then read the
 * thread as dead and reported it a second time (a detached one went on the
 * zombie list twice: a use-after-free, seen as a GPF in the reaper). */
static struct spinlock linger_lock = SPINLOCK_INIT;
static struct waitq linger_wq;
static bool linger_go;
static int linger_cpu_before, linger_cpu_after;

static int wait_for_go(void *arg)
{
    (void)arg;
    unsigned long flags = spin_lock_irqsave(&linger_lock);
    linger_cpu_before = (int)arch_cpu_id();
    while (!linger_go)
        waitq_sleep_uninterruptible(&linger_wq, &linger_lock, 0);
    linger_cpu_after = (int)arch_cpu_id();
    spin_unlock_irqrestore(&linger_lock, flags);
    return 0;
}

KTEST(dying_thread_reported_once, KTEST_DEFAULT)
{
    if (smp_cpus_online() < 2) {
        printk("# skipped: %u CPU(s) online, the test needs 2\n", smp_cpus_online());
        return 0;
    }
    enum { ROUNDS = 40 };
    waitq_init(&linger_wq);
    __atomic_store_n(&sched_test_linger_ns, 2 * NS_PER_MS, __ATOMIC_RELAXED);
    unsigned moved = 0;
    for (int round = 0; round < ROUNDS; round++) {
        linger_go = false;
        linger_cpu_before = linger_cpu_after = -1;
        struct thread *t = thread_create("linger", wait_for_go, NULL);
        KTEST_EXPECT(t, "thread_create failed");
        __atomic_store_n(&sched_test_slow_prev, t, __ATOMIC_RELAXED);
        uint64_t give_up = plat_time_ns() + 60000 * NS_PER_MS;   /* a bound, not a timing */
        while (!thread_is_blocked(t) && plat_time_ns() < give_up)
            arch_cpu_relax();
        unsigned long flags = spin_lock_irqsave(&linger_lock);
        linger_go = true;
        waitq_wake_all(&linger_wq);
        spin_unlock_irqrestore(&linger_lock, flags);
        sched_sleep_ns(5 * NS_PER_MS);  /* this CPU idles: it may steal t */
        int code = -1;
        KTEST_EXPECT(thread_join(t, &code) == 0 && code == 0, "round %d: join failed", round);
        __atomic_store_n(&sched_test_slow_prev, NULL, __ATOMIC_RELAXED);
        moved += linger_cpu_after != linger_cpu_before;
    }
    __atomic_store_n(&sched_test_linger_ns, 0, __ATOMIC_RELAXED);
    printk("# information: %u of %d rounds ended on another CPU than they blocked on\n", moved,
           ROUNDS);
    /* Without such rounds the window was never open: the test would prove
     * nothing. */
    KTEST_EXPECT(moved > 0, "no round moved its thread: the race was not exercised");
    return 0;
}

/* CPU-bound work of a fixed size, so run time measures parallelism. */
static int crunch(void *arg)
{
    unsigned long iterations = (uintptr_t)arg, x = 1;
    for (unsigned long i = 0; i < iterations; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        __asm__ volatile("" : "+r"(x));
    }
    return (int)(x & 1);
}

static uint64_t run_crunchers(unsigned count, unsigned long iterations)
{
    struct thread *threads[4];
    uint64_t start = plat_time_ns();
    for (unsigned i = 0; i < count; i++)
        threads[i] = thread_create("crunch", crunch, (void *)(uintptr_t)iterations);
    for (unsigned i = 0; i < count; i++)
        thread_join(threads[i], NULL);
    return plat_time_ns() - start;
}

/* Four threads that run at the same time on four CPUs. Each one turns its
 * interrupts off (so nothing can preempt or move it) and spins until all
 * four have arrived: four can arrive only when each holds a CPU of its own,
 * which takes the creator's spreading of new threads over idle CPUs and
 * stealing by CPUs that run out of work. No timing is asserted: the give-up
 * is a bound for a broken scheduler, far beyond any host's slowness. The
 * speed-up the parallelism gives is printed for information only
 * (scripts/bench measures speed). */
static unsigned arrived;
static int arrived_cpu[4];
static uint64_t meet_give_up;

static int meet(void *arg)
{
    unsigned long flags = arch_irq_save();
    arrived_cpu[(uintptr_t)arg] = (int)arch_cpu_id();
    __atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < 4 && plat_time_ns() < meet_give_up)
        ;
    int all_met = __atomic_load_n(&arrived, __ATOMIC_SEQ_CST) >= 4;
    arch_irq_restore(flags);
    return all_met;
}

KTEST(smp_four_threads_run_at_once, KTEST_DEFAULT)
{
    if (smp_cpus_online() < 4) {
        printk("# skipped: %u CPU(s) online, the test needs 4\n", smp_cpus_online());
        return 0;
    }
    /* Several rounds: each is a new chance for a thread to be queued
     * behind a spinning one while a CPU goes idle (the idle CPU must
     * notice and steal it: sched.c's enqueue and idle_loop). */
    meet_give_up = plat_time_ns() + 60000 * NS_PER_MS;
    for (int round = 0; round < 10; round++) {
        struct thread *threads[4];
        arrived = 0;
        for (uintptr_t i = 0; i < 4; i++) {
            threads[i] = thread_create("meet", meet, (void *)i);
            KTEST_EXPECT(threads[i], "thread_create %u failed", (unsigned)i);
        }
        int met = 0;
        for (unsigned i = 0; i < 4; i++) {
            int rc = 0;
            thread_join(threads[i], &rc);
            met += rc;
        }
        KTEST_EXPECT(met == 4, "round %d: %d of 4 threads saw all four running at once",
                     round, met);
        for (unsigned i = 0; i < 4; i++)
            for (unsigned j = i + 1; j < 4; j++)
                KTEST_EXPECT(arrived_cpu[i] != arrived_cpu[j],
                             "round %d: threads %u and %u both on CPU %d", round, i, j,
                             arrived_cpu[i]);
    }
    uint64_t serial = run_crunchers(1, 4 * 10 * 1000 * 1000);
    uint64_t parallel = run_crunchers(4, 10 * 1000 * 1000);
    printk("# information: 4 threads on 4 CPUs %llu ms, one thread doing all of it %llu ms\n",
           (unsigned long long)(parallel / NS_PER_MS), (unsigned long long)(serial / NS_PER_MS));
    return 0;
}

static volatile unsigned call_hits[PLAT_MAX_CPUS];

static void note_cpu(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&call_hits[arch_cpu_id()], 1, __ATOMIC_RELAXED);
}

KTEST(smp_call_function_every_cpu, KTEST_DEFAULT)
{
    for (unsigned i = 0; i < PLAT_MAX_CPUS; i++)
        call_hits[i] = 0;
    unsigned cpus = plat_cpus_possible();
    for (unsigned i = 0; i < cpus; i++)
        KTEST_EXPECT(smp_call_on(i, note_cpu, NULL) == 0, "smp_call_on(%u) failed", i);
    for (unsigned i = 0; i < cpus; i++)
        KTEST_EXPECT(call_hits[i] == 1, "CPU %u ran the call %u times", i, call_hits[i]);
    return 0;
}

static volatile unsigned timer_fired;

static void timer_note(void *arg)
{
    (void)arg;
    timer_fired++;
}

KTEST(timer_cancel_before_deadline, KTEST_DEFAULT)
{
    struct timer t;
    timer_fired = 0;
    timer_init(&t, timer_note, NULL);
    timer_start(&t, plat_time_ns() + 20 * NS_PER_MS);
    KTEST_EXPECT(timer_cancel(&t), "a pending timer was not pending");
    sched_sleep_ns(40 * NS_PER_MS);
    KTEST_EXPECT(timer_fired == 0, "a cancelled timer fired");
    timer_start(&t, plat_time_ns() + NS_PER_MS);
    sched_sleep_ns(20 * NS_PER_MS);
    KTEST_EXPECT(timer_fired == 1, "timer fired %u times, expected 1", timer_fired);
    KTEST_EXPECT(!timer_cancel(&t), "an expired timer was still pending");
    return 0;
}

static int stack_slot_fn(void *arg)
{
    volatile char buf[2048];            /* touch the stack well below its top */
    buf[0] = (char)(uintptr_t)arg;
    buf[sizeof(buf) - 1] = buf[0];
    return buf[sizeof(buf) - 1] + 1;
}

/* Kernel stack slots are reused once freed: with the window cut to a few
 * slots beyond those in use, many more threads than slots are created and
 * joined, four alive at a time, on whatever CPUs run them. */
KTEST(thread_stack_slots_reused, KTEST_DEFAULT)
{
    const unsigned extra = 8, rounds = 100, batch = 4;
    thread_stack_window_limit(extra);
    int failures = 0;
    for (unsigned r = 0; r < rounds && !failures; r++) {
        struct thread *t[4];
        for (unsigned i = 0; i < batch; i++) {
            t[i] = thread_create("slot", stack_slot_fn, (void *)(uintptr_t)(i + 1));
            failures += !t[i];
        }
        for (unsigned i = 0; i < batch; i++) {
            int code = 0;
            if (t[i] && (thread_join(t[i], &code) != 0 || code != (int)i + 2))
                failures++;
        }
    }
    thread_stack_window_limit(0);
    KTEST_EXPECT(failures == 0, "%d thread creations or joins failed with %u slots to spare",
                 failures, extra);
    return 0;
}

/* A thread that fills 2 KiB of its stack with a token of its own, yields
 * (another thread may run on this CPU, or this one move), and checks the
 * token: a stack slot handed to two live threads, or a stale translation
 * of a reused slot, shows as someone else's bytes. Returns 1 when intact. */
static int stack_token_fn(void *arg)
{
    volatile uint64_t words[256];
    uint64_t token = (uint64_t)(uintptr_t)arg * 0x9e3779b97f4a7c15ULL;
    for (unsigned i = 0; i < 256; i++)
        words[i] = token + i;
    sched_yield();
    sched_yield();
    for (unsigned i = 0; i < 256; i++)
        if (words[i] != token + i)
            return 0;
    return 1;
}

static volatile bool slot_race_stop;

/* Creates and joins batches of token threads until told to stop; returns
 * the number of bad outcomes (failed creation, join, or a damaged stack). */
static int slot_race_creator(void *arg)
{
    uintptr_t base = (uintptr_t)arg << 32;
    int bad = 0;
    for (uintptr_t round = 0; !slot_race_stop && !bad; round++) {
        struct thread *t[3];
        for (unsigned i = 0; i < 3; i++) {
            t[i] = thread_create("slotrace", stack_token_fn, (void *)(base + round * 4 + i + 1));
            bad += !t[i];
        }
        for (unsigned i = 0; i < 3; i++) {
            int ok = 0;
            if (t[i] && (thread_join(t[i], &ok) != 0 || ok != 1))
                bad++;
        }
    }
    return bad;
}

/* Two creators at once on a window of a few spare slots: slot_lock (the
 * clean and stale sets) and slot_flush_mutex (one flusher, TLB shootdowns
 * on every CPU) are taken from both sides while stacks are reused. Bounded
 * by time (2 s), asserted by outcome. Runs at 1 and 4 CPUs with the other
 * ktests and at 2 CPUs in ktest-races-*-smp2. */
KTEST(thread_stack_slots_race, KTEST_DEFAULT)
{
    thread_stack_window_limit(12);     /* 8 live at most: reuse, not exhaustion */
    slot_race_stop = false;
    struct thread *a = thread_create("creatorA", slot_race_creator, (void *)1);
    struct thread *b = thread_create("creatorB", slot_race_creator, (void *)2);
    KTEST_EXPECT(a && b, "creator threads not created (%p %p)", (void *)a, (void *)b);
    sched_sleep_ns(2000 * NS_PER_MS);
    slot_race_stop = true;
    int bad_a = -1, bad_b = -1;
    thread_join(a, &bad_a);
    thread_join(b, &bad_b);
    thread_stack_window_limit(0);
    KTEST_EXPECT(bad_a == 0 && bad_b == 0, "bad outcomes: creator A %d, creator B %d", bad_a,
                 bad_b);
    return 0;
}

static int return_seven(void *arg)
{
    (void)arg;
    return 7;
}

/* A thread's stack is four single pages: with memory mostly free but
 * without a free block of four pages (after a fork bomb), threads, and
 * so forks, are still created. */
KTEST(thread_with_memory_fragmented, KTEST_DEFAULT)
{
    void *kept = ktest_fragment_memory(4);
    uint64_t block = pages_alloc(2, 0);
    if (block)
        pages_free(block, 2);
    struct thread *t = thread_create("fragmented", return_seven, NULL);
    int rc = -1;
    if (t)
        thread_join(t, &rc);
    ktest_unfragment_memory(kept);
    KTEST_EXPECT(!block, "memory still had a free 4-page block");
    KTEST_EXPECT(t, "thread_create failed with memory fragmented");
    KTEST_EXPECT(rc == 7, "the thread returned %d", rc);
    return 0;
}
