/* The 256 interrupt and exception entry stubs. Each pushes a zero error code
 * when the CPU does not push one, then its vector number, and joins
 * trap_common, which saves every general register into a struct trap_frame
 * (amd64.h), adds CR2 for page faults, and calls amd64_trap(frame).
 * Entries from ring 3 swap to the kernel GS base (swapgs) and exits to
 * ring 3 swap back; every entry clears RFLAGS.AC so SMAP holds in the
 * kernel whatever user code left in it. The syscall entry (amd64_syscall_entry)
 * builds the same frame on the thread's kernel stack and returns with
 * sysretq when that is safe, else through the iretq path.
 *
 * Direct mode (plat/mode.h): process code runs at ring 0, where an
 * interrupt switches no stack. Every vector but NMI, #DF and #MC then
 * arrives on the IST_DIRECT stack (idt.c), and trap_direct_move moves the
 * frame to the stack it belongs on before anything else; the gate calls
 * amd64_direct_entry, which builds a syscall's frame. */

#define TF_R11     (5 * 8)  /* offsets in struct trap_frame */
#define TF_RCX     (13 * 8)
#define TF_VECTOR  (16 * 8)
#define TF_RIP     (18 * 8)
#define TF_CS      (19 * 8)
#define TF_RFLAGS  (20 * 8)
#define TF_SS      (22 * 8)

#define USER_CS    0x2b     /* GDT_USER_CODE | 3 */
#define USER_SS    0x23     /* GDT_USER_DATA | 3 */
#define KERNEL_CS  0x08     /* GDT_KERNEL_CODE */
#define KERNEL_SS  0x10     /* GDT_KERNEL_DATA */
#define VECTOR_SYSCALL 0x100
#define VECTOR_DIRECT_CALL 0x101
#define PERCPU_KERNEL_STACK 16
#define PERCPU_USER_RSP     24

/* Clears RFLAGS.AC when the CPU has SMAP (clac is #UD without it). */
.macro clac_if_smap
    cmpb $0, amd64_has_smap(%rip)
    je 98f
    clac
98:
.endm

.macro save_registers
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

/* Past the cr2 slot, the registers save_registers pushed. */
.macro restore_registers
    addq $8, %rsp                   /* cr2 */
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm

    .section .text.vectors, "ax", @progbits

/* Vectors whose exceptions push an error code: #DF #TS #NP #SS #GP #PF #AC
 * #CP #VC #SX. */
.macro vector n
    .balign 16
vector_\n:
.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
.else
    pushq $0
.endif
    pushq $\n
    jmp trap_common
.endm

    .globl trap_vectors_start
trap_vectors_start:
.altmacro
.set i, 0
.rept 256
    vector %i
    .set i, i + 1
.endr
.noaltmacro

trap_common:
    cmpb $0, plat_direct_mode(%rip)
    jne trap_direct_move
trap_common_frame:
    testb $3, 24(%rsp)              /* the CS pushed by the CPU: from ring 3? */
    jz 1f
    swapgs
1:  clac_if_smap
    save_registers
    xorl %eax, %eax
    cmpq $14, 15 * 8(%rsp)          /* the vector, above the 15 registers */
    jne 1f
    movq %cr2, %rax
1:  pushq %rax
    movq %rsp, %rdi
    movq %rsp, %rbx                 /* callee-saved: the frame after the call */
    /* A frame record {rbp, interrupted rip} so backtraces walk through;
     * the chain ends there when the interrupted code was user code. */
    testb $3, TF_CS(%rdi)
    jz 1f
    xorl %ebp, %ebp
1:  pushq TF_RIP(%rdi)
    pushq %rbp
    movq %rsp, %rbp
    andq $-16, %rsp
    cld
    call amd64_trap
    movq %rbx, %rsp
    jmp trap_return

/* Direct mode, on the IST_DIRECT stack with interrupts off: vector, error
 * code and the CPU's five words move, with two scratch registers, to the
 * thread's kernel stack top when process code (a lower-half rsp) was
 * interrupted -- where an entry from ring 3 would have put them -- or
 * below the interrupted kernel rsp, 16-byte aligned as the CPU would.
 * NMI, #DF and #MC stay on their own IST stacks. */
trap_direct_move:
    cmpq $2, (%rsp)
    je trap_common_frame
    cmpq $8, (%rsp)
    je trap_common_frame
    cmpq $18, (%rsp)
    je trap_common_frame
    pushq %rax
    pushq %rcx
    movq 7 * 8(%rsp), %rax          /* the interrupted rsp */
    testq %rax, %rax
    js 1f                           /* upper half: a kernel stack */
    movq %gs:PERCPU_KERNEL_STACK, %rax
1:  andq $-16, %rax
    subq $9 * 8, %rax               /* rcx, rax, vector, error, rip, cs, rflags, rsp, ss */
    .irp off, 0, 8, 16, 24, 32, 40, 48, 56, 64
    movq \off(%rsp), %rcx
    movq %rcx, \off(%rax)
    .endr
    movq %rax, %rsp
    popq %rcx
    popq %rax
    jmp trap_common_frame

/* Restores the frame at %rsp and returns to it with iretq. */
trap_return:
    restore_registers
    addq $16, %rsp                  /* vector, error code */
    testb $3, 8(%rsp)               /* returning to ring 3? */
    jz 1f
    swapgs
1:  iretq

/* void amd64_user_exit(struct trap_frame *tf): interrupts off, tf a user
 * frame on the current kernel stack. */
    .globl amd64_user_exit
    .type amd64_user_exit, @function
