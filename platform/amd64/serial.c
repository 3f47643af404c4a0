/* The boot console on COM1, a 16550 UART at I/O port 0x3f8, polled both ways.
 * No lock: writes must work from panic and exception paths; printk already
 * serialises whole lines. */
#include <plat/console.h>
#include "amd64.h"

#define COM1 0x3f8
#define UART_DATA 0         /* THR / RBR, or divisor low with DLAB */
#define UART_IER  1         /* interrupt enable, or divisor high with DLAB */
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define LSR_DATA_READY (1u << 0)
#define LSR_THR_EMPTY  (1u << 5)
#define LCR_8N1  0x03
#define LCR_DLAB 0x80

void serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);             /* polled: no interrupts */
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DATA, 1);               /* 115200 baud */
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, 0x07);             /* enable and clear the FIFOs */
    outb(COM1 + UART_MCR, 0x03);             /* DTR, RTS */
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

int plat_console_getc(void)
{
    if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
        return -1;
    return inb(COM1 + UART_DATA);
}
