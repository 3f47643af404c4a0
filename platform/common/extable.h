/* Assembler only (the ports' uaccess.S): ex_entry records that a fault at
 * the instruction labelled fault resumes at fixup instead of panicking
 * (__ex_table, searched by the ports' trap code). */
#ifndef PLATFORM_EXTABLE_H
#define PLATFORM_EXTABLE_H

.macro ex_entry fault, fixup
    .pushsection __ex_table, "a"
    .balign 8
    .quad \fault, \fixup
    .popsection
.endm

#endif
