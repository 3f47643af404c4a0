/* Exceptions from the vectors: decode ESR_EL1 into a trap kind and a
 * description for the kernel, dispatch interrupts to the GIC, and print
 * a trap frame. */
#include <kern/printk.h>
#include <plat/context.h>
#include <plat/mode.h>
#include <plat/smp.h>
#include <plat/trap.h>
#include <plat/uaccess.h>
#include <plat/uspace.h>
#include <plat/uspace_test.h>
#include "arm64.h"
#include "platform.h"

#define ESR_EC(esr)     (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr)    ((esr) & 0x1ffffff)

#define EC_UNKNOWN      0x00
#define EC_SVC64        0x15
#define EC_IABT_LOW     0x20
#define EC_IABT_CUR     0x21
#define EC_PC_ALIGN     0x22
#define EC_DABT_LOW     0x24
#define EC_DABT_CUR     0x25
#define EC_SP_ALIGN     0x26
#define EC_SERROR       0x2f
#define EC_BRK64        0x3c

#define SPSR_I          (1UL << 7)

/* One per CPU: user faults on several CPUs at once reach trap_exception
 * (which prints the description only when it panics). */
static char descriptions[PLAT_MAX_CPUS][96];
#define description (descriptions[arch_cpu_id()])

static const char *fault_status_name(unsigned fsc)
{
    switch (fsc & 0x3c) {
    case 0x00: return "address size fault";
    case 0x04: return "translation fault";
    case 0x08: return "access flag fault";
    case 0x0c: return "permission fault";
    }
    switch (fsc) {
    case 0x10: return "synchronous external abort";
    case 0x21: return "alignment fault";
    case 0x30: return "TLB conflict abort";
    }
    return "abort";
}

static bool fsc_has_level(unsigned fsc)
{
    return fsc < 0x10;
}

static void describe_abort(const char *what, uint64_t esr, bool is_data)
{
    unsigned fsc = ESR_ISS(esr) & 0x3f;
    const char *access = !is_data ? "exec" : (esr & (1u << 6)) ? "write" : "read";

    if (fsc_has_level(fsc))
        snprintf(description, sizeof(descriptions[0]), "%s (%s level %u, %s)", what,
                 fault_status_name(fsc), fsc & 3, access);
    else
        snprintf(description, sizeof(descriptions[0]), "%s (%s, %s)", what,
                 fault_status_name(fsc), access);
}

/* EL0t, AArch64; or EL1t in direct mode (arch_trap_from_user). */
static bool is_user_frame(const struct trap_frame *tf)
{
    return arch_trap_from_user(tf);
}

/* FAULT_* flags of an instruction or data abort. */
static unsigned abort_flags(uint64_t esr, bool is_data)
{
    unsigned fsc = ESR_ISS(esr) & 0x3f;
    unsigned flags = !is_data ? FAULT_EXEC : (esr & (1u << 6)) ? FAULT_WRITE : FAULT_READ;
    if ((fsc & 0x3c) == 0x08 || (fsc & 0x3c) == 0x0c)   /* access flag, permission */
        flags |= FAULT_PRESENT;
    return flags;
}

bool trap_frame_irqs_on(const struct trap_frame *tf)
{
    return !(tf->spsr & SPSR_I);
}

/* Translation, access-flag and permission faults (not alignment or
 * external aborts) are what the VM layer may resolve. */
static bool is_resolvable(uint64_t esr)
{
    unsigned fsc = ESR_ISS(esr) & 0x3f;
    return fsc < 0x10 && (fsc & 0x3c) != 0;
}

/* A kernel abort at a user-access instruction (uaccess.S): resolved by
 * the VM layer, or resumed at the fixup so the helper returns -EFAULT. */
static bool handle_kernel_abort(struct trap_frame *tf)
{
    uintptr_t fixup = uaccess_fixup(tf->elr);
    if (!fixup)
        return false;
    if (!is_resolvable(tf->esr) || !fault_resolve(tf, tf->far, abort_flags(tf->esr, true)))
        tf->elr = fixup;
    return true;
}

