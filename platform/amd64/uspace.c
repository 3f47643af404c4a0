/* Isolation mode on amd64 (plat/uspace.h, plat/uaccess.h): the syscall
 * MSRs, the kernel stack for entries from ring 3, user frames and the
 * syscall register convention, FP/SSE (FXSAVE) and FS-base state, signal
 * frames, the gate's code, and the range checks and fixup table of the
 * user-copy helpers (uaccess.S). Address spaces are in mmu.c. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <abi/errno.h>
#include <abi/syscall.h>
#include <abi/gate.h>
#include <abi/signal.h>
#include <kern/panic.h>
#include <plat/cpu.h>
#include <plat/mode.h>
#include <plat/uaccess.h>
#include <plat/uspace.h>
#include <plat/uspace_test.h>
#include "amd64.h"

#define USER_CS (GDT_USER_CODE | 3)
#define USER_SS (GDT_USER_DATA | 3)
/* Direct mode's process code runs at ring 0 with the kernel's selectors. */
#define user_cs() (plat_direct_mode ? (uint64_t)GDT_KERNEL_CODE : (uint64_t)USER_CS)
#define user_ss() (plat_direct_mode ? (uint64_t)GDT_KERNEL_DATA : (uint64_t)USER_SS)
/* RFLAGS bits user code may set: CF PF AF ZF SF TF DF OF AC. IF is always
 * set; IOPL, NT, VM, RF and the rest are never taken from user memory. */
#define RFLAGS_USER_MASK 0x40dd5UL
#define RFLAGS_FIXED     0x202UL        /* IF and the always-one bit 1 */

arch_user_test_fn volatile arch_user_test_hook;

void amd64_syscall_entry(void);
void amd64_direct_entry(void);

/* Each CPU: syscall/sysret on, the entry point, the flags cleared on
 * entry (IF: the entry runs with interrupts off until the frame is saved;
 * TF, DF, AC for the kernel's sake). */
void uspace_init_cpu(void)
{
    /* Direct mode: no `syscall` (it would swapgs at ring 0); it faults
     * (#UD: SIGILL) and the gate calls amd64_direct_entry instead. */
    if (plat_direct_mode) {
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_SCE);
        return;
    }
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* sysret: CS = base + 16, SS = base + 8 with base GDT_USER_CODE32 | 3;
     * syscall: CS = GDT_KERNEL_CODE, SS = + 8. */
    wrmsr(MSR_STAR, ((uint64_t)(GDT_USER_CODE32 | 3) << 48) | ((uint64_t)GDT_KERNEL_CODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)amd64_syscall_entry);
    wrmsr(MSR_FMASK, RFLAGS_IF | (1UL << 8) | (1UL << 10) | RFLAGS_AC | (1UL << 14) |
                     (3UL << 12));
}

void arch_set_kernel_stack(void *stack_top)
{
    struct amd64_percpu *p = this_percpu();
    p->kernel_stack_top = (uint64_t)(uintptr_t)stack_top;
    p->tss->rsp[0] = (uint64_t)(uintptr_t)stack_top;
}

/* ---- frames and the syscall convention ---- */

void arch_user_frame_init(struct trap_frame *tf, uintptr_t pc, uintptr_t sp)
{
    memset(tf, 0, sizeof(*tf));
    tf->rip = pc;
    tf->rsp = sp;
    tf->cs = user_cs();
    tf->ss = user_ss();
    tf->rflags = RFLAGS_FIXED;
}

void arch_user_test_set_irqs_masked(struct trap_frame *tf, bool is_masked)
{
    tf->rflags = is_masked ? tf->rflags & ~RFLAGS_IF : tf->rflags | RFLAGS_IF;
}

void arch_user_frame_set_arg0(struct trap_frame *tf, uintptr_t value)
{
    tf->rdi = value;
}

