/* The process layer as /proc's source (vfs/procfs.h): which pids exist,
 * and the content of /proc/<pid>/stat, status, cmdline and comm in
 * Linux's formats. Fields are read under proc_lock into a view, then
 * formatted without it; the address space is measured under proc_vm_mutex
 * (which keeps it alive); the controlling terminal comes from libos/tty
 * when the image links it. Linked with the VFS (proc_vfs, files_vfs.c
 * registers it): an image without files has no /proc. */
#include <string.h>
#include <abi/errno.h>
#include <kern/printk.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <mm/vm.h>
#include <plat/layout.h>
#include <plat/timer.h>
#include <proc/job.h>
#include <sched/sync.h>
#include <vfs/procfs.h>
#include <vfs/vfs.h>
#include "proc_internal.h"

#define NS_PER_TICK 10000000ULL         /* clock ticks of 100 Hz */

/* ---- what a process looks like -------------------------------------- */

struct proc_view {
    int pid, ppid, pgid, sid;
    char state;
    char name[16];
    unsigned num_threads;
    uint32_t uid, gid, umask;       /* uid, gid: the effective ids (the owner) */
    uint32_t ruid, suid, rgid, sgid;
    uint64_t start_ns;
    uint64_t cpu_ns, children_cpu_ns;
    int exit_code;              /* zombies: the wait status */
    bool is_zombie;
    size_t vm_bytes, rss_pages;
    unsigned tty_nr;
    int tpgid;
};

/* R running or runnable, S sleeping, T stopped, Z zombie. */
static char proc_state_letter(struct proc *p)
{
    spin_assert_held(&proc_lock);
    if (p->state == PROC_ZOMBIE)
        return 'Z';
    if (p->is_stopped)
        return 'T';
    struct list *pos;
    list_for_each(pos, &p->threads) {
        struct proc_thread *pt = list_entry(pos, struct proc_thread, link);
        if (!pt->kthread || !thread_is_blocked(pt->kthread))
            return 'R';
    }
    return 'S';
}

static const char *state_name(char state)
{
    switch (state) {
    case 'R': return "running";
    case 'T': return "stopped";
    case 'Z': return "zombie";
    default: return "sleeping";
    }
}

/* Reads p's fields. */
static void view_fill_locked(struct proc *p, struct proc_view *v)
{
    spin_assert_held(&proc_lock);
    v->pid = p->pid;
    v->ppid = p->parent ? p->parent->pid : 0;
    v->pgid = p->pgid;
    v->sid = p->sid;
    v->state = proc_state_letter(p);
    memcpy(v->name, p->name, sizeof(v->name));
    v->name[sizeof(v->name) - 1] = '\0';
    v->num_threads = p->state == PROC_ZOMBIE ? 1 : p->thread_count;
    v->uid = p->ids.cred.euid;
    v->gid = p->ids.cred.egid;
    v->ruid = p->ids.cred.uid;
    v->suid = p->ids.cred.suid;
    v->rgid = p->ids.cred.gid;
    v->sgid = p->ids.cred.sgid;
    const struct vfs_ctx *files = p->files;     /* NULL once p has exited */
    v->umask = files ? files->umask : 0;
    v->start_ns = p->start_ns;
    v->cpu_ns = __atomic_load_n(&p->cpu_ns, __ATOMIC_RELAXED);
    struct proc_thread *me = proc_thread_current();
    if (me && me->proc == p)        /* the reader's own slice so far */
        v->cpu_ns += plat_time_ns() - me->run_since_ns;
    v->children_cpu_ns = p->children_cpu_ns;
    v->is_zombie = p->state == PROC_ZOMBIE;
    v->exit_code = v->is_zombie ? p->wait_status : 0;
}

/* Fills v for pid: -ESRCH when it is gone. May sleep. */
static int view_get(int pid, struct proc_view *v)
{
    memset(v, 0, sizeof(*v));
    mutex_lock(&proc_vm_mutex);
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    struct proc *p = proc_find(pid);
    struct vm_space *vm = p ? p->vm : NULL;
    if (p)
        view_fill_locked(p, v);
    spin_unlock_irqrestore(&proc_lock, flags);
    if (vm) {
        v->vm_bytes = vm_region_bytes(vm);
        v->rss_pages = vm_mapped_pages(vm);
    }
    mutex_unlock(&proc_vm_mutex);
    if (!p)
        return -ESRCH;
    v->tpgid = -1;
    uint32_t rdev;
    int fg;
    const struct proc_job_tty_ops *tty = proc_job_tty();
    if (tty && tty->session_info(v->sid, &rdev, &fg)) {
        /* Linux's encoding of tty_nr (the same as rdev for minors < 256). */
        unsigned major = rdev >> 8, minor = rdev & 0xffu;
        v->tty_nr = (minor & 0xffu) | (major << 8) | ((minor & ~0xffu) << 12);
        v->tpgid = fg > 0 ? fg : -1;
    }
    return 0;
}

