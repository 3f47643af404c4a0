/* arm64 virtual memory layout (48-bit, 4 KiB granule): TTBR1 holds the upper
 * half shared by every address space, TTBR0 a process's lower half. */
#ifndef PLAT_LAYOUT_H
#define PLAT_LAYOUT_H

#define PLAT_ARCH_NAME "arm64"

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

/* The direct map of all RAM: physical address p at KERNEL_DIRECT_MAP_BASE + p. */
#define KERNEL_DIRECT_MAP_BASE 0xffff000000000000UL
#define KERNEL_DIRECT_MAP_SIZE 0x0000400000000000UL
/* MMIO and on-demand kernel mappings (512 GiB). */
#define KERNEL_VMAP_BASE       0xffff800000000000UL
#define KERNEL_VMAP_SIZE       0x0000008000000000UL
/* The kernel image is linked here; it runs wherever QEMU loaded it. */
#define KERNEL_IMAGE_BASE      0xffffffff80000000UL

#endif
