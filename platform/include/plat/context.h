/* Kernel thread contexts: what the scheduler needs from the CPU to run
 * several threads on one stack each, and the hook through which every
 * interrupt may end in a thread switch (preemption).
 *
 * A context is the stack pointer of a switched-out thread: the callee-saved
 * registers (amd64: rbx rbp r12-r15; arm64: x19-x29, lr) sit on its own
 * stack below it. No FP/SIMD state is switched: the kernel is built
 * -mgeneral-regs-only (arm64's libfdt uses SIMD during boot only, before
 * any second thread exists). Process FP state comes with processes. */
#ifndef PLAT_CONTEXT_H
#define PLAT_CONTEXT_H

/* Saves the callee-saved registers on the current stack, stores the stack
 * pointer in *save_sp, loads new_sp and resumes the thread saved there.
 * Called with interrupts disabled; returns (in the old thread) when some
 * CPU switches back to it. */
void arch_context_switch(void **save_sp, void *new_sp);

/* Prepares a new thread's stack so that switching to the returned stack
 * pointer calls entry(arg) on it, with interrupts disabled. entry must not
 * return. stack_top is 16-byte aligned. */
void *arch_context_init(void *stack_top, void (*entry)(void *), void *arg);

/* Implemented by the kernel (libos/sched). Called by the platform at the
 * end of every interrupt, after the interrupt controller is acknowledged,
 * on the interrupted thread's stack with interrupts disabled: the
 * scheduler may switch threads here. Returning resumes the interrupted
 * code (later, when the thread runs again). */
void sched_irq_exit(void);

#endif
