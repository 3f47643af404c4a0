/* Threads: the per-thread block behind the thread pointer (newlib's
 * per-thread struct _reent through __getreent), and pthreads on kernel
 * threads: create (mmap'd stack with a guard page below it), join, detach,
 * exit, self, keys, attributes. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "internal.h"

#define STACK_DEFAULT_BYTES (256 * 1024)
#define GUARD_DEFAULT_BYTES 4096
#define PAGE_BYTES 4096

struct tandem_thread tandem_main_thread;
static int tls_ready;               /* SYS_set_tls worked for the main thread */

/* Protects the detach/exit handshake, the dead list and the key table. */
static uint32_t threads_lock;
static struct tandem_thread *dead_threads;  /* detached, exited, not unmapped */

static struct {
    int in_use;
    void (*destructor)(void *);
} keys[PTHREAD_KEYS_MAX];

struct tandem_thread *tandem_self(void)
{
    return tls_ready ? tandem_thread_pointer() : &tandem_main_thread;
}

struct _reent *__getreent(void)
{
    return tls_ready ? tandem_thread_pointer()->reent : _impure_ptr;
}

void tandem_threads_init(void)
{
    struct tandem_thread *t = &tandem_main_thread;

    t->self = t;
    t->alive = 1;
    t->reent = _impure_ptr;
    long tid = tandem_syscall0(SYS_gettid);
    t->tid = tid > 0 ? (int)tid : 0;
    if (tandem_syscall1(SYS_set_tls, t) == 0)
        tls_ready = 1;
}

/* Unmaps the stacks of detached threads the kernel has finished with. */
static void reap_dead_threads(void)
{
    tandem_lock(&threads_lock);
    for (struct tandem_thread **p = &dead_threads; *p;) {
        struct tandem_thread *t = *p;
        if (__atomic_load_n(&t->alive, __ATOMIC_ACQUIRE) == 0) {
            *p = t->next_dead;
            munmap(t->map_base, t->map_size);
        } else {
            p = &t->next_dead;
        }
    }
    tandem_unlock(&threads_lock);
}

_Noreturn void tandem_thread_main(struct tandem_thread *t)
{
    pthread_exit(t->start(t->arg));
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                   void *arg)
{
    size_t stack = attr && attr->stacksize ? attr->stacksize : STACK_DEFAULT_BYTES;
    size_t guard = attr ? attr->guardsize : GUARD_DEFAULT_BYTES;

    reap_dead_threads();
    stack = (stack + PAGE_BYTES - 1) & ~(size_t)(PAGE_BYTES - 1);
    guard = (guard + PAGE_BYTES - 1) & ~(size_t)(PAGE_BYTES - 1);
    size_t block = (sizeof(struct tandem_thread) + PAGE_BYTES - 1) & ~(size_t)(PAGE_BYTES - 1);
    size_t total = guard + stack + block;
    char *base = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        return EAGAIN;
    if (guard && mprotect(base, guard, PROT_NONE) < 0) {
        munmap(base, total);
        return EAGAIN;
    }
    /* [guard][stack, growing down][thread block] */
    struct tandem_thread *t = (struct tandem_thread *)(base + guard + stack);
    memset(t, 0, sizeof(*t));
    t->self = t;
    t->alive = 1;
    t->start = start;
    t->arg = arg;
    t->map_base = base;
    t->map_size = total;
    t->is_detached = attr && attr->detachstate == PTHREAD_CREATE_DETACHED;
    t->reent = &t->reent_storage;
    _REENT_INIT_PTR(t->reent);

    long tid = tandem_syscall4(SYS_thread_create, tandem_thread_entry, t, t, t);
    if (tid < 0) {
        munmap(base, total);
        return tid == -ENOMEM ? EAGAIN : (int)-tid;
    }
    /* The thread may run (even finish) before this store: only the
     * creator and pthread_kill read tid. */
    __atomic_store_n(&t->tid, (int)tid, __ATOMIC_RELEASE);
    *thread = t;
    return 0;
}

static void run_key_destructors(struct tandem_thread *t)
{
    for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
        int ran = 0;
        for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
            void *value = t->specific[k];
            void (*destructor)(void *) = keys[k].in_use ? keys[k].destructor : NULL;
            if (value && destructor) {
                t->specific[k] = NULL;
                destructor(value);
                ran = 1;
            }
        }
        if (!ran)
            break;
    }
}

