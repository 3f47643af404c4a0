/* The kernel heap: size-class slabs over the page allocator. Requests above
 * the largest class go to the page allocator whole. Memory is 16-byte
 * aligned (page-aligned for whole-page requests). */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include <stdbool.h>
#include <stddef.h>

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *ptr);

/* Bytes handed out and not yet freed (rounded up to the size class). */
size_t kmalloc_bytes_in_use(void);

/* Debug mode ("kmalloc_debug=1" on the command line; docs/kmalloc-debug.md):
 * kfree poisons objects and quarantines them; an object written after
 * kfree panics when it leaves the quarantine, a double free panics at
 * once. Turning it off drains the quarantine. */
void kmalloc_set_debug(bool on);
bool kmalloc_debug_enabled(void);
/* Checks and releases every quarantined object (debug mode). */
void kmalloc_quarantine_drain(void);
/* Bytes freed but held in the quarantine (not counted as in use). */
size_t kmalloc_quarantine_bytes(void);
/* Debug mode: kfree's caller for an object in the quarantine that holds
 * ptr (a use after free's culprit); NULL when none does or debug is off. */
void *kmalloc_debug_freed_by(const void *ptr);

#endif
