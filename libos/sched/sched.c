/* The scheduler: per-CPU run queues served round-robin, a time quantum
 * enforced by a per-CPU timer and the interrupt-exit hook, idle threads
 * that halt the CPU, wake-ups that spread threads over idle CPUs, and
 * stealing by CPUs that run out of work. */
#include <stddef.h>
#include <sched/sched.h>
#include <kern/panic.h>
#include <kern/printk.h>
#include <mm/page.h>
#include <plat/context.h>
#include <plat/timer.h>
#include "internal.h"

struct cpu sched_cpus[PLAT_MAX_CPUS];
bool sched_is_ready;

/* The process layer's switch hook (sched/thread.h), set once at boot. Read
 * on every switch on every CPU: one relaxed load and a test (it only
 * matters once a process exists, which boot orders after the store). */
static sched_switch_hook_fn switch_hook;

void sched_set_switch_hook(sched_switch_hook_fn fn)
{
    __atomic_store_n(&switch_hook, fn, __ATOMIC_RELAXED);
}

static unsigned cpu_load(const struct cpu *c)
{
    return c->nr_ready + (c->current != c->idle);
}

static bool cpu_is_idle(const struct cpu *c)
{
    return c->is_online && c->current == c->idle && c->nr_ready == 0;
}

/* Where a thread that becomes runnable should go: the CPU it last ran on
 * when that one is idle, else the least loaded online CPU. */
static unsigned select_cpu(const struct thread *t)
{
    unsigned best = t->cpu;
    if (!sched_cpus[best].is_online)
        best = arch_cpu_id();
    if (cpu_is_idle(&sched_cpus[best]))
        return best;
    unsigned best_load = cpu_load(&sched_cpus[best]);
    for (unsigned i = 0; i < PLAT_MAX_CPUS; i++) {
        const struct cpu *c = &sched_cpus[i];
        if (!c->is_online)
            continue;
        unsigned load = cpu_load(c);
        if (load < best_load) {
            best = i;
            best_load = load;
        }
    }
    return best;
}

/* Wakes an idle CPU other than busy, if there is one, to steal what waits
 * on busy's queue. Interrupts off. */
static void kick_idle_cpu(const struct cpu *busy)
{
    unsigned self = arch_cpu_id();
    for (unsigned i = 0; i < PLAT_MAX_CPUS; i++) {
        struct cpu *c = &sched_cpus[i];
        if (c == busy || !cpu_is_idle(c))
            continue;
        if (i == self)
            c->need_resched = true;
        else
            arch_send_ipi(i, IPI_RESCHEDULE);
        return;
    }
}

/* Puts a READY thread on a run queue and makes sure a CPU notices: the
 * target when it idles, else an idle CPU that went idle after select_cpu
 * looked (it steals the thread; without this a thread could wait behind
 * one that spins with interrupts off while a CPU sleeps with no tick). */
