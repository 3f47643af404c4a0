/* tandem_syscall(nr, a0..a5): x8 = number, x0..x5 = arguments, call the
 * gate (which returns with the result in x0). */
    .text
    .globl tandem_syscall
    .type tandem_syscall, %function
tandem_syscall:
    stp x29, x30, [sp, #-16]!
    mov x29, sp
    mov x8, x0
    mov x0, x1
    mov x1, x2
    mov x2, x3
    mov x3, x4
    mov x4, x5
    mov x5, x6
    adrp x9, tandem_gate
    ldr x9, [x9, :lo12:tandem_gate]
    blr x9
    ldp x29, x30, [sp], #16
    ret
    .size tandem_syscall, . - tandem_syscall
