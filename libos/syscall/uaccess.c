/* The user-memory helpers of plat/uaccess.h: the range checks are the same
 * on every architecture (the lower half, without overflow); the copying is
 * the platform's fault-protected primitives. */
#include <stdbool.h>
#include <stdint.h>
#include <abi/errno.h>
#include <plat/uaccess.h>
#include <plat/uspace.h>

/* [addr, addr+size) inside the lower half, without overflow. */
static bool user_range_ok(const void *addr, size_t size)
{
    uintptr_t a = (uintptr_t)addr;

    return a < USER_SPACE_END && size <= USER_SPACE_END - a;
}

int copy_from_user(void *dst, const void *user_src, size_t size)
{
    if (!size)
        return 0;
    if (!user_range_ok(user_src, size))
        return -EFAULT;
    return arch_copy_from_user_raw(dst, user_src, size) ? -EFAULT : 0;
}

int copy_to_user(void *user_dst, const void *src, size_t size)
{
    if (!size)
        return 0;
    if (!user_range_ok(user_dst, size))
        return -EFAULT;
    return arch_copy_to_user_raw(user_dst, src, size) ? -EFAULT : 0;
}

int clear_user(void *user_dst, size_t size)
{
    if (!size)
        return 0;
    if (!user_range_ok(user_dst, size))
        return -EFAULT;
    return arch_clear_user_raw(user_dst, size) ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, const char *user_src, size_t max)
{
    uintptr_t a = (uintptr_t)user_src;

    if (!max)
        return -ENAMETOOLONG;
    if (a >= USER_SPACE_END)
        return -EFAULT;
    /* Stop at the end of the lower half: running into it is a fault, not a
     * name that is too long. */
    size_t limit = max < USER_SPACE_END - a ? max : USER_SPACE_END - a;
    long n = arch_strncpy_from_user_raw(dst, user_src, limit);
    if (n < 0)
        return -EFAULT;
    if ((size_t)n < limit)
        return n;
    return limit < max ? -EFAULT : -ENAMETOOLONG;
}
