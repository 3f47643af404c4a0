/* Address spaces: regions (VMAs) in a sorted list, pages mapped on demand,
 * fork by copy-on-write. A page mapped into user space carries a mapping
 * count in its struct page (map_count): fork adds one and maps it
 * read-only on both sides; a write fault copies it unless the writer is the
 * last one mapping it; the last unmap frees it.
 *
 * Locking: vm_space.lock (a mutex: faults and copies sleep under it for
 * allocation and TLB shootdowns) protects the region list and the page
 * table contents of the space. Mapping counts are atomics: two spaces
 * sharing a page each hold their own lock only. */
#include <stdbool.h>
#include <string.h>
#include <abi/errno.h>
#include <abi/gate.h>
#include <abi/mman.h>
#include <kern/list.h>
#include <kern/panic.h>
#include <kern/util.h>
#include <mm/kmalloc.h>
#include <mm/page.h>
#include <mm/vm.h>
#include <plat/mmu.h>
#include <plat/uspace.h>
#include <sched/sync.h>
#include <sched/thread.h>
#include "page_internal.h"

struct vm_area {
    struct list link;           /* vm_space.areas, sorted by start */
    uintptr_t start, end;       /* page-aligned, end exclusive */
    unsigned prot;              /* VM_READ | VM_WRITE | VM_EXEC */
    enum vm_kind kind;
};

struct vm_space {
    struct arch_aspace *as;
    struct mutex lock;          /* every field below, and the page tables' contents */
    struct list areas;
    uintptr_t brk_start, brk_cur;
    size_t area_count;          /* regions, the gate excluded */
    size_t area_count_max;      /* VM_MAP_COUNT_MAX unless a test lowers it */
    uint64_t total_bytes;       /* bytes of those regions: VmSize, against as_limit */
    uint64_t data_bytes;        /* writable non-stack regions: against data_limit */
    uint64_t as_limit_bytes;    /* RLIMIT_AS; UINT64_MAX: unlimited. Fork copies */
    uint64_t data_limit_bytes;  /* RLIMIT_DATA (brk and private writable maps) */
};

static uint64_t gate_pa;        /* the one gate page, filled once */
static struct vm_stats stats;

#define UNMAP_BATCH 64                  /* pages per arch_mmu_unmap, at most */
#define UNMAP_SPAN (2UL << 20)          /* bytes per arch_mmu_unmap/protect, at most */

/* ---- pages ---------------------------------------------------------- */

static uint64_t user_page_alloc(void)
{
    uint64_t pa = pages_alloc(0, PAGES_ZERO);
    if (pa)
        __atomic_store_n(&page_of_phys(pa)->map_count, 1, __ATOMIC_RELEASE);
    return pa;
}

static void user_page_ref(uint64_t pa)
{
    __atomic_add_fetch(&page_of_phys(pa)->map_count, 1, __ATOMIC_ACQ_REL);
}

static void user_page_unref(uint64_t pa)
{
    struct page *pg = page_of_phys(pa);
    if (!pg || pa == gate_pa)
        return;
    if (__atomic_sub_fetch(&pg->map_count, 1, __ATOMIC_ACQ_REL) == 0)
        pages_free(pa, 0);
}

