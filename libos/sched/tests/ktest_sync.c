/* Synchronisation tests: mutex, semaphores, condition variables, wait
 * queues with timeouts, poll waiters. */
#include <stdint.h>
#include <abi/errno.h>
#include <kern/printk.h>
#include <plat/timer.h>
#include <sched/smp.h>
#include <sched/sync.h>
#include <sched/thread.h>
#include <ktest.h>

#define NS_PER_MS 1000000ULL

static struct mutex counter_lock;
static volatile unsigned long counter;

static int add_under_mutex(void *arg)
{
    unsigned long n = (uintptr_t)arg;
    for (unsigned long i = 0; i < n; i++) {
        mutex_lock(&counter_lock);
        unsigned long v = counter;
        if (i % 64 == 0)
            sched_yield();          /* hold it across a switch now and then */
        counter = v + 1;
        mutex_unlock(&counter_lock);
    }
    return 0;
}

KTEST(mutex_counter_exact, KTEST_DEFAULT)
{
    enum { THREADS = 8, PER_THREAD = 20000 };
    struct thread *threads[THREADS];

    mutex_init(&counter_lock);
    counter = 0;
    for (unsigned i = 0; i < THREADS; i++) {
        threads[i] = thread_create("adder", add_under_mutex, (void *)(uintptr_t)PER_THREAD);
        KTEST_EXPECT(threads[i], "thread_create failed");
    }
    for (unsigned i = 0; i < THREADS; i++)
        thread_join(threads[i], NULL);
    KTEST_EXPECT(counter == THREADS * PER_THREAD, "counter %lu, expected %u", counter,
                 THREADS * PER_THREAD);
    KTEST_EXPECT(mutex_trylock(&counter_lock), "mutex still held at the end");
    KTEST_EXPECT(mutex_held(&counter_lock), "trylock did not make us the owner");
    mutex_unlock(&counter_lock);
    return 0;
}

/* A bounded buffer guarded by a mutex, with "slots free" and "items ready"
 * semaphores: every item produced is consumed once, in order per producer. */
#define BUFFER_SIZE 8
#define PRODUCERS 3
#define CONSUMERS 3
#define ITEMS_PER_PRODUCER 3000

static struct {
    struct semaphore free_slots, items;
    struct mutex lock;
    unsigned long buffer[BUFFER_SIZE];
    unsigned head, tail;
    volatile unsigned long sum, count;
    volatile unsigned long last_seen[PRODUCERS];
    volatile unsigned out_of_order;
} pc;

static int producer(void *arg)
{
    unsigned long id = (uintptr_t)arg;
    for (unsigned long i = 1; i <= ITEMS_PER_PRODUCER; i++) {
        sem_wait(&pc.free_slots, 0);
        mutex_lock(&pc.lock);
        pc.buffer[pc.head] = id << 32 | i;
        pc.head = (pc.head + 1) % BUFFER_SIZE;
        mutex_unlock(&pc.lock);
        sem_post(&pc.items);
    }
    return 0;
}

static int consumer(void *arg)
{
    unsigned long n = (uintptr_t)arg;
    for (unsigned long i = 0; i < n; i++) {
        sem_wait(&pc.items, 0);
        mutex_lock(&pc.lock);
        unsigned long item = pc.buffer[pc.tail];
        pc.tail = (pc.tail + 1) % BUFFER_SIZE;
        unsigned long id = item >> 32, seq = item & 0xffffffff;
        if (seq <= pc.last_seen[id])
            pc.out_of_order++;
        pc.last_seen[id] = seq;
        pc.sum += seq;
        pc.count++;
        mutex_unlock(&pc.lock);
        sem_post(&pc.free_slots);
    }
    return 0;
}

