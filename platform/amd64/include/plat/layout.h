/* amd64 virtual memory layout (48-bit, 4-level paging). The upper 256 PML4
 * slots are shared by every address space. */
#ifndef PLAT_LAYOUT_H
#define PLAT_LAYOUT_H

#define PLAT_ARCH_NAME "amd64"

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

/* PML4 slots 256..383: the direct map of all RAM (64 TiB). */
#define KERNEL_DIRECT_MAP_BASE 0xffff800000000000UL
#define KERNEL_DIRECT_MAP_SIZE 0x0000400000000000UL
/* PML4 slot 384: MMIO and on-demand kernel mappings (512 GiB). */
#define KERNEL_VMAP_BASE       0xffffc00000000000UL
#define KERNEL_VMAP_SIZE       0x0000008000000000UL
/* The top 2 GiB: the kernel image (-mcmodel=kernel), physical 0 at the base. */
#define KERNEL_IMAGE_BASE      0xffffffff80000000UL

#endif
