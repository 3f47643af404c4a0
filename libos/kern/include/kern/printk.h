/* Kernel formatted output: printk writes to the console and to the kernel
 * log ring (read later through /dev/kmsg and dmesg). Never call it from an
 * interrupt handler. */
#ifndef KERN_PRINTK_H
#define KERN_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

#define printf_like(f, a) __attribute__((format(printf, f, a)))

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) printf_like(3, 4);
void printk(const char *fmt, ...) printf_like(1, 2);
void vprintk(const char *fmt, va_list ap);

/* Copies up to size bytes of the log ring, oldest first; returns the count. */
size_t klog_read(char *buf, size_t size);

#endif
