/* RLIMIT_FSIZE for the VFS: the process layer supplies the calling
 * process's limit and the SIGXFSZ it raises (vfs_set_fsize_hooks); writes
 * and truncates of regular files check here (Linux's
 * generic_write_check_limits and inode_newsize_ok). */
#include <abi/errno.h>
#include <abi/resource.h>
#include <vfs/fs.h>
#include "vfs_internal.h"

static uint64_t (*fsize_limit_hook)(void);
static void (*fsize_exceeded_hook)(void);

void vfs_set_fsize_hooks(uint64_t (*limit)(void), void (*exceeded)(void))
{
    fsize_limit_hook = limit;
    fsize_exceeded_hook = exceeded;
}

static uint64_t fsize_limit(void)
{
    return fsize_limit_hook ? fsize_limit_hook() : RLIM_INFINITY;
}

static int fsize_exceeded(void)
{
    if (fsize_exceeded_hook)
        fsize_exceeded_hook();
    return -EFBIG;
}

int vfs_fsize_clamp(const struct vnode *vn, uint64_t offset, size_t *len)
{
    if (!vn || !S_ISREG(vn->mode) || *len == 0)
        return 0;
    uint64_t limit = fsize_limit();
    if (limit == RLIM_INFINITY)
        return 0;
    if (offset >= limit)
        return fsize_exceeded();
    if (*len > limit - offset)
        *len = (size_t)(limit - offset);
    return 0;
}

int vfs_fsize_check(const struct vnode *vn, uint64_t length)
{
    if (length <= vn->size || length <= fsize_limit())
        return 0;
    return fsize_exceeded();
}
