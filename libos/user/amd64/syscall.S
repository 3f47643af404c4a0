/* tandem_syscall(nr, a0..a5): move the C arguments into the syscall
 * registers (rax, rdi, rsi, rdx, r10, r8, r9) and call the gate. */
    .text
    .globl tandem_syscall
    .type tandem_syscall, @function
tandem_syscall:
    mov %rdi, %rax
    mov %rsi, %rdi
    mov %rdx, %rsi
    mov %rcx, %rdx
    mov %r8, %r10
    mov %r9, %r8
    mov 8(%rsp), %r9
    call *tandem_gate(%rip)
    ret
    .size tandem_syscall, . - tandem_syscall
    .section .note.GNU-stack, "", @progbits
