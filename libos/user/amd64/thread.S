/* Thread pointer and new-thread entry for amd64 (libos/user/internal.h). */
    .text
    .globl tandem_thread_pointer
    .type tandem_thread_pointer, @function
tandem_thread_pointer:
    mov %fs:0, %rax             /* struct tandem_thread.self */
    ret
    .size tandem_thread_pointer, . - tandem_thread_pointer

/* The kernel starts a thread here with rsp = its stack and rdi = its
 * struct tandem_thread (SYS_thread_create). */
    .globl tandem_thread_entry
    .type tandem_thread_entry, @function
tandem_thread_entry:
    xor %ebp, %ebp
    and $-16, %rsp
    call tandem_thread_main
    ud2
    .size tandem_thread_entry, . - tandem_thread_entry
    .section .note.GNU-stack, "", @progbits
