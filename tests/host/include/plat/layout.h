/* Host unit tests: "physical" memory is an arena from the host's heap, and
 * the direct map is the identity, so phys_to_virt(pa) == pa. */
#ifndef PLAT_LAYOUT_H
#define PLAT_LAYOUT_H

#define PLAT_ARCH_NAME "host"
#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define KERNEL_DIRECT_MAP_BASE 0UL
#define KERNEL_DIRECT_MAP_SIZE (1UL << 47)
#define KERNEL_VMAP_BASE       0UL
#define KERNEL_VMAP_SIZE       0UL
#define KERNEL_IMAGE_BASE      0UL

#endif
