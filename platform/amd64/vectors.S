/* The 256 interrupt and exception entry stubs. Each pushes a zero error code
 * when the CPU does not push one, then its vector number, and joins
 * trap_common, which saves every general register into a struct trap_frame
 * (amd64.h), adds CR2 for page faults, and calls amd64_trap(frame). */

#define TF_RIP (18 * 8)     /* offsetof(struct trap_frame, rip) */

    .section .text.vectors, "ax", @progbits

/* Vectors whose exceptions push an error code: #DF #TS #NP #SS #GP #PF #AC
 * #CP #VC #SX. */
.macro vector n
    .balign 16
vector_\n:
.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
.else
    pushq $0
.endif
    pushq $\n
    jmp trap_common
.endm

    .globl trap_vectors_start
trap_vectors_start:
.altmacro
.set i, 0
.rept 256
    vector %i
    .set i, i + 1
.endr
.noaltmacro

trap_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    xorl %eax, %eax
    cmpq $14, 15 * 8(%rsp)          /* the vector, above the 15 registers */
    jne 1f
    movq %cr2, %rax
1:  pushq %rax
    movq %rsp, %rdi
    movq %rsp, %rbx                 /* callee-saved: the frame after the call */
    /* A frame record {rbp, interrupted rip} so backtraces walk through. */
    pushq TF_RIP(%rdi)
    pushq %rbp
    movq %rsp, %rbp
    andq $-16, %rsp
    cld
    call amd64_trap
    movq %rbx, %rsp
    addq $8, %rsp                   /* cr2 */
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp                  /* vector, error code */
    iretq

/* Stub addresses, indexed by vector, for idt.c. */
    .section .rodata.vectors, "a", @progbits
    .balign 8
.macro vector_address n
    .quad vector_\n
.endm
    .globl trap_vector_table
trap_vector_table:
.altmacro
.set i, 0
.rept 256
    vector_address %i
    .set i, i + 1
.endr
.noaltmacro
