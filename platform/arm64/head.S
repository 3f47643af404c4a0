/* head.S: the Linux arm64 Image header and the first instructions of the
 * kernel. Runs at the physical address QEMU loaded the Image at, with the
 * MMU off: everything here is PC-relative until the branch to virt_entry.
 * Drops from EL2 to EL1 when entered at EL2, builds the boot page tables
 * (mmu.c), turns the MMU on and jumps to the kernel's link address. */

#define SCTLR_EL1_RES1  0x30d00800      /* bits 29,28,23,22,20,11 */
#define SCTLR_EL1_MMU   ((1 << 0) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 12)) /* M C SA SA0 I */
/* MAIR: 0 Device-nGnRnE, 1 Normal write-back RA/WA, 2 Normal non-cacheable. */
#define MAIR_VALUE      0x44ff00

#define ICC_SRE_EL2     S3_4_C12_C9_5

/* The Linux arm64 Image header. text_offset: QEMU loads an Image whose
 * text_offset is 0 at 2 MiB into RAM (its boot stub sits at the bottom),
 * then puts the device tree at the next 2 MiB boundary after the image
 * or at RAM/2, whichever is higher: in 4 MiB of RAM that is past the
 * end, and QEMU refuses to start. At 1 MiB the image ends below 2 MiB and
 * the device tree goes at 2 MiB. The image runs at any 4 KiB-aligned
 * address (mmu.c maps it page by page), as flags say. */
    .section .head.text, "ax"
    .globl _head
_head:
    b       primary_entry           /* code0 */
    .long   0                       /* code1 */
    .quad   0x100000                /* text_offset: 1 MiB (see below) */
    .quad   _image_size             /* image_size (through .bss) */
    .quad   0xa                     /* flags: LE, 4 KiB pages, anywhere in RAM */
    .quad   0                       /* res2 */
    .quad   0                       /* res3 */
    .quad   0                       /* res4 */
    .ascii  "ARM\x64"               /* magic */
    .long   0                       /* res5 */

primary_entry:
    msr     daifset, #0xf
    mov     x19, x0                 /* x19: DTB physical address */
    adr     x20, _head              /* x20: image physical address */

    mrs     x0, CurrentEL
    cmp     x0, #(2 << 2)
    b.ne    1f
    bl      el2_to_el1
1:
    ldr     x0, =SCTLR_EL1_RES1     /* MMU and caches off, known state */
    msr     sctlr_el1, x0
    mov     x0, #(3 << 20)          /* CPACR_EL1.FPEN: libfdt uses SIMD registers */
    msr     cpacr_el1, x0
    isb

    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
    /* 64 bytes a round while they fit (under TCG each round is a block
     * of its own), then 16 at a time */
