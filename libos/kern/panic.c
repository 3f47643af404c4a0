/* panic and the kernel's handling of fatal exceptions: report, backtrace,
 * power off with PANIC_STATUS so the host sees the failure. */
#include <stdbool.h>
#include <stdint.h>
#include <kern/ksyms.h>
#include <kern/panic.h>
#include <kern/trap.h>
#include <plat/cpu.h>
#include <plat/layout.h>
#include <plat/power.h>
#include <plat/trap.h>
#include <plat/uspace.h>

static volatile int panicking;

/* Walks frame records. Both architectures' ABIs keep {saved frame pointer,
 * return address} at the frame pointer when -fno-omit-frame-pointer. */
static void backtrace(uintptr_t fp)
{
    printk("backtrace:\n");
    for (int depth = 0; depth < 32; depth++) {
        if (fp < KERNEL_DIRECT_MAP_BASE || (fp & 7))
            break;
        const uintptr_t *frame = (const uintptr_t *)fp;
        uintptr_t ret = frame[1];
        if (ret < KERNEL_IMAGE_BASE)
            break;
        uintptr_t offset;
        const char *name = ksym_lookup(ret - 1, &offset);   /* the call, not past it */
        if (name)
            printk("  %p %s+%#lx\n", (void *)ret, name, (unsigned long)offset + 1);
        else
            printk("  %p\n", (void *)ret);
        if (frame[0] <= fp)
            break;
        fp = frame[0];
    }
}

/* A second panic (from the panic path itself) only powers off. */
static void panic_enter(void)
{
    arch_irq_disable();
    if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
        plat_poweroff(PANIC_STATUS);
}

_Noreturn void panic(const char *fmt, ...)
{
    va_list ap;

    panic_enter();
    printk("panic: ");
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n");
    backtrace((uintptr_t)__builtin_frame_address(0));
    plat_poweroff(PANIC_STATUS);
}

/* kern/trap.h: set once at boot, before any user code runs. */
static trap_user_fault_fn user_fault_handler;

void trap_register_user_fault(trap_user_fault_fn fn)
{
    __atomic_store_n(&user_fault_handler, fn, __ATOMIC_RELEASE);
}

void trap_exception(struct trap_frame *tf, enum trap_kind kind, uintptr_t fault_addr,
                    const char *what)
{
    trap_user_fault_fn handler = __atomic_load_n(&user_fault_handler, __ATOMIC_ACQUIRE);
    if (arch_trap_from_user(tf) && handler && handler(tf, kind, fault_addr))
        return;     /* delivered on the way back to user mode */
    panic_enter();
    if (kind == TRAP_PAGE_FAULT || kind == TRAP_ALIGNMENT)
        printk("panic: %s at %p (pc %p)\n", what, (void *)fault_addr,
               (void *)arch_trap_pc(tf));
    else
        printk("panic: %s (pc %p)\n", what, (void *)arch_trap_pc(tf));
    /* kmalloc's free poison (kmalloc_debug=1, docs/kmalloc-debug.md) as a
     * pointer: the kernel followed a pointer read from freed memory. */
    if ((uint64_t)fault_addr >> 32 == 0x6b6b6b6bU)
        printk("(the address is kmalloc's free poison: a use after free)\n");
    arch_trap_dump(tf);
    plat_poweroff(PANIC_STATUS);
}
