/* The user-memory access primitives behind plat/uaccess.h (uspace.c does
 * the range checks). Every instruction that touches user memory has an
 * entry in __ex_table: a fault there resumes at the entry's fixup, which
 * reports the failure instead of panicking. SMAP is lifted (stac) only
 * inside these functions. */

#include "extable.h"

.macro stac_if_smap
    cmpb $0, amd64_has_smap(%rip)
    je 98f
    stac
98:
.endm

.macro clac_if_smap
    cmpb $0, amd64_has_smap(%rip)
    je 98f
    clac
98:
.endm

    .section .text.uaccess, "ax", @progbits

/* size_t arch_copy_{from,to}_user_raw(void *dst, const void *src, size_t n)
 * (one body: the direction does not matter to rep movs): the number of
 * bytes not copied (0 on success). Either side may be the user one.
 * Quadwords first, then the tail bytes: under TCG every iteration of a
 * rep string instruction is a block of its own, so eight bytes at a time
 * cost an eighth. A fault among the quadwords goes on byte by byte from
 * there, so the count of bytes not copied is exact. */
    .globl arch_copy_from_user_raw
    .type arch_copy_from_user_raw, @function
    .globl arch_copy_to_user_raw
    .type arch_copy_to_user_raw, @function
arch_copy_from_user_raw:
arch_copy_to_user_raw:
    movq %rdx, %rcx
    shrq $3, %rcx                   /* quadwords */
    andl $7, %edx                   /* then bytes */
    stac_if_smap
1:  rep movsq
    movl %edx, %ecx
2:  rep movsb
    clac_if_smap
    xorl %eax, %eax
    ret
3:  leaq (%rdx,%rcx,8), %rcx        /* a quadword faulted: the rest bytewise */
    jmp 2b
4:  clac_if_smap
    movq %rcx, %rax
    ret
    ex_entry 1b, 3b
    ex_entry 2b, 4b
    .size arch_copy_from_user_raw, . - arch_copy_from_user_raw
    .size arch_copy_to_user_raw, . - arch_copy_to_user_raw

/* size_t arch_clear_user_raw(void *dst, size_t n): bytes not cleared.
 * Quadwords, then bytes, as the copies above. */
    .globl arch_clear_user_raw
    .type arch_clear_user_raw, @function
arch_clear_user_raw:
    movq %rsi, %rcx
    shrq $3, %rcx
    andl $7, %esi
    xorl %eax, %eax
    stac_if_smap
1:  rep stosq
    movl %esi, %ecx
2:  rep stosb
    clac_if_smap
    xorl %eax, %eax
    ret
3:  leaq (%rsi,%rcx,8), %rcx        /* a quadword faulted: the rest bytewise */
    jmp 2b
4:  clac_if_smap
    movq %rcx, %rax
    ret
    ex_entry 1b, 3b
    ex_entry 2b, 4b
    .size arch_clear_user_raw, . - arch_clear_user_raw

/* long arch_strncpy_from_user_raw(char *dst, const char *src, size_t max): copies
 * up to and including a NUL within max bytes; returns the NUL's index, max
 * when there was none, -1 on a fault. */
    .globl arch_strncpy_from_user_raw
    .type arch_strncpy_from_user_raw, @function
arch_strncpy_from_user_raw:
    xorl %eax, %eax
    stac_if_smap
1:  cmpq %rdx, %rax
    je 3f
2:  movb (%rsi,%rax), %cl
    movb %cl, (%rdi,%rax)
    testb %cl, %cl
    je 3f
    incq %rax
    jmp 1b
3:  clac_if_smap
    ret
4:  clac_if_smap
    movq $-1, %rax
    ret
    ex_entry 2b, 4b
    .size arch_strncpy_from_user_raw, . - arch_strncpy_from_user_raw

/* _Noreturn void arch_user_enter(struct trap_frame *tf): moves the user
 * frame to the top of the kernel stack (%gs:16, the slot entries from user
 * mode use) and returns to it through trap_return. Uses no stack itself:
 * the copy may overwrite the caller's frames. Interrupts must be off. */
#define FRAME_QWORDS 23
    .section .text, "ax", @progbits
    .globl arch_user_enter
    .type arch_user_enter, @function
arch_user_enter:
    cli
    testb $3, 19 * 8(%rdi)          /* tf->cs: a user frame? */
    jnz 6f
    cmpb $0, plat_direct_mode(%rip) /* or, in direct mode, a ring 0 one */
    je 5f
    cmpq $0x08, 19 * 8(%rdi)        /* GDT_KERNEL_CODE */
    jne 5f
6:
    movq %gs:16, %rax               /* kernel_stack_top */
    testq %rax, %rax
    jz 5f
    subq $(FRAME_QWORDS * 8), %rax
    movq %rdi, %rsi
    movq %rax, %rdi
    movl $FRAME_QWORDS, %ecx
    cmpq %rsi, %rdi
    jbe 1f
    std                             /* destination above the source: copy down */
    leaq (FRAME_QWORDS - 1) * 8(%rsi), %rsi
    leaq (FRAME_QWORDS - 1) * 8(%rdi), %rdi
    rep movsq
    cld
    jmp 2f
1:  rep movsq
2:  movq %rax, %rdi
    jmp amd64_user_exit
5:  call plat_bad_user_enter
    ud2
    .size arch_user_enter, . - arch_user_enter
