/* The portable VM layer: a process's address space as a sorted list of
 * regions (VMAs) over an architecture page table (plat/uspace.h). Pages
 * are mapped on demand (vm_fault); fork shares them copy-on-write with a
 * per-page mapping count; the gate page is mapped read+exec in every
 * space. */
#ifndef MM_VM_H
#define MM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Region protections: the same values as PROT_* (abi/mman.h). */
#define VM_READ   0x1u
#define VM_WRITE  0x2u
#define VM_EXEC   0x4u

enum vm_kind {
    VM_KIND_ANON,       /* mmap, brk heap */
    VM_KIND_ELF,        /* a program segment (data copied in at exec) */
    VM_KIND_STACK,
    VM_KIND_GATE,       /* the shared gate page: never freed */
};

/* The user layout (below USER_SPACE_END, the gate at the very top). */
#define VM_USER_MIN      0x10000UL              /* page 0.. stays unmapped */
#define VM_STACK_TOP     0x00007ffffff00000UL
#define VM_STACK_SIZE    (8UL << 20)
#define VM_MMAP_TOP      (VM_STACK_TOP - VM_STACK_SIZE - (1UL << 30))

/* Regions per space (Linux's vm.max_map_count): an mmap, mprotect or
 * munmap that would need more fails with -ENOMEM. */
#define VM_MAP_COUNT_MAX 65530

struct vm_space;

/* A new space holding only the gate page; NULL when memory is short. */
struct vm_space *vm_space_create(void);
/* Unmaps and frees everything, then the page tables. The space must not be
 * active on any CPU (vm_space_deactivate first when it is this CPU's). */
void vm_space_destroy(struct vm_space *vm);
/* A copy-on-write copy of parent (fork). NULL when memory is short. */
struct vm_space *vm_space_fork(struct vm_space *parent);
/* Size limits of a space (RLIMIT_AS: every region; RLIMIT_DATA: brk and
 * private writable regions but the stack), UINT64_MAX when unlimited, the
 * default. mmap, brk and vm_map_region (the ELF loader) past a limit fail
 * with -ENOMEM; lowering a limit below the current use takes nothing away.
 * Fork copies them; exec carries them to the new space. */
void vm_set_limits(struct vm_space *vm, uint64_t as_limit_bytes, uint64_t data_limit_bytes);
void vm_get_limits(struct vm_space *vm, uint64_t *as_limit_bytes, uint64_t *data_limit_bytes);
/* Lowers the region count limit (VM_MAP_COUNT_MAX) of one space: tests. */
void vm_set_map_count_max(struct vm_space *vm, size_t max_regions);
/* Makes vm the lower half on this CPU (NULL: the kernel's, empty). */
void vm_space_activate(struct vm_space *vm);

/* Adds a region [start, start+len) (page-aligned) replacing nothing:
 * -EEXIST when it overlaps. */
int vm_map_region(struct vm_space *vm, uintptr_t start, size_t len, unsigned prot,
                  enum vm_kind kind);
/* Writes len bytes at va in vm (active or not), faulting pages in and
 * ignoring the region's protection: the ELF loader and the initial stack.
 * -EFAULT outside every region. */
int vm_write(struct vm_space *vm, uintptr_t va, const void *src, size_t len);

/* Reads len bytes at va in vm from pages already mapped (no faults):
 * -EFAULT when one is not. */
int vm_read(struct vm_space *vm, uintptr_t va, void *dst, size_t len);

/* The system calls (arguments already range-checked by nobody: these
 * check). Return values as Linux's. */
long vm_mmap(struct vm_space *vm, uintptr_t addr, size_t len, unsigned prot, unsigned flags);
int vm_munmap(struct vm_space *vm, uintptr_t addr, size_t len);
int vm_mprotect(struct vm_space *vm, uintptr_t addr, size_t len, unsigned prot);
/* The program break starts at start (page-aligned up for the region). */
void vm_brk_init(struct vm_space *vm, uintptr_t start);
/* Sets the break to addr when possible; returns the break (unchanged on
 * failure or for addr 0), as Linux's brk. */
uintptr_t vm_brk(struct vm_space *vm, uintptr_t addr);

/* Resolves a fault at addr in vm: 0, -EFAULT (no region: SIGSEGV) or
 * -EACCES (region forbids the access: SIGSEGV), -ENOMEM. */
int vm_fault_in(struct vm_space *vm, uintptr_t addr, unsigned fault_flags);
/* True when [addr, addr+len) lies in regions allowing prot. */
bool vm_range_allowed(struct vm_space *vm, uintptr_t addr, size_t len, unsigned prot);

/* Called when a fault of the current process finds no free page (the
 * process layer's OOM killer): true when the fault should be retried,
 * false to fail it with -ENOMEM. Registered once at start-up. */
typedef bool (*vm_oom_fn)(void);
void vm_set_oom_handler(vm_oom_fn fn);

/* The space of the current thread, NULL for kernel threads. The process
 * layer (libos/proc) knows it and registers how to find it once at boot;
 * without one (no processes) it is always NULL. */
typedef struct vm_space *(*vm_space_current_fn)(void);
void vm_set_space_current(vm_space_current_fn fn);
struct vm_space *vm_space_current(void);

/* Statistics, for tests and benchmarks. */
struct vm_stats {
    uint64_t cow_copies;        /* pages copied on a write after fork */
    uint64_t cow_reuses;        /* last sharer wrote: made writable in place */
    uint64_t zero_fills;        /* demand-zero pages */
};
void vm_get_stats(struct vm_stats *stats);
size_t vm_region_count(struct vm_space *vm);
/* Pages mapped in the space (excluding the gate). */
size_t vm_mapped_pages(struct vm_space *vm);
/* Pages mapped in this space only (mapping count 1): what its end frees. */
size_t vm_private_pages(struct vm_space *vm);
/* Bytes of every region (excluding the gate): Linux's VmSize. */
size_t vm_region_bytes(struct vm_space *vm);
/* Mapping count of the page behind va (0 when none). */
unsigned vm_page_map_count(struct vm_space *vm, uintptr_t va);

#endif
