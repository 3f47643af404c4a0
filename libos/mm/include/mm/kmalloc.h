/* The kernel heap: size-class slabs over the page allocator. Requests above
 * the largest class go to the page allocator whole. Memory is 16-byte
 * aligned (page-aligned for whole-page requests). */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include <stddef.h>

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *ptr);

/* Bytes handed out and not yet freed (rounded up to the size class). */
size_t kmalloc_bytes_in_use(void);

#endif
