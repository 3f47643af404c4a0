/* Faults in user code: trap_exception (plat/trap.h, in panic.c) hands a
 * fault from user mode to the handler registered here before it panics.
 * The process layer registers one (proc_start_init) that turns the fault
 * into a signal for the faulting thread; an image without processes has
 * none, and every fault panics. */
#ifndef KERN_TRAP_H
#define KERN_TRAP_H

#include <stdbool.h>
#include <stdint.h>
#include <plat/trap.h>

/* True when the fault became a signal (delivered on the way back to user
 * mode); false makes trap_exception panic. */
typedef bool (*trap_user_fault_fn)(struct trap_frame *tf, enum trap_kind kind,
                                   uintptr_t fault_addr);

/* Registers fn (one handler; a later call replaces it). */
void trap_register_user_fault(trap_user_fault_fn fn);

#endif
