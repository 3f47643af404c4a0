/* Futexes: sleeping on a user word until another thread wakes its
 * address (pthread mutexes, condition variables, join). Waiters hash by
 * user address into buckets, each a wait queue; a wake-up wakes the whole
 * bucket and waiters re-check their word (spurious wake-ups are allowed by
 * the futex contract). A per-bucket sequence number closes the window
 * between reading the word and sleeping. */
#include <abi/errno.h>
#include <plat/uaccess.h>
#include "proc_internal.h"

#define FUTEX_BUCKETS 64

struct futex_bucket {
    struct spinlock lock;       /* condition lock for wq; protects seq */
    struct waitq wq;
    volatile uint64_t seq;      /* bumped by every wake */
    unsigned waiters;
};

static struct futex_bucket buckets[FUTEX_BUCKETS];
static bool is_ready;
static struct spinlock init_lock = SPINLOCK_INIT;

static struct futex_bucket *bucket_of(uintptr_t uaddr)
{
    if (!__atomic_load_n(&is_ready, __ATOMIC_ACQUIRE)) {
        unsigned long flags = spin_lock_irqsave(&init_lock);
        if (!is_ready) {
            for (unsigned i = 0; i < FUTEX_BUCKETS; i++) {
                buckets[i].lock = (struct spinlock)SPINLOCK_INIT;
                waitq_init(&buckets[i].wq);
            }
            __atomic_store_n(&is_ready, true, __ATOMIC_RELEASE);
        }
        spin_unlock_irqrestore(&init_lock, flags);
    }
    return &buckets[(uaddr >> 2) % FUTEX_BUCKETS];
}

long futex_wait(uintptr_t uaddr, uint32_t val, uint64_t deadline_ns)
{
    if (uaddr & 3)
        return -EINVAL;
    struct futex_bucket *b = bucket_of(uaddr);
    uint64_t seq = __atomic_load_n(&b->seq, __ATOMIC_SEQ_CST);
    uint32_t cur;
    if (copy_from_user(&cur, (const void *)uaddr, sizeof(cur)) < 0)
        return -EFAULT;
    if (cur != val)
        return -EAGAIN;
    unsigned long flags = spin_lock_irqsave(&b->lock);
    long rc = 0;
    if (b->seq == seq) {
        b->waiters++;
        rc = waitq_sleep(&b->wq, &b->lock, deadline_ns);
        b->waiters--;
    }
    spin_unlock_irqrestore(&b->lock, flags);
    return rc;
}

long futex_wake(uintptr_t uaddr, unsigned count)
{
    if (uaddr & 3)
        return -EINVAL;
    struct futex_bucket *b = bucket_of(uaddr);
    unsigned long flags = spin_lock_irqsave(&b->lock);
    __atomic_add_fetch(&b->seq, 1, __ATOMIC_SEQ_CST);
    unsigned n = b->waiters ? waitq_wake_all(&b->wq) : 0;
    spin_unlock_irqrestore(&b->lock, flags);
    return n < count ? (long)n : (long)count;
}
