/* What every process layer has, whether or not /proc shows it: the
 * mutex that keeps a process's address space in place (proc_internal.h)
 * and the shared copies of each process's arguments. */
#include <string.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <sched/sync.h>
#include "proc_internal.h"

#define CMDLINE_MAX 4096                /* bytes of argv kept for /proc */

struct mutex proc_vm_mutex = {
    SPINLOCK_INIT, NULL, WAITQ_INIT(proc_vm_mutex.waiters),
};

/* ---- argument copies ------------------------------------------------ */

struct proc_cmdline *proc_cmdline_make(const char *args, size_t len)
{
    len = MIN(len, (size_t)CMDLINE_MAX);
    struct proc_cmdline *c = kmalloc(sizeof(*c) + len + 1);
    if (!c)
        return NULL;
    c->refcount = 1;
    c->len = len;
    memcpy(c->data, args, len);
    c->data[len] = '\0';
    if (len)
        c->data[len - 1] = '\0';    /* still NUL-terminated when cut */
    return c;
}

struct proc_cmdline *proc_cmdline_get(struct proc_cmdline *c)
{
    if (c)
        __atomic_add_fetch(&c->refcount, 1, __ATOMIC_RELAXED);
    return c;
}

void proc_cmdline_put(struct proc_cmdline *c)
{
    if (c && __atomic_sub_fetch(&c->refcount, 1, __ATOMIC_ACQ_REL) == 0)
        kfree(c);
}