2:  add     x2, x0, #64
    cmp     x2, x1
    b.hi    4f
    stp     xzr, xzr, [x0]
    stp     xzr, xzr, [x0, #16]
    stp     xzr, xzr, [x0, #32]
    stp     xzr, xzr, [x0, #48]
    mov     x0, x2
    b       2b
4:  cmp     x0, x1
    b.hs    3f
    stp     xzr, xzr, [x0], #16
    b       4b
3:
    adrp    x0, boot_stack_top
    add     sp, x0, :lo12:boot_stack_top
    mov     x29, #0
    mov     x0, x20
    mov     x1, x19
    bl      arm64_early_mmu_setup

    /* Everything so far was written with the data cache off: drop any
     * stale lines over what it wrote (the data, the bss and the early
     * page tables, all from _data on: the loader cleaned the text and
     * read-only data to the point of coherency, and nothing wrote them)
     * before turning the caches on. */
    adrp    x0, _data
    add     x0, x0, :lo12:_data
    adrp    x1, _end
    add     x1, x1, :lo12:_end
    mrs     x3, ctr_el0
    ubfx    x3, x3, #16, #4         /* DminLine: log2(words) */
    mov     x2, #4
    lsl     x2, x2, x3              /* line size in bytes */
    sub     x3, x2, #1
    bic     x0, x0, x3
4:  dc      ivac, x0
    add     x0, x0, x2
    cmp     x0, x1
    b.lo    4b
    dsb     sy

    ldr     x0, =MAIR_VALUE
    msr     mair_el1, x0
    adrp    x0, arm64_boot_tcr
    ldr     x0, [x0, :lo12:arm64_boot_tcr]
    msr     tcr_el1, x0
    adrp    x0, arm64_boot_ttbr0
    ldr     x0, [x0, :lo12:arm64_boot_ttbr0]
    msr     ttbr0_el1, x0
    adrp    x0, arm64_boot_ttbr1
    ldr     x0, [x0, :lo12:arm64_boot_ttbr1]
    msr     ttbr1_el1, x0
    isb
    tlbi    vmalle1
    dsb     nsh
    ic      iallu
    dsb     nsh
    isb
    mrs     x0, sctlr_el1
    ldr     x1, =SCTLR_EL1_MMU
    orr     x0, x0, x1
    msr     sctlr_el1, x0
    isb
    ldr     x0, =virt_entry         /* absolute: the link address */
    br      x0

virt_entry:
    ldr     x0, =boot_stack_top
    mov     sp, x0
    ldr     x0, =arm64_vectors
    msr     vbar_el1, x0
    isb
    msr     daifclr, #4             /* SErrors are reported from now on */
    mov     x29, #0
    mov     x30, #0
    mov     x0, x19
    bl      arm64_boot_main
5:  wfi
    b       5b

/* A secondary CPU, started by PSCI CPU_ON (smp.c) with the MMU off and
 * x0 = the physical address of its struct arm64_secondary_boot: {ttbr0
 * (an identity map of the image), ttbr1, tcr, stack top, C entry, cpu}.
 * Same steps as the boot CPU, without the .bss clear and table building. */
    .globl secondary_entry
secondary_entry:
    msr     daifset, #0xf
    mov     x19, x0
    mrs     x0, CurrentEL
    cmp     x0, #(2 << 2)
    b.ne    1f
    bl      el2_to_el1
1:
    ldr     x0, =SCTLR_EL1_RES1
    msr     sctlr_el1, x0
    mov     x0, #(3 << 20)          /* CPACR_EL1.FPEN */
    msr     cpacr_el1, x0
    isb
    ldr     x0, =MAIR_VALUE
    msr     mair_el1, x0
    ldr     x0, [x19, #16]
    msr     tcr_el1, x0
    ldr     x0, [x19, #0]
    msr     ttbr0_el1, x0
    ldr     x0, [x19, #8]
    msr     ttbr1_el1, x0
    isb
    tlbi    vmalle1
    dsb     nsh
    ic      iallu
    dsb     nsh
    isb
    mrs     x0, sctlr_el1
    ldr     x1, =SCTLR_EL1_MMU
    orr     x0, x0, x1
    msr     sctlr_el1, x0
    isb
    ldr     x0, =secondary_virt
    br      x0
secondary_virt:
    ldr     x0, [x19, #24]          /* stack top (kernel virtual) */
    mov     sp, x0
    ldr     x0, =arm64_vectors
    msr     vbar_el1, x0
    isb
    msr     daifclr, #4
    ldr     x0, [x19, #40]          /* cpu number */
    ldr     x1, [x19, #32]          /* arm64_secondary_main */
    mov     x29, #0
    mov     x30, #0
    br      x1

/* Entered at EL2 (virtualization=on): make EL1 an AArch64 kernel with
 * direct access to the counters, FP/SIMD and the GICv3 system registers,
 * then return to the caller at EL1h with all exceptions masked. */
el2_to_el1:
    mov     x0, #(1 << 31)          /* HCR_EL2.RW; nothing trapped or routed */
    msr     hcr_el2, x0
    mrs     x0, cnthctl_el2
    orr     x0, x0, #3              /* EL1PCTEN | EL1PCEN */
    msr     cnthctl_el2, x0
    msr     cntvoff_el2, xzr        /* virtual count == physical count */
    mov     x0, #0x33ff             /* CPTR_EL2: RES1 bits, no FP/SIMD trap */
    msr     cptr_el2, x0
    msr     hstr_el2, xzr
    msr     vttbr_el2, xzr
    mrs     x0, midr_el1
    msr     vpidr_el2, x0
    mrs     x0, mpidr_el1
    msr     vmpidr_el2, x0
    mrs     x0, id_aa64pfr0_el1
    ubfx    x0, x0, #24, #4         /* GIC system register interface? */
    cbz     x0, 1f
    mrs     x0, ICC_SRE_EL2
    mov     x1, #0x9                /* SRE | Enable (EL1 may use ICC_SRE_EL1) */
    orr     x0, x0, x1
    msr     ICC_SRE_EL2, x0
    isb
1:  ldr     x0, =SCTLR_EL1_RES1
    msr     sctlr_el1, x0
    mov     x0, #0x3c5              /* EL1h, DAIF masked */
    msr     spsr_el2, x0
    msr     elr_el2, x30
    isb
    eret

    .ltorg

    .section .bss.boot_stack, "aw", %nobits
    .balign 16
    .globl boot_stack, boot_stack_top
boot_stack:
    .space  16384
boot_stack_top:
