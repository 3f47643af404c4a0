/* The devices every image has: null, zero, full, random, urandom, kmsg (the
 * kernel log), vmstat (the VM layer's counters, for benchmarks) and
 * fail-nth (allocation-failure injection). The
 * console (/dev/console, /dev/ttyS0, /dev/serial0) is libos/tty's
 * interrupt-driven terminal (tty/console.c); an image without libos/tty
 * gets the dumb console below instead, whose input is polled
 * (plat_console_getc, a look every CONSOLE_POLL_NS). */
#include <string.h>
#include <abi/errno.h>
#include <kern/printk.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <mm/page.h>
#include <mm/vm.h>
#include <plat/console.h>
#include <sched/thread.h>
#include <vfs/fs.h>

#define CONSOLE_POLL_NS (5 * 1000 * 1000ULL)
#define KMSG_MAX_BYTES (64 * 1024)

static unsigned always_ready(struct file *f, struct poll_waiter *pw)
{
    (void)f;
    (void)pw;
    return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

static long null_read(struct file *f, void *buf, size_t len, uint64_t *offset)
{
    (void)f, (void)buf, (void)len, (void)offset;
    return 0;
}

static long sink_write(struct file *f, const void *buf, size_t len, uint64_t *offset)
{
    (void)f, (void)buf, (void)offset;
    return (long)len;
}

static long zero_read(struct file *f, void *buf, size_t len, uint64_t *offset)
{
    (void)f, (void)offset;
    memset(buf, 0, len);
    return (long)len;
}

static long full_write(struct file *f, const void *buf, size_t len, uint64_t *offset)
{
    (void)f, (void)buf, (void)offset;
    return len ? -ENOSPC : 0;
}

static long random_dev_read(struct file *f, void *buf, size_t len, uint64_t *offset)
{
    (void)f, (void)offset;
    random_read(buf, len);
    return (long)len;
}

static long random_dev_write(struct file *f, const void *buf, size_t len, uint64_t *offset)
{
    (void)f, (void)offset;
    random_mix(buf, len);       /* like Linux: mixed in, not credited */
    return (long)len;
}

/* One byte read ahead by poll, so that poll can say POLLIN. */
static struct spinlock console_lock = SPINLOCK_INIT;
static int console_pending = -1;

static int console_getc(void)
{
    spin_lock(&console_lock);
    int c = console_pending;
    console_pending = -1;
    spin_unlock(&console_lock);
    return c >= 0 ? c : plat_console_getc();
}

static long console_read(struct file *f, void *buf, size_t len, uint64_t *offset)
{
    (void)offset;
    char *out = buf;
    size_t n = 0;
    if (len == 0)
        return 0;
    for (;;) {
        int c;
        while (n < len && (c = console_getc()) >= 0) {
            out[n++] = (char)c;
            if (c == '\n' || c == '\r')
                return (long)n;
        }
        if (n)
            return (long)n;
        if (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK)
            return -EAGAIN;
        sched_sleep_ns(CONSOLE_POLL_NS);
    }
}

static long console_write(struct file *f, const void *buf, size_t len, uint64_t *offset)
{
    (void)f, (void)offset;
    plat_console_write(buf, len);
    return (long)len;
}

static unsigned console_poll(struct file *f, struct poll_waiter *pw)
{
    (void)f, (void)pw;
    spin_lock(&console_lock);
    if (console_pending < 0)
        console_pending = plat_console_getc();
    bool has_input = console_pending >= 0;
    spin_unlock(&console_lock);
    return POLLOUT | POLLWRNORM | (has_input ? POLLIN | POLLRDNORM : VFS_POLL_RETRY);
}

/* The log ring from *offset (0 = the oldest byte still kept). */
static long kmsg_read(struct file *f, void *buf, size_t len, uint64_t *offset)
{
    (void)f;
    char *log = kmalloc(KMSG_MAX_BYTES);
    if (!log)
        return -ENOMEM;
    size_t size = klog_read(log, KMSG_MAX_BYTES);
    size_t n = 0;
    if (*offset < size) {
        n = MIN(len, size - (size_t)*offset);
        memcpy(buf, log + *offset, n);
        *offset += n;
    }
    kfree(log);
    return (long)n;
}

static long kmsg_write(struct file *f, const void *buf, size_t len, uint64_t *offset)
{
    (void)f, (void)offset;
    size_t n = MIN(len, (size_t)400);  /* printk's line limit */
    printk("%.*s", (int)n, (const char *)buf);
    return (long)n;
}

/* "name value" lines of the VM counters since boot (like Linux's
 * /proc/vmstat), then the free page count and the kernel heap's bytes in
 * use (the fuzz image compares them before and after), a fresh snapshot
 * read from *offset. */
static long vmstat_read(struct file *f, void *buf, size_t len, uint64_t *offset)
{
    (void)f;
    struct vm_stats st;
    vm_get_stats(&st);
    char text[256];
    int size = snprintf(text, sizeof(text),
                        "cow_copies %llu\ncow_reuses %llu\nzero_fills %llu\n"
                        "nr_free_pages %llu\nheap_bytes %llu\n",
                        (unsigned long long)st.cow_copies, (unsigned long long)st.cow_reuses,
                        (unsigned long long)st.zero_fills, (unsigned long long)mm_free_pages(),
                        (unsigned long long)kmalloc_bytes_in_use());
    size_t n = 0;
    if (size > 0 && *offset < (uint64_t)size) {
        n = MIN(len, (size_t)size - (size_t)*offset);
        memcpy(buf, text + *offset, n);
        *offset += n;
    }
    return (long)n;
}

/* /dev/fail-nth (root only): writing N makes the writer's N-th page or
 * heap allocation from now fail, once (sched/thread.h); reading gives what
 * is left, 0 once the failure happened. The ENOMEM paths' test tool. */
static long fail_nth_read(struct file *f, void *buf, size_t len, uint64_t *offset)
{
    (void)f;
    char text[16];
    int size = snprintf(text, sizeof(text), "%u\n", thread_fail_nth_get());
    size_t n = 0;
    if (size > 0 && *offset < (uint64_t)size) {
        n = MIN(len, (size_t)size - (size_t)*offset);
        memcpy(buf, text + *offset, n);
        *offset += n;
    }
    return (long)n;
}

static long fail_nth_write(struct file *f, const void *buf, size_t len, uint64_t *offset)
{
    (void)f, (void)offset;
    const char *text = buf;
    unsigned long n = 0;
    size_t i = 0;
    for (; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
        n = n * 10 + (unsigned long)(text[i] - '0');
        if (n > 1000000000UL)
            return -EINVAL;
    }
    if (i == 0 || (i < len && text[i] != '\n'))
        return -EINVAL;
    thread_fail_nth_set((unsigned)n);
    return (long)len;
}

static const struct file_ops null_ops = {
    .read = null_read, .write = sink_write, .poll = always_ready, .is_seekable = true,
};
static const struct file_ops zero_ops = {
    .read = zero_read, .write = sink_write, .poll = always_ready, .is_seekable = true,
};
static const struct file_ops full_ops = {
    .read = zero_read, .write = full_write, .poll = always_ready, .is_seekable = true,
};
static const struct file_ops random_ops = {
    .read = random_dev_read, .write = random_dev_write, .poll = always_ready,
};
static const struct file_ops console_ops = {
    .read = console_read, .write = console_write, .poll = console_poll,
};
static const struct file_ops kmsg_ops = {
    .read = kmsg_read, .write = kmsg_write, .poll = always_ready, .is_seekable = true,
};

static const struct file_ops vmstat_ops = {
    .read = vmstat_read, .poll = always_ready, .is_seekable = true,
};
static const struct file_ops fail_nth_ops = {
    .read = fail_nth_read, .write = fail_nth_write, .poll = always_ready, .is_seekable = true,
};

static const struct devfs_device builtin_devices[] = {
    { "null", S_IFCHR | 0666, &null_ops, NULL, 0 },
    { "zero", S_IFCHR | 0666, &zero_ops, NULL, 0 },
    { "full", S_IFCHR | 0666, &full_ops, NULL, 0 },
    { "random", S_IFCHR | 0666, &random_ops, NULL, 0 },
    { "urandom", S_IFCHR | 0666, &random_ops, NULL, 0 },
    { "kmsg", S_IFCHR | 0644, &kmsg_ops, NULL, 0 },
    { "vmstat", S_IFCHR | 0444, &vmstat_ops, NULL, 0 },
    { "fail-nth", S_IFCHR | 0600, &fail_nth_ops, NULL, 0 },
};

static const struct devfs_device dumb_consoles[] = {
    { "console", S_IFCHR | 0600, &console_ops, NULL, 0 },
    { "serial0", S_IFCHR | 0660, &console_ops, NULL, 0 },
};

/* The terminals' registration (vfs/fs.h): set once at boot, before
 * vfs_init reads it. */
static devfs_terminals_fn terminals_register;

void devfs_set_terminals(devfs_terminals_fn register_devices)
{
    terminals_register = register_devices;
}

static int register_all(const struct devfs_device *devices, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        int rc = devfs_register(&devices[i]);
        if (rc < 0 && rc != -EEXIST)
            return rc;
    }
    return 0;
}

int devices_register_builtin(void)
{
    int rc = register_all(builtin_devices, ARRAY_SIZE(builtin_devices));
    if (rc < 0)
        return rc;
    if (terminals_register)
        return terminals_register();
    return register_all(dumb_consoles, ARRAY_SIZE(dumb_consoles));
}
