/* The page-fault path into the VM layer, common to both ports: the port's
 * trap code decodes the fault (address, FAULT_* flags) and asks here. */
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
