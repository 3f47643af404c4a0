/* Isolation mode on arm64 (plat/uspace.h, plat/uaccess.h): PAN and the
 * EL0 controls, the kernel stack for entries from EL0, user frames and the
 * svc register convention, FP/SIMD and TPIDR_EL0 state, signal frames,
 * the gate's code, and the range checks and fixup table of the user-copy
 * helpers (uaccess.S). Address spaces are in mmu.c. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <abi/errno.h>
#include <abi/gate.h>
#include <abi/signal.h>
#include <abi/syscall.h>
#include <kern/panic.h>
#include <plat/mode.h>
#include <plat/smp.h>
#include <plat/uaccess.h>
#include <plat/uspace.h>
#include <plat/uspace_test.h>
#include "arm64.h"

#define SCTLR_UCT   (1UL << 15)     /* EL0 reads CTR_EL0 */
#define SCTLR_DZE   (1UL << 14)     /* EL0 may dc zva */
#define SCTLR_SPAN  (1UL << 23)     /* 0: exceptions to EL1 set PSTATE.PAN */
#define SPSR_NZCV   0xf0000000UL
/* M[4:0], DAIF, IL: a frame asking for any of these is rejected. */
#define SPSR_PRIVILEGED (0x1fUL | 0x3c0UL | (1UL << 20))
/* NZCV, DIT, SSBS, BTYPE: EL0's own state (BTYPE is set by the blr into
 * the gate, so an svc's SPSR often carries it). */
#define SPSR_USER_KEPT (SPSR_NZCV | (1UL << 24) | (1UL << 12) | (3UL << 10))

arch_user_test_fn volatile arch_user_test_hook;
uint64_t arm64_kernel_stack_top[PLAT_MAX_CPUS];
/* Read by the direct-mode entry (vectors.S), which sets PAN itself. */
uint8_t arm64_has_pan;

void arm64_direct_entry(void);

/* The mode process code runs in: EL0t, or EL1t (on SP_EL0) in direct mode. */
static uint64_t user_mode_bits(void)
{
    return plat_direct_mode ? SPSR_EL1T : 0;
}

/* Each CPU, with the MMU on: PAN when the CPU has it (the kernel touches
 * user memory only with LDTR/STTR, which PAN does not block). FP/SIMD is
 * already open to EL0 (CPACR_EL1.FPEN = 3, head.S). */
void arm64_uspace_init_cpu(void)
{
    uint64_t sctlr = read_sysreg(sctlr_el1) | SCTLR_UCT | SCTLR_DZE;
    bool has_pan = (read_sysreg(id_aa64mmfr1_el1) >> 20) & 0xf;
    if (has_pan)
        sctlr &= ~SCTLR_SPAN;
    write_sysreg(sctlr_el1, sctlr);
    isb();
    if (has_pan)
        __asm__ volatile(".inst 0xd500419f" : : : "memory");     /* msr pan, #1 */
    arm64_has_pan = has_pan;
}

void arch_set_kernel_stack(void *stack_top)
{
    arm64_kernel_stack_top[arch_cpu_id()] = (uint64_t)(uintptr_t)stack_top;
}

/* ---- frames and the syscall convention ---- */

void arch_user_frame_init(struct trap_frame *tf, uintptr_t pc, uintptr_t sp)
{
    memset(tf, 0, sizeof(*tf));
    tf->elr = pc;
    tf->sp = sp;
    tf->spsr = user_mode_bits();    /* EL0t (EL1t), AArch64, interrupts unmasked */
}

void arch_user_test_set_irqs_masked(struct trap_frame *tf, bool is_masked)
{
    tf->spsr = is_masked ? tf->spsr | (1UL << 7) : tf->spsr & ~(1UL << 7);   /* PSTATE.I */
}

void arch_user_frame_set_arg0(struct trap_frame *tf, uintptr_t value)
{
    tf->x[0] = value;
}

bool arch_trap_from_user(const struct trap_frame *tf)
{
    return (tf->spsr & 0x1f) == 0 || (plat_direct_mode && (tf->spsr & 0x1f) == SPSR_EL1T);
}

uintptr_t arch_user_sp(const struct trap_frame *tf)
{
    return tf->sp;
}

unsigned long arch_syscall_nr(const struct trap_frame *tf)
{
    return tf->x[8];
}

