/* Kernel thread context switch (<plat/context.h>): x19-x30 go on the old
 * thread's stack, the stack pointers are swapped. A new thread's first
 * switch "returns" into thread_trampoline, which calls entry(arg) from
 * x19/x20. */
    .section .text, "ax"

/* void arch_context_switch(void **save_sp, void *new_sp) */
    .globl arch_context_switch
    .type arch_context_switch, %function
arch_context_switch:
    sub     sp, sp, #96
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    mov     x9, sp
    str     x9, [x0]
    mov     sp, x1
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    add     sp, sp, #96
    ret
    .size arch_context_switch, . - arch_context_switch

    .globl arm64_thread_trampoline
    .type arm64_thread_trampoline, %function
arm64_thread_trampoline:
    mov     x0, x20
    mov     x29, #0
    blr     x19
    brk     #0
    .size arm64_thread_trampoline, . - arm64_thread_trampoline
