/* What the process layer needs from the CPU: user address spaces, entering
 * and leaving user mode, the syscall boundary, per-thread user state (FP,
 * TLS), signal frames, and the gate page's code. Isolation mode: processes
 * run at ring 3 / EL0. */
#ifndef PLAT_USPACE_H
#define PLAT_USPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <plat/mmu.h>

struct trap_frame;

/* The lower half belongs to one process. */
#define USER_SPACE_END 0x0000800000000000UL

/* --- address spaces (page tables only; libos/mm owns the VMAs) --------- */

/* A new address space: empty lower half, the shared kernel upper half.
 * NULL when memory is short. */
struct arch_aspace *arch_mmu_create(void);
/* Frees the table pages of the lower half; the pages they mapped are the
 * VM layer's to free (unmap them first, or walk with arch_mmu_query).
 * Deactivates it on this CPU, and waits (spinning) for other CPUs still
 * switching away from it: call it once no thread of the space can run. */
void arch_mmu_destroy(struct arch_aspace *as);
/* Makes as the lower half on this CPU (CR3 / TTBR0 with its ASID). */
void arch_mmu_activate(struct arch_aspace *as);
/* Changes the permissions of mapped pages in [va, va+size) (unmapped pages
 * are skipped) and invalidates the TLB on every CPU that may hold them. */
int arch_mmu_protect(struct arch_aspace *as, uintptr_t va, size_t size, unsigned flags);
/* fork's copy of the mappings: every 4 KiB page mapped in [va, va+size)
 * of src is mapped at the same address in dst (where nothing may be
 * mapped there yet) with flags, and take(pa) is called for it; with
 * is_src_too, src's entries get flags as well (its TLB invalidated on
 * every CPU). A last-level table at a time: a missing table is skipped
 * whole, and each table's entries are read and written in one pass under
 * the lock. -ENOMEM (a table for dst) or -EEXIST leaves what was done
 * (the caller destroys dst, whose pages were taken). */
int arch_mmu_fork_range(struct arch_aspace *src, struct arch_aspace *dst, uintptr_t va,
                        size_t size, unsigned flags, bool is_src_too, void (*take)(uint64_t pa));
/* Unmaps the first mapped 4 KiB pages of [va, end) -- at most max, all in
 * one last-level table -- with the TLB invalidated on every CPU, and puts
 * their physical addresses in pas (the caller's to release). Returns how
 * many; *next is where to go on (past va unless va == end). Bounded work
 * per call, with interrupts off for one table at most. */
unsigned arch_mmu_unmap_take(struct arch_aspace *as, uintptr_t va, uintptr_t end,
                             uint64_t *pas, unsigned max, uintptr_t *next);
/* arch_mmu_map/unmap/query (plat/mmu.h) work on user spaces too; MMU_USER
 * makes a page accessible from user mode. TLB invalidation on unmap covers
 * every CPU. */

/* --- entering user mode, the syscall boundary -------------------------- */

/* Sets the kernel stack the CPU switches to on entry from user mode (TSS
 * RSP0 and the syscall stack on amd64; nothing on arm64, where SP_EL1 is the
 * thread's). The scheduler calls it when switching to a thread. */
void arch_set_kernel_stack(void *stack_top);

/* Fills tf to start user code at pc with stack pointer sp (all other
 * registers zero). */
void arch_user_frame_init(struct trap_frame *tf, uintptr_t pc, uintptr_t sp);
/* Sets the first argument register (rdi / x0) of a user frame: a new
 * thread's argument. */
void arch_user_frame_set_arg0(struct trap_frame *tf, uintptr_t value);
/* Returns to user mode with the registers in tf (a user frame; anywhere
 * readable, typically on this thread's kernel stack). The frame is first
 * moved to the top of the kernel stack given to arch_set_kernel_stack,
 * where every later entry from user mode saves its frame; the rest of
 * the stack is discarded. Interrupts off; arch_set_kernel_stack called on
 * this CPU for this thread. */
_Noreturn void arch_user_enter(struct trap_frame *tf);
bool arch_trap_from_user(const struct trap_frame *tf);
uintptr_t arch_user_sp(const struct trap_frame *tf);