static uint64_t gate_page(void)
{
    uint64_t pa = __atomic_load_n(&gate_pa, __ATOMIC_ACQUIRE);
    if (pa)
        return pa;
    pa = pages_alloc(0, PAGES_ZERO);
    if (!pa)
        return 0;
    arch_gate_fill(phys_to_virt(pa));
    uint64_t expected = 0;
    if (!__atomic_compare_exchange_n(&gate_pa, &expected, pa, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        pages_free(pa, 0);
        pa = expected;
    }
    return pa;
}

/* MMU flags for a region's protection. PROT_NONE pages stay in the page
 * table with no access at all (MMU_NONE), so that their contents survive
 * an mprotect round trip while user code and the kernel's user copies
 * fault on them alike. */
static unsigned mmu_flags(unsigned prot, bool is_writable)
{
    if (!(prot & (VM_READ | VM_WRITE | VM_EXEC)))
        return MMU_NONE;
    unsigned flags = MMU_USER | MMU_READ;
    if ((prot & VM_WRITE) && is_writable)
        flags |= MMU_WRITE;
    if (prot & VM_EXEC)
        flags |= MMU_EXEC;
    return flags;
}

/* Moves *va to the next mapped page below end and returns true with its
 * physical address, or returns false at end. The architecture skips
 * unmapped table levels whole, so a huge untouched range costs little;
 * each call into it is bounded (MMU_SCAN_STEPS) with interrupts off. */
static bool next_mapped(struct vm_space *vm, uintptr_t *va, uintptr_t end, uint64_t *pa)
{
    while (*va < end)
        if (arch_mmu_next_mapped(vm->as, *va, end, va, pa, NULL))
            return true;
    return false;
}

/* Unmaps the pages of [start, end) and drops their mapping counts; the TLB
 * is invalidated (by arch_mmu_unmap_take) before any page can be freed.
 * Each call takes at most UNMAP_BATCH pages of one last-level table, so
 * the page-table work done with interrupts off stays bounded whatever the
 * range. */
static void unmap_pages(struct vm_space *vm, uintptr_t start, uintptr_t end)
{
    uint64_t pas[UNMAP_BATCH];
    uintptr_t va = start;

    while (va < end) {
        unsigned n = arch_mmu_unmap_take(vm->as, va, end, pas, UNMAP_BATCH, &va);
        for (unsigned i = 0; i < n; i++)
            user_page_unref(pas[i]);
    }
}

/* Sets the MMU flags of the mapped pages of [start, end), one span of a
 * last-level table at a time, skipping what is unmapped. */
static void protect_pages(struct vm_space *vm, uintptr_t start, uintptr_t end, unsigned flags)
{
    uintptr_t va = start;
    while (next_mapped(vm, &va, end, NULL)) {
        uintptr_t span_end = MIN(end, ALIGN_DOWN(va, UNMAP_SPAN) + UNMAP_SPAN);
        arch_mmu_protect(vm->as, va, span_end - va, flags);
        va = span_end;
    }
}

/* ---- regions -------------------------------------------------------- */

/* Whether a region counts against the data limit (Linux's data_vm:
 * private writable memory other than the stack). */
static bool is_data(unsigned prot, enum vm_kind kind)
{
    return (prot & VM_WRITE) && kind != VM_KIND_STACK && kind != VM_KIND_GATE;
}

/* Adds (sign 1) or removes (sign -1) a region's size to the space's
 * totals. Every change of a region's bounds or protection goes through
 * here, under vm->lock. */
static void area_account(struct vm_space *vm, const struct vm_area *a, int sign)
{
    if (a->kind == VM_KIND_GATE)
        return;
    uint64_t bytes = a->end - a->start;
    if (sign > 0) {
        vm->area_count++;
        vm->total_bytes += bytes;
        if (is_data(a->prot, a->kind))
            vm->data_bytes += bytes;
    } else {
        vm->area_count--;
        vm->total_bytes -= bytes;
        if (is_data(a->prot, a->kind))
            vm->data_bytes -= bytes;
    }
}

/* -ENOMEM when adding total bytes (data of them counting as data) and
 * new_areas regions would pass a limit. */
static int check_grow(struct vm_space *vm, uint64_t total, uint64_t data, size_t new_areas)
{
    mutex_assert_held(&vm->lock);
    if (vm->area_count + new_areas > vm->area_count_max)
        return -ENOMEM;
    if (total > vm->as_limit_bytes || vm->total_bytes > vm->as_limit_bytes - total)
        return -ENOMEM;
    if (data && (data > vm->data_limit_bytes ||
                 vm->data_bytes > vm->data_limit_bytes - data))
        return -ENOMEM;
    return 0;
}

static struct vm_area *area_find(struct vm_space *vm, uintptr_t addr)
{
    struct list *pos;
    list_for_each(pos, &vm->areas) {
        struct vm_area *a = list_entry(pos, struct vm_area, link);
        if (addr < a->start)
            return NULL;
        if (addr < a->end)
            return a;
    }
    return NULL;
}

static bool range_is_free(struct vm_space *vm, uintptr_t start, uintptr_t end)
{
    struct list *pos;
    list_for_each(pos, &vm->areas) {
        struct vm_area *a = list_entry(pos, struct vm_area, link);
        if (a->start < end && start < a->end)
            return false;
    }
    return true;
}

static void area_insert(struct vm_space *vm, struct vm_area *na)
{
    area_account(vm, na, 1);
    struct list *pos;
    list_for_each(pos, &vm->areas) {
        struct vm_area *a = list_entry(pos, struct vm_area, link);
        if (a->start > na->start) {
            list_insert_after(pos->prev, &na->link);
            return;
        }
    }
    list_push_back(&vm->areas, &na->link);
}

static struct vm_area *area_new(uintptr_t start, uintptr_t end, unsigned prot,
                                enum vm_kind kind)
{
    struct vm_area *a = kzalloc(sizeof(*a));
    if (!a)
        return NULL;
    list_init(&a->link);
    a->start = start;
    a->end = end;
    a->prot = prot;
    a->kind = kind;
    return a;
}

/* Splits the region containing addr (strictly inside) in two at addr.
 * -ENOMEM at the map count limit. */
static int split_at(struct vm_space *vm, uintptr_t addr)
{
    struct vm_area *a = area_find(vm, addr);
    if (!a || a->start == addr)
        return 0;
    if (vm->area_count >= vm->area_count_max)
        return -ENOMEM;
    struct vm_area *b = area_new(addr, a->end, a->prot, a->kind);
    if (!b)
        return -ENOMEM;
    area_account(vm, a, -1);
    a->end = addr;
    area_account(vm, a, 1);
    area_account(vm, b, 1);
    list_insert_after(&a->link, &b->link);
    return 0;
}

static bool range_is_user(uintptr_t start, size_t len)
{
    return start >= VM_USER_MIN && len <= GATE_ADDRESS && start <= GATE_ADDRESS - len;
}

/* -ENOMEM when splitting the regions straddling start and end would pass
 * the region count limit; checked first so that a failure changes nothing. */
static int check_splits(struct vm_space *vm, uintptr_t start, uintptr_t end)
{
    size_t splits = 0;
    struct vm_area *a = area_find(vm, start);
    splits += a && a->start != start;
    a = area_find(vm, end);
    splits += a && a->start != end;
    return vm->area_count + splits > vm->area_count_max ? -ENOMEM : 0;
}

/* Removes every region in [start, end), splitting those that straddle. */
static int range_unmap(struct vm_space *vm, uintptr_t start, uintptr_t end)
{
    int rc = check_splits(vm, start, end);
    if (rc == 0)
        rc = split_at(vm, start);
    if (rc == 0)
        rc = split_at(vm, end);
    if (rc < 0)
        return rc;
    struct list *pos = vm->areas.next;
    while (pos != &vm->areas) {
        struct vm_area *a = list_entry(pos, struct vm_area, link);
        pos = pos->next;
        if (a->start >= end)
            break;
        if (a->end <= start || a->kind == VM_KIND_GATE)
            continue;
        unmap_pages(vm, a->start, a->end);
        area_account(vm, a, -1);
        list_remove(&a->link);
        kfree(a);
    }
    return 0;
}

/* ---- spaces --------------------------------------------------------- */

struct vm_space *vm_space_create(void)
{
    uint64_t gate = gate_page();
    if (!gate)
        return NULL;
    struct vm_space *vm = kzalloc(sizeof(*vm));
    if (!vm)
        return NULL;
    list_init(&vm->areas);
    mutex_init(&vm->lock);
    vm->as_limit_bytes = UINT64_MAX;
    vm->data_limit_bytes = UINT64_MAX;
    vm->area_count_max = VM_MAP_COUNT_MAX;
    vm->as = arch_mmu_create();
    if (!vm->as)
        goto fail_space;
    struct vm_area *ga = area_new(GATE_ADDRESS, GATE_ADDRESS + PAGE_SIZE, VM_READ | VM_EXEC,
                                  VM_KIND_GATE);
    if (!ga)
        goto fail_as;
    if (arch_mmu_map(vm->as, GATE_ADDRESS, gate, PAGE_SIZE, MMU_USER | MMU_READ | MMU_EXEC) < 0)
        goto fail_area;
    area_insert(vm, ga);
    return vm;

fail_area:
    kfree(ga);
fail_as:
    arch_mmu_destroy(vm->as);
fail_space:
    kfree(vm);
    return NULL;
}

void vm_space_destroy(struct vm_space *vm)
{
    if (!vm)
        return;
    while (!list_empty(&vm->areas)) {
        struct vm_area *a = list_entry(vm->areas.next, struct vm_area, link);
        if (a->kind == VM_KIND_GATE)
            arch_mmu_unmap(vm->as, a->start, a->end - a->start);
        else
            unmap_pages(vm, a->start, a->end);
        area_account(vm, a, -1);
        list_remove(&a->link);
        kfree(a);
    }
    arch_mmu_destroy(vm->as);
    kfree(vm);
}

void vm_space_activate(struct vm_space *vm)
{
    arch_mmu_activate(vm ? vm->as : arch_mmu_kernel_space());
}

struct vm_space *vm_space_fork(struct vm_space *parent)
{
    struct vm_space *child = vm_space_create();
    if (!child)
        return NULL;
    mutex_lock(&parent->lock);
    child->brk_start = parent->brk_start;
    child->brk_cur = parent->brk_cur;
    child->as_limit_bytes = parent->as_limit_bytes;
    child->data_limit_bytes = parent->data_limit_bytes;
    child->area_count_max = parent->area_count_max;
    struct list *pos;
    list_for_each(pos, &parent->areas) {
        struct vm_area *a = list_entry(pos, struct vm_area, link);
        if (a->kind == VM_KIND_GATE)
            continue;
        struct vm_area *ca = area_new(a->start, a->end, a->prot, a->kind);
        if (!ca)
            goto fail;
        area_insert(child, ca);
        /* Both sides read-only (the parent's TLBs invalidated before
         * fork returns), so a write from either faults into cow_break. */
        if (arch_mmu_fork_range(parent->as, child->as, a->start, a->end - a->start,
                                mmu_flags(a->prot, false), (a->prot & VM_WRITE) != 0,
                                user_page_ref) < 0)
            goto fail;
    }
    mutex_unlock(&parent->lock);
    return child;

fail:
    mutex_unlock(&parent->lock);
    vm_space_destroy(child);
    return NULL;
}

int vm_map_region(struct vm_space *vm, uintptr_t start, size_t len, unsigned prot,
                  enum vm_kind kind)
{
    if (!IS_ALIGNED(start, PAGE_SIZE) || !len || !range_is_user(start, len))
        return -EINVAL;
    uintptr_t end = start + ALIGN_UP(len, PAGE_SIZE);
    mutex_lock(&vm->lock);
    int rc = -EEXIST;
    if (range_is_free(vm, start, end)) {
        rc = check_grow(vm, end - start, is_data(prot, kind) ? end - start : 0, 1);
        struct vm_area *a = rc == 0 ? area_new(start, end, prot, kind) : NULL;
        if (rc == 0 && !a)
            rc = -ENOMEM;
        if (a)
            area_insert(vm, a);
    }
    mutex_unlock(&vm->lock);
    return rc;
}

/* ---- faults --------------------------------------------------------- */

/* Makes the page at va private and writable for this space: a fresh zero
 * page when none is mapped, a copy when it is shared. Returns its physical
 * address or 0 (-ENOMEM). */
static uint64_t page_make_private(struct vm_space *vm, struct vm_area *a, uintptr_t va)
{
    mutex_assert_held(&vm->lock);
    uint64_t pa;
    unsigned flags;
    unsigned rw = mmu_flags(a->prot, true);

    if (arch_mmu_query(vm->as, va, &pa, &flags) < 0) {
        pa = user_page_alloc();
        if (!pa)
            return 0;
        if (arch_mmu_map(vm->as, va, pa, PAGE_SIZE, rw) < 0) {
            user_page_unref(pa);
            return 0;
        }
        __atomic_add_fetch(&stats.zero_fills, 1, __ATOMIC_RELAXED);
        return pa;
    }
    struct page *pg = page_of_phys(pa);
    if (__atomic_load_n(&pg->map_count, __ATOMIC_ACQUIRE) == 1) {
        if ((flags & MMU_WRITE) != (rw & MMU_WRITE)) {
            arch_mmu_protect(vm->as, va, PAGE_SIZE, rw);
            __atomic_add_fetch(&stats.cow_reuses, 1, __ATOMIC_RELAXED);
        }
        return pa;
    }
    uint64_t copy = pages_alloc(0, 0);
    if (!copy)
        return 0;
    memcpy(phys_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
    __atomic_store_n(&page_of_phys(copy)->map_count, 1, __ATOMIC_RELEASE);
    arch_mmu_unmap(vm->as, va, PAGE_SIZE);
    if (arch_mmu_map(vm->as, va, copy, PAGE_SIZE, rw) < 0) {
        /* Put the shared page back (a table page exists: it was mapped). */
        arch_mmu_map(vm->as, va, pa, PAGE_SIZE, flags);
        pages_free(copy, 0);
        return 0;
    }
    user_page_unref(pa);
    __atomic_add_fetch(&stats.cow_copies, 1, __ATOMIC_RELAXED);
    return copy;
}

int vm_fault_in(struct vm_space *vm, uintptr_t addr, unsigned fault_flags)
{
    if (addr >= USER_SPACE_END)
        return -EFAULT;
    uintptr_t va = ALIGN_DOWN(addr, PAGE_SIZE);
    int rc = 0;

    mutex_lock(&vm->lock);
    struct vm_area *a = area_find(vm, addr);
    if (!a) {
        rc = -EFAULT;
        goto out;
    }
    unsigned need = fault_flags & FAULT_WRITE ? VM_WRITE
                  : fault_flags & FAULT_EXEC ? VM_EXEC : (VM_READ | VM_WRITE | VM_EXEC);
    if (!(a->prot & need)) {
        rc = -EACCES;
        goto out;
    }
    if (a->kind == VM_KIND_GATE)
        goto out;
    uint64_t pa;
    unsigned flags;
    bool is_mapped = arch_mmu_query(vm->as, va, &pa, &flags) == 0;
    if (is_mapped && !(fault_flags & FAULT_WRITE))
        goto out;               /* another thread resolved it meanwhile */
    if (is_mapped && (flags & MMU_WRITE))
        goto out;
    if (!page_make_private(vm, a, va))
        rc = -ENOMEM;
out:
    mutex_unlock(&vm->lock);
    return rc;
}

/* Set once at boot, before any process runs: read without ordering. */
static vm_space_current_fn space_current;

void vm_set_space_current(vm_space_current_fn fn)
{
    __atomic_store_n(&space_current, fn, __ATOMIC_RELAXED);
}

struct vm_space *vm_space_current(void)
{
    vm_space_current_fn fn = __atomic_load_n(&space_current, __ATOMIC_RELAXED);
    return fn ? fn() : NULL;
}

static vm_oom_fn oom_handler;   /* set once before any process runs */

void vm_set_oom_handler(vm_oom_fn fn)
{
    oom_handler = fn;
}

/* Out of pages, a fault asks the OOM handler (which may kill a process
 * and wait for its memory) and retries, a bounded number of times. */
#define OOM_RETRIES 1000

int vm_fault(uintptr_t addr, unsigned fault_flags)
{
    struct vm_space *vm = vm_space_current();
    if (!vm)
        return -EFAULT;
    bool was_paused = thread_fail_pause(true);
    int rc = vm_fault_in(vm, addr, fault_flags);
    for (int i = 0; rc == -ENOMEM && oom_handler && i < OOM_RETRIES; i++) {
        if (!oom_handler())
            break;
        rc = vm_fault_in(vm, addr, fault_flags);
    }
    thread_fail_pause(was_paused);
    return rc;
}

int vm_write(struct vm_space *vm, uintptr_t va, const void *src, size_t len)
{
    const char *from = src;
    int rc = 0;

    mutex_lock(&vm->lock);
    while (len) {
        uintptr_t page = ALIGN_DOWN(va, PAGE_SIZE);
        size_t n = MIN(len, page + PAGE_SIZE - va);
        struct vm_area *a = area_find(vm, va);
        if (!a || a->kind == VM_KIND_GATE) {
            rc = -EFAULT;
            break;
        }
        uint64_t pa = page_make_private(vm, a, page);
        if (!pa) {
            rc = -ENOMEM;
            break;
        }
        memcpy((char *)phys_to_virt(pa) + (va - page), from, n);
        from += n;
        va += n;
        len -= n;
    }
    mutex_unlock(&vm->lock);
    return rc;
}

int vm_read(struct vm_space *vm, uintptr_t va, void *dst, size_t len)
{
    char *to = dst;
    int rc = 0;

    mutex_lock(&vm->lock);
    while (len) {
        uintptr_t page = ALIGN_DOWN(va, PAGE_SIZE);
        size_t n = MIN(len, page + PAGE_SIZE - va);
        uint64_t pa;
        unsigned flags;
        if (va >= USER_SPACE_END || arch_mmu_query(vm->as, page, &pa, &flags) < 0) {
            rc = -EFAULT;
            break;
        }
        memcpy(to, (const char *)phys_to_virt(pa) + (va - page), n);
        to += n;
        va += n;
        len -= n;
    }
    mutex_unlock(&vm->lock);
    return rc;
}

bool vm_range_allowed(struct vm_space *vm, uintptr_t addr, size_t len, unsigned prot)
{
    if (addr >= USER_SPACE_END || len > USER_SPACE_END - addr)
        return false;
    bool ok = true;
    mutex_lock(&vm->lock);
    uintptr_t end = addr + len;
    while (addr < end) {
        struct vm_area *a = area_find(vm, addr);
        if (!a || (a->prot & prot) != prot) {
            ok = false;
            break;
        }
        addr = a->end;
    }
    mutex_unlock(&vm->lock);
    return ok;
}

/* ---- mmap, munmap, mprotect, brk ------------------------------------- */

/* Bytes of regions inside [start, end), and of those counting as data. */
static void range_usage(struct vm_space *vm, uintptr_t start, uintptr_t end,
                        uint64_t *total, uint64_t *data)
{
    *total = *data = 0;
    struct list *pos;
    list_for_each(pos, &vm->areas) {
        struct vm_area *a = list_entry(pos, struct vm_area, link);
        if (a->start >= end)
            break;
        if (a->end <= start || a->kind == VM_KIND_GATE)
            continue;
        uint64_t bytes = MIN(a->end, end) - MAX(a->start, start);
        *total += bytes;
        if (is_data(a->prot, a->kind))
            *data += bytes;
    }
}

static uintptr_t find_gap(struct vm_space *vm, size_t len)
{
    uintptr_t top = VM_MMAP_TOP;
    for (struct list *pos = vm->areas.prev; pos != &vm->areas; pos = pos->prev) {
        struct vm_area *a = list_entry(pos, struct vm_area, link);
        if (a->start >= top)
            continue;
        if (a->end <= top && top - a->end >= len)
            return top - len;
        top = a->start;
    }
    return top - VM_USER_MIN >= len ? top - len : 0;
}

long vm_mmap(struct vm_space *vm, uintptr_t addr, size_t len, unsigned prot, unsigned flags)
{
    if (!len || (prot & ~(unsigned)(VM_READ | VM_WRITE | VM_EXEC)))
        return -EINVAL;
    if (!(flags & MAP_ANONYMOUS))
        return -ENODEV;
    if ((flags & (MAP_SHARED | MAP_PRIVATE)) != MAP_PRIVATE)
        return -EINVAL;
    if (len > USER_SPACE_END)
        return -ENOMEM;
    len = ALIGN_UP(len, PAGE_SIZE);
    if ((flags & MAP_FIXED) && (!IS_ALIGNED(addr, PAGE_SIZE) || !range_is_user(addr, len)))
        return -EINVAL;

    struct vm_area *na = area_new(0, 0, prot, VM_KIND_ANON);
    if (!na)
        return -ENOMEM;
    mutex_lock(&vm->lock);
    long rc;
    if (flags & MAP_FIXED) {
        /* The limits see the space as it will be: what the new region
         * replaces is given back first (Linux checks the same way). */
        uint64_t old_total, old_data;
        range_usage(vm, addr, addr + len, &old_total, &old_data);
        rc = check_grow(vm, len - old_total, is_data(prot, VM_KIND_ANON) ? len - old_data : 0, 1);
        if (rc == 0)
            rc = range_unmap(vm, addr, addr + len);
        if (rc < 0)
            goto fail;
    } else if ((rc = check_grow(vm, len, is_data(prot, VM_KIND_ANON) ? len : 0, 1)) < 0) {
        goto fail;
    } else if (addr && IS_ALIGNED(addr, PAGE_SIZE) && range_is_user(addr, len) &&
               range_is_free(vm, addr, addr + len)) {
        /* the hint is free: take it */
    } else {
        addr = find_gap(vm, len);
        if (!addr) {
            rc = -ENOMEM;
            goto fail;
        }
    }
    na->start = addr;
    na->end = addr + len;
    area_insert(vm, na);
    mutex_unlock(&vm->lock);
    return (long)addr;

fail:
    mutex_unlock(&vm->lock);
    kfree(na);
    return rc;
}

int vm_munmap(struct vm_space *vm, uintptr_t addr, size_t len)
{
    if (!IS_ALIGNED(addr, PAGE_SIZE) || !len || len > USER_SPACE_END)
        return -EINVAL;
    len = ALIGN_UP(len, PAGE_SIZE);
    if (!range_is_user(addr, len))
        return -EINVAL;
    mutex_lock(&vm->lock);
    int rc = range_unmap(vm, addr, addr + len);
    mutex_unlock(&vm->lock);
    return rc;
}

int vm_mprotect(struct vm_space *vm, uintptr_t addr, size_t len, unsigned prot)
{
    if (!IS_ALIGNED(addr, PAGE_SIZE) || (prot & ~(unsigned)(VM_READ | VM_WRITE | VM_EXEC)))
        return -EINVAL;
    if (!len)
        return 0;
    if (len > USER_SPACE_END)
        return -ENOMEM;
    len = ALIGN_UP(len, PAGE_SIZE);
    if (!range_is_user(addr, len))
        return -ENOMEM;
    uintptr_t end = addr + len;
    int rc = 0;

    mutex_lock(&vm->lock);
    /* Every page of the range must be in a region (Linux: ENOMEM). */
    for (uintptr_t at = addr; at < end;) {
        struct vm_area *a = area_find(vm, at);
        if (!a || a->kind == VM_KIND_GATE) {
            rc = -ENOMEM;
            goto out;
        }
        at = a->end;
    }
    rc = check_splits(vm, addr, end);
    if (rc == 0)
        rc = split_at(vm, addr);
    if (rc == 0)
        rc = split_at(vm, end);
    if (rc < 0)
        goto out;
    struct list *pos;
    list_for_each(pos, &vm->areas) {
        struct vm_area *a = list_entry(pos, struct vm_area, link);
        if (a->start >= end)
            break;
        if (a->end <= addr)
            continue;
        area_account(vm, a, -1);
        a->prot = prot;
        area_account(vm, a, 1);
        /* Write permission comes back page by page through faults, which
         * keep shared (COW) pages read-only. */
        protect_pages(vm, a->start, a->end, mmu_flags(prot, false));
    }
out:
    mutex_unlock(&vm->lock);
    return rc;
}

void vm_brk_init(struct vm_space *vm, uintptr_t start)
{
    mutex_lock(&vm->lock);
    vm->brk_start = vm->brk_cur = start;
    mutex_unlock(&vm->lock);
}

uintptr_t vm_brk(struct vm_space *vm, uintptr_t addr)
{
    mutex_lock(&vm->lock);
    uintptr_t cur = vm->brk_cur;
    if (!vm->brk_start || addr < vm->brk_start || addr >= VM_MMAP_TOP)
        goto out;
    uintptr_t old_end = ALIGN_UP(cur, PAGE_SIZE), new_end = ALIGN_UP(addr, PAGE_SIZE);
    if (new_end > old_end) {
        if (!range_is_free(vm, old_end, new_end) ||
            check_grow(vm, new_end - old_end, new_end - old_end, 1) < 0)
            goto out;
        struct vm_area *heap = old_end > ALIGN_UP(vm->brk_start, PAGE_SIZE)
                             ? area_find(vm, old_end - 1) : NULL;
        if (heap && heap->kind == VM_KIND_ANON && heap->end == old_end &&
            heap->prot == (VM_READ | VM_WRITE)) {
            area_account(vm, heap, -1);
            heap->end = new_end;
            area_account(vm, heap, 1);
        } else {
            struct vm_area *a = area_new(old_end, new_end, VM_READ | VM_WRITE, VM_KIND_ANON);
            if (!a)
                goto out;
            area_insert(vm, a);
        }
    } else if (new_end < old_end) {
        if (range_unmap(vm, new_end, old_end) < 0)
            goto out;
    }
    vm->brk_cur = cur = addr;
out:
    mutex_unlock(&vm->lock);
    return cur;
}

/* ---- statistics ------------------------------------------------------ */

void vm_get_stats(struct vm_stats *out)
{
    out->cow_copies = __atomic_load_n(&stats.cow_copies, __ATOMIC_RELAXED);
    out->cow_reuses = __atomic_load_n(&stats.cow_reuses, __ATOMIC_RELAXED);
    out->zero_fills = __atomic_load_n(&stats.zero_fills, __ATOMIC_RELAXED);
}

size_t vm_region_count(struct vm_space *vm)
{
    size_t n = 0;
    struct list *pos;
    mutex_lock(&vm->lock);
    list_for_each(pos, &vm->areas)
        n++;
    mutex_unlock(&vm->lock);
    return n;
}

size_t vm_region_bytes(struct vm_space *vm)
{
    mutex_lock(&vm->lock);
    size_t bytes = vm->total_bytes;
    mutex_unlock(&vm->lock);
    return bytes;
}

void vm_set_limits(struct vm_space *vm, uint64_t as_limit_bytes, uint64_t data_limit_bytes)
{
    mutex_lock(&vm->lock);
    vm->as_limit_bytes = as_limit_bytes;
    vm->data_limit_bytes = data_limit_bytes;
    mutex_unlock(&vm->lock);
}

void vm_set_map_count_max(struct vm_space *vm, size_t max_regions)
{
    mutex_lock(&vm->lock);
    vm->area_count_max = max_regions;
    mutex_unlock(&vm->lock);
}

void vm_get_limits(struct vm_space *vm, uint64_t *as_limit_bytes, uint64_t *data_limit_bytes)
{
    mutex_lock(&vm->lock);
    *as_limit_bytes = vm->as_limit_bytes;
    *data_limit_bytes = vm->data_limit_bytes;
    mutex_unlock(&vm->lock);
}

size_t vm_mapped_pages(struct vm_space *vm)
{
    size_t n = 0;
    struct list *pos;
    mutex_lock(&vm->lock);
    list_for_each(pos, &vm->areas) {
        struct vm_area *a = list_entry(pos, struct vm_area, link);
        if (a->kind == VM_KIND_GATE)
            continue;
        uint64_t pa;
        for (uintptr_t va = a->start; next_mapped(vm, &va, a->end, &pa); va += PAGE_SIZE)
            n++;
    }
    mutex_unlock(&vm->lock);
    return n;
}

size_t vm_private_pages(struct vm_space *vm)
{
    size_t n = 0;
    struct list *pos;
    mutex_lock(&vm->lock);
    list_for_each(pos, &vm->areas) {
        struct vm_area *a = list_entry(pos, struct vm_area, link);
        if (a->kind == VM_KIND_GATE)
            continue;
        uint64_t pa;
        for (uintptr_t va = a->start; next_mapped(vm, &va, a->end, &pa); va += PAGE_SIZE) {
            struct page *pg = page_of_phys(pa);
            n += pg && __atomic_load_n(&pg->map_count, __ATOMIC_RELAXED) == 1;
        }
    }
    mutex_unlock(&vm->lock);
    return n;
}

unsigned vm_page_map_count(struct vm_space *vm, uintptr_t va)
{
    uint64_t pa;
    unsigned flags, n = 0;
    mutex_lock(&vm->lock);
    if (arch_mmu_query(vm->as, ALIGN_DOWN(va, PAGE_SIZE), &pa, &flags) == 0 && page_of_phys(pa))
        n = __atomic_load_n(&page_of_phys(pa)->map_count, __ATOMIC_RELAXED);
    mutex_unlock(&vm->lock);
    return n;
}
