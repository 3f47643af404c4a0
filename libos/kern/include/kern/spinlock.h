/* Spinlocks. spin_lock_irqsave also masks interrupts on this CPU, for data
 * an interrupt handler may touch. Hold them briefly; never sleep under one. */
#ifndef KERN_SPINLOCK_H
#define KERN_SPINLOCK_H

#include <plat/cpu.h>

struct spinlock {
    volatile unsigned locked;
    const void *owner;          /* the holder's spin_owner token, or NULL */
};

#define SPINLOCK_INIT { 0, NULL }

/* Lock debugging (kern/spinlock.c). Each lock records its holder: the
 * running thread (a token the scheduler installs at each switch, so a
 * holder that is preempted and moves to another CPU stays the holder), or
 * before the scheduler runs, the CPU. spin_assert_held panics unless the
 * caller holds the lock: it replaces "called with X held" comments (a
 * build with -Db_ndebug=true leaves the checks out).
 * The spinlocks held by the running thread are counted once
 * spin_tracking_start has run (the scheduler's init); sched_block panics
 * when a thread would sleep holding one. spin_held_switch (interrupts off,
 * sched_switch only) installs the next thread's count and owner token and
 * returns the previous thread's count. */
void spin_tracking_start(void);
void spin_acquired(struct spinlock *lock);
void spin_releasing(struct spinlock *lock);
int spin_held_count(void);
int spin_held_switch(int next_count, const void *next_owner);
void spin_assert_held_at(const struct spinlock *lock, const char *what, const char *file,
                         int line);

#ifdef NDEBUG                   /* meson -Db_ndebug=true: no lock checks */
#define spin_assert_held(lock) ((void)(lock))
#else
#define spin_assert_held(lock) spin_assert_held_at((lock), #lock, __FILE__, __LINE__)
#endif

static inline void spin_lock(struct spinlock *lock)
{
    while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
            arch_cpu_relax();
    spin_acquired(lock);
}

static inline void spin_unlock(struct spinlock *lock)
{
    spin_releasing(lock);
    __atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

static inline unsigned long spin_lock_irqsave(struct spinlock *lock)
{
    unsigned long flags = arch_irq_save();
    spin_lock(lock);
    return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags)
{
    spin_unlock(lock);
    arch_irq_restore(flags);
}

#endif
