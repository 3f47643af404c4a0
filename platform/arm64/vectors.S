/* vectors.S: the EL1 exception vector table (VBAR_EL1). Every entry saves
 * a struct trap_frame (arm64.h) on the current kernel stack and calls C:
 * arm64_sync_handler, gic_handle_irq (through arm64_irq_handler) or
 * arm64_bad_exception; then restores the frame and returns with eret. */

#define FRAME_SIZE  304
#define FRAME_SP    248
#define FRAME_ELR   256
#define FRAME_ESR   272
#define SPSR_EL1T   0x4             /* = arm64.h's */
#define ESR_DIRECT_CALL_HI 0x5600   /* arm64.h's ESR_DIRECT_CALL, 0x5600d1ec */
#define ESR_DIRECT_CALL_LO 0xd1ec

/* x0-x29 into the frame at sp (x30 and sp go in with the frame's sp). */
.macro save_gprs
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
.endm

/* x0-x30 from the frame at sp. */
.macro load_gprs
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    ldr     x30, [sp, #16 * 15]
.endm

/* x0-x30, the interrupted sp (sp_el0 when from EL0), elr, spsr, esr, far. */
.macro save_frame from_el0
    sub     sp, sp, #FRAME_SIZE
    save_gprs
    .if \from_el0
    mrs     x0, sp_el0
    .else
    add     x0, sp, #FRAME_SIZE
    .endif
    stp     x30, x0, [sp, #16 * 15]
    mrs     x0, elr_el1
    mrs     x1, spsr_el1
    stp     x0, x1, [sp, #FRAME_ELR]
    mrs     x0, esr_el1
    mrs     x1, far_el1
    stp     x0, x1, [sp, #FRAME_ESR]
    mov     x0, sp
.endm

.macro restore_frame from_el0
    ldp     x0, x1, [sp, #FRAME_ELR]
    msr     elr_el1, x0
    msr     spsr_el1, x1
    .if \from_el0
    ldr     x0, [sp, #FRAME_SP]
    msr     sp_el0, x0
    .endif
    load_gprs
    add     sp, sp, #FRAME_SIZE
    eret
.endm

/* Entries from EL0 return through arm64_el0_return (the C handlers have
 * already run user_return_work): sp = the frame. */
.macro el0_handler name, function
    .section .text.vectors, "ax"
    .balign 4
\name:
    save_frame 1
    bl      \function
    b       arm64_el0_return
.endm

/* A handler: save, call C with the frame in x0, restore. */
.macro handler name, from_el0, function
    .section .text.vectors, "ax"
    .balign 4
\name:
    save_frame \from_el0
    bl      \function
    restore_frame \from_el0
.endm

/* Unexpected kinds (FIQ, SError, AArch32): report; from EL1, stop. */
.macro bad name, from_el0, kind
    .section .text.vectors, "ax"
    .balign 4
\name:
    save_frame \from_el0
    mov     x1, #\kind
    bl      arm64_bad_exception
    .if \from_el0
    /* From EL0 the kernel turned it into a signal: return to user mode. */
    mov     x0, sp
    bl      arm64_el0_after_bad
    b       arm64_el0_return
    .endif
1:  b       1b
.endm

.macro ventry target
    .balign 0x80
    b       \target
.endm

    .section .text.vectors, "ax"
    .balign 2048
    .globl arm64_vectors
arm64_vectors:
    /* Current EL with SP_EL0: process code in direct mode (EL1t); the
     * kernel itself always runs on SP_EL1. */
    ventry el1t_sync
    ventry el1t_irq
    ventry el1t_fiq
    ventry el1t_serror
    /* Current EL with SP_ELx: the kernel. */
    ventry el1h_sync
    ventry el1h_irq
    ventry el1h_fiq
    ventry el1h_serror
    /* Lower EL, AArch64: processes. */
    ventry el0_sync
    ventry el0_irq
    ventry el0_fiq
    ventry el0_serror
    /* Lower EL, AArch32: not supported. */
    ventry el0_32_sync
    ventry el0_32_irq
    ventry el0_32_fiq
    ventry el0_32_serror

    handler el1h_sync, 0, arm64_sync_handler
    handler el1h_irq, 0, arm64_irq_handler
    el0_handler el0_sync, arm64_el0_sync
    el0_handler el0_irq, arm64_el0_irq
    /* Like EL0's: the frame holds SP_EL0, the return is arm64_el0_return
     * (C reports them as unexpected in isolation mode). */
    el0_handler el1t_sync, arm64_el1t_sync
    el0_handler el1t_irq, arm64_el1t_irq

    .section .text.vectors, "ax"
    .balign 4
    .globl arm64_el0_return
arm64_el0_return:
    restore_frame 1

/* Direct mode's syscall entry (plat/mode.h): the gate branches here with
 * x16 = this address from process code at EL1t with interrupts masked,
 * x30 = where to return, x8 = the number and x0-x5 the arguments, sp =
 * the process's (SP_EL0). Moves to SP_EL1 (the top of the thread's kernel stack
 * while process code runs), saves the frame an svc would have (ELR = x30,
 * SPSR = EL1t, ESR = ESR_DIRECT_CALL), sets PAN as an exception entry
 * does, and leaves as an entry from EL0 does. */
    .section .text, "ax"
    .balign 64
    .globl arm64_direct_entry
    .type arm64_direct_entry, %function
arm64_direct_entry:
    /* A leaf call (kern/uspace.h): a C call on the thread's kernel stack
     * (SP_EL1), no frame; the process side's tandem_syscall is a C
     * function, so x0-x18 are the call's to clobber. */
    adrp    x9, uspace_leaf_count
    ldr     x9, [x9, :lo12:uspace_leaf_count]
    cmp     x8, x9
    b.hs    3f
    adrp    x9, uspace_leaf_calls
    ldr     x9, [x9, :lo12:uspace_leaf_calls]
    ldr     x9, [x9, x8, lsl #3]
    cbz     x9, 3f
    msr     spsel, #1
    stp     x29, x30, [sp, #-16]!
    blr     x9
    ldp     x29, x30, [sp], #16
    msr     spsel, #0
    msr     daifclr, #0xf
    ret
3:  msr     spsel, #1                       /* interrupts: the gate masked them */
    sub     sp, sp, #FRAME_SIZE
    save_gprs
    mrs     x0, sp_el0
    stp     x30, x0, [sp, #16 * 15]
    mov     x1, #SPSR_EL1T
    stp     x30, x1, [sp, #FRAME_ELR]
    movz    x0, #ESR_DIRECT_CALL_LO
    movk    x0, #ESR_DIRECT_CALL_HI, lsl #16
    stp     x0, xzr, [sp, #FRAME_ESR]
    adrp    x0, arm64_has_pan
    ldrb    w0, [x0, :lo12:arm64_has_pan]
    cbz     w0, 1f
    .inst   0xd500419f                      /* msr pan, #1 */
1:  mov     x0, sp
    bl      arm64_direct_syscall
    /* Back like a function return when the frame is still the call's (a
     * signal frame or sigreturn clears the ESR, a restart moves ELR):
     * PAN off, SP_EL0, registers, SP_EL1 back at the stack top, interrupts
     * on, ret; NZCV is a call's to clobber. */
    ldp     x0, x1, [sp, #FRAME_ESR]
    movz    x2, #ESR_DIRECT_CALL_LO
    movk    x2, #ESR_DIRECT_CALL_HI, lsl #16
    cmp     x0, x2
    b.ne    arm64_el0_return
    ldr     x0, [sp, #FRAME_ELR]
    ldr     x1, [sp, #16 * 15]                      /* x30 */
    cmp     x0, x1
    b.ne    arm64_el0_return
    adrp    x0, arm64_has_pan
    ldrb    w0, [x0, :lo12:arm64_has_pan]
    cbz     w0, 2f
    .inst   0xd500409f                      /* msr pan, #0 */
2:  ldr     x0, [sp, #FRAME_SP]             /* another thread may have run */
    msr     sp_el0, x0
    load_gprs
    add     sp, sp, #FRAME_SIZE
    msr     spsel, #0
    msr     daifclr, #0xf
    ret
    .size arm64_direct_entry, . - arm64_direct_entry

/* _Noreturn void arch_user_enter(struct trap_frame *tf): moves the user
 * frame to the top of this CPU's kernel stack (arm64_kernel_stack_top,
 * where the next entry from EL0 will save its frame: SP_EL1 is the stack
 * top while EL0 runs) and returns to EL0 from there. Uses no stack: the
 * copy may overwrite the caller's frames. */
    .section .text, "ax"
    .globl arch_user_enter
    .type arch_user_enter, %function
arch_user_enter:
    msr     daifset, #0xf
    ldr     x1, [x0, #(FRAME_ELR + 8)]      /* spsr: EL0t (EL1t), AArch64 only */
    and     x1, x1, #0x1f
    cbz     x1, 5f
    cmp     x1, #SPSR_EL1T
    b.ne    9f
    adrp    x2, plat_direct_mode
    ldrb    w2, [x2, :lo12:plat_direct_mode]
    cbz     w2, 9f
5:
    mrs     x2, tpidr_el1
    adrp    x3, arm64_kernel_stack_top
    add     x3, x3, :lo12:arm64_kernel_stack_top
    ldr     x3, [x3, x2, lsl #3]
    cbz     x3, 9f
    sub     x4, x3, #FRAME_SIZE
    mov     x5, #FRAME_SIZE
    cmp     x4, x0
    b.ls    2f
1:  sub     x5, x5, #8                      /* destination above: copy down */
    ldr     x6, [x0, x5]
    str     x6, [x4, x5]
    cbnz    x5, 1b
    b       3f
2:  mov     x5, #0                          /* copy up */
4:  ldr     x6, [x0, x5]
    str     x6, [x4, x5]
    add     x5, x5, #8
    cmp     x5, #FRAME_SIZE
    b.ne    4b
3:  mov     sp, x4
    b       arm64_el0_return
9:  bl      plat_bad_user_enter
    brk     #0
    .size arch_user_enter, . - arch_user_enter

    bad el1t_fiq, 1, 2
    bad el1t_serror, 1, 3
    bad el1h_fiq, 0, 6
    bad el1h_serror, 0, 7
    bad el0_fiq, 1, 10
    bad el0_serror, 1, 11
    bad el0_32_sync, 1, 12
    bad el0_32_irq, 1, 13
    bad el0_32_fiq, 1, 14
    bad el0_32_serror, 1, 15