unsigned long arch_syscall_arg(const struct trap_frame *tf, unsigned index)
{
    return index < 6 ? tf->x[index] : 0;
}

void arch_syscall_args(const struct trap_frame *tf, unsigned long args[6])
{
    memcpy(args, tf->x, 6 * sizeof(args[0]));
}

void arch_syscall_set_result(struct trap_frame *tf, long value)
{
    tf->x[0] = (uint64_t)value;
}

/* ELR points after the svc; x0 was overwritten by the result. A direct
 * call's ELR is its return address (x30, kept): it calls the gate again. */
void arch_syscall_restart(struct trap_frame *tf)
{
    if (tf->esr == ESR_DIRECT_CALL)
        tf->elr = GATE_ADDRESS + GATE_SYSCALL_OFFSET;
    else
        tf->elr -= 4;
    tf->x[0] = tf->orig_x0;
}

/* ---- per-thread user state: q0-q31, FPSR, FPCR, then TPIDR_EL0 ---- */

struct fp_regs {
    uint8_t q[32][16];
    uint64_t fpsr, fpcr;
} __attribute__((aligned(16)));

struct user_state {
    struct fp_regs fp;
    uint64_t tpidr_el0;
};
_Static_assert(sizeof(struct user_state) <= ARCH_USER_STATE_SIZE, "user state size");

void arm64_fp_save(struct fp_regs *area);
void arm64_fp_restore(const struct fp_regs *area);

void arch_user_state_init(void *state)
{
    memset(state, 0, sizeof(struct user_state));
}

void arch_user_state_save(void *state)
{
    struct user_state *s = state;
    arm64_fp_save(&s->fp);
    s->tpidr_el0 = read_sysreg(tpidr_el0);
}

void arch_user_state_restore(const void *state)
{
    const struct user_state *s = state;
    arm64_fp_restore(&s->fp);
    write_sysreg(tpidr_el0, s->tpidr_el0);
}

void arch_user_set_tls(void *state, uintptr_t tls)
{
    ((struct user_state *)state)->tpidr_el0 = tls;
}

/* ---- signal frames ----
 * On the user stack below the interrupted sp, 16-byte aligned at F: the
 * siginfo (128 bytes), then the ucontext. The handler runs with sp = F,
 * x0 = sig, x1 = &info, x2 = &ucontext, x30 = the restorer; when it
 * returns, sp is F again, where sigreturn finds the frame. */
struct arm64_mcontext {
    uint64_t x[31];
    uint64_t sp, pc, pstate;
};

struct arm64_ucontext {
    uint64_t flags;
    uint64_t link;
    struct abi_stack stack;         /* uc_stack: stack_t, 24 bytes */
    struct arm64_mcontext mcontext;
    uint64_t sigmask;
    struct fp_regs fpstate;
};

_Static_assert(offsetof(struct arm64_ucontext, mcontext) == 40, "ucontext layout (Linux's)");

struct arm64_sigframe {
    uint8_t info[128];
    struct arm64_ucontext uc;
};
_Static_assert(sizeof(struct arm64_sigframe) % 16 == 0, "sigframe alignment");

int arch_signal_push(struct trap_frame *tf, uintptr_t sp, int sig, uintptr_t handler,
                     uintptr_t restorer, const void *info, size_t info_size,
                     uint64_t saved_mask)
{
    struct arm64_sigframe frame;

    if (sp < sizeof(frame) + 16)
        return -EFAULT;
    uintptr_t base = (sp - sizeof(frame)) & ~15UL;
    memset(&frame, 0, sizeof(frame));
    memcpy(frame.info, info, info_size < sizeof(frame.info) ? info_size : sizeof(frame.info));
    struct arm64_mcontext *mc = &frame.uc.mcontext;
    memcpy(mc->x, tf->x, sizeof(mc->x));
    mc->sp = tf->sp;
    mc->pc = tf->elr;
    mc->pstate = tf->spsr;
    frame.uc.sigmask = saved_mask;
    arm64_fp_save(&frame.uc.fpstate);   /* the thread's live FP registers */
    if (copy_to_user((void *)base, &frame, sizeof(frame)) < 0)
        return -EFAULT;

    tf->elr = handler;
    tf->sp = base;
    tf->x[0] = (uint64_t)sig;
    tf->x[1] = base + offsetof(struct arm64_sigframe, info);
    tf->x[2] = base + offsetof(struct arm64_sigframe, uc);
    tf->x[30] = restorer;
    tf->spsr = (tf->spsr & SPSR_NZCV) | user_mode_bits();  /* nothing masked, no step */
    tf->esr = 0;                        /* no longer a direct call's frame (vectors.S) */
    return 0;
}

