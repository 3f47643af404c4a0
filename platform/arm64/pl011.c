/* The PL011 UART as the boot console: polled output (waits for room in the
 * FIFO, so nothing is dropped), polled input. Usable from any context. */
#include <plat/console.h>
#include "arm64.h"

#define UART_DR     0x00
#define UART_FR     0x18
#define UART_LCRH   0x2c
#define UART_CR     0x30
#define UART_IMSC   0x38

#define FR_RXFE     (1u << 4)
#define FR_TXFF     (1u << 5)
#define LCRH_FEN    (1u << 4)
#define LCRH_WLEN8  (3u << 5)
#define CR_UARTEN   (1u << 0)
#define CR_TXE      (1u << 8)
#define CR_RXE      (1u << 9)

static uintptr_t uart_base;

void pl011_init(uintptr_t base)
{
    /* The firmware (QEMU) set the baud rate; only make sure the UART, its
     * transmitter and receiver are on, 8N1 with FIFOs, interrupts masked. */
    uint32_t cr = mmio_read32(base + UART_CR);
    if ((cr & (CR_UARTEN | CR_TXE | CR_RXE)) != (CR_UARTEN | CR_TXE | CR_RXE)) {
        mmio_write32(base + UART_CR, 0);
        mmio_write32(base + UART_LCRH, LCRH_WLEN8 | LCRH_FEN);
        mmio_write32(base + UART_CR, CR_UARTEN | CR_TXE | CR_RXE);
    }
    mmio_write32(base + UART_IMSC, 0);
    uart_base = base;
}

static void put_byte(uintptr_t base, char c)
{
    while (mmio_read32(base + UART_FR) & FR_TXFF)
        ;
    mmio_write32(base + UART_DR, (uint8_t)c);
}

void plat_console_write(const char *buf, size_t len)
{
    uintptr_t base = uart_base;
    if (!base)
        return;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n')
            put_byte(base, '\r');
        put_byte(base, buf[i]);
    }
}

int plat_console_getc(void)
{
    uintptr_t base = uart_base;
    if (!base || (mmio_read32(base + UART_FR) & FR_RXFE))
        return -1;
    return (int)(mmio_read32(base + UART_DR) & 0xff);
}
