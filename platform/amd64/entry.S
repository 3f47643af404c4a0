/* PVH entry: QEMU (SeaBIOS's pvh option ROM on q35, qboot on microvm) jumps
 * to pvh_start32 in 32-bit protected mode, paging off, with the physical
 * address of struct hvm_start_info in %ebx. This builds boot page tables
 * (0..4 GiB identity, the same at KERNEL_DIRECT_MAP_BASE, and 0..1 GiB at
 * KERNEL_IMAGE_BASE, all 2 MiB pages), enters long mode, jumps to the high
 * half and calls amd64_boot_main(start_info_paddr) on the boot stack. */

/* Must equal KERNEL_IMAGE_BASE of <plat/layout.h> (which uses C suffixes). */
#define KVIRT 0xffffffff80000000
#define PHYS(x) ((x) - KVIRT)

#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* The ELF note QEMU looks for. Its descriptor is read as a size_t, hence a
 * quad; the PT_NOTE segment must have p_align 4 (see kernel.ld). */
    .section .note.Xen, "a", @note
    .balign 4
    .long 4                         /* namesz: "Xen\0" */
    .long 8                         /* descsz */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .balign 4
    .quad PHYS(pvh_start32)
    .balign 4

    .section .text.boot, "ax", @progbits
    .code32
    .globl pvh_start32
pvh_start32:
    cli
    cld
    mov %ebx, %esi                  /* hvm_start_info, kept until C */

    /* QEMU zero-fills the ELF's bss, but do not rely on it. 64 bytes a
     * round, then the tail with rep stosl: under TCG every iteration of a
     * rep string instruction or of a loop is a block of its own. */
    mov $PHYS(__bss_start), %edi
    mov $PHYS(__bss_end), %edx
    xor %eax, %eax
5:  lea 64(%edi), %ecx
    cmp %edx, %ecx
    ja 6f
    .irp off, 0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60
    mov %eax, \off(%edi)
    .endr
    mov %ecx, %edi
    jmp 5b
6:  mov %edx, %ecx
    sub %edi, %ecx
    shr $2, %ecx
    rep stosl

    /* PML4[0] (identity) and PML4[256] (direct map) share one PDPT. */
    mov $(PHYS(boot_pdpt_low) + 3), %eax
    mov %eax, PHYS(boot_pml4)
    mov %eax, PHYS(boot_pml4) + 256 * 8
    mov $(PHYS(boot_pdpt_high) + 3), %eax
    mov %eax, PHYS(boot_pml4) + 511 * 8

    /* boot_pdpt_low[0..3] -> the four page directories (4 GiB). */
    mov $(PHYS(boot_pd) + 3), %eax
    mov $PHYS(boot_pdpt_low), %edi
    mov $4, %ecx
1:  mov %eax, (%edi)
    add $4096, %eax
    add $8, %edi
    loop 1b

    /* KERNEL_IMAGE_BASE + 0..1 GiB -> physical 0..1 GiB (first directory). */
    mov $(PHYS(boot_pd) + 3), %eax
    mov %eax, PHYS(boot_pdpt_high) + 510 * 8

    /* 2048 directory entries: present, writable, 2 MiB page. */
    mov $PHYS(boot_pd), %edi
    mov $0x83, %eax
    mov $2048, %ecx
2:  mov %eax, (%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 2b

    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $(1 << 5), %eax              /* PAE */
    mov %eax, %cr4

    /* EFER: long mode, and no-execute when the CPU has it. */
    mov $0x80000001, %eax
    cpuid
    mov %edx, %edi
    mov $0xc0000080, %ecx
    rdmsr
    or $(1 << 8), %eax              /* LME */
    bt $20, %edi
    jnc 3f
    or $(1 << 11), %eax             /* NXE */
3:  wrmsr

    mov %cr0, %eax
    or $0x80010001, %eax            /* PG | WP | PE */
    mov %eax, %cr0

    lgdt PHYS(boot_gdt_desc)
    ljmp $0x08, $PHYS(long_mode_low)

    .code64
long_mode_low:
    movabs $long_mode_high, %rax
    jmp *%rax

long_mode_high:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    mov %esi, %edi                  /* zero-extends: start info paddr */
    call amd64_boot_main
4:  cli
    hlt
    jmp 4b

    .section .rodata.boot, "a", @progbits
    .balign 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code, ring 0 */
    .quad 0x00cf92000000ffff        /* 0x10: data, ring 0 */
boot_gdt_end:
boot_gdt_desc:
    .word boot_gdt_end - boot_gdt - 1
    .quad PHYS(boot_gdt)

/* Boot page tables and the boot stack live in the image's bss, so they are
 * covered by the kernel image's reserved range. A guard page sits below the
 * stack; mmu.c leaves it unmapped in the final tables. */
    .section .bss.boot, "aw", @nobits
    .balign 4096
    .globl boot_pml4
boot_pml4:
    .skip 4096
boot_pdpt_low:
    .skip 4096
boot_pdpt_high:
    .skip 4096
boot_pd:
    .skip 4 * 4096
    .globl boot_stack_guard
boot_stack_guard:
    .skip 4096
    .globl boot_stack_bottom
boot_stack_bottom:
    .skip 65536
    .globl boot_stack_top
boot_stack_top:
