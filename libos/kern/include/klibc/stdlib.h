/* The few <stdlib.h> functions the kernel side has (libos/kern/string.c). */
#ifndef KLIBC_STDLIB_H
#define KLIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);
long strtol(const char *s, char **end, int base);

#endif