/* Direct mode: process code runs on its own (lower-half) stack, the kernel
 * on kernel stacks; the interrupted rsp says which (vectors.S moves the
 * frame by the same test). */
bool arch_trap_from_user(const struct trap_frame *tf)
{
    return (tf->cs & 3) == 3 || (plat_direct_mode && tf->rsp < USER_SPACE_END);
}

uintptr_t arch_user_sp(const struct trap_frame *tf)
{
    return tf->rsp;
}

unsigned long arch_syscall_nr(const struct trap_frame *tf)
{
    return tf->rax;
}

unsigned long arch_syscall_arg(const struct trap_frame *tf, unsigned index)
{
    switch (index) {
    case 0: return tf->rdi;
    case 1: return tf->rsi;
    case 2: return tf->rdx;
    case 3: return tf->r10;
    case 4: return tf->r8;
    case 5: return tf->r9;
    }
    return 0;
}

void arch_syscall_args(const struct trap_frame *tf, unsigned long args[6])
{
    args[0] = tf->rdi;
    args[1] = tf->rsi;
    args[2] = tf->rdx;
    args[3] = tf->r10;
    args[4] = tf->r8;
    args[5] = tf->r9;
}

void arch_syscall_set_result(struct trap_frame *tf, long value)
{
    tf->rax = (uint64_t)value;
}

/* `syscall` is two bytes; the number it had is in the error-code slot. A
 * direct call popped its return address into rcx: the gate's restart
 * entry pushes it again and calls in. */
void arch_syscall_restart(struct trap_frame *tf)
{
    if (tf->vector == VECTOR_SYSCALL)
        tf->rip -= 2;
    else if (tf->vector == VECTOR_DIRECT_CALL)
        tf->rip = GATE_ADDRESS + GATE_RESTART_OFFSET;
    else
        return;
    tf->rax = tf->error_code;
}

/* ---- per-thread user state: FXSAVE area, then the FS base ---- */

struct user_state {
    uint8_t fxsave[512];            /* 16-byte aligned (the state is 64) */
    uint64_t fs_base;
};
_Static_assert(sizeof(struct user_state) <= ARCH_USER_STATE_SIZE, "user state size");

#define FX_FCW   0
#define FX_MXCSR 24

static void fx_init(uint8_t *area)
{
    memset(area, 0, 512);
    *(uint16_t *)(area + FX_FCW) = 0x037f;       /* all x87 exceptions masked */
    *(uint32_t *)(area + FX_MXCSR) = 0x1f80;     /* all SSE exceptions masked */
}

static void fx_save(uint8_t *area)
{
    __asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t(*)[512])area));
}

static void fx_restore(const uint8_t *area)
{
    __asm__ volatile("fxrstor64 %0" : : "m"(*(const uint8_t(*)[512])area));
}

void arch_user_state_init(void *state)
{
    struct user_state *s = state;
    memset(s, 0, sizeof(*s));
    fx_init(s->fxsave);
}

void arch_user_state_save(void *state)
{
    struct user_state *s = state;
    fx_save(s->fxsave);
    s->fs_base = rdmsr(MSR_FS_BASE);
}

void arch_user_state_restore(const void *state)
{
    const struct user_state *s = state;
    fx_restore(s->fxsave);
    wrmsr(MSR_FS_BASE, s->fs_base);
}

/* A non-canonical base would make wrmsr fault in the kernel: only lower-
 * half values are kept (anything else becomes 0). */
void arch_user_set_tls(void *state, uintptr_t tls)
{
    struct user_state *s = state;
    s->fs_base = tls < USER_SPACE_END ? tls : 0;
}

/* ---- signal frames ----
 * On the user stack, below the interrupted rsp and its 128-byte red zone,
 * 16-byte aligned at F:
 *   F+0   padding            F+8   return address (the restorer)
 *   F+16  siginfo (128 bytes) then the ucontext (struct amd64_ucontext).
 * The handler starts with rsp = F+8, as after a call; its `ret` leaves
 * rsp = F+16, where sigreturn finds the frame. */
