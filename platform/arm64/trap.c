/* Exceptions from the vectors: decode ESR_EL1 into a trap kind and a
 * description for the kernel, dispatch interrupts to the GIC, and print
 * a trap frame. */
#include <kern/printk.h>
#include <plat/context.h>
#include <plat/trap.h>
#include "arm64.h"

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

/* Built when the exception is fatal; the kernel prints it and powers off. */
static char description[96];

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
        snprintf(description, sizeof(description), "%s (%s level %u, %s)", what,
                 fault_status_name(fsc), fsc & 3, access);
    else
        snprintf(description, sizeof(description), "%s (%s, %s)", what,
                 fault_status_name(fsc), access);
}

void arm64_sync_handler(struct trap_frame *tf);
void arm64_sync_handler(struct trap_frame *tf)
{
    uint64_t esr = tf->esr;
    unsigned ec = ESR_EC(esr);
    enum trap_kind kind = TRAP_OTHER;
    uintptr_t addr = tf->elr;

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
        snprintf(description, sizeof(description), "PC alignment fault");
        kind = TRAP_ALIGNMENT;
        addr = tf->far;
        break;
    case EC_SP_ALIGN:
        snprintf(description, sizeof(description), "SP alignment fault");
        kind = TRAP_ALIGNMENT;
        addr = tf->sp;
        break;
    case EC_UNKNOWN:
        if (arm64_semihosting_trapped(tf))
            return;
        snprintf(description, sizeof(description), "undefined instruction");
        kind = TRAP_UNDEFINED;
        break;
    case EC_BRK64:
        snprintf(description, sizeof(description), "breakpoint (brk #%#x)",
                 (unsigned)(esr & 0xffff));
        kind = TRAP_BREAKPOINT;
        break;
    case EC_SVC64:
        snprintf(description, sizeof(description), "system call (svc) not supported");
        break;
    default:
        snprintf(description, sizeof(description), "exception class %#x (esr %#lx)", ec,
                 (unsigned long)esr);
        break;
    }
    trap_exception(tf, kind, addr, description);
}

void arm64_irq_handler(struct trap_frame *tf);
void arm64_irq_handler(struct trap_frame *tf)
{
    (void)tf;
    gic_handle_irq();
    sched_irq_exit();           /* may switch threads (preemption) */
}

void arm64_bad_exception(struct trap_frame *tf, unsigned vector);
void arm64_bad_exception(struct trap_frame *tf, unsigned vector)
{
    static const char *const kinds[] = { "synchronous", "IRQ", "FIQ", "SError" };
    static const char *const origins[] = {
        "EL1 with SP_EL0", "EL1", "EL0 (AArch64)", "EL0 (AArch32)",
    };
    snprintf(description, sizeof(description), "unexpected %s exception from %s (esr %#lx)",
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