/* Implemented by the kernel (libos/kern, which forwards them to the
 * handlers registered through kern/uspace.h), called by the platform:
 * - syscall_entry: a syscall from user mode (tf holds number and
 *   arguments as abi/syscall.h says); returns normally.
 * - user_return_work: just before every return to user mode (from a
 *   syscall, an interrupt or an exception), with interrupts disabled:
 *   delivers pending signals, may reschedule. May enable interrupts
 *   internally; returns with them disabled. */
void syscall_entry(struct trap_frame *tf);
void user_return_work(struct trap_frame *tf);
/* Direct mode's leaf calls (kern/uspace.h): uspace_leaf_calls[nr], when
 * nr < uspace_leaf_count and the entry is not NULL, answers syscall nr
 * as a plain C call with no frame, on the thread's kernel stack with
 * interrupts off; the direct entries (vectors.S) read both. */
typedef long (*uspace_leaf_fn)(void);
extern const uspace_leaf_fn *uspace_leaf_calls;
extern unsigned long uspace_leaf_count;

unsigned long arch_syscall_nr(const struct trap_frame *tf);
unsigned long arch_syscall_arg(const struct trap_frame *tf, unsigned index);
/* All six arguments at once (the syscall path's). */
void arch_syscall_args(const struct trap_frame *tf, unsigned long args[6]);
void arch_syscall_set_result(struct trap_frame *tf, long value);
/* Rewinds the pc so the syscall instruction runs again (SA_RESTART). */
void arch_syscall_restart(struct trap_frame *tf);

/* --- page faults -------------------------------------------------------- */

#define FAULT_READ  0x1u
#define FAULT_WRITE 0x2u
#define FAULT_EXEC  0x4u
#define FAULT_USER  0x8u        /* the access came from user mode */
#define FAULT_PRESENT 0x10u     /* the page was mapped (a protection fault) */

/* Implemented by libos/mm; the platform calls it first for every page fault
 * on a lower-half address: 0 when resolved (copy-on-write, demand paging),
 * negative errno otherwise. Then, for a fault in kernel mode at a
 * user-access instruction, the platform resumes at its fixup (the helper
 * returns -EFAULT); otherwise it calls trap_exception, which turns a
 * user-mode fault into a signal and panics for kernel mode. */
int vm_fault(uintptr_t addr, unsigned fault_flags);

/* --- per-thread user state: FP/SIMD registers and the TLS register ------ */

#define ARCH_USER_STATE_SIZE 1024   /* bytes, 64-byte aligned */
void arch_user_state_init(void *state);
void arch_user_state_save(void *state);
void arch_user_state_restore(const void *state);
void arch_user_set_tls(void *state, uintptr_t tls);

/* --- signals ----------------------------------------------------------- */

/* Builds a signal frame below sp on the user stack: the interrupted user
 * registers of tf, the FP state of the current thread, the blocked mask to
 * restore, and a copy of info (info_size bytes, a siginfo_t); then sets tf
 * to run handler(sig, &frame->info, &frame->ucontext) with the return
 * address restorer (the gate's sigreturn trampoline). Returns 0, or
 * -EFAULT when the frame cannot be written. */
int arch_signal_push(struct trap_frame *tf, uintptr_t sp, int sig, uintptr_t handler,
                     uintptr_t restorer, const void *info, size_t info_size,
                     uint64_t saved_mask);
/* SYS_sigreturn: restores what arch_signal_push saved (registers, FP state)
 * from the frame at the user stack pointer of tf, and returns the saved
 * mask in *saved_mask. Rejects a frame that would give user code kernel
 * privileges. Returns 0 or -EFAULT. */
int arch_signal_pop(struct trap_frame *tf, uint64_t *saved_mask);

/* --- the gate page (abi/gate.h) ------------------------------------------ */

/* Writes the isolation-mode gate code into a page: the syscall entry at
 * GATE_SYSCALL_OFFSET, the sigreturn trampoline at GATE_SIGRETURN_OFFSET. */
void arch_gate_fill(void *page);

#endif
