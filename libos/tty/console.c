/* The serial console as a terminal: /dev/console, /dev/ttyS0 and the alias
 * /dev/serial0 open one struct tty. Input is interrupt driven: the UART's
 * receive interrupt moves bytes into a ring and a kernel thread feeds them
 * through the line discipline (tty_input may sleep). Output is written to
 * the UART by whoever produced it, synchronously, so a write(2) has reached
 * the UART when it returns and nothing is ever dropped. printk keeps
 * writing to the UART directly (plat_console_write).
 *
 * Locking: rx_lock (interrupts off; a leaf) protects the receive ring and
 * is_rx_masked. tx_mutex serialises taking processed output from the tty
 * and writing it to the UART, so output leaves in the order it was made;
 * it is taken with no spinlock held and never inside tty->lock. */
#include <string.h>
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <kern/printk.h>
#include <kern/spinlock.h>
#include <plat/console.h>
#include <sched/sync.h>
#include <sched/thread.h>
#include <sched/wait.h>
#include <tty/tty.h>
#include <vfs/fs.h>

#define RX_RING_BYTES 1024          /* typed bytes the feeder has not taken */
#define RX_CHUNK_BYTES 32           /* fed to the line discipline at a time */
#define TX_CHUNK_BYTES 256          /* output written to the UART at a time */
#define WRITE_CHUNK_BYTES 512       /* a write(2) enters the ldisc this much at a time */

struct console {
    struct tty *tty;
    struct spinlock rx_lock;
    char rx_ring[RX_RING_BYTES];
    size_t rx_head, rx_count;
    bool is_rx_masked;              /* the ring was full: reception masked */
    struct waitq rx_ready;          /* the feeder thread sleeps here */
    struct mutex tx_mutex;
};

static struct console console = {
    .rx_lock = SPINLOCK_INIT,
    .rx_ready = WAITQ_INIT(console.rx_ready),
};

/* Interrupt context: drains the UART into the ring; with the ring full,
 * masks reception (the host waits) until the feeder makes room. */
static void console_rx_interrupt(void *arg)
{
    struct console *con = arg;
    spin_lock(&con->rx_lock);
    while (con->rx_count < RX_RING_BYTES) {
        int c = plat_console_getc();
        if (c < 0)
            break;
        con->rx_ring[(con->rx_head + con->rx_count) % RX_RING_BYTES] = (char)c;
        con->rx_count++;
    }
    if (con->rx_count == RX_RING_BYTES && !con->is_rx_masked) {
        con->is_rx_masked = true;
        plat_console_rx_enable(false);
    }
    waitq_wake_all(&con->rx_ready);
    spin_unlock(&con->rx_lock);
}

/* Writes every byte of processed output waiting in the tty to the UART. */
static void console_flush(struct console *con)
{
    char buf[TX_CHUNK_BYTES];
    mutex_lock(&con->tx_mutex);
    for (;;) {
        long n = tty_output_read(con->tty, buf, sizeof(buf), true);
        if (n <= 0)
            break;
        plat_console_write_raw(buf, (size_t)n);
    }
    mutex_unlock(&con->tx_mutex);
}

/* Takes up to max bytes from the ring; unmasks reception once there is
 * room again. Sleeps while the ring is empty. */
static size_t rx_take(struct console *con, char *out, size_t max)
{
    unsigned long flags = spin_lock_irqsave(&con->rx_lock);
    while (con->rx_count == 0)
        waitq_sleep_uninterruptible(&con->rx_ready, &con->rx_lock, 0);
    size_t n = 0;
    while (n < max && con->rx_count) {
        out[n++] = con->rx_ring[con->rx_head];
        con->rx_head = (con->rx_head + 1) % RX_RING_BYTES;
        con->rx_count--;
    }
    if (con->is_rx_masked) {
        con->is_rx_masked = false;
        plat_console_rx_enable(true);
    }
    spin_unlock_irqrestore(&con->rx_lock, flags);
    return n;
}

/* The feeder: typed bytes through the line discipline (echo, signals),
 * then the echo out to the UART. tty_input sleeps while the input buffer
 * is full; the ring then fills and reception is masked. */