static void enqueue(struct thread *t)
{
    unsigned long flags = arch_irq_save();
    unsigned target = select_cpu(t);
    struct cpu *c = &sched_cpus[target];

    spin_lock(&c->rq_lock);
    t->cpu = target;
    list_push_back(&c->runq, &t->run_link);
    c->nr_ready++;
    spin_unlock(&c->rq_lock);

    /* Pairs with the fence in idle_loop: either that CPU sees this
     * thread on the queue before it halts, or this sees it idle. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (c->current != c->idle)
        kick_idle_cpu(c);
    else if (target == arch_cpu_id())
        c->need_resched = true;
    else
        arch_send_ipi(target, IPI_RESCHEDULE);
    arch_irq_restore(flags);
}

/* Takes a thread that no CPU is running from the busiest other queue. */
static struct thread *steal(struct cpu *self)
{
    struct cpu *victim = NULL;
    unsigned most = 0;

    for (unsigned i = 0; i < PLAT_MAX_CPUS; i++) {
        struct cpu *c = &sched_cpus[i];
        if (c != self && c->is_online && c->nr_ready > most) {
            victim = c;
            most = c->nr_ready;
        }
    }
    if (!victim)
        return NULL;
    struct thread *found = NULL;
    spin_lock(&victim->rq_lock);
    struct list *pos;
    list_for_each(pos, &victim->runq) {
        struct thread *t = list_entry(pos, struct thread, run_link);
        if (!t->on_cpu) {
            list_remove(&t->run_link);
            victim->nr_ready--;
            found = t;
            break;
        }
    }
    spin_unlock(&victim->rq_lock);
    return found;
}

static void quantum_expired(void *arg)
{
    struct cpu *c = arg;

    if (c->current == c->idle)
        return;
    if (c->nr_ready) {
        c->need_resched = true;
        kick_idle_cpu(c);       /* let an idle CPU take what waits here */
    }
    timer_start(&c->quantum, plat_time_ns() + SCHED_QUANTUM_NS);
}

/* ktests only (sched/thread.h): after finish_switch has let go of this
 * thread, it lingers, so that another CPU runs the thread in between. */
struct thread *sched_test_slow_prev;
uint64_t sched_test_linger_ns;

static void test_linger(void)
{
    uint64_t until = plat_time_ns() + __atomic_load_n(&sched_test_linger_ns, __ATOMIC_RELAXED);
    while (plat_time_ns() < until)
        arch_cpu_relax();
}

/* Runs in the thread switched to, right after arch_context_switch: lets
 * go of the previous thread's stack and reports a dead thread. */
static void finish_switch(void)
{
    struct cpu *c = this_cpu();
    struct thread *prev = c->prev;

    c->prev = NULL;
    if (!prev)
        return;
    /* Whether it died, read before on_cpu lets it go: from then on another
     * CPU may run prev, and if it then dies there, that CPU's finish_switch
     * reports the death; a second report here added it to the zombie list
     * twice (or woke its joiner twice), and the reaper freed it while it
     * was still listed. Only prev itself sets DEAD. */
    bool is_dead = prev->state == THREAD_DEAD;
    __atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
    if (__builtin_expect(prev == __atomic_load_n(&sched_test_slow_prev, __ATOMIC_RELAXED), 0))
        test_linger();
    if (!is_dead)
        return;
    spin_lock(&prev->exit_lock);
    if (prev->is_reapable)
        panic("finish_switch: the death of %s is reported twice", prev->name);
    prev->is_reapable = true;
    bool is_zombie = prev->is_detached;
    if (!is_zombie)
        waitq_wake_all(&prev->join_wq);
    spin_unlock(&prev->exit_lock);
    /* Only once its lock is released: from the zombie list, another CPU
     * (its idle loop, an exit, a create) may free the thread at once. */
    if (is_zombie)
        thread_zombie_add(prev);
}

void sched_switch(void)
{
    struct cpu *c = this_cpu();
    struct thread *prev = c->current, *next = NULL;

    c->need_resched = false;
    spin_lock(&prev->state_lock);
    bool requeue = prev->state == THREAD_RUNNING && !prev->is_idle;
    if (requeue)
        prev->state = THREAD_READY;
    spin_unlock(&prev->state_lock);

    spin_lock(&c->rq_lock);
    if (requeue) {
        list_push_back(&c->runq, &prev->run_link);
        c->nr_ready++;
    }
    if (!list_empty(&c->runq)) {
        next = list_entry(c->runq.next, struct thread, run_link);
        list_remove(&next->run_link);
        c->nr_ready--;
    }
    spin_unlock(&c->rq_lock);
    if (!next)
        next = steal(c);
    if (!next)
        next = c->idle;

    next->state = THREAD_RUNNING;
    next->cpu = (unsigned)(c - sched_cpus);
    if (next == prev)
        return;
    if (next != c->idle && !timer_is_pending(&c->quantum))
        timer_start(&c->quantum, plat_time_ns() + SCHED_QUANTUM_NS);
    next->on_cpu = true;
    c->current = next;
    arch_cpu_current_set(next->cpu, next);
    c->prev = prev;
    c->switches++;
    sched_switch_hook_fn hook = __atomic_load_n(&switch_hook, __ATOMIC_RELAXED);
    if (hook)
        hook(prev, next);
    prev->spin_held = spin_held_switch(next->spin_held, next);
    arch_context_switch(&prev->sp, next->sp);
    finish_switch();
}

void sched_irq_exit(void)
{
    if (!sched_is_ready)
        return;
    if (this_cpu()->need_resched)
        sched_switch();
}

void ipi_interrupt(enum arch_ipi kind)
{
    if (kind == IPI_RESCHEDULE)
        this_cpu()->need_resched = true;
    else
        smp_handle_calls();
}

/* ---- blocking and waking ---- */

void sched_prepare_block(void)
{
    struct thread *t = this_cpu()->current;

    spin_lock(&t->state_lock);
    t->state = THREAD_BLOCKED;
    spin_unlock(&t->state_lock);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void sched_block(void)
{
    /* A sleeper holding a spinlock makes every other taker spin until it
     * is woken, and deadlocks if its waker needs the lock. */
    if (spin_held_count() > 0)
        panic("sched: sleeping with a spinlock held (%s)", this_cpu()->current->name);
    sched_switch();
}

void sched_abort_block(void)
{
    struct thread *t = this_cpu()->current;

    spin_lock(&t->state_lock);
    bool is_blocked = t->state == THREAD_BLOCKED;
    if (is_blocked)
        t->state = THREAD_RUNNING;
    spin_unlock(&t->state_lock);
    /* Otherwise a waker is already putting us on a run queue: let it. */
    if (!is_blocked)
        sched_switch();
}

bool sched_wake(struct thread *t)
{
    unsigned long flags = arch_irq_save();

    spin_lock(&t->state_lock);
    if (t->state != THREAD_BLOCKED) {
        spin_unlock(&t->state_lock);
        arch_irq_restore(flags);
        return false;
    }
    t->state = THREAD_READY;
    spin_unlock(&t->state_lock);
    /* The thread may still be switching out on its CPU. */
    while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
        arch_cpu_relax();
    enqueue(t);
    arch_irq_restore(flags);
    return true;
}

/* ---- threads' first and last moments ---- */

/* Every new thread starts here (arch_context_init), interrupts disabled. */
static void thread_start(void *arg)
{
    struct thread *t = arg;

    finish_switch();
    arch_irq_enable();
    thread_exit(t->fn(t->arg));
}

void sched_thread_setup(struct thread *t)
{
    t->sp = arch_context_init((void *)(t->stack_va + THREAD_STACK_SIZE), thread_start, t);
}

void sched_make_runnable(struct thread *t)
{
    t->state = THREAD_READY;
    enqueue(t);
}

_Noreturn void thread_exit(int exit_code)
{
    /* The threads that died before this one go now: with no thread being
     * created, the zombie list would otherwise grow with every exit. */
    thread_reap_zombies();
    arch_irq_disable();
    struct thread *t = this_cpu()->current;

    if (t->is_idle || !t->stack_va)
        panic("thread_exit: %s may not exit", t->name);
    t->exit_code = exit_code;
    spin_lock(&t->state_lock);
    t->state = THREAD_DEAD;
    spin_unlock(&t->state_lock);
    sched_switch();
    panic("thread_exit: dead thread %s ran again", t->name);
}


void thread_fail_nth_set(unsigned n)
{
    thread_current()->fail_nth = n;
}

unsigned thread_fail_nth_get(void)
{
    return thread_current()->fail_nth;
}

bool thread_fail_pause(bool is_paused)
{
    struct thread *t = thread_current();
    bool was = t->is_fail_paused;
    t->is_fail_paused = is_paused;
    return was;
}

/* mm's failure check: only the thread's own fields, no lock. */
static bool alloc_should_fail(void)
{
    if (!sched_is_ready)
        return false;
    struct thread *t = thread_current();
    if (!t->fail_nth || t->is_fail_paused)
        return false;
    return --t->fail_nth == 0;
}

void sched_yield(void)
{
    unsigned long flags = arch_irq_save();
    sched_switch();
    arch_irq_restore(flags);
}

/* ---- idle and bring-up ---- */

/* Whether another CPU has a thread waiting on its queue for this one to
 * steal. */
static bool others_have_work(const struct cpu *self)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);    /* see enqueue */
    for (unsigned i = 0; i < PLAT_MAX_CPUS; i++) {
        const struct cpu *c = &sched_cpus[i];
        if (c != self && c->is_online && __atomic_load_n(&c->nr_ready, __ATOMIC_RELAXED))
            return true;
    }
    return false;
}

