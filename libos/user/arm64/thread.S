/* Thread pointer and new-thread entry for arm64 (libos/user/internal.h). */
    .text
    .globl tandem_thread_pointer
    .type tandem_thread_pointer, %function
tandem_thread_pointer:
    mrs x0, tpidr_el0
    ret
    .size tandem_thread_pointer, . - tandem_thread_pointer

/* The kernel starts a thread here with sp = its stack and x0 = its
 * struct tandem_thread (SYS_thread_create). */
    .globl tandem_thread_entry
    .type tandem_thread_entry, %function
tandem_thread_entry:
    mov x29, #0
    mov x30, #0
    mov x9, sp
    and x9, x9, #~15
    mov sp, x9
    bl tandem_thread_main
    brk #0
    .size tandem_thread_entry, . - tandem_thread_entry
