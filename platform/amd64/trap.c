/* Exceptions and interrupts after vectors.S saved the frame: device and timer
 * interrupts go to apic.c, exceptions to the kernel's trap_exception() with a
 * description, and arch_trap_dump prints a frame for the panic report. */
#include <stdint.h>
#include <kern/printk.h>
#include <plat/context.h>
#include <plat/cpu.h>
#include <plat/smp.h>
#include <plat/trap.h>
#include <plat/uaccess.h>
#include <plat/uspace.h>
#include <plat/uspace_test.h>
#include "amd64.h"
#include "platform.h"

static const char *const exception_names[32] = {
    [0] = "divide error",
    [1] = "debug exception",
    [2] = "non-maskable interrupt",
    [3] = "breakpoint",
    [4] = "overflow",
    [5] = "bound range exceeded",
    [6] = "invalid opcode",
    [7] = "device not available",
    [8] = "double fault",
    [9] = "coprocessor segment overrun",
    [10] = "invalid TSS",
    [11] = "segment not present",
    [12] = "stack-segment fault",
    [13] = "general protection fault",
    [14] = "page fault",
    [16] = "x87 floating-point exception",
    [17] = "alignment check",
    [18] = "machine check",
    [19] = "SIMD floating-point exception",
    [20] = "virtualization exception",
    [21] = "control protection exception",
    [28] = "hypervisor injection exception",
    [29] = "VMM communication exception",
    [30] = "security exception",
};

#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_USER    (1u << 2)
#define PF_RSVD    (1u << 3)
#define PF_FETCH   (1u << 4)

/* A description buffer per CPU: user faults on several CPUs at once reach
 * trap_exception (which only prints it when it panics). */
static char descriptions[PLAT_MAX_CPUS][96];

static bool is_user_frame(const struct trap_frame *tf)
{
    return arch_trap_from_user(tf);
}

bool trap_frame_irqs_on(const struct trap_frame *tf)
{
    return tf->rflags & RFLAGS_IF;
}

/* A page fault the platform can handle: a user page fault the VM layer
 * resolves, or a kernel fault at a user-access instruction (resolved, or
 * resumed at its fixup so the helper returns -EFAULT). */
static bool handle_page_fault(struct trap_frame *tf)
{
    unsigned err = (unsigned)tf->error_code;
    uintptr_t addr = (uintptr_t)tf->cr2;
    unsigned flags = err & PF_FETCH ? FAULT_EXEC : err & PF_WRITE ? FAULT_WRITE : FAULT_READ;

    if (err & PF_PRESENT)
        flags |= FAULT_PRESENT;
    if (err & PF_RSVD)
        return false;
    if (is_user_frame(tf))
        return fault_resolve(tf, addr, flags | FAULT_USER);
    uintptr_t fixup = uaccess_fixup((uintptr_t)tf->rip);
    if (!fixup)
        return false;       /* a kernel bug: trap_exception panics */
    if (!fault_resolve(tf, addr, flags))
        tf->rip = fixup;
    return true;
}

