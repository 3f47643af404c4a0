/* Spinlocks. spin_lock_irqsave also masks interrupts on this CPU, for data
 * an interrupt handler may touch. Hold them briefly; never sleep under one. */
#ifndef KERN_SPINLOCK_H
#define KERN_SPINLOCK_H

#include <plat/cpu.h>

struct spinlock {
    volatile unsigned locked;
};

#define SPINLOCK_INIT { 0 }

/* Lock debugging (kern/spinlock.c): the spinlocks held by the running
 * thread are counted once spin_tracking_start has run (the scheduler's
 * init); sched_block panics when a thread would sleep holding one.
 * spin_held_switch (interrupts off, sched_switch only) installs the next
 * thread's count and returns the previous thread's. */
void spin_tracking_start(void);
void spin_held_add(int delta);
int spin_held_count(void);
int spin_held_switch(int next_count);

static inline void spin_lock(struct spinlock *lock)
{
    while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
            arch_cpu_relax();
    spin_held_add(1);
}

static inline void spin_unlock(struct spinlock *lock)
{
    spin_held_add(-1);
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
