/* lwIP's operating-system layer on libos/sched: semaphores and mutexes are
 * the kernel's, mailboxes are rings guarded by a spinlock with two wait
 * queues, threads are kernel threads, sys_now is the platform clock. Also
 * the port's memory (the kernel heap under a byte cap set from the
 * machine's RAM), lightweight protection, randomness and diagnostics.
 * Nothing here runs in interrupt context. */
#include <stdarg.h>
#include <string.h>
#include <abi/errno.h>
#include <kern/panic.h>
#include <kern/printk.h>
#include <kern/spinlock.h>
#include <mm/kmalloc.h>
#include <mm/page.h>
#include <plat/timer.h>
#include <sched/sync.h>
#include <sched/thread.h>
#include <sched/wait.h>
#include <vfs/fs.h>
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "lwip/err.h"
#include "port.h"

/* ---- memory ---- */

#define MEM_HEADER 16                   /* keeps lwIP's 8-byte alignment */

static size_t mem_cap_bytes = 2u << 20; /* set by lwip_port_mem_init */
static size_t mem_used_bytes;           /* atomic */
static size_t mem_peak_bytes;           /* atomic, a high-water mark */

void lwip_port_mem_init(void)
{
    struct mm_stats st;
    mm_get_stats(&st);
    size_t ram = (size_t)st.managed_pages * PAGE_SIZE;
    size_t cap = ram / 8;
    if (cap < LWIP_PORT_MEM_MIN)
        cap = LWIP_PORT_MEM_MIN;
    if (cap > LWIP_PORT_MEM_MAX)
        cap = LWIP_PORT_MEM_MAX;
    mem_cap_bytes = cap;
}

void lwip_port_mem_stats(size_t *used, size_t *peak, size_t *cap)
{
    *used = __atomic_load_n(&mem_used_bytes, __ATOMIC_RELAXED);
    *peak = __atomic_load_n(&mem_peak_bytes, __ATOMIC_RELAXED);
    *cap = mem_cap_bytes;
}