struct amd64_mcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, rflags;
};

struct amd64_ucontext {
    uint64_t flags;
    uint64_t link;
    struct abi_stack stack;         /* uc_stack: stack_t, 24 bytes */
    struct amd64_mcontext mcontext;
    uint64_t sigmask;
    uint8_t fpstate[512] __attribute__((aligned(16)));   /* FXSAVE format */
};

_Static_assert(offsetof(struct amd64_ucontext, mcontext) == 40, "ucontext layout (Linux's)");

struct amd64_sigframe {
    uint64_t padding;
    uint64_t restorer;
    uint8_t info[128];
    struct amd64_ucontext uc;
};
_Static_assert(offsetof(struct amd64_sigframe, info) == 16, "sigframe layout");
_Static_assert(sizeof(struct amd64_sigframe) % 16 == 0, "sigframe alignment");

#define RED_ZONE 128

int arch_signal_push(struct trap_frame *tf, uintptr_t sp, int sig, uintptr_t handler,
                     uintptr_t restorer, const void *info, size_t info_size,
                     uint64_t saved_mask)
{
    struct amd64_sigframe frame __attribute__((aligned(16)));

    if (sp < RED_ZONE + sizeof(frame) + 16)
        return -EFAULT;
    uintptr_t base = (sp - RED_ZONE - sizeof(frame)) & ~15UL;
    memset(&frame, 0, sizeof(frame));
    frame.restorer = restorer;
    memcpy(frame.info, info, info_size < sizeof(frame.info) ? info_size : sizeof(frame.info));
    struct amd64_mcontext *mc = &frame.uc.mcontext;
    *mc = (struct amd64_mcontext){
        .r8 = tf->r8, .r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11,
        .r12 = tf->r12, .r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15,
        .rdi = tf->rdi, .rsi = tf->rsi, .rbp = tf->rbp, .rbx = tf->rbx,
        .rdx = tf->rdx, .rax = tf->rax, .rcx = tf->rcx, .rsp = tf->rsp,
        .rip = tf->rip, .rflags = tf->rflags,
    };
    frame.uc.sigmask = saved_mask;
    fx_save(frame.uc.fpstate);          /* the thread's live FP registers */
    if (copy_to_user((void *)base, &frame, sizeof(frame)) < 0)
        return -EFAULT;

    tf->rip = handler;
    tf->rsp = base + offsetof(struct amd64_sigframe, restorer);
    tf->rdi = (uint64_t)sig;
    tf->rsi = base + offsetof(struct amd64_sigframe, info);
    tf->rdx = base + offsetof(struct amd64_sigframe, uc);
    tf->rax = 0;
    tf->rflags &= ~((1UL << 8) | (1UL << 10));          /* TF, DF */
    tf->cs = user_cs();
    tf->ss = user_ss();
    tf->vector = 0;                     /* no longer a restartable syscall */
    return 0;
}

int arch_signal_pop(struct trap_frame *tf, uint64_t *saved_mask)
{
    struct amd64_sigframe frame __attribute__((aligned(16)));
    uintptr_t base = tf->rsp - offsetof(struct amd64_sigframe, info);

    if (tf->rsp < offsetof(struct amd64_sigframe, info) ||
        copy_from_user(&frame, (const void *)base, sizeof(frame)) < 0)
        return -EFAULT;
    const struct amd64_mcontext *mc = &frame.uc.mcontext;
    /* iretq to a non-canonical rip faults in ring 0: lower half only. */
    if (mc->rip >= USER_SPACE_END || mc->rsp >= USER_SPACE_END)
        return -EFAULT;
    tf->r8 = mc->r8; tf->r9 = mc->r9; tf->r10 = mc->r10; tf->r11 = mc->r11;
    tf->r12 = mc->r12; tf->r13 = mc->r13; tf->r14 = mc->r14; tf->r15 = mc->r15;
    tf->rdi = mc->rdi; tf->rsi = mc->rsi; tf->rbp = mc->rbp; tf->rbx = mc->rbx;
    tf->rdx = mc->rdx; tf->rax = mc->rax; tf->rcx = mc->rcx; tf->rsp = mc->rsp;
    tf->rip = mc->rip;
    tf->rflags = (mc->rflags & RFLAGS_USER_MASK) | RFLAGS_FIXED;
    tf->cs = user_cs();
    tf->ss = user_ss();
    tf->vector = 0;
    /* Reserved MXCSR bits would make fxrstor fault in the kernel. */
    *(uint32_t *)(frame.uc.fpstate + FX_MXCSR) &= cpu_mxcsr_mask();
    fx_restore(frame.uc.fpstate);
    *saved_mask = frame.uc.sigmask;
    return 0;
}