static void handle_exception(struct trap_frame *tf)
{
    char *description = descriptions[arch_cpu_id()];
    const size_t description_size = sizeof(descriptions[0]);
    unsigned vector = (unsigned)tf->vector;
    const char *name = exception_names[vector] ? exception_names[vector] : "reserved exception";
    enum trap_kind kind = TRAP_OTHER;
    uintptr_t fault_addr = (uintptr_t)tf->rip;

    switch (vector) {
    case 0:
        kind = TRAP_DIVIDE;
        snprintf(description, description_size, "%s", name);
        break;
    case 3:
        kind = TRAP_BREAKPOINT;
        snprintf(description, description_size, "%s", name);
        break;
    case 6:
        kind = TRAP_UNDEFINED;
        snprintf(description, description_size, "%s", name);
        break;
    case 1:
        kind = TRAP_BREAKPOINT;
        snprintf(description, description_size, "%s", name);
        break;
    case 16: case 19:
        kind = TRAP_DIVIDE;         /* floating-point exceptions: SIGFPE */
        snprintf(description, description_size, "%s", name);
        break;
    case 14: {
        unsigned err = (unsigned)tf->error_code;
        if (handle_page_fault(tf))
            return;
        kind = TRAP_PAGE_FAULT;
        fault_addr = (uintptr_t)tf->cr2;
        snprintf(description, description_size, "page fault (%s, %s%s%s)",
                 err & PF_FETCH ? "exec" : err & PF_WRITE ? "write" : "read",
                 err & PF_PRESENT ? "protection violation" : "not present",
                 err & PF_USER ? ", user" : "",
                 err & PF_RSVD ? ", reserved bit set" : "");
        break;
    }
    case 17:
        kind = TRAP_ALIGNMENT;
        snprintf(description, description_size, "%s", name);
        break;
    case 8: case 10: case 11: case 12: case 13: case 21: case 29: case 30:
        snprintf(description, description_size, "%s (error code %#lx)", name,
                 (unsigned long)tf->error_code);
        break;
    default:
        snprintf(description, description_size, "%s", name);
        break;
    }
    if (is_user_frame(tf) && arch_user_test_hook &&
        arch_user_test_hook(tf, (int)kind, fault_addr))
        return;
    trap_exception(tf, kind, fault_addr, description);
}

void amd64_trap(struct trap_frame *tf)
{
    if (tf->vector < 32)
        handle_exception(tf);
    else {
        irq_dispatch((unsigned)tf->vector);
        sched_irq_exit();               /* may switch threads (preemption) */
    }
    if (is_user_frame(tf))
        user_return_work(tf);           /* signals; interrupts off */
}

/* From amd64_syscall_entry and amd64_direct_entry (vectors.S), interrupts
 * off, tf on the thread's kernel stack. */
void amd64_syscall(struct trap_frame *tf)
{
    if (!arch_user_test_hook || !arch_user_test_hook(tf, USER_TEST_SYSCALL, 0))
        syscall_entry(tf);
    user_return_work(tf);
}

uintptr_t arch_trap_pc(const struct trap_frame *tf)
{
    return (uintptr_t)tf->rip;
}

void arch_trap_dump(const struct trap_frame *tf)
{
    printk("vector %lu error %#lx cr2 0x%016lx\n", (unsigned long)tf->vector,
           (unsigned long)tf->error_code, (unsigned long)tf->cr2);
    printk("rip 0x%016lx cs %#lx rflags %#lx\n", (unsigned long)tf->rip,
           (unsigned long)tf->cs, (unsigned long)tf->rflags);
    printk("rsp 0x%016lx ss %#lx\n", (unsigned long)tf->rsp, (unsigned long)tf->ss);
    printk("rax 0x%016lx rbx 0x%016lx rcx 0x%016lx\n", (unsigned long)tf->rax,
           (unsigned long)tf->rbx, (unsigned long)tf->rcx);
    printk("rdx 0x%016lx rsi 0x%016lx rdi 0x%016lx\n", (unsigned long)tf->rdx,
           (unsigned long)tf->rsi, (unsigned long)tf->rdi);
    printk("rbp 0x%016lx r8  0x%016lx r9  0x%016lx\n", (unsigned long)tf->rbp,
           (unsigned long)tf->r8, (unsigned long)tf->r9);
    printk("r10 0x%016lx r11 0x%016lx r12 0x%016lx\n", (unsigned long)tf->r10,
           (unsigned long)tf->r11, (unsigned long)tf->r12);
    printk("r13 0x%016lx r14 0x%016lx r15 0x%016lx\n", (unsigned long)tf->r13,
           (unsigned long)tf->r14, (unsigned long)tf->r15);
    printk("cr0 0x%016lx cr3 0x%016lx cr4 0x%016lx\n", (unsigned long)read_cr0(),
           (unsigned long)read_cr3(), (unsigned long)read_cr4());
}
