/* The system-wide files of /proc, in Linux's formats: cmdline (the
 * kernel's command line), meminfo (the page allocator's counters), mounts
 * (the VFS mount table), uptime (the monotonic clock) and version (the
 * kernel's identity, kern/identity.h, which uname(2) reports too). */
#include <stdarg.h>
#include <string.h>
#include <abi/errno.h>
#include <kern/identity.h>
#include <kern/printk.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <mm/page.h>
#include <plat/boot.h>
#include <plat/timer.h>
#include <sched/sync.h>
#include <vfs/fs.h>
#include <vfs/procfs.h>
#include "procfs_internal.h"

#define MOUNTS_MAX 64

extern struct mutex vfs_mount_mutex;

void procfs_printf(struct procfs_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = t->len < t->size ? t->size - t->len : 0;
    int n = vsnprintf(room ? t->buf + t->len : t->buf, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len += (size_t)n;
}

/* Linux's "Name:    12345 kB" lines: the name padded to 16, the value to 8. */
static void meminfo_line(struct procfs_text *t, const char *name, uint64_t pages)
{
    procfs_printf(t, "%-16s%8llu kB\n", name, (unsigned long long)(pages * (PAGE_SIZE / 1024)));
}

static void render_meminfo(struct procfs_text *t)
{
    struct mm_stats st;
    mm_get_stats(&st);
    meminfo_line(t, "MemTotal:", st.managed_pages);
    meminfo_line(t, "MemFree:", st.free_pages);
    meminfo_line(t, "MemAvailable:", st.free_pages);
    meminfo_line(t, "Buffers:", 0);
    meminfo_line(t, "Cached:", 0);
    meminfo_line(t, "SwapTotal:", 0);
    meminfo_line(t, "SwapFree:", 0);
}

/* The absolute path of the directory sb is mounted on ("/" for the root),
 * found as getcwd finds the cwd's. */
static void mount_point(struct superblock *sb, char *path, size_t size)
{
    strlcpy(path, "/", size);
    if (!sb->covered)
        return;
    struct vfs_ctx walk = { .cwd = sb->covered, .root = vfs_root(),
                            .own_ids = CRED_BOX_INIT(CRED_ROOT) };
    if (!walk.root)
        return;
    walk.ids = &walk.own_ids;
    if (vfs_getcwd(&walk, path, size) < 0)
        strlcpy(path, "?", size);
    vnode_put(walk.root);
}

/* `source target fstype options 0 0` per mount, in mount order. Disk
 * filesystems name their device (/dev/vda); the others their type. */
static void render_mounts(struct procfs_text *t)
{
    struct superblock *sbs[MOUNTS_MAX];
    char *path = kmalloc(PATH_MAX);
    if (!path)
        return;
    mutex_lock(&vfs_mount_mutex);
    size_t n = MIN(vfs_mounted_superblocks(sbs, MOUNTS_MAX), (size_t)MOUNTS_MAX);
    for (size_t i = 0; i < n; i++) {
        struct superblock *sb = sbs[i];
        mount_point(sb, path, PATH_MAX);
        const char *dev_prefix = sb->source[0] ? "/dev/" : "";
        const char *source = sb->source[0] ? sb->source : sb->fstype;
        procfs_printf(t, "%s%s %s %s %s 0 0\n", dev_prefix, source, path, sb->fstype,
                    (sb->flags & MOUNT_RDONLY) ? "ro" : "rw");
    }
    mutex_unlock(&vfs_mount_mutex);
    kfree(path);
}

/* Seconds since boot and idle seconds, with hundredths. No idle-time
 * accounting yet: idle reads 0.00. */
static void render_uptime(struct procfs_text *t)
{
    uint64_t centis = plat_time_ns() / 10000000ULL;
    procfs_printf(t, "%llu.%02llu 0.00\n", (unsigned long long)(centis / 100),
                (unsigned long long)(centis % 100));
}

static void render_cmdline(struct procfs_text *t)
{
    procfs_printf(t, "%s\n", plat_cmdline());
}

static void render_version(struct procfs_text *t)
{
    procfs_printf(t, "Tandem version %s (%s) %s\n", kern_release, kern_machine,
                kern_version);
}

static const struct {
    const char *name;
    void (*render)(struct procfs_text *t);
} system_files[] = {
    { "cmdline", render_cmdline },
    { "meminfo", render_meminfo },
    { "mounts", render_mounts },
    { "uptime", render_uptime },
    { "version", render_version },
};

unsigned procfs_system_file_count(void)
{
    return ARRAY_SIZE(system_files);
}

const char *procfs_system_file_name(unsigned index)
{
    return system_files[index].name;
}

long procfs_system_file_render(unsigned index, char *buf, size_t size)
{
    if (index >= ARRAY_SIZE(system_files))
        return -ENOENT;
    struct procfs_text t = { buf, size, 0 };
    if (size)
        buf[0] = '\0';
    system_files[index].render(&t);
    return (long)t.len;
}