/* ---- the gate ---- */

/* Direct mode: cli; movabs $amd64_direct_entry, %r11; then jmp or call
 * *%r11 (r11 is the syscall convention's to clobber). Interrupts go off
 * here, in process code, so no interrupted process context is ever at a
 * kernel address (sigreturn takes only lower-half ones). The entry pops a
 * return address: the syscall entry is reached by the caller's call, the
 * restart entry pushes rcx (the return address, as `syscall` leaves it),
 * the sigreturn trampoline calls. */
static uint8_t *put_direct_jump(uint8_t *p, bool is_call)
{
    uint64_t entry = (uint64_t)(uintptr_t)amd64_direct_entry;
    *p++ = 0xfa;                        /* cli */
    *p++ = 0x49;                        /* movabs $entry, %r11 */
    *p++ = 0xbb;
    memcpy(p, &entry, 8);
    p += 8;
    *p++ = 0x41;                        /* jmp/call *%r11 */
    *p++ = 0xff;
    *p++ = is_call ? 0xd3 : 0xe3;
    return p;
}

static void gate_fill_direct(uint8_t *page)
{
    put_direct_jump(page + GATE_SYSCALL_OFFSET, false);
    uint8_t *p = page + GATE_RESTART_OFFSET;
    *p++ = 0x51;                        /* push %rcx */
    put_direct_jump(p, false);
    p = page + GATE_SIGRETURN_OFFSET;
    const uint8_t mov_eax[] = { 0xb8, SYS_sigreturn, 0, 0, 0 };   /* mov $SYS_sigreturn, %eax */
    memcpy(p, mov_eax, sizeof(mov_eax));
    p = put_direct_jump(p + sizeof(mov_eax), true);
    p[0] = 0x0f;                        /* ud2: sigreturn never returns here */
    p[1] = 0x0b;
}

void arch_gate_fill(void *page)
{
    static const uint8_t syscall_entry_code[] = {
        0x0f, 0x05,                     /* syscall */
        0xc3,                           /* ret */
    };
    static const uint8_t sigreturn_code[] = {
        0xb8, SYS_sigreturn, 0, 0, 0,   /* mov $SYS_sigreturn, %eax */
        0x0f, 0x05,                     /* syscall */
        0x0f, 0x0b,                     /* ud2: sigreturn never returns here */
    };
    _Static_assert(SYS_sigreturn < 256, "one-byte immediate");
    uint8_t *p = page;
    memset(p, 0xcc, PAGE_SIZE);         /* int3 everywhere else */
    if (plat_direct_mode) {
        gate_fill_direct(p);
        return;
    }
    memcpy(p + GATE_SYSCALL_OFFSET, syscall_entry_code, sizeof(syscall_entry_code));
    memcpy(p + GATE_SIGRETURN_OFFSET, sigreturn_code, sizeof(sigreturn_code));
}

/* The user-copy primitives (arch_*_user_raw of plat/uaccess.h) are in
 * uaccess.S; the range checks are portable, in libos/syscall/uaccess.c. */
