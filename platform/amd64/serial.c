/* The boot console on COM1, a 16550 UART at I/O port 0x3f8: polled output,
 * input polled or, once a receive handler is set, on ISA IRQ 4 (through
 * the I/O APIC, following the MADT's interrupt source overrides).
 * No lock: writes must work from panic and exception paths; printk already
 * serialises whole lines. */
#include <abi/errno.h>
#include <plat/console.h>
#include <plat/irq.h>
#include "amd64.h"

#define COM1 0x3f8
#define COM1_ISA_IRQ 4
#define UART_DATA 0         /* THR / RBR, or divisor low with DLAB */
#define UART_IER  1         /* interrupt enable, or divisor high with DLAB */
#define UART_IIR  2         /* interrupt identification (read) */
#define UART_FCR  2         /* FIFO control (write) */
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define IER_RX_AVAILABLE (1u << 0)  /* data ready and FIFO timeout */
#define LSR_DATA_READY (1u << 0)
#define LSR_THR_EMPTY  (1u << 5)
#define LCR_8N1  0x03
#define LCR_DLAB 0x80
#define MCR_DTR_RTS_OUT2 0x0b       /* OUT2 gates the IRQ line on PCs */

static plat_console_rx_fn rx_fn;
static void *rx_arg;

void serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);             /* polled until a handler is set */
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DATA, 1);               /* 115200 baud */
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, 0x07);             /* enable and clear the FIFOs, trigger 1 */
    outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
}

static void serial_putc(char c)
{
    while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
        __asm__ volatile("pause");
    outb(COM1 + UART_DATA, (uint8_t)c);
}

void plat_console_write(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n')
            serial_putc('\r');
        serial_putc(buf[i]);
    }
}

void plat_console_write_raw(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        serial_putc(buf[i]);
}

int plat_console_getc(void)
{
    if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
        return -1;
    return inb(COM1 + UART_DATA);
}

/* Interrupt context. Reading IIR acknowledges; the handler reads the data,
 * which drops the line (it is edge-triggered at the I/O APIC). */
static void serial_interrupt(void *arg)
{
    (void)arg;
    (void)inb(COM1 + UART_IIR);
    if (rx_fn)
        rx_fn(rx_arg);
}

/* COM1's GSI: ISA IRQ 4 unless the MADT overrides it. */
static unsigned com1_gsi(void)
{
    for (unsigned i = 0; i < acpi_info.override_count; i++)
        if (acpi_info.overrides[i].isa_irq == COM1_ISA_IRQ)
            return acpi_info.overrides[i].gsi;
    return COM1_ISA_IRQ;
}

int plat_console_set_rx_handler(plat_console_rx_fn fn, void *arg)
{
    if (!fn)
        return -EINVAL;
    rx_arg = arg;
    __atomic_store_n(&rx_fn, fn, __ATOMIC_RELEASE);
    int rc = plat_irq_attach(com1_gsi(), serial_interrupt, NULL);
    if (rc < 0)
        return rc;
    plat_console_rx_enable(true);
    return 0;
}

void plat_console_rx_enable(bool is_enabled)
{
    outb(COM1 + UART_IER, is_enabled ? IER_RX_AVAILABLE : 0);
}