int arch_signal_pop(struct trap_frame *tf, uint64_t *saved_mask)
{
    struct arm64_sigframe frame;

    if (copy_from_user(&frame, (const void *)tf->sp, sizeof(frame)) < 0)
        return -EFAULT;
    const struct arm64_mcontext *mc = &frame.uc.mcontext;
    /* The mode must stay EL0t (EL1t in direct mode), AArch64, with DAIF
     * and IL clear; of the rest only what EL0 itself may change is kept. */
    if ((mc->pstate & SPSR_PRIVILEGED) != user_mode_bits())
        return -EFAULT;
    memcpy(tf->x, mc->x, sizeof(tf->x));
    tf->sp = mc->sp;
    tf->elr = mc->pc;
    tf->spsr = (mc->pstate & SPSR_USER_KEPT) | user_mode_bits();
    tf->orig_x0 = tf->x[0];
    tf->esr = 0;
    arm64_fp_restore(&frame.uc.fpstate);
    *saved_mask = frame.uc.sigmask;
    return 0;
}

/* ---- the gate ---- */

#define A64_LDR_X16_LITERAL(offset) (0x58000010u | ((uint32_t)(offset) / 4) << 5)
#define A64_BR_X16 0xd61f0200u
#define A64_MSR_DAIFSET_ALL 0xd5034fdfu

/* Direct mode: each entry masks interrupts (so no interrupted process
 * context is ever at a kernel address) and branches to arm64_direct_entry
 * through x16 (IP0, which any call may clobber), the address in an
 * 8-byte-aligned literal after it. */
static void gate_fill_direct(uint32_t *p)
{
    uint64_t entry = (uint64_t)(uintptr_t)arm64_direct_entry;
    uint32_t *s = p + GATE_SYSCALL_OFFSET / 4;
    s[0] = A64_MSR_DAIFSET_ALL;                         /* msr daifset, #0xf */
    s[1] = A64_LDR_X16_LITERAL(12);                     /* ldr x16, 1f */
    s[2] = A64_BR_X16;                                  /* br x16 */
    memcpy(&s[4], &entry, 8);                           /* 1: .quad (s[3]: brk) */
    uint32_t *r = p + GATE_SIGRETURN_OFFSET / 4;
    r[0] = 0xd2800008 | (SYS_sigreturn << 5);           /* mov x8, #SYS_sigreturn */
    r[1] = A64_MSR_DAIFSET_ALL;                         /* msr daifset, #0xf */
    r[2] = A64_LDR_X16_LITERAL(8);                      /* ldr x16, 1f */
    r[3] = A64_BR_X16;                                  /* br x16 */
    memcpy(&r[4], &entry, 8);                           /* 1: .quad (then brk) */
}

void arch_gate_fill(void *page)
{
    uint32_t *p = page;
    for (size_t i = 0; i < PAGE_SIZE / 4; i++)
        p[i] = 0xd4200000;                              /* brk #0 */
    _Static_assert(SYS_sigreturn < 65536, "movz immediate");
    if (plat_direct_mode) {
        gate_fill_direct(p);
        arm64_sync_icache((uintptr_t)page, PAGE_SIZE);
        return;
    }
    p[GATE_SYSCALL_OFFSET / 4 + 0] = 0xd4000001;        /* svc #0 */
    p[GATE_SYSCALL_OFFSET / 4 + 1] = 0xd65f03c0;        /* ret */
    p[GATE_SIGRETURN_OFFSET / 4 + 0] = 0xd2800008 | (SYS_sigreturn << 5); /* mov x8, #SYS_sigreturn */
    p[GATE_SIGRETURN_OFFSET / 4 + 1] = 0xd4000001;      /* svc #0 */
    p[GATE_SIGRETURN_OFFSET / 4 + 2] = 0xd4200000;      /* brk #0: never returns here */
    /* Written through the direct map, fetched at the gate's address. */
    arm64_sync_icache((uintptr_t)page, PAGE_SIZE);
}

/* The user-copy primitives (arch_*_user_raw of plat/uaccess.h) are in
 * uaccess.S; the range checks are portable, in libos/syscall/uaccess.c. */
