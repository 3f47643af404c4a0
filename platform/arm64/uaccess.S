/* The user-memory access primitives behind plat/uaccess.h (uspace.c does
 * the range checks), and the FP/SIMD register save/restore of user state.
 * User memory is touched only with LDTR/STTR, the unprivileged forms:
 * they check EL0 permissions, so a kernel address faults even if it slips
 * through, and they work with PSTATE.PAN set. Every one of them has an
 * entry in __ex_table: a fault there resumes at the entry's fixup. */

#include "extable.h"

    .section .text.uaccess, "ax"

/* size_t arch_copy_from_user_raw(void *dst, const void *user_src, size_t n):
 * 0, or non-zero after a fault. */
    .globl arch_copy_from_user_raw
    .type arch_copy_from_user_raw, %function
arch_copy_from_user_raw:
    cbz     x2, 3f
    cmp     x2, #8
    b.lo    2f
1:  ldtr    x3, [x1]
    str     x3, [x0], #8
    add     x1, x1, #8
    sub     x2, x2, #8
    cmp     x2, #8
    b.hs    1b
    cbz     x2, 3f
2:  ldtrb   w3, [x1]
    strb    w3, [x0], #1
    add     x1, x1, #1
    subs    x2, x2, #1
    b.ne    2b
3:  mov     x0, #0
    ret
9:  mov     x0, x2                          /* the bytes not copied */
    ret
    ex_entry 1b, 2b                         /* a doubleword faulted: the rest bytewise */
    ex_entry 2b, 9b
    .size arch_copy_from_user_raw, . - arch_copy_from_user_raw

/* size_t arch_copy_to_user_raw(void *user_dst, const void *src, size_t n) */
    .globl arch_copy_to_user_raw
    .type arch_copy_to_user_raw, %function
arch_copy_to_user_raw:
    cbz     x2, 3f
    cmp     x2, #8
    b.lo    2f
1:  ldr     x3, [x1], #8
4:  sttr    x3, [x0]
    add     x0, x0, #8
    sub     x2, x2, #8
    cmp     x2, #8
    b.hs    1b
    cbz     x2, 3f
2:  ldrb    w3, [x1], #1
5:  sttrb   w3, [x0]
    add     x0, x0, #1
    subs    x2, x2, #1
    b.ne    2b
3:  mov     x0, #0
    ret
8:  sub     x1, x1, #8                      /* a doubleword faulted: the rest bytewise */
    b       2b
9:  mov     x0, x2                          /* the bytes not copied */
    ret
    ex_entry 4b, 8b
    ex_entry 5b, 9b
    .size arch_copy_to_user_raw, . - arch_copy_to_user_raw

/* size_t arch_clear_user_raw(void *user_dst, size_t n) */
    .globl arch_clear_user_raw
    .type arch_clear_user_raw, %function
arch_clear_user_raw:
    cbz     x1, 3f
    cmp     x1, #8
    b.lo    2f
1:  sttr    xzr, [x0]
    add     x0, x0, #8
    sub     x1, x1, #8
    cmp     x1, #8
    b.hs    1b
    cbz     x1, 3f
2:  sttrb   wzr, [x0]
    add     x0, x0, #1
    subs    x1, x1, #1
    b.ne    2b
3:  mov     x0, #0
    ret
9:  mov     x0, x1                          /* the bytes not cleared */
    ret
    ex_entry 1b, 2b                         /* a doubleword faulted: the rest bytewise */
    ex_entry 2b, 9b
    .size arch_clear_user_raw, . - arch_clear_user_raw

/* long arch_strncpy_from_user_raw(char *dst, const char *user_src, size_t max):
 * the NUL's index, max when there was none, -1 after a fault. */
    .globl arch_strncpy_from_user_raw
    .type arch_strncpy_from_user_raw, %function
arch_strncpy_from_user_raw:
    mov     x4, #0
1:  cmp     x4, x2
    b.eq    3f
2:  ldtrb   w3, [x1]
    strb    w3, [x0, x4]
    cbz     w3, 3f
    add     x1, x1, #1
    add     x4, x4, #1
    b       1b
3:  mov     x0, x4
    ret
9:  mov     x0, #-1
    ret
    ex_entry 2b, 9b
    .size arch_strncpy_from_user_raw, . - arch_strncpy_from_user_raw

/* void arm64_fp_save(void *area): q0-q31, then FPSR and FPCR (528 bytes,
 * 16-byte aligned). */
    .section .text, "ax"
    .globl arm64_fp_save
    .type arm64_fp_save, %function
arm64_fp_save:
    stp     q0, q1, [x0, #32 * 0]
    stp     q2, q3, [x0, #32 * 1]
    stp     q4, q5, [x0, #32 * 2]
    stp     q6, q7, [x0, #32 * 3]
    stp     q8, q9, [x0, #32 * 4]
    stp     q10, q11, [x0, #32 * 5]
    stp     q12, q13, [x0, #32 * 6]
    stp     q14, q15, [x0, #32 * 7]
    stp     q16, q17, [x0, #32 * 8]
    stp     q18, q19, [x0, #32 * 9]
    stp     q20, q21, [x0, #32 * 10]
    stp     q22, q23, [x0, #32 * 11]
    stp     q24, q25, [x0, #32 * 12]
    stp     q26, q27, [x0, #32 * 13]
    stp     q28, q29, [x0, #32 * 14]
    stp     q30, q31, [x0, #32 * 15]
    mrs     x1, fpsr
    mrs     x2, fpcr
    add     x0, x0, #512
    stp     x1, x2, [x0]
    ret
    .size arm64_fp_save, . - arm64_fp_save

/* void arm64_fp_restore(const void *area) */
    .globl arm64_fp_restore
    .type arm64_fp_restore, %function
arm64_fp_restore:
    ldp     q0, q1, [x0, #32 * 0]
    ldp     q2, q3, [x0, #32 * 1]
    ldp     q4, q5, [x0, #32 * 2]
    ldp     q6, q7, [x0, #32 * 3]
    ldp     q8, q9, [x0, #32 * 4]
    ldp     q10, q11, [x0, #32 * 5]
    ldp     q12, q13, [x0, #32 * 6]
    ldp     q14, q15, [x0, #32 * 7]
    ldp     q16, q17, [x0, #32 * 8]
    ldp     q18, q19, [x0, #32 * 9]
    ldp     q20, q21, [x0, #32 * 10]
    ldp     q22, q23, [x0, #32 * 11]
    ldp     q24, q25, [x0, #32 * 12]
    ldp     q26, q27, [x0, #32 * 13]
    ldp     q28, q29, [x0, #32 * 14]
    ldp     q30, q31, [x0, #32 * 15]
    add     x0, x0, #512
    ldp     x1, x2, [x0]
    msr     fpsr, x1
    msr     fpcr, x2
    ret
    .size arm64_fp_restore, . - arm64_fp_restore
