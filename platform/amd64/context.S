/* Kernel thread context switch (<plat/context.h>): the callee-saved
 * registers go on the old thread's stack, the stack pointers are swapped.
 * A new thread's first switch "returns" into thread_trampoline, which calls
 * entry(arg) from rbx/r12. */
    .section .text, "ax", @progbits

/* void arch_context_switch(void **save_sp, void *new_sp) */
    .globl arch_context_switch
    .type arch_context_switch, @function
arch_context_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size arch_context_switch, . - arch_context_switch

    .globl amd64_thread_trampoline
    .type amd64_thread_trampoline, @function
amd64_thread_trampoline:
    movq %r12, %rdi
    xorl %ebp, %ebp
    call *%rbx
    ud2
    .size amd64_thread_trampoline, . - amd64_thread_trampoline
