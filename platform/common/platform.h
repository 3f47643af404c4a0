/* Private to the platform: what the common code (platform/common/) asks of
 * each port beyond the page tables (pagetable.h), and the common helpers
 * the ports' trap code calls. */
#ifndef PLATFORM_PLATFORM_H
#define PLATFORM_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

struct trap_frame;

/* ---- page faults (fault.c) ---- */

/* Did the code that trapped run with interrupts enabled? (port, trap.c) */
bool trap_frame_irqs_on(const struct trap_frame *tf);

/* A fault at addr (FAULT_* flags, decoded by the port) resolved by the VM
 * layer: vm_fault with interrupts on, as the faulting code had them (it
 * may sleep). False, and nothing done, for a kernel address or when the
 * faulting code had interrupts off. Interrupts off on entry and exit. */
bool fault_resolve(const struct trap_frame *tf, uintptr_t addr, unsigned flags);

/* ---- the CPU's random number generator (random.c) ---- */

/* Does the CPU have one (port, random.c)? */
bool rng_is_present(void);
/* One read of 64 random bits; false when the generator had none ready
 * this time (it may succeed when asked again). */
bool rng_read64(uint64_t *value);

/* ---- memory maps (memmap.c) ---- */

struct mem_range;

void mem_ranges_sort(struct mem_range *r, unsigned n);
/* Shrinks each range inward to whole pages, drops the empty ones, sorts
 * and merges overlapping or touching ones, in place; returns how many. */
unsigned mem_ranges_normalize(struct mem_range *r, unsigned n);
/* Appends to out[count..max) the parts of [base, base+size), rounded
 * outward to pages, that lie in usable (sorted); returns the new count. */
unsigned mem_range_clip(struct mem_range *out, unsigned count, unsigned max,
                        const struct mem_range *usable, unsigned usable_count,
                        uint64_t base, uint64_t size);

#endif
