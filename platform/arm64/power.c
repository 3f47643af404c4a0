/* Power off: semihosting SYS_EXIT_EXTENDED first (QEMU exits with the given
 * status when started with -semihosting-config enable=on), else PSCI
 * SYSTEM_OFF over the conduit the device tree names (QEMU exits 0), else
 * halt. Without semihosting, QEMU makes `hlt #0xf000` an undefined
 * instruction; the exception handler recognises it and skips it. Reset:
 * PSCI SYSTEM_RESET (QEMU with -no-reboot exits 0). */
#include <plat/cpu.h>
#include <plat/power.h>
#include "arm64.h"

#define SEMIHOSTING_SYS_EXIT_EXTENDED   0x20
#define ADP_STOPPED_APPLICATION_EXIT    0x20026
#define PSCI_SYSTEM_OFF                 0x84000008
#define PSCI_SYSTEM_RESET               0x84000009

extern const char arm64_semihosting_hlt[];

__attribute__((noinline)) static uint64_t semihosting_call(uint64_t op, uint64_t arg)
{
    register uint64_t x0 __asm__("x0") = op;
    register uint64_t x1 __asm__("x1") = arg;
    __asm__ volatile(".globl arm64_semihosting_hlt\n"
                     "arm64_semihosting_hlt:\n\t"
                     "hlt #0xf000"
                     : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

bool arm64_semihosting_trapped(struct trap_frame *tf)
{
    if (tf->elr != (uintptr_t)arm64_semihosting_hlt)
        return false;
    tf->elr += 4;
    return true;
}

static void psci_call(uint64_t function)
{
    register uint64_t x0 __asm__("x0") = function;
    if (arm64_dt.psci_is_smc)
        __asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
    else
        __asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
}

_Noreturn void plat_poweroff(int status)
{
    static uint64_t block[2];

    block[0] = ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint64_t)(int64_t)status;
    semihosting_call(SEMIHOSTING_SYS_EXIT_EXTENDED, (uintptr_t)block);
    if (arm64_dt.has_psci)
        psci_call(PSCI_SYSTEM_OFF);
    arch_halt_forever();
}

_Noreturn void plat_reboot(void)
{
    arch_irq_disable();
    if (arm64_dt.has_psci)
        psci_call(PSCI_SYSTEM_RESET);
    arch_halt_forever();
}
