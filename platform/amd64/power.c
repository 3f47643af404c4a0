/* Power-off with an exit status: QEMU's isa-debug-exit device at port 0xf4
 * makes QEMU exit with (status << 1) | 1. Without it, ACPI S5 (sleep control
 * register on hardware-reduced ACPI as on microvm, PM1a_CNT otherwise), and
 * failing that, halt forever. Reset: the FADT's reset register, else the
 * PCI reset control port 0xcf9, else the keyboard controller, else a
 * triple fault (QEMU with -no-reboot exits on any of them). */
#include <plat/cpu.h>
#include <plat/power.h>
#include "amd64.h"

#define ISA_DEBUG_EXIT_PORT 0xf4
#define RESET_CONTROL_PORT 0xcf9
#define RESET_CONTROL_HARD 0x06     /* system reset + CPU reset */
#define KBC_COMMAND_PORT 0x64
#define KBC_PULSE_RESET 0xfe
#define SLP_EN_PM1     (1u << 13)
#define SLP_TYP_SHIFT_PM1 10
#define SLP_EN_HW_REDUCED (1u << 5)
#define SLP_TYP_SHIFT_HW_REDUCED 2
/* \_S5 in QEMU's own DSDTs, should the search fail: ICH9/PIIX4 use 0, the
 * generic event device of microvm uses 5. */
#define QEMU_S5_PM1 0
#define QEMU_S5_HW_REDUCED 5

static void acpi_poweroff(void)
{
    bool hardware_reduced = acpi_info.sleep_control || acpi_info.sleep_control_port;
    unsigned slp_typ = acpi_info.has_s5 ? acpi_info.s5_slp_typ
                       : hardware_reduced ? QEMU_S5_HW_REDUCED : QEMU_S5_PM1;

    if (acpi_info.sleep_control) {
        *acpi_info.sleep_control = (uint8_t)(slp_typ << SLP_TYP_SHIFT_HW_REDUCED | SLP_EN_HW_REDUCED);
    } else if (acpi_info.sleep_control_port) {
        outb(acpi_info.sleep_control_port,
             (uint8_t)(slp_typ << SLP_TYP_SHIFT_HW_REDUCED | SLP_EN_HW_REDUCED));
    } else if (acpi_info.pm1a_cnt_port) {
        uint16_t v = inw(acpi_info.pm1a_cnt_port) & ~(7u << SLP_TYP_SHIFT_PM1);
        outw(acpi_info.pm1a_cnt_port, (uint16_t)(v | slp_typ << SLP_TYP_SHIFT_PM1 | SLP_EN_PM1));
    }
}

_Noreturn void plat_poweroff(int status)
{
    arch_irq_disable();
    outl(ISA_DEBUG_EXIT_PORT, (uint32_t)status);
    acpi_poweroff();
    arch_halt_forever();
}

/* An empty IDT: the next exception cannot be delivered (triple fault). */
static _Noreturn void triple_fault(void)
{
    static const struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } empty_idt = { 0, 0 };
    __asm__ volatile("lidt %0; int3" : : "m"(empty_idt));
    arch_halt_forever();
}

_Noreturn void plat_reboot(void)
{
    arch_irq_disable();
    if (acpi_info.reset_port)
        outb(acpi_info.reset_port, acpi_info.reset_value);
    else if (acpi_info.reset_mmio)
        *acpi_info.reset_mmio = acpi_info.reset_value;
    outb(RESET_CONTROL_PORT, RESET_CONTROL_HARD);
    outb(KBC_COMMAND_PORT, KBC_PULSE_RESET);
    triple_fault();
}
