/* The console under the host build of printk.c. */
#include <stdio.h>
#include <plat/console.h>

void plat_console_write(const char *buf, size_t len)
{
    fwrite(buf, 1, len, stdout);
}

int plat_console_getc(void)
{
    return -1;
}
