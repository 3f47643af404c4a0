/* Synchronous exceptions. The platform's vectors save a struct trap_frame
 * (defined per architecture) and hand what they cannot handle themselves to
 * the kernel. */
#ifndef PLAT_TRAP_H
#define PLAT_TRAP_H

#include <stdint.h>

struct trap_frame;

enum trap_kind {
    TRAP_PAGE_FAULT,    /* fault_addr is the faulting data/instruction address */
    TRAP_UNDEFINED,     /* undefined / illegal instruction */
    TRAP_ALIGNMENT,
    TRAP_DIVIDE,
    TRAP_BREAKPOINT,
    TRAP_OTHER,
};

/* Implemented by the kernel. For a fault in kernel code it panics with
 * "panic: <what> at <fault_addr>" and the register dump; it does not return. */
void trap_exception(struct trap_frame *tf, enum trap_kind kind,
                    uintptr_t fault_addr, const char *what);

/* Implemented by the platform: prints every register of the frame. */
void arch_trap_dump(const struct trap_frame *tf);
uintptr_t arch_trap_pc(const struct trap_frame *tf);

#endif
