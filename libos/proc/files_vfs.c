/* Processes' files from the VFS (proc/files.h): each process has a struct
 * vfs_ctx judged by the process's credentials, exec reads programs from
 * the file tree, and the VFS's hooks lead back to the process layer
 * (SIGPIPE, RLIMIT_FSIZE), which is also /proc's source. Linked by every
 * image with the VFS (library proc_vfs); registered at boot. */
#include <abi/errno.h>
#include <kern/subsys.h>
#include <mm/kmalloc.h>
#include <vfs/fs.h>
#include <vfs/vfs.h>
#include "proc_internal.h"

_Static_assert(PROC_FILES_MAX == FDTABLE_MAX, "RLIMIT_NOFILE's ceiling is the table's");

static int files_init(void **files, struct cred_box *ids)
{
    struct vfs_ctx *ctx = kmalloc(sizeof(*ctx));
    if (!ctx)
        return -ENOMEM;
    int rc = vfs_ctx_init(ctx, ids->cred);
    if (rc < 0) {
        kfree(ctx);
        return rc;
    }
    ctx->ids = ids;
    *files = ctx;
    return 0;
}

static int files_open_console(void *files, const char *console)
{
    int rc = 0;
    for (int fd = 0; fd < 3 && rc >= 0; fd++)
        rc = vfs_open(files, console, O_RDWR | O_NOCTTY, 0);
    return rc < 0 ? rc : 0;
}

static int files_fork(void **child, void *parent, struct cred_box *child_ids)
{
    struct vfs_ctx *ctx = kmalloc(sizeof(*ctx));
    if (!ctx)
        return -ENOMEM;
    int rc = vfs_ctx_fork(ctx, parent);
    if (rc < 0) {
        kfree(ctx);
        return rc;
    }
    ctx->ids = child_ids;
    *child = ctx;
    return 0;
}

static void files_exec(void *files)
{
    vfs_ctx_exec(files);
}

static void files_release(void *files)
{
    vfs_ctx_release(files);
    kfree(files);
}

static void files_set_fd_limit(void *files, uint64_t limit)
{
    vfs_ctx_set_fd_limit(files, limit);
}

static long files_fd_flags(void *files, int fd)
{
    return vfs_fcntl(files, fd, F_GETFL, 0);
}

static int files_open_exec(void *files, const char *path, struct file **out)
{
    return vfs_open_exec(files, path, out);
}

static const struct proc_files_ops vfs_files = {
    .init = files_init,
    .open_console = files_open_console,
    .fork = files_fork,
    .exec = files_exec,
    .release = files_release,
    .set_fd_limit = files_set_fd_limit,
    .fd_flags = files_fd_flags,
    .open_exec = files_open_exec,
    .file_pread = vfs_file_pread,
    .file_stat = vfs_file_stat,
    .file_close = vfs_file_close,
    .is_ready = vfs_is_ready,
};

/* Before the VFS's own stage: hooks and registries only. */
static int proc_vfs_register(void)
{
    proc_files_register(&vfs_files);
    vfs_set_sigpipe_hook(sig_pipe_hook);
    vfs_set_fsize_hooks(proc_fsize_limit, proc_fsize_exceeded);
    proc_procfs_register();
    return 0;
}
SUBSYS_REGISTER(proc_vfs, SUBSYS_STAGE_LINKS, proc_vfs_register, NULL);