void pthread_exit(void *retval)
{
    struct tandem_thread *t = tandem_self();

    t->retval = retval;
    run_key_destructors(t);
    if (t == &tandem_main_thread) {
        /* the process lives on while other threads run */
        fflush(NULL);
        for (;;)
            tandem_syscall1(SYS_thread_exit, NULL);
    }
    _reclaim_reent(t->reent);
    tandem_lock(&threads_lock);
    t->has_exited = 1;
    if (t->is_detached) {
        t->next_dead = dead_threads;
        dead_threads = t;
    }
    tandem_unlock(&threads_lock);
    /* The kernel clears t->alive once this thread is off its stack. */
    for (;;)
        tandem_syscall1(SYS_thread_exit, &t->alive);
}

int pthread_join(pthread_t t, void **retval)
{
    if (t == tandem_self())
        return EDEADLK;
    if (t == &tandem_main_thread || t->is_detached)
        return EINVAL;
    uint32_t alive;
    while ((alive = __atomic_load_n(&t->alive, __ATOMIC_ACQUIRE)) != 0)
        tandem_futex_wait(&t->alive, alive, NULL);
    if (retval)
        *retval = t->retval;
    munmap(t->map_base, t->map_size);
    reap_dead_threads();
    return 0;
}

int pthread_detach(pthread_t t)
{
    if (t == &tandem_main_thread)
        return EINVAL;
    tandem_lock(&threads_lock);
    if (t->is_detached) {
        tandem_unlock(&threads_lock);
        return EINVAL;
    }
    t->is_detached = 1;
    if (t->has_exited) {        /* nobody will join: reap it later */
        t->next_dead = dead_threads;
        dead_threads = t;
    }
    tandem_unlock(&threads_lock);
    return 0;
}

pthread_t pthread_self(void)
{
    return tandem_self();
}

int pthread_equal(pthread_t a, pthread_t b)
{
    return a == b;
}

pid_t pthread_gettid_np(pthread_t t)
{
    return t->tid;
}

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
    int rc = EAGAIN;

    tandem_lock(&threads_lock);
    for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
        if (!keys[k].in_use) {
            keys[k].in_use = 1;
            keys[k].destructor = destructor;
            *key = k;
            rc = 0;
            break;
        }
    }
    tandem_unlock(&threads_lock);
    return rc;
}

/* Values other threads hold for a deleted key are not cleared: POSIX lets
 * them be undefined, and a new key with the same slot starts from the
 * creating thread's value being NULL only for that thread. */
int pthread_key_delete(pthread_key_t key)
{
    if (key >= PTHREAD_KEYS_MAX || !keys[key].in_use)
        return EINVAL;
    tandem_lock(&threads_lock);
    keys[key].in_use = 0;
    keys[key].destructor = NULL;
    tandem_unlock(&threads_lock);
    tandem_self()->specific[key] = NULL;
    return 0;
}

void *pthread_getspecific(pthread_key_t key)
{
    return key < PTHREAD_KEYS_MAX ? tandem_self()->specific[key] : NULL;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
    if (key >= PTHREAD_KEYS_MAX || !keys[key].in_use)
        return EINVAL;
    tandem_self()->specific[key] = (void *)value;
    return 0;
}

int pthread_attr_init(pthread_attr_t *attr)
{
    attr->stacksize = STACK_DEFAULT_BYTES;
    attr->guardsize = GUARD_DEFAULT_BYTES;
    attr->detachstate = PTHREAD_CREATE_JOINABLE;
    attr->is_initialized = 1;
    return 0;
}

int pthread_attr_destroy(pthread_attr_t *attr)
{
    attr->is_initialized = 0;
    return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *attr, int state)
{
    if (state != PTHREAD_CREATE_DETACHED && state != PTHREAD_CREATE_JOINABLE)
        return EINVAL;
    attr->detachstate = state;
    return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state)
{
    *state = attr->detachstate;
    return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size)
{
    if (size < PTHREAD_STACK_MIN)
        return EINVAL;
    attr->stacksize = size;
    return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size)
{
    *size = attr->stacksize;
    return 0;
}

int pthread_attr_setguardsize(pthread_attr_t *attr, size_t size)
{
    attr->guardsize = size;
    return 0;
}

int pthread_attr_getguardsize(const pthread_attr_t *attr, size_t *size)
{
    *size = attr->guardsize;
    return 0;
}
