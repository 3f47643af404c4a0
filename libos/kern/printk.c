/* printk and the kernel log ring. The formatter is the kernel's own (newlib's
 * stdio is process-side only) and knows the conversions kernel code uses:
 * d i u x X o p s c %, the flags '-' and '0', width, precision (also '*'),
 * and the length modifiers hh h l ll z t j. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <kern/printk.h>
#include <kern/spinlock.h>
#include <kern/util.h>
#include <plat/console.h>

struct out {
    char *buf;
    size_t size;
    size_t len;     /* what would have been written, as C99 says */
};

static void out_char(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void out_pad(struct out *o, char c, int count)
{
    while (count-- > 0)
        out_char(o, c);
}

static void out_number(struct out *o, uint64_t value, bool negative, unsigned base,
                       bool upper, int width, int precision, bool left, bool zero,
                       const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = digits[value % base];
        value /= base;
    } while (value);
    if (precision == 0 && n == 1 && tmp[0] == '0')
        n = 0;

    int prefix_len = (int)strlen(prefix) + (negative ? 1 : 0);
    int digits_len = precision > n ? precision : n;
    int pad = width - digits_len - prefix_len;

    if (!left && !(zero && precision < 0))
        out_pad(o, ' ', pad);
    if (negative)
        out_char(o, '-');
    for (const char *p = prefix; *p; p++)
        out_char(o, *p);
    if (!left && zero && precision < 0)
        out_pad(o, '0', pad);
    out_pad(o, '0', digits_len - n);
    while (n)
        out_char(o, tmp[--n]);
    if (left)
        out_pad(o, ' ', pad);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            out_char(&o, *f);
            continue;
        }
        bool left = false, zero = false, alt = false;
        int width = 0, precision = -1, length = 0;

        for (f++;; f++) {
            if (*f == '-')
                left = true;
            else if (*f == '0')
                zero = true;
            else if (*f == '#')
                alt = true;
            else
                break;
        }
        if (*f == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = true;
                width = -width;
            }
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                width = width * 10 + (*f++ - '0');
        }
        if (*f == '.') {
            f++;
            precision = 0;
            if (*f == '*') {
                precision = va_arg(ap, int);
                f++;
            } else {
                while (*f >= '0' && *f <= '9')
                    precision = precision * 10 + (*f++ - '0');
            }
        }
        for (;; f++) {
            if (*f == 'h')
                length--;
            else if (*f == 'l')
                length++;
            else if (*f == 'z' || *f == 't' || *f == 'j')
                length = 2;
            else
                break;
        }

        uint64_t u;
        int64_t s;
        switch (*f) {
        case 'd':
        case 'i':
            if (length >= 1)
                s = length >= 2 ? va_arg(ap, long long) : va_arg(ap, long);
            else
                s = va_arg(ap, int);
            if (length == -1)
                s = (short)s;
            else if (length <= -2)
                s = (signed char)s;
            u = s < 0 ? -(uint64_t)s : (uint64_t)s;
            out_number(&o, u, s < 0, 10, false, width, precision, left, zero, "");
            break;
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            if (length >= 1)
                u = length >= 2 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned long);
            else
                u = va_arg(ap, unsigned int);
            if (length == -1)
                u = (unsigned short)u;
            else if (length <= -2)
                u = (unsigned char)u;
            {
                unsigned base = *f == 'u' ? 10 : *f == 'o' ? 8 : 16;
                const char *prefix = alt && u && base == 16 ? (*f == 'X' ? "0X" : "0x")
                                     : alt && base == 8 ? "0" : "";
                out_number(&o, u, false, base, *f == 'X', width, precision, left, zero, prefix);
            }
            break;
        case 'p':
            u = (uintptr_t)va_arg(ap, void *);
            out_number(&o, u, false, 16, false, width, precision, left, zero, "0x");
            break;
        case 'c':
            out_pad(&o, ' ', left ? 0 : width - 1);
            out_char(&o, (char)va_arg(ap, int));
            out_pad(&o, ' ', left ? width - 1 : 0);
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            int n = (int)strnlen(str, precision < 0 ? SIZE_MAX : (size_t)precision);
            out_pad(&o, ' ', left ? 0 : width - n);
            for (int i = 0; i < n; i++)
                out_char(&o, str[i]);
            out_pad(&o, ' ', left ? width - n : 0);
            break;
        }
        case '%':
            out_char(&o, '%');
            break;
        case '\0':
            f--;
            break;
        default:
            out_char(&o, '%');
            out_char(&o, *f);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* The log ring keeps the newest KLOG_SIZE bytes. klog_lock protects the ring
 * and serialises console output so lines from two CPUs do not interleave. */
#define KLOG_SIZE (64 * 1024)
static char klog_ring[KLOG_SIZE] __noclear;    /* read only up to what was written */
static uint64_t klog_head;      /* bytes ever written */
static struct spinlock klog_lock = SPINLOCK_INIT;

static void klog_append(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        klog_ring[(klog_head + i) % KLOG_SIZE] = s[i];
    klog_head += n;
}

size_t klog_read(char *buf, size_t size)
{
    unsigned long flags = spin_lock_irqsave(&klog_lock);
    uint64_t available = klog_head < KLOG_SIZE ? klog_head : KLOG_SIZE;
    size_t n = size < available ? size : (size_t)available;
    uint64_t start = klog_head - available;

    for (size_t i = 0; i < n; i++)
        buf[i] = klog_ring[(start + i) % KLOG_SIZE];
    spin_unlock_irqrestore(&klog_lock, flags);
    return n;
}

void vprintk(const char *fmt, va_list ap)
{
    char line[512];
    int n = vsnprintf(line, sizeof(line), fmt, ap);

    if (n >= (int)sizeof(line))
        n = sizeof(line) - 1;
    unsigned long flags = spin_lock_irqsave(&klog_lock);
    klog_append(line, (size_t)n);
    plat_console_write(line, (size_t)n);
    spin_unlock_irqrestore(&klog_lock, flags);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}
