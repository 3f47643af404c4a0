/* The app of the core image: the kernel with none of the optional libraries
 * (no drivers, files, network, processes or terminals; kern/subsys.h), to
 * show that an image composed without them boots and powers off. */
#include <kern/app.h>
#include <kern/printk.h>

int app_main(const char *cmdline)
{
    (void)cmdline;
    printk("core: up without the optional libraries\n");
    return 0;
}
