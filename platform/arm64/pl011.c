/* The PL011 UART as the boot console: polled output (waits for room in the
 * FIFO, so nothing is dropped); input polled or, once a receive handler is
 * set, on the receive and receive-timeout interrupts (the SPI the device
 * tree gives the pl011 node). Usable from any context. */
#include <abi/errno.h>
#include <plat/console.h>
#include <plat/irq.h>
#include <plat/mmio.h>
#include "arm64.h"

#define UART_DR     0x00
#define UART_FR     0x18
#define UART_LCRH   0x2c
#define UART_CR     0x30
#define UART_IMSC   0x38
#define UART_ICR    0x44

#define FR_RXFE     (1u << 4)
#define FR_TXFF     (1u << 5)
#define LCRH_FEN    (1u << 4)
#define LCRH_WLEN8  (3u << 5)
#define CR_UARTEN   (1u << 0)
#define CR_TXE      (1u << 8)
#define CR_RXE      (1u << 9)
#define INT_RX      (1u << 4)       /* receive FIFO at its trigger level */
#define INT_RT      (1u << 6)       /* receive timeout: bytes left below it */

static volatile uint8_t *uart_base;
static plat_console_rx_fn rx_fn;
static void *rx_arg;

void pl011_init(volatile uint8_t *base)
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

static void put_byte(volatile uint8_t *base, char c)
{
    while (mmio_read32(base + UART_FR) & FR_TXFF)
        ;
    mmio_write32(base + UART_DR, (uint8_t)c);
}

void plat_console_write(const char *buf, size_t len)
{
    volatile uint8_t *base = uart_base;
    if (!base)
        return;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n')
            put_byte(base, '\r');
        put_byte(base, buf[i]);
    }
}

void plat_console_write_raw(const char *buf, size_t len)
{
    volatile uint8_t *base = uart_base;
    if (!base)
        return;
    for (size_t i = 0; i < len; i++)
        put_byte(base, buf[i]);
}

int plat_console_getc(void)
{
    volatile uint8_t *base = uart_base;
    if (!base || (mmio_read32(base + UART_FR) & FR_RXFE))
        return -1;
    return (int)(mmio_read32(base + UART_DR) & 0xff);
}

/* Interrupt context. RX clears itself as the handler drains the FIFO
 * (clearing it by hand could lose the edge of a byte that arrived after
 * the last read, and a FIFO left full while reception is masked must keep
 * it asserted for the unmask); only the timeout is cleared here. */
static void pl011_interrupt(void *arg)
{
    (void)arg;
    if (rx_fn)
        rx_fn(rx_arg);
    mmio_write32(uart_base + UART_ICR, INT_RT);
}

int plat_console_set_rx_handler(plat_console_rx_fn fn, void *arg)
{
    if (!fn)
        return -EINVAL;
    if (!uart_base || !arm64_dt.has_uart_irq)
        return -ENODEV;
    rx_arg = arg;
    __atomic_store_n(&rx_fn, fn, __ATOMIC_RELEASE);
    int rc = plat_irq_attach(arm64_dt.uart_irq, pl011_interrupt, NULL);
    if (rc < 0)
        return rc;
    plat_console_rx_enable(true);
    return 0;
}

void plat_console_rx_enable(bool is_enabled)
{
    if (uart_base)
        mmio_write32(uart_base + UART_IMSC, is_enabled ? INT_RX | INT_RT : 0);
}
