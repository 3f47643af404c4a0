/* Process entry: the kernel starts _start with sp at argc (then argv,
 * envp, auxv as on Linux); hand the initial stack to C. */
    .text
    .globl _start
    .type _start, %function
_start:
    mov x29, #0
    mov x30, #0
    mov x0, sp
    bl __tandem_start
    brk #0
    .size _start, . - _start
