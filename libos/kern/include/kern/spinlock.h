/* Spinlocks. spin_lock_irqsave also masks interrupts on this CPU, for data
 * an interrupt handler may touch. Hold them briefly; never sleep under one. */
#ifndef KERN_SPINLOCK_H
#define KERN_SPINLOCK_H

#include <plat/cpu.h>

struct spinlock {
    volatile unsigned locked;
};

#define SPINLOCK_INIT { 0 }

static inline void spin_lock(struct spinlock *lock)
{
    while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
            arch_cpu_relax();
}

static inline void spin_unlock(struct spinlock *lock)
{
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
