/* Host stand-ins for what the VFS's pure parts (lookup, vnodes, mounts,
 * ramfs) call: the kernel heap is the C library's, time is a counter. */
#include <stdint.h>
#include <stdlib.h>
#include <mm/kmalloc.h>
#include <plat/timer.h>
#include <sched/timer.h>

static size_t bytes_in_use;

void *kmalloc(size_t size)
{
    return malloc(size ? size : 1);
}

void *kzalloc(size_t size)
{
    return calloc(1, size ? size : 1);
}

void kfree(void *ptr)
{
    free(ptr);
}

size_t kmalloc_bytes_in_use(void)
{
    return bytes_in_use;
}

uint64_t plat_time_ns(void)
{
    static uint64_t now;
    return now += 1000;
}

/* File times: a fixed wall time (2026-01-01) plus the counter. */
uint64_t clock_realtime_ns(void)
{
    return 1767225600ull * 1000000000ull + plat_time_ns();
}
