/* Process entry: the kernel starts _start with rsp at argc (then argv,
 * envp, auxv as on Linux). Clear the frame pointer, align, and hand the
 * initial stack to C. */
    .text
    .globl _start
    .type _start, @function
_start:
    xor %ebp, %ebp
    mov %rsp, %rdi
    and $-16, %rsp
    call __tandem_start
    ud2
    .size _start, . - _start
    .section .note.GNU-stack, "", @progbits
