/* The secondary CPUs' first instructions, copied to physical AP_TRAMPOLINE_PA
 * (a page of the first MiB, which plat_mem_reserved keeps from the page
 * allocator). The startup IPI starts a CPU there in real mode; it loads a
 * temporary GDT, enters protected mode, takes CR4, CR3 (the kernel's PML4,
 * which maps this page at its identity address while CPUs start), EFER and
 * CR0 from the boot CPU's values in the parameter block, enters long mode
 * and jumps to amd64_ap_main(cpu) in the high half on its own stack. */
#define AP_TRAMPOLINE_PA 0x8000
#define PARAMS (AP_TRAMPOLINE_PA + 0xf00)  /* struct ap_params (smp.c) */
#define REL(x) ((x) - ap_trampoline_start + AP_TRAMPOLINE_PA)

    .section .rodata.ap_trampoline, "a", @progbits
    .globl ap_trampoline_start, ap_trampoline_end
    .code16
ap_trampoline_start:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl REL(tramp_gdt_desc)
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $REL(tramp_pm32)

    .code32
tramp_pm32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl PARAMS + 8, %eax           /* cr4 */
    movl %eax, %cr4
    movl PARAMS + 0, %eax           /* cr3 */
    movl %eax, %cr3
    movl $0xc0000080, %ecx          /* EFER */
    movl PARAMS + 24, %eax
    movl PARAMS + 28, %edx
    wrmsr
    movl PARAMS + 16, %eax          /* cr0: PG, PE, WP, MP */
    movl %eax, %cr0
    ljmpl $0x18, $REL(tramp_lm64)

    .code64
tramp_lm64:
    movq PARAMS + 32, %rsp          /* stack top */
    movq PARAMS + 48, %rdi          /* cpu number */
    movq PARAMS + 40, %rax          /* amd64_ap_main */
    xorl %ebp, %ebp
    pushq $0                        /* no return address: keeps the ABI alignment */
    jmp *%rax

    .balign 8
tramp_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff        /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: data */
    .quad 0x00af9a000000ffff        /* 0x18: 64-bit code */
tramp_gdt_desc:
    .word tramp_gdt_desc - tramp_gdt - 1
    .long REL(tramp_gdt)
ap_trampoline_end:
