/* The kernel command line (PVH cmdline on amd64, /chosen/bootargs on arm64):
 * space-separated words, each "key" or "key=value". */
#ifndef KERN_CMDLINE_H
#define KERN_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* Copies the value of the last "key=value" into buf (NUL-terminated,
 * truncated to size). Returns true when key=value is present. */
bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);
/* True when the bare word "key" or "key=..." is present. */
bool cmdline_has(const char *cmdline, const char *key);

#endif
