/* The boot console: the first serial port (16550 on amd64, PL011 on arm64).
 * Writes are polled and never drop bytes; safe from any context, including
 * exception and panic paths. */
#ifndef PLAT_CONSOLE_H
#define PLAT_CONSOLE_H

#include <stddef.h>

void plat_console_write(const char *buf, size_t len);
/* Returns the next received byte, or -1 when none is waiting. */
int plat_console_getc(void);

#endif
