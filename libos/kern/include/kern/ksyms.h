/* Names of kernel functions by address (libos/kern/ksyms.c). */
#ifndef KERN_KSYMS_H
#define KERN_KSYMS_H

#include <stdint.h>
#include <stddef.h>

/* The name of the kernel function containing addr and addr's offset in
 * it, or NULL when the image has no symbol table or addr is not in the
 * kernel's text. */
const char *ksym_lookup(uintptr_t addr, uintptr_t *offset);

#endif