void *lwip_port_malloc(size_t size)
{
    size_t total = size + MEM_HEADER;
    size_t used = __atomic_add_fetch(&mem_used_bytes, total, __ATOMIC_RELAXED);
    if (used > mem_cap_bytes) {
        __atomic_sub_fetch(&mem_used_bytes, total, __ATOMIC_RELAXED);
        return NULL;
    }
    size_t peak = __atomic_load_n(&mem_peak_bytes, __ATOMIC_RELAXED);
    while (used > peak &&
           !__atomic_compare_exchange_n(&mem_peak_bytes, &peak, used, true,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
    size_t *block = kmalloc(total);
    if (!block) {
        __atomic_sub_fetch(&mem_used_bytes, total, __ATOMIC_RELAXED);
        return NULL;
    }
    block[0] = total;
    return (char *)block + MEM_HEADER;
}

void lwip_port_free(void *ptr)
{
    if (!ptr)
        return;
    size_t *block = (size_t *)((char *)ptr - MEM_HEADER);
    __atomic_sub_fetch(&mem_used_bytes, block[0], __ATOMIC_RELAXED);
    kfree(block);
}

void *lwip_port_calloc(size_t count, size_t size)
{
    if (size && count > (size_t)-1 / size)
        return NULL;
    void *p = lwip_port_malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

/* ---- diagnostics and randomness ---- */

void lwip_port_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

_Noreturn void lwip_port_assert(const char *message, const char *file, int line)
{
    panic("lwip: assertion \"%s\" failed at %s:%d", message, file, line);
}

uint32_t lwip_port_rand(void)
{
    uint32_t value;
    random_read(&value, sizeof(value));
    return value;
}

/* ---- time ---- */

void sys_init(void)
{
}

u32_t sys_now(void)
{
    return (u32_t)(plat_time_ns() / 1000000u);
}

static uint64_t deadline_of(u32_t timeout_ms)
{
    return timeout_ms ? plat_time_ns() + (uint64_t)timeout_ms * 1000000u : 0;
}

static u32_t elapsed_ms(uint64_t start_ns)
{
    return (u32_t)((plat_time_ns() - start_ns) / 1000000u);
}

/* ---- lightweight protection: a recursive, interrupt-disabling lock ---- */

/* Protects lwIP's short critical sections (pbuf reference counts, memp).
 * Recursive for its owner; innermost but for the kernel heap's locks. */
static struct spinlock protect_lock = SPINLOCK_INIT;
static struct thread *protect_owner;    /* under protect_lock */
static unsigned protect_depth;          /* under protect_lock */
static unsigned long protect_flags;     /* under protect_lock */

sys_prot_t sys_arch_protect(void)
{
    struct thread *self = thread_current();
    if (__atomic_load_n(&protect_owner, __ATOMIC_RELAXED) == self) {
        protect_depth++;
        return 1;
    }
    unsigned long flags = spin_lock_irqsave(&protect_lock);
    protect_owner = self;
    protect_depth = 1;
    protect_flags = flags;
    return 0;
}

void sys_arch_unprotect(sys_prot_t level)
{
    (void)level;
    if (--protect_depth > 0)
        return;
    unsigned long flags = protect_flags;
    __atomic_store_n(&protect_owner, NULL, __ATOMIC_RELAXED);
    spin_unlock_irqrestore(&protect_lock, flags);
}

/* ---- semaphores and mutexes ---- */

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
    struct semaphore *s = kmalloc(sizeof(*s));
    if (!s)
        return ERR_MEM;
    sem_init(s, count);
    *sem = s;
    return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
    kfree(*sem);
    *sem = NULL;
}

void sys_sem_signal(sys_sem_t *sem)
{
    sem_post(*sem);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout_ms)
{
    uint64_t start = plat_time_ns();
    if (sem_wait(*sem, deadline_of(timeout_ms)) < 0)
        return SYS_ARCH_TIMEOUT;
    return elapsed_ms(start);
}

err_t sys_mutex_new(sys_mutex_t *mutex)
{
    struct mutex *m = kmalloc(sizeof(*m));
    if (!m)
        return ERR_MEM;
    mutex_init(m);
    *mutex = m;
    return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *mutex)
{
    kfree(*mutex);
    *mutex = NULL;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
    mutex_lock(*mutex);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
    /* The end of a core-lock section: lwIP's burst of frames (a
     * tcp_output, the answers to a received frame, a timer's) goes to
     * the NICs with one notification each. */
    if (mutex == &lock_tcpip_core)
        ethif_flush();
    mutex_unlock(*mutex);
}

/* ---- mailboxes ---- */

struct lwip_mbox {
    struct spinlock lock;               /* protects head, count; a leaf but for waitqs */
    unsigned head, count, size;
    struct waitq not_empty, not_full;
    void *msgs[];
};

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
    if (size <= 0)
        size = 16;
    struct lwip_mbox *mb = kzalloc(sizeof(*mb) + (size_t)size * sizeof(void *));
    if (!mb)
        return ERR_MEM;
    mb->lock = (struct spinlock)SPINLOCK_INIT;
    mb->size = (unsigned)size;
    waitq_init(&mb->not_empty);
    waitq_init(&mb->not_full);
    *mbox = mb;
    return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
    struct lwip_mbox *mb = *mbox;
    waitq_destroy(&mb->not_empty);
    waitq_destroy(&mb->not_full);
    kfree(mb);
    *mbox = NULL;
}

/* Queues msg; the box has room. */
static void mbox_put(struct lwip_mbox *mb, void *msg)
{
    spin_assert_held(&mb->lock);
    mb->msgs[(mb->head + mb->count) % mb->size] = msg;
    mb->count++;
    waitq_wake_one(&mb->not_empty);
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
    struct lwip_mbox *mb = *mbox;
    spin_lock(&mb->lock);
    while (mb->count == mb->size)
        waitq_sleep_uninterruptible(&mb->not_full, &mb->lock, 0);
    mbox_put(mb, msg);
    spin_unlock(&mb->lock);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
    struct lwip_mbox *mb = *mbox;
    spin_lock(&mb->lock);
    if (mb->count == mb->size) {
        spin_unlock(&mb->lock);
        return ERR_MEM;
    }
    mbox_put(mb, msg);
    spin_unlock(&mb->lock);
    return ERR_OK;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
    return sys_mbox_trypost(mbox, msg);
}

/* Dequeues the oldest message; the box is not empty. */
static void *mbox_take(struct lwip_mbox *mb)
{
    spin_assert_held(&mb->lock);
    void *msg = mb->msgs[mb->head];
    mb->head = (mb->head + 1) % mb->size;
    mb->count--;
    waitq_wake_one(&mb->not_full);
    return msg;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout_ms)
{
    struct lwip_mbox *mb = *mbox;
    uint64_t start = plat_time_ns(), deadline = deadline_of(timeout_ms);
    spin_lock(&mb->lock);
    while (mb->count == 0) {
        if (waitq_sleep_uninterruptible(&mb->not_empty, &mb->lock, deadline) == -ETIMEDOUT &&
            mb->count == 0) {
            spin_unlock(&mb->lock);
            return SYS_ARCH_TIMEOUT;
        }
    }
    void *m = mbox_take(mb);
    spin_unlock(&mb->lock);
    if (msg)
        *msg = m;
    return elapsed_ms(start);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
    struct lwip_mbox *mb = *mbox;
    spin_lock(&mb->lock);
    if (mb->count == 0) {
        spin_unlock(&mb->lock);
        return SYS_MBOX_EMPTY;
    }
    void *m = mbox_take(mb);
    spin_unlock(&mb->lock);
    if (msg)
        *msg = m;
    return 0;
}

/* ---- threads ---- */

struct thread_start {
    lwip_thread_fn fn;
    void *arg;
};

static unsigned threads_created;

unsigned lwip_port_thread_count(void)
{
    return __atomic_load_n(&threads_created, __ATOMIC_RELAXED);
}

static int thread_trampoline(void *arg)
{
    struct thread_start start = *(struct thread_start *)arg;
    kfree(arg);
    start.fn(start.arg);
    return 0;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg, int stack_size,
                            int prio)
{
    (void)stack_size;                   /* every kernel thread has the same stack */
    (void)prio;
    struct thread_start *start = kmalloc(sizeof(*start));
    if (!start)
        panic("lwip: no memory for thread %s", name);
    start->fn = fn;
    start->arg = arg;
    struct thread *t = thread_create(name, thread_trampoline, start);
    if (!t)
        panic("lwip: cannot create thread %s", name);
    thread_detach(t);
    __atomic_add_fetch(&threads_created, 1, __ATOMIC_RELAXED);
    return t;
}

#ifndef NDEBUG
/* LWIP_ASSERT_CORE_LOCKED: before tcpip_init has made the core lock, only
 * the thread that starts the stack runs lwIP. */
void sys_check_core_locking(void)
{
    if (lock_tcpip_core != NULL)
        mutex_assert_held(lock_tcpip_core);
}
#endif
