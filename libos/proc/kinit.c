/* The kernel-side app of the process images: runs /sbin/init (or init=
 * from the command line) as pid 1 on /dev/console and, when it exits or
 * is killed, returns its status for the power-off (128 + N when killed by
 * signal N). */
#include <kern/app.h>
#include <kern/cmdline.h>
#include <kern/printk.h>
#include <proc/proc.h>
#include <vfs.h>

int app_main(const char *cmdline)
{
    static char path[256] = "/sbin/init";
    cmdline_get(cmdline, "init", path, sizeof(path));
    if (!vfs_is_ready()) {
        printk("kinit: no file tree\n");
        return 1;
    }
    char *const argv[] = { path, NULL };
    char *const envp[] = { "HOME=/", "PATH=/bin:/sbin", "TERM=vt100", NULL };
    int rc = proc_start_init(path, argv, envp, "/dev/console");
    if (rc < 0) {
        printk("kinit: cannot start %s (%d)\n", path, rc);
        return 127;
    }
    int status = proc_wait_init();
    printk("kinit: init exited with status %d\n", status);
    return status;
}