/* ---- the files -------------------------------------------------------- */


/* Linux's 52 fields; what Tandem does not track reads 0. CPU time is
 * counted per process, not split between user and system: all of it is
 * utime (cutime for reaped children). */
static void render_stat(struct procfs_text *t, const struct proc_view *v)
{
    unsigned long long start_ticks = v->start_ns / NS_PER_TICK;
    procfs_printf(t, "%d (%s) %c %d %d %d %u %d %u 0 0 0 0 %llu 0 %llu 0 20 0 %u 0 %llu %zu %zu ",
                v->pid, v->name, v->state, v->ppid, v->pgid, v->sid, v->tty_nr, v->tpgid,
                0u, (unsigned long long)(v->cpu_ns / NS_PER_TICK),
                (unsigned long long)(v->children_cpu_ns / NS_PER_TICK), v->num_threads,
                start_ticks, v->vm_bytes, v->rss_pages);
    /* rsslim .. exit_code (fields 25-52). */
    procfs_printf(t, "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 %d\n",
                v->exit_code);
}

static void render_status(struct procfs_text *t, const struct proc_view *v)
{
    procfs_printf(t, "Name:\t%s\nUmask:\t%04o\nState:\t%c (%s)\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n",
                v->name, (unsigned)v->umask, v->state, state_name(v->state), v->pid, v->pid,
                v->ppid);
    /* real, effective, saved, filesystem (the effective one here) */
    procfs_printf(t, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", (unsigned)v->ruid,
                (unsigned)v->uid, (unsigned)v->suid, (unsigned)v->uid, (unsigned)v->rgid,
                (unsigned)v->gid, (unsigned)v->sgid, (unsigned)v->gid);
    if (!v->is_zombie)
        procfs_printf(t, "VmSize:\t%8zu kB\nVmRSS:\t%8zu kB\n", v->vm_bytes / 1024,
                    v->rss_pages * (PAGE_SIZE / 1024));
    procfs_printf(t, "Threads:\t%u\n", v->num_threads);
}

/* The NUL-separated argv of the last exec; empty for a zombie. */
static long render_cmdline(int pid, char *buf, size_t size)
{
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    struct proc *p = proc_find(pid);
    long len = p ? 0 : -ESRCH;
    if (p && p->cmdline) {
        len = (long)p->cmdline->len;
        memcpy(buf, p->cmdline->data, MIN(size, p->cmdline->len));
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return len;
}

static long render(int pid, enum procfs_pid_file file, char *buf, size_t size)
{
    if (file == PROCFS_PID_CMDLINE)
        return render_cmdline(pid, buf, size);
    struct proc_view v;
    int rc = view_get(pid, &v);
    if (rc < 0)
        return rc;
    struct procfs_text t = { buf, size, 0 };
    if (size)
        buf[0] = '\0';
    switch (file) {
    case PROCFS_PID_STAT:
        render_stat(&t, &v);
        break;
    case PROCFS_PID_STATUS:
        render_status(&t, &v);
        break;
    default:
        procfs_printf(&t, "%s\n", v.name);
        break;
    }
    return (long)t.len;
}

static int self_pid(void)
{
    struct proc *p = proc_current();
    return p ? p->pid : -ESRCH;
}

static int next_pid(int from)
{
    int best = -1;
    unsigned long flags = spin_lock_irqsave(&proc_lock);
    for (struct proc *p = proc_iter(NULL); p; p = proc_iter(p)) {
        if (p->pid >= from && (best < 0 || p->pid < best))
            best = p->pid;
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return best;
}

static const struct procfs_source proc_source = {
    .self_pid = self_pid,
    .next_pid = next_pid,
    .render = render,
};

void proc_procfs_register(void)
{
    procfs_set_source(&proc_source);
}
