/* The page-fault path into the VM layer, common to both ports: the port's
 * trap code decodes the fault (address, FAULT_* flags) and asks here; and
 * the panic of a user entry that was handed a bad frame. */
#include <kern/panic.h>
#include <plat/cpu.h>
#include <plat/uspace.h>
#include "platform.h"

bool fault_resolve(const struct trap_frame *tf, uintptr_t addr, unsigned flags)
{
    if (addr >= USER_SPACE_END || !trap_frame_irqs_on(tf))
        return false;
    arch_irq_enable();
    int rc = vm_fault(addr, flags);
    arch_irq_disable();
    return rc == 0;
}

/* Called by the ports' arch_user_enter (assembly) when the frame is not a
 * user frame or no kernel stack was set. */
_Noreturn void plat_bad_user_enter(void);
_Noreturn void plat_bad_user_enter(void)
{
    panic("arch_user_enter: not a user frame, or no kernel stack set");
}
