/* A hook for in-kernel tests of user mode (apps/ktest): while
 * arch_user_test_hook is set, the platform hands every syscall and every
 * exception from user mode to it first, on the faulting thread's kernel
 * stack with interrupts off. When it returns true the event is handled
 * (the thread returns to user mode with tf, or the hook never returns:
 * thread_exit); false continues with syscall_entry / trap_exception as
 * usual. NULL outside tests. */
#ifndef PLAT_USPACE_TEST_H
#define PLAT_USPACE_TEST_H

#include <stdbool.h>
#include <stdint.h>

struct trap_frame;

#define USER_TEST_SYSCALL (-1)  /* event: a syscall; else an enum trap_kind */

/* Makes a user frame run with interrupts masked (or not): a test thread
 * that is not a process's cannot be preempted (and migrated to a CPU
 * without its address space) while in user mode. arch_signal_pop rejects
 * (arm64) or clears (amd64) the mask: unmask before a push, mask again
 * after a push or pop. */
void arch_user_test_set_irqs_masked(struct trap_frame *tf, bool is_masked);

typedef bool (*arch_user_test_fn)(struct trap_frame *tf, int event, uintptr_t addr);
extern arch_user_test_fn volatile arch_user_test_hook;

#endif