KTEST(semaphore_producer_consumer, KTEST_DEFAULT)
{
    struct thread *threads[PRODUCERS + CONSUMERS];
    unsigned long total = PRODUCERS * ITEMS_PER_PRODUCER;

    sem_init(&pc.free_slots, BUFFER_SIZE);
    sem_init(&pc.items, 0);
    mutex_init(&pc.lock);
    pc.head = pc.tail = 0;
    pc.sum = pc.count = 0;
    pc.out_of_order = 0;
    for (unsigned i = 0; i < PRODUCERS; i++)
        pc.last_seen[i] = 0;
    for (unsigned i = 0; i < CONSUMERS; i++)
        threads[i] = thread_create("consumer", consumer, (void *)(uintptr_t)(total / CONSUMERS));
    for (unsigned i = 0; i < PRODUCERS; i++)
        threads[CONSUMERS + i] = thread_create("producer", producer, (void *)(uintptr_t)i);
    for (unsigned i = 0; i < PRODUCERS + CONSUMERS; i++) {
        KTEST_EXPECT(threads[i], "thread_create failed");
        thread_join(threads[i], NULL);
    }
    unsigned long expected_sum = PRODUCERS * (unsigned long)ITEMS_PER_PRODUCER *
                                 (ITEMS_PER_PRODUCER + 1) / 2;
    KTEST_EXPECT(pc.count == total, "consumed %lu items, expected %lu", pc.count, total);
    KTEST_EXPECT(pc.sum == expected_sum, "sum %lu, expected %lu", pc.sum, expected_sum);
    KTEST_EXPECT(pc.out_of_order == 0, "%u items out of order", pc.out_of_order);
    KTEST_EXPECT(pc.free_slots.count == BUFFER_SIZE && pc.items.count == 0,
                 "semaphores end at %ld/%ld, expected %d/0", pc.free_slots.count,
                 pc.items.count, BUFFER_SIZE);
    return 0;
}

KTEST(semaphore_wait_timeout, KTEST_DEFAULT)
{
    struct semaphore s;
    sem_init(&s, 0);
    uint64_t start = plat_time_ns();
    int rc = sem_wait(&s, start + 20 * NS_PER_MS);
    uint64_t waited = plat_time_ns() - start;
    KTEST_EXPECT(rc == -ETIMEDOUT, "sem_wait returned %d, expected -ETIMEDOUT", rc);
    KTEST_EXPECT(waited >= 20 * NS_PER_MS, "timed out after %llu ns, before 20 ms",
                 (unsigned long long)waited);
    sem_post(&s);
    KTEST_EXPECT(sem_wait(&s, plat_time_ns() + 20 * NS_PER_MS) == 0, "posted sem_wait failed");
    return 0;
}

KTEST(waitq_sleep_timeout, KTEST_DEFAULT)
{
    struct waitq wq;
    struct spinlock lock = SPINLOCK_INIT;
    waitq_init(&wq);

    spin_lock(&lock);
    uint64_t start = plat_time_ns();
    int rc = waitq_sleep(&wq, &lock, start + 15 * NS_PER_MS);
    uint64_t waited = plat_time_ns() - start;
    bool is_locked = lock.locked;
    spin_unlock(&lock);
    KTEST_EXPECT(rc == -ETIMEDOUT, "waitq_sleep returned %d, expected -ETIMEDOUT", rc);
    KTEST_EXPECT(waited >= 15 * NS_PER_MS, "timed out after %llu ns, before 15 ms",
                 (unsigned long long)waited);
    KTEST_EXPECT(is_locked, "the lock was not re-taken");
    KTEST_EXPECT(list_empty(&wq.waiters), "the entry stayed on the queue");
    return 0;
}

static struct {
    struct waitq wq;
    struct spinlock lock;
    volatile bool flag;
} wake_test;

static int set_flag_and_wake(void *arg)
{
    (void)arg;
    sched_sleep_ns(5 * NS_PER_MS);
    spin_lock(&wake_test.lock);
    wake_test.flag = true;
    waitq_wake_all(&wake_test.wq);
    spin_unlock(&wake_test.lock);
    return 0;
}

KTEST(waitq_wake_before_timeout, KTEST_DEFAULT)
{
    waitq_init(&wake_test.wq);
    wake_test.lock = (struct spinlock)SPINLOCK_INIT;
    wake_test.flag = false;
    struct thread *t = thread_create("waker", set_flag_and_wake, NULL);
    KTEST_EXPECT(t, "thread_create failed");
    uint64_t deadline = plat_time_ns() + 60000 * NS_PER_MS;  /* a bound on a loaded host */
    int rc = 0;
    spin_lock(&wake_test.lock);
    while (!wake_test.flag && rc == 0)
        rc = waitq_sleep(&wake_test.wq, &wake_test.lock, deadline);
    bool flag = wake_test.flag;
    spin_unlock(&wake_test.lock);
    thread_join(t, NULL);
    KTEST_EXPECT(rc == 0 && flag, "rc %d flag %d: not woken", rc, flag);
    return 0;
}

