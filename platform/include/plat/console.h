/* The boot console: the first serial port (16550 on amd64, PL011 on arm64).
 * Writes are polled and never drop bytes; safe from any context, including
 * exception and panic paths. Input is polled (plat_console_getc) until a
 * receive handler is set; then the UART interrupts on received bytes and
 * the handler drains them with plat_console_getc. */
#ifndef PLAT_CONSOLE_H
#define PLAT_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/* printk's path: a '\n' goes out as "\r\n". */
void plat_console_write(const char *buf, size_t len);
/* Bytes exactly as given (the TTY layer has done its output processing). */
void plat_console_write_raw(const char *buf, size_t len);
/* Returns the next received byte, or -1 when none is waiting. */
int plat_console_getc(void);

/* Called in interrupt context when bytes were received; it drains them
 * with plat_console_getc (or masks reception while it has no room). */
typedef void (*plat_console_rx_fn)(void *arg);
/* Routes the UART's receive interrupt to fn and enables it. Returns 0,
 * -ENODEV without a UART interrupt, or plat_irq_attach's error. */
int plat_console_set_rx_handler(plat_console_rx_fn fn, void *arg);
/* Masks (false) or unmasks (true) the receive interrupt; while masked the
 * UART's FIFO fills and the host side waits. Any context. */
void plat_console_rx_enable(bool is_enabled);

#endif
