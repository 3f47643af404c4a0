/* Host stand-ins for ext2's host tests: single-threaded mutexes,
 * semaphores and wait queues (a blocking wait would never end, so it
 * aborts), the devfs/FIFO pieces the VFS's open path names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched/sync.h>
#include <vfs/fs.h>

void mutex_init(struct mutex *m)
{
    m->owner = NULL;
}

void mutex_lock(struct mutex *m)
{
    if (m->owner) {
        fprintf(stderr, "mutex_lock: already held (deadlock)\n");
        abort();
    }
    m->owner = (struct thread *)m;
}

bool mutex_trylock(struct mutex *m)
{
    if (m->owner)
        return false;
    m->owner = (struct thread *)m;
    return true;
}

void mutex_unlock(struct mutex *m)
{
    if (!m->owner) {
        fprintf(stderr, "mutex_unlock: not held\n");
        abort();
    }
    m->owner = NULL;
}

bool mutex_held(struct mutex *m)
{
    return m->owner != NULL;
}

void sem_init(struct semaphore *s, long count)
{
    s->count = count;
}

int sem_wait(struct semaphore *s, uint64_t deadline_ns)
{
    (void)deadline_ns;
    if (s->count <= 0) {
        fprintf(stderr, "sem_wait: would block forever\n");
        abort();
    }
    s->count--;
    return 0;
}

void sem_post(struct semaphore *s)
{
    s->count++;
}

/* Not reached in these tests (no FIFOs or device files are opened). */
const struct file_ops fifo_file_ops;

const struct file_ops *devfs_device_ops(uint32_t rdev, void **driver_data)
{
    (void)rdev;
    (void)driver_data;
    return NULL;
}

struct superblock *devfs_create(void)
{
    return NULL;
}

void pipe_fifo_release_vnode(struct vnode *vn)
{
    (void)vn;
}


/* File locks (filelock.c) sleep on a waitq; one thread never waits here. */
void waitq_init(struct waitq *wq)
{
    list_init(&wq->waiters);
}

void waitq_destroy(struct waitq *wq)
{
    (void)wq;
}

int waitq_sleep(struct waitq *wq, struct spinlock *lock, uint64_t deadline_ns)
{
    (void)wq;
    (void)lock;
    (void)deadline_ns;
    fprintf(stderr, "waitq_sleep: would block forever\n");
    abort();
}

unsigned waitq_wake_all(struct waitq *wq)
{
    (void)wq;
    return 0;
}