/* Two threads take turns through a mutex and a condition variable. */
#define PING_PONG_ROUNDS 2000
static struct {
    struct mutex lock;
    struct condvar changed;
    volatile unsigned turn;         /* 0: ping's turn, 1: pong's */
    volatile unsigned rounds[2];
} pp;

static int ping_pong(void *arg)
{
    unsigned me = (uintptr_t)arg;
    for (unsigned i = 0; i < PING_PONG_ROUNDS; i++) {
        mutex_lock(&pp.lock);
        while (pp.turn != me)
            cond_wait(&pp.changed, &pp.lock, 0);
        pp.rounds[me]++;
        pp.turn = !me;
        cond_signal(&pp.changed);
        mutex_unlock(&pp.lock);
    }
    return 0;
}

KTEST(condvar_ping_pong, KTEST_DEFAULT)
{
    mutex_init(&pp.lock);
    cond_init(&pp.changed);
    pp.turn = 0;
    pp.rounds[0] = pp.rounds[1] = 0;
    struct thread *a = thread_create("ping", ping_pong, (void *)0);
    struct thread *b = thread_create("pong", ping_pong, (void *)1);
    KTEST_EXPECT(a && b, "thread_create failed");
    thread_join(a, NULL);
    thread_join(b, NULL);
    KTEST_EXPECT(pp.rounds[0] == PING_PONG_ROUNDS && pp.rounds[1] == PING_PONG_ROUNDS,
                 "rounds %u/%u, expected %u each", pp.rounds[0], pp.rounds[1],
                 PING_PONG_ROUNDS);
    return 0;
}

KTEST(condvar_wait_timeout, KTEST_DEFAULT)
{
    struct mutex m;
    struct condvar c;
    mutex_init(&m);
    cond_init(&c);
    mutex_lock(&m);
    uint64_t start = plat_time_ns();
    int rc = cond_wait(&c, &m, start + 10 * NS_PER_MS);
    bool is_held = mutex_held(&m);
    mutex_unlock(&m);
    KTEST_EXPECT(rc == -ETIMEDOUT, "cond_wait returned %d, expected -ETIMEDOUT", rc);
    KTEST_EXPECT(plat_time_ns() - start >= 10 * NS_PER_MS, "timed out early");
    KTEST_EXPECT(is_held, "the mutex was not re-taken");
    return 0;
}

static struct waitq poll_queues[2];

static int wake_second_queue(void *arg)
{
    (void)arg;
    sched_sleep_ns(5 * NS_PER_MS);
    waitq_wake_all(&poll_queues[1]);
    return 0;
}

KTEST(poll_waiter_two_queues, KTEST_DEFAULT)
{
    struct poll_waiter pw;
    waitq_init(&poll_queues[0]);
    waitq_init(&poll_queues[1]);

    /* Nobody wakes: times out. */
    poll_waiter_init(&pw);
    KTEST_EXPECT(poll_waiter_add(&pw, &poll_queues[0]) == 0, "poll_waiter_add failed");
    KTEST_EXPECT(poll_waiter_add(&pw, &poll_queues[1]) == 0, "poll_waiter_add failed");
    uint64_t start = plat_time_ns();
    int rc = poll_waiter_sleep(&pw, start + 10 * NS_PER_MS);
    KTEST_EXPECT(rc == -ETIMEDOUT, "poll_waiter_sleep returned %d, expected -ETIMEDOUT", rc);
    KTEST_EXPECT(plat_time_ns() - start >= 10 * NS_PER_MS, "timed out early");

    /* A wake-up on the second queue wakes it. */
    struct thread *t = thread_create("waker", wake_second_queue, NULL);
    KTEST_EXPECT(t, "thread_create failed");
    rc = poll_waiter_sleep(&pw, plat_time_ns() + 60000 * NS_PER_MS);
    thread_join(t, NULL);
    KTEST_EXPECT(rc == 0, "poll_waiter_sleep returned %d, expected 0 (woken)", rc);

    /* A wake-up that came before the sleep is not lost. */
    waitq_wake_one(&poll_queues[0]);
    rc = poll_waiter_sleep(&pw, plat_time_ns() + 60000 * NS_PER_MS);
    KTEST_EXPECT(rc == 0, "poll_waiter_sleep returned %d after an earlier wake-up", rc);
    poll_waiter_done(&pw);
    KTEST_EXPECT(list_empty(&poll_queues[0].waiters) && list_empty(&poll_queues[1].waiters),
                 "entries stayed on the queues");
    return 0;
}