static int console_feeder(void *arg)
{
    struct console *con = arg;
    char chunk[RX_CHUNK_BYTES];
    for (;;) {
        size_t n = rx_take(con, chunk, sizeof(chunk));
        size_t done = 0;
        while (done < n) {
            long rc = tty_input(con->tty, chunk + done, n - done, false);
            if (rc <= 0)
                break;                  /* kernel threads are not interrupted */
            done += (size_t)rc;
        }
        console_flush(con);
    }
    return 0;
}

/* ---- the device files -------------------------------------------------- */

static bool is_nonblocking(struct file *f)
{
    return (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK) != 0;
}

static int console_open(struct file *f)
{
    f->private_data = &console;
    tty_open_controlling(console.tty, f->flags);
    return 0;
}

static long console_read(struct file *f, void *buf, size_t len, uint64_t *offset)
{
    (void)offset;
    struct console *con = f->private_data;
    return tty_read(con->tty, buf, len, is_nonblocking(f));
}

/* Enters the ldisc without sleeping for room (nobody else would drain it
 * for us) and drains after each piece. */
static long console_write(struct file *f, const void *buf, size_t len, uint64_t *offset)
{
    (void)offset;
    struct console *con = f->private_data;
    size_t done = 0;
    long rc = 0;
    while (done < len) {
        size_t piece = len - done < WRITE_CHUNK_BYTES ? len - done : WRITE_CHUNK_BYTES;
        rc = tty_write(con->tty, (const char *)buf + done, piece, true);
        if (rc > 0)
            done += (size_t)rc;
        console_flush(con);
        if (rc < 0 && rc != -EAGAIN)
            break;
    }
    return done ? (long)done : rc;
}

static unsigned console_poll(struct file *f, struct poll_waiter *pw)
{
    struct console *con = f->private_data;
    return tty_poll(con->tty, pw);
}

static long console_ioctl(struct file *f, unsigned long request, unsigned long arg)
{
    struct console *con = f->private_data;
    long rc = tty_ioctl(con->tty, request, arg);
    console_flush(con);                 /* a termios change may have echoed */
    return rc;
}

static const struct file_ops console_ops = {
    .open = console_open,
    .read = console_read,
    .write = console_write,
    .poll = console_poll,
    .ioctl = console_ioctl,
};

static int console_reopen(struct tty *tty, void *owner, struct file *f)
{
    (void)tty;
    f->private_data = owner;
    f->ops = &console_ops;
    return 0;
}

/* Makes the terminal and, when the UART can interrupt, the feeder; without
 * an interrupt the console still writes but never receives. */
static int console_start(struct console *con)
{
    mutex_init(&con->tx_mutex);
    con->tty = tty_create("console");
    if (!con->tty)
        return -ENOMEM;
    tty_set_device(con->tty, DEV_NUMBER(TTY_MAJOR, 1), console_reopen, con);
    struct thread *t = thread_create("console-rx", console_feeder, con);
    if (!t)
        return -ENOMEM;
    thread_detach(t);
    int rc = plat_console_set_rx_handler(console_rx_interrupt, con);
    if (rc < 0)
        printk("console: no receive interrupt (%d): input disabled\n", rc);
    return 0;
}

int tty_register_console_devices(void)
{
    static const struct devfs_device devices[] = {
        { "console", S_IFCHR | 0600, &console_ops, NULL, DEV_NUMBER(TTY_MAJOR, 1) },
        { "ttyS0", S_IFCHR | 0660, &console_ops, NULL, DEV_NUMBER(TTYS_MAJOR, 64) },
        { "serial0", S_IFCHR | 0660, &console_ops, NULL, DEV_NUMBER(TTYS_MAJOR, 64) },
    };
    if (!console.tty) {
        int rc = console_start(&console);
        if (rc < 0)
            return rc;
    }
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        int rc = devfs_register(&devices[i]);
        if (rc < 0 && rc != -EEXIST)
            return rc;
    }
    return 0;
}

int tty_register_devices(void)
{
    int rc = tty_register_console_devices();
    if (rc == 0)
        rc = tty_register_ctty_device();
    if (rc == 0)
        rc = tty_register_pty_devices();
    return rc;
}