void arm64_sync_handler(struct trap_frame *tf);
void arm64_sync_handler(struct trap_frame *tf)
{
    uint64_t esr = tf->esr;
    unsigned ec = ESR_EC(esr);
    enum trap_kind kind = TRAP_OTHER;
    uintptr_t addr = tf->elr;

    bool is_user = is_user_frame(tf);
    if (is_user && ec == EC_DABT_CUR)   /* direct mode: process code at EL1 */
        ec = EC_DABT_LOW;
    else if (is_user && ec == EC_IABT_CUR)
        ec = EC_IABT_LOW;
    if (ec == EC_DABT_CUR && handle_kernel_abort(tf))
        return;
    if (is_user) {
        if (ec == EC_SVC64) {
            tf->orig_x0 = tf->x[0];
            if (!arch_user_test_hook || !arch_user_test_hook(tf, USER_TEST_SYSCALL, 0))
                syscall_entry(tf);
            return;
        }
        if ((ec == EC_DABT_LOW || ec == EC_IABT_LOW) && is_resolvable(esr) &&
            fault_resolve(tf, tf->far, abort_flags(esr, ec == EC_DABT_LOW) | FAULT_USER))
            return;
    }

    switch (ec) {
    case EC_DABT_CUR:
    case EC_DABT_LOW:
        describe_abort("data abort", esr, true);
        kind = (ESR_ISS(esr) & 0x3f) == 0x21 ? TRAP_ALIGNMENT : TRAP_PAGE_FAULT;
        addr = tf->far;
        break;
    case EC_IABT_CUR:
    case EC_IABT_LOW:
        describe_abort("instruction abort", esr, false);
        kind = TRAP_PAGE_FAULT;
        addr = tf->far;
        break;
    case EC_PC_ALIGN:
        snprintf(description, sizeof(descriptions[0]), "PC alignment fault");
        kind = TRAP_ALIGNMENT;
        addr = tf->far;
        break;
    case EC_SP_ALIGN:
        snprintf(description, sizeof(descriptions[0]), "SP alignment fault");
        kind = TRAP_ALIGNMENT;
        addr = tf->sp;
        break;
    case EC_UNKNOWN:
        if (arm64_semihosting_trapped(tf))
            return;
        snprintf(description, sizeof(descriptions[0]), "undefined instruction");
        kind = TRAP_UNDEFINED;
        break;
    case EC_BRK64:
        snprintf(description, sizeof(descriptions[0]), "breakpoint (brk #%#x)",
                 (unsigned)(esr & 0xffff));
        kind = TRAP_BREAKPOINT;
        break;
    case EC_SVC64:
        snprintf(description, sizeof(descriptions[0]), "system call (svc) not supported");
        break;
    default:
        snprintf(description, sizeof(descriptions[0]), "exception class %#x (esr %#lx)", ec,
                 (unsigned long)esr);
        break;
    }
    if (is_user_frame(tf) && arch_user_test_hook &&
        arch_user_test_hook(tf, (int)kind, addr))
        return;
    trap_exception(tf, kind, addr, description);
}

void arm64_irq_handler(struct trap_frame *tf);
void arm64_irq_handler(struct trap_frame *tf)
{
    (void)tf;
    gic_handle_irq();
    sched_irq_exit();           /* may switch threads (preemption) */
}

/* Entries from EL0 (vectors.S): handled, then the kernel's last word
 * before the return to user mode, with interrupts masked. */
void arm64_el0_sync(struct trap_frame *tf);
void arm64_el0_sync(struct trap_frame *tf)
{
    arm64_sync_handler(tf);
    __asm__ volatile("msr daifset, #2" : : : "memory");
    user_return_work(tf);
}

/* Direct mode's gate call (vectors.S: arm64_direct_entry): a syscall, as an
 * svc from EL0 would be, without decoding an exception. */
void arm64_direct_syscall(struct trap_frame *tf);
void arm64_direct_syscall(struct trap_frame *tf)
{
    tf->orig_x0 = tf->x[0];
    if (!arch_user_test_hook || !arch_user_test_hook(tf, USER_TEST_SYSCALL, 0))
        syscall_entry(tf);
    __asm__ volatile("msr daifset, #2" : : : "memory");
    user_return_work(tf);
}

void arm64_el0_after_bad(struct trap_frame *tf);
void arm64_el0_after_bad(struct trap_frame *tf)
{
    __asm__ volatile("msr daifset, #2" : : : "memory");
    user_return_work(tf);
}

void arm64_el0_irq(struct trap_frame *tf);
void arm64_el0_irq(struct trap_frame *tf)
{
    arm64_irq_handler(tf);
    user_return_work(tf);
}

void arm64_bad_exception(struct trap_frame *tf, unsigned vector);

/* Entries from EL1t: process code in direct mode; in isolation mode the
 * kernel never runs on SP_EL0, so one is a kernel bug. */
void arm64_el1t_sync(struct trap_frame *tf);
void arm64_el1t_sync(struct trap_frame *tf)
{
    if (!plat_direct_mode)
        arm64_bad_exception(tf, 0);
    arm64_el0_sync(tf);
}

void arm64_el1t_irq(struct trap_frame *tf);
void arm64_el1t_irq(struct trap_frame *tf)
{
    if (!plat_direct_mode)
        arm64_bad_exception(tf, 1);
    arm64_el0_irq(tf);
}
void arm64_bad_exception(struct trap_frame *tf, unsigned vector)
{
    static const char *const kinds[] = { "synchronous", "IRQ", "FIQ", "SError" };
    static const char *const origins[] = {
        "EL1 with SP_EL0", "EL1", "EL0 (AArch64)", "EL0 (AArch32)",
    };
    snprintf(description, sizeof(descriptions[0]), "unexpected %s exception from %s (esr %#lx)",
             kinds[vector & 3], origins[(vector >> 2) & 3], (unsigned long)tf->esr);
    trap_exception(tf, TRAP_OTHER, tf->elr, description);
}

uintptr_t arch_trap_pc(const struct trap_frame *tf)
{
    return tf->elr;
}

void arch_trap_dump(const struct trap_frame *tf)
{
    for (int i = 0; i < 30; i += 2)
        printk("x%-2d %016lx  x%-2d %016lx\n", i, (unsigned long)tf->x[i], i + 1,
               (unsigned long)tf->x[i + 1]);
    printk("x30 %016lx  sp  %016lx\n", (unsigned long)tf->x[30], (unsigned long)tf->sp);
    printk("elr %016lx  spsr %016lx\n", (unsigned long)tf->elr, (unsigned long)tf->spsr);
    printk("esr %016lx  far %016lx\n", (unsigned long)tf->esr, (unsigned long)tf->far);
}