static int idle_loop(void *arg)
{
    (void)arg;
    for (;;) {
        /* Nothing else to run: free the stacks of the threads that died. */
        thread_reap_zombies();
        arch_irq_disable();
        struct cpu *c = this_cpu();
        if (c->nr_ready || c->need_resched || others_have_work(c)) {
            sched_switch();
            arch_irq_enable();
            continue;
        }
        arch_wait_for_interrupt();      /* sti; hlt / wfi: returns enabled */
    }
    return 0;
}

static struct thread boot_thread;

void sched_init(void)
{
    for (unsigned i = 0; i < PLAT_MAX_CPUS; i++) {
        struct cpu *c = &sched_cpus[i];
        list_init(&c->runq);
        list_init(&c->calls);
        timer_init(&c->quantum, quantum_expired, c);
    }
    thread_slots_init();
    struct thread *boot = &boot_thread;
    thread_struct_init(boot, "main");
    boot->state = THREAD_RUNNING;
    boot->on_cpu = true;

    struct cpu *c = &sched_cpus[0];
    c->current = boot;
    arch_cpu_current_set(0, boot);
    c->idle = thread_alloc("idle0", idle_loop, NULL);
    if (!c->idle)
        panic("sched: no memory for the idle thread");
    c->idle->is_idle = true;
    c->is_online = true;
    sched_is_ready = true;
    mm_set_fail_check(alloc_should_fail);
    spin_held_switch(0, boot);          /* the owner of this CPU's spinlocks */
    spin_tracking_start();
}

static void secondary_main(void)
{
    struct cpu *c = this_cpu();

    spin_held_switch(0, c->current);    /* interrupts are still off */
    c->is_online = true;
    arch_irq_enable();
    idle_loop(NULL);
}

void sched_start_cpus(void)
{
    unsigned possible = plat_cpus_possible();

    for (unsigned i = 1; i < possible && i < PLAT_MAX_CPUS; i++) {
        struct cpu *c = &sched_cpus[i];
        char name[16];
        snprintf(name, sizeof(name), "idle%u", i);
        struct thread *idle = thread_alloc(name, idle_loop, NULL);
        if (!idle)
            panic("sched: no memory for CPU %u's idle thread", i);
        idle->is_idle = true;
        idle->state = THREAD_RUNNING;
        idle->on_cpu = true;
        idle->cpu = i;
        c->idle = c->current = idle;
        arch_cpu_current_set(i, idle);
        int err = plat_cpu_start(i, (void *)(idle->stack_va + THREAD_STACK_SIZE), secondary_main);
        if (err)
            printk("sched: CPU %u did not start (%d)\n", i, err);
    }
}

unsigned smp_cpus_online(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < PLAT_MAX_CPUS; i++)
        n += sched_cpus[i].is_online;
    return n;
}