amd64_user_exit:
    movq %rdi, %rsp
    jmp trap_return
    .size amd64_user_exit, . - amd64_user_exit

/* The `syscall` instruction lands here (LSTAR) with interrupts off (FMASK),
 * rcx = user rip, r11 = user rflags, the user's rsp and GS base. */
    .globl amd64_syscall_entry
    .type amd64_syscall_entry, @function
amd64_syscall_entry:
    swapgs
    movq %rsp, %gs:PERCPU_USER_RSP
    movq %gs:PERCPU_KERNEL_STACK, %rsp
    pushq $USER_SS
    pushq %gs:PERCPU_USER_RSP
    pushq %r11                      /* rflags */
    pushq $USER_CS
    pushq %rcx                      /* rip */
    pushq %rax                      /* error code slot: the syscall number */
    pushq $VECTOR_SYSCALL
    save_registers
    pushq $0                        /* cr2 */
    movq %rsp, %rdi
    movq %rsp, %rbx
    xorl %ebp, %ebp
    pushq TF_RIP(%rdi)
    pushq %rbp
    movq %rsp, %rbp
    andq $-16, %rsp
    call amd64_syscall
    movq %rbx, %rsp
    /* sysretq loads rip from rcx and rflags from r11: usable only when the
     * frame still says so (no signal frame, no sigreturn changed it), the
     * selectors are the user ones and rip is canonical (a non-canonical
     * rcx makes sysretq fault in ring 0 on Intel CPUs). */
    movq TF_RCX(%rsp), %rcx
    cmpq %rcx, TF_RIP(%rsp)
    jne trap_return
    movq TF_R11(%rsp), %r11
    cmpq %r11, TF_RFLAGS(%rsp)
    jne trap_return
    cmpq $USER_CS, TF_CS(%rsp)
    jne trap_return
    cmpq $USER_SS, TF_SS(%rsp)
    jne trap_return
    movq %rcx, %rax
    shrq $47, %rax
    jnz trap_return
    restore_registers
    movq 5 * 8(%rsp), %rsp          /* past vector, error, rip, cs, rflags */
    swapgs
    sysretq
    .size amd64_syscall_entry, . - amd64_syscall_entry

/* Direct mode's syscall entry: the gate jumps here (r11 = this address)
 * from process code at ring 0, interrupts masked (the gate's cli), with
 * its caller's return address on the
 * process stack, rax = the number and rdi, rsi, rdx, r10, r8, r9 = the
 * arguments. Builds the frame `syscall` would on the thread's kernel stack
 * (rip = the return address, also in rcx as `syscall` leaves it; the
 * kernel's cs and ss; VECTOR_DIRECT_CALL) and returns with iretq. */
    .balign 16
    .globl amd64_direct_entry
    .type amd64_direct_entry, @function
amd64_direct_entry:
    /* A leaf call (kern/uspace.h): a C call on the thread's kernel stack,
     * no frame; the process side's tandem_syscall is a C function, so the
     * C ABI's scratch registers are the call's to clobber. */
    cmpq uspace_leaf_count(%rip), %rax
    jae 1f
    movq uspace_leaf_calls(%rip), %r11
    movq (%r11, %rax, 8), %r11
    testq %r11, %r11
    jz 1f
    movq %rsp, %gs:PERCPU_USER_RSP
    movq %gs:PERCPU_KERNEL_STACK, %rsp
    andq $-16, %rsp
    call *%r11
    movq %gs:PERCPU_USER_RSP, %rsp
    popq %rcx                       /* the return address */
    sti                             /* its shadow covers the jmp */
    jmp *%rcx
1:  popq %rcx                       /* interrupts: the gate masked them; the return address */
    movq %rsp, %gs:PERCPU_USER_RSP
    movq %gs:PERCPU_KERNEL_STACK, %rsp
    pushq $KERNEL_SS
    pushq %gs:PERCPU_USER_RSP
    pushq $0x202                    /* rflags: IF */
    pushq $KERNEL_CS
    pushq %rcx                      /* rip */
    pushq %rax                      /* error code slot: the syscall number */
    pushq $VECTOR_DIRECT_CALL
    cld
    save_registers
    pushq $0                        /* cr2 */
    movq %rsp, %rdi
    movq %rsp, %rbx
    xorl %ebp, %ebp
    pushq TF_RIP(%rdi)
    pushq %rbp
    movq %rsp, %rbp
    andq $-16, %rsp
    call amd64_syscall
    movq %rbx, %rsp
    /* Back like a function return when the frame is still the call's: a
     * signal frame or sigreturn resets the vector, a restart moves rip.
     * Registers, the process stack, interrupts on (sti's shadow covers the
     * jmp), jmp; the flags are a call's to clobber. */
    cmpq $VECTOR_DIRECT_CALL, TF_VECTOR(%rsp)
    jne trap_return
    movq TF_RCX(%rsp), %rcx
    cmpq %rcx, TF_RIP(%rsp)
    jne trap_return
    restore_registers
    movq 5 * 8(%rsp), %rsp          /* past vector, error, rip, cs, rflags */
    sti
    jmp *%rcx
    .size amd64_direct_entry, . - amd64_direct_entry

/* Stub addresses, indexed by vector, for idt.c. */
    .section .rodata.vectors, "a", @progbits
    .balign 8
.macro vector_address n
    .quad vector_\n
.endm
    .globl trap_vector_table
trap_vector_table:
.altmacro
.set i, 0
.rept 256
    vector_address %i
    .set i, i + 1
.endr
.noaltmacro
