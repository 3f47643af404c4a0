/* Isolation-mode platform tests: the user-copy helpers (-EFAULT for kernel
 * addresses, unmapped pages, ranges leaving the lower half; real copies
 * through a temporary user space), arch_mmu_protect, and a real trip to
 * user mode (ring 3 / EL0): a code page, a stack page and the gate mapped
 * in a fresh space; the code calls the gate's syscall entry, then reads a
 * kernel address, which must come back as a user-mode fault. Syscalls and
 * faults of the test thread are caught with plat/uspace_test.h's hook. */
#include <stdint.h>
#include <string.h>
#include <abi/errno.h>
#include <abi/gate.h>
#include <abi/syscall.h>
#include <kern/util.h>
#include <mm/page.h>
#include <plat/cpu.h>
#include <plat/mmu.h>
#include <plat/trap.h>
#include <plat/uaccess.h>
#include <plat/uspace.h>
#include <plat/uspace_test.h>
#include <sched/thread.h>
#include <ktest.h>

#define USER_CODE_VA  0x0000000000400000UL
#define USER_DATA_VA  0x0000000010000000UL
#define USER_STACK_VA 0x00007fff00000000UL

#define STRING_(x) #x
#define STRING(x) STRING_(x)
#define GATE_ADDRESS_ASM 0x00007ffffffff000
_Static_assert(GATE_ADDRESS == GATE_ADDRESS_ASM, "the gate address in the user code");
/* the SYS_* numbers are enum constants: the assembly needs literals */
#define SYS_GETPID_ASM 6
#define SYS_GETTID_ASM 8
_Static_assert(SYS_getpid == SYS_GETPID_ASM, "getpid's number in the user code");
_Static_assert(SYS_gettid == SYS_GETTID_ASM, "gettid's number in the user code");

/* Read by the user code: a kernel address it must not reach. */
const char ktest_kernel_secret[16] = "kernel secret";
#define kernel_secret ktest_kernel_secret

KTEST(uaccess_kernel_address_efault, KTEST_DEFAULT)
{
    char buf[16];
    char *kernel_buf = buf;
    int rc = copy_from_user(buf, kernel_secret, sizeof(buf));
    KTEST_EXPECT(rc == -EFAULT, "copy_from_user(kernel address): expected -EFAULT, got %d", rc);
    rc = copy_to_user(kernel_buf, "x", 1);
    KTEST_EXPECT(rc == -EFAULT, "copy_to_user(kernel address): expected -EFAULT, got %d", rc);
    rc = clear_user(kernel_buf, 4);
    KTEST_EXPECT(rc == -EFAULT, "clear_user(kernel address): expected -EFAULT, got %d", rc);
    long n = strncpy_from_user(buf, kernel_secret, sizeof(buf));
    KTEST_EXPECT(n == -EFAULT, "strncpy_from_user(kernel address): expected -EFAULT, got %ld", n);
    return 0;
}

KTEST(uaccess_range_end_efault, KTEST_DEFAULT)
{
    char buf[16];
    int rc = copy_from_user(buf, (const void *)(USER_SPACE_END - 8), 16);
    KTEST_EXPECT(rc == -EFAULT, "copy across the end of the lower half: expected -EFAULT, got %d", rc);
    rc = copy_from_user(buf, (const void *)0x1000, (size_t)-0x800);
    KTEST_EXPECT(rc == -EFAULT, "copy with a wrapping size: expected -EFAULT, got %d", rc);
    rc = copy_to_user((void *)(USER_SPACE_END - 1), buf, 2);
    KTEST_EXPECT(rc == -EFAULT, "copy_to_user across the end: expected -EFAULT, got %d", rc);
    return 0;
}

/* No process space is active here: the lower half is empty. */
KTEST(uaccess_unmapped_efault, KTEST_DEFAULT)
{
    char buf[16];
    int rc = copy_from_user(buf, (const void *)USER_DATA_VA, sizeof(buf));
    KTEST_EXPECT(rc == -EFAULT, "copy_from_user(unmapped): expected -EFAULT, got %d", rc);
    rc = copy_to_user((void *)USER_DATA_VA, buf, sizeof(buf));
    KTEST_EXPECT(rc == -EFAULT, "copy_to_user(unmapped): expected -EFAULT, got %d", rc);
    long n = strncpy_from_user(buf, (const char *)USER_DATA_VA, sizeof(buf));
    KTEST_EXPECT(n == -EFAULT, "strncpy_from_user(unmapped): expected -EFAULT, got %ld", n);
    return 0;
}

/* Copies through a space made active on this CPU (interrupts off so the
 * thread stays here): one page mapped read/write, the next unmapped. */
KTEST(uaccess_mapped_copies, KTEST_DEFAULT)
{
    struct arch_aspace *as = arch_mmu_create();
    KTEST_EXPECT(as, "arch_mmu_create failed");
    uint64_t pa = pages_alloc(0, PAGES_ZERO);
    KTEST_EXPECT(pa, "pages_alloc failed");
    int rc = arch_mmu_map(as, USER_DATA_VA, pa, PAGE_SIZE, MMU_USER | MMU_READ | MMU_WRITE);
    KTEST_EXPECT(rc == 0, "arch_mmu_map(user page): %d", rc);
    char *page = phys_to_virt(pa);
    char *user = (char *)USER_DATA_VA;
    char buf[32];
    int r[8];
    long n[3];
    size_t left[3];

    unsigned long irq = arch_irq_save();
    arch_mmu_activate(as);
    r[0] = copy_to_user(user + 100, "hello, user", 12);
    memset(buf, 0, sizeof(buf));
    r[1] = copy_from_user(buf, user + 100, 12);
    n[0] = strncpy_from_user(buf + 16, user + 100, 16);
    n[1] = strncpy_from_user(buf + 16, user + 100, 5);
    /* across the end of the mapped page into the unmapped one */
    r[2] = copy_from_user(buf, user + PAGE_SIZE - 8, 16);
    r[3] = copy_to_user(user + PAGE_SIZE - 4, buf, 8);
    n[2] = strncpy_from_user(buf, user + PAGE_SIZE - 1, 16);   /* the last byte is 0 */
    /* the raw helpers say exactly how much was left: 13 bytes fit (a
     * quadword, then one that straddles the end: amd64 goes bytewise) */
    left[0] = arch_copy_from_user_raw(buf, user + PAGE_SIZE - 13, 20);
    left[1] = arch_copy_to_user_raw(user + PAGE_SIZE - 13, buf, 20);
    left[2] = arch_clear_user_raw(user + PAGE_SIZE - 13, 20);
    r[4] = clear_user(user + 100, 6);
    /* read-only now: writes fail, reads work */
    arch_mmu_protect(as, USER_DATA_VA, PAGE_SIZE, MMU_USER | MMU_READ);
    r[5] = copy_to_user(user + 200, "x", 1);
    r[6] = copy_from_user(buf, user + 100, 12);
    arch_mmu_protect(as, USER_DATA_VA, PAGE_SIZE, MMU_USER | MMU_READ | MMU_WRITE);
    r[7] = copy_to_user(user + 200, "y", 1);
    arch_mmu_activate(arch_mmu_kernel_space());
    arch_irq_restore(irq);

    arch_mmu_unmap(as, USER_DATA_VA, PAGE_SIZE);
    arch_mmu_destroy(as);
    int result = 0;
    if (r[0] || r[1] || memcmp(buf + 16, "hello", 5) != 0) {
        printk("# copy_to/from_user on a mapped page: %d %d\n", r[0], r[1]);
        result = -1;
    }
    if (left[0] != 7 || left[1] != 7 || left[2] != 7) {
        printk("# raw copies across the page end: expected 7 7 7 left, got %zu %zu %zu\n",
               left[0], left[1], left[2]);
        result = -1;
    }
    if (n[0] != 11 || n[1] != -ENAMETOOLONG || n[2] != 0) {
        printk("# strncpy_from_user: expected 11 -%d 0, got %ld %ld %ld\n", ENAMETOOLONG,
               n[0], n[1], n[2]);
        result = -1;
    }
    if (r[2] != -EFAULT || r[3] != -EFAULT) {
        printk("# copies into the unmapped page: expected -EFAULT, got %d %d\n", r[2], r[3]);
        result = -1;
    }
    if (r[4] || page[100] != 0 || page[105] != 0 || page[106] != ' ') {
        printk("# clear_user: rc %d, bytes %d %d %d\n", r[4], page[100], page[105], page[106]);
        result = -1;
    }
    if (r[5] != -EFAULT || r[6] || r[7] || page[200] != 'y') {
        printk("# after arch_mmu_protect: write to read-only %d (expected -EFAULT), read %d, "
               "write after making it writable %d ('%c')\n", r[5], r[6], r[7], page[200]);
        result = -1;
    }
    pages_free(pa, 0);
    return result;
}

/* ---- a real trip to user mode ---- */

/* The user code: calls the gate's syscall entry with SYS_getpid (the
 * call pushes its return address: the stack works), keeps the result in
 * a callee-saved register, then loads from a kernel address. The hook
 * answers getpid and pushes a signal frame: user_blob_handler runs, makes
 * a syscall with its arguments (gettid), returns to the gate's sigreturn
 * trampoline, and the hook pops the frame, which must give the main code
 * back the getpid result. Position independent: copied to USER_CODE_VA. */
#if defined(__x86_64__)
__asm__(".pushsection .rodata\n"
        ".globl user_blob_start, user_blob_end, user_blob_handler\n"
        "user_blob_start:\n"
        "    mov $" STRING(SYS_GETPID_ASM) ", %eax\n"
        "    movabs $" STRING(GATE_ADDRESS_ASM) ", %rbx\n"
        "    call *%rbx\n"
        "    mov %rax, %r12\n"
        "    movabs $ktest_kernel_secret, %rcx\n"
        "    mov (%rcx), %rax\n"
        "    ud2\n"
        "user_blob_handler:\n"
        "    mov $" STRING(SYS_GETTID_ASM) ", %eax\n"
        "    movabs $" STRING(GATE_ADDRESS_ASM) ", %rbx\n"
        "    call *%rbx\n"
        "    ret\n"
        "user_blob_end:\n"
        ".popsection\n");
#elif defined(__aarch64__)
__asm__(".pushsection .rodata\n"
        ".globl user_blob_start, user_blob_end, user_blob_handler\n"
        ".balign 4\n"
        "user_blob_start:\n"
        "    mov x8, #" STRING(SYS_GETPID_ASM) "\n"
        "    movz x9, #0xf000\n"
        "    movk x9, #0xffff, lsl #16\n"
        "    movk x9, #0x7fff, lsl #32\n"
        "    stp x29, x30, [sp, #-16]!\n"
        "    blr x9\n"
        "    ldp x29, x30, [sp], #16\n"
        "    mov x19, x0\n"
        "    ldr x10, 1f\n"
        "    ldr x11, [x10]\n"
        "    brk #0\n"
        "    .balign 8\n"
        "1:  .quad ktest_kernel_secret\n"
        "user_blob_handler:\n"
        "    stp x29, x30, [sp, #-16]!\n"
        "    mov x8, #" STRING(SYS_GETTID_ASM) "\n"
        "    movz x9, #0xf000\n"
        "    movk x9, #0xffff, lsl #16\n"
        "    movk x9, #0x7fff, lsl #32\n"
        "    blr x9\n"
        "    ldp x29, x30, [sp], #16\n"
        "    ret\n"
        "user_blob_end:\n"
        ".popsection\n");
#endif
extern const char user_blob_start[], user_blob_end[], user_blob_handler[];

#define TEST_SIGNAL 10
#define TEST_SAVED_MASK 0x5a5aUL

static struct {
    struct thread *thread;
    struct arch_aspace *as;
    int syscalls;
    unsigned long first_nr;
    bool was_user_syscall;
    int fault_kind;
    uintptr_t fault_addr;
    uintptr_t fault_pc;
    uintptr_t fault_sp;
    bool was_user_fault;
    uint64_t result_reg;
    int push_rc;
    unsigned long handler_args[3];
    uint32_t handler_info_signo;
    int info_copy_rc;
    int pop_rc;
    uint64_t popped_mask;
    bool was_popped;
} trip;

static bool trip_hook(struct trap_frame *tf, int event, uintptr_t addr)
{
    if (thread_current() != trip.thread)
        return false;
    if (event == USER_TEST_SYSCALL) {
        unsigned long nr = arch_syscall_nr(tf);
        if (trip.syscalls++ == 0) {
            /* getpid from the main code: answer, then deliver a signal
             * whose handler runs before the gate's ret. */
            trip.first_nr = nr;
            trip.was_user_syscall = arch_trap_from_user(tf);
            arch_syscall_set_result(tf, 4242);
            uint32_t info[32] = { TEST_SIGNAL };
            arch_user_test_set_irqs_masked(tf, false);  /* as a process would run */
            trip.push_rc = arch_signal_push(tf, arch_user_sp(tf), TEST_SIGNAL,
                                            USER_CODE_VA + (user_blob_handler - user_blob_start),
                                            GATE_ADDRESS + GATE_SIGRETURN_OFFSET, info,
                                            sizeof(info), TEST_SAVED_MASK);
            arch_user_test_set_irqs_masked(tf, true);
        } else if (nr == SYS_gettid) {
            /* from the handler, with its three arguments */
            for (unsigned i = 0; i < 3; i++)
                trip.handler_args[i] = arch_syscall_arg(tf, i);
            trip.info_copy_rc = copy_from_user(&trip.handler_info_signo,
                                               (const void *)trip.handler_args[1], 4);
            arch_syscall_set_result(tf, 0);
        } else if (nr == SYS_sigreturn) {
            /* from the gate's trampoline after the handler returned */
            trip.pop_rc = arch_signal_pop(tf, &trip.popped_mask);
            trip.was_popped = true;
            arch_user_test_set_irqs_masked(tf, true);
        }
        return true;
    }
    trip.fault_kind = event;
    trip.fault_addr = addr;
    trip.fault_pc = arch_trap_pc(tf);
    trip.fault_sp = arch_user_sp(tf);
    trip.was_user_fault = arch_trap_from_user(tf);
    /* the syscall's result, kept by the user code in r12 / x19 */
#if defined(__x86_64__)
    trip.result_reg = ((uint64_t *)tf)[4];          /* cr2, r15, r14, r13, r12 */
#else
    trip.result_reg = ((uint64_t *)tf)[19];
#endif
    arch_mmu_activate(arch_mmu_kernel_space());
    thread_exit(0);
}

static int trip_thread(void *arg)
{
    (void)arg;
    uint64_t frame_buf[128] __attribute__((aligned(64)));
    struct trap_frame *tf = (struct trap_frame *)frame_buf;

    /* The hook knows this thread once thread_create returned. */
    while (__atomic_load_n(&trip.thread, __ATOMIC_ACQUIRE) != thread_current())
        sched_yield();
    arch_irq_disable();
    arch_set_kernel_stack((void *)thread_stack_top(thread_current()));
    arch_mmu_activate(trip.as);
    arch_user_frame_init(tf, USER_CODE_VA, USER_STACK_VA + PAGE_SIZE);
    arch_user_test_set_irqs_masked(tf, true);
    arch_user_enter(tf);
}

KTEST(uspace_user_mode_trip, KTEST_DEFAULT)
{
    size_t blob_size = (size_t)(user_blob_end - user_blob_start);
    uint64_t code = pages_alloc(0, PAGES_ZERO), stack = pages_alloc(0, PAGES_ZERO);
    uint64_t gate = pages_alloc(0, PAGES_ZERO);
    KTEST_EXPECT(code && stack && gate, "pages_alloc failed");
    memcpy(phys_to_virt(code), user_blob_start, blob_size);
    arch_gate_fill(phys_to_virt(gate));

    memset(&trip, 0, sizeof(trip));
    trip.as = arch_mmu_create();
    KTEST_EXPECT(trip.as, "arch_mmu_create failed");
    int rc = arch_mmu_map(trip.as, USER_CODE_VA, code, PAGE_SIZE,
                          MMU_USER | MMU_READ | MMU_EXEC);
    if (!rc)
        rc = arch_mmu_map(trip.as, USER_STACK_VA, stack, PAGE_SIZE,
                          MMU_USER | MMU_READ | MMU_WRITE);
    if (!rc)
        rc = arch_mmu_map(trip.as, GATE_ADDRESS, gate, PAGE_SIZE,
                          MMU_USER | MMU_READ | MMU_EXEC);
    KTEST_EXPECT(rc == 0, "arch_mmu_map: %d", rc);

    arch_user_test_hook = trip_hook;
    struct thread *t = thread_create("ktest-user", trip_thread, NULL);
    KTEST_EXPECT(t, "thread_create failed");
    __atomic_store_n(&trip.thread, t, __ATOMIC_RELEASE);
    int exit_code = -1;
    thread_join(trip.thread, &exit_code);
    arch_user_test_hook = NULL;

    arch_mmu_unmap(trip.as, USER_CODE_VA, PAGE_SIZE);
    arch_mmu_unmap(trip.as, USER_STACK_VA, PAGE_SIZE);
    arch_mmu_unmap(trip.as, GATE_ADDRESS, PAGE_SIZE);
    arch_mmu_destroy(trip.as);
    pages_free(code, 0);
    pages_free(stack, 0);
    pages_free(gate, 0);

    KTEST_EXPECT(exit_code == 0, "user thread exit code %d", exit_code);
    KTEST_EXPECT(trip.syscalls == 3 && trip.first_nr == SYS_getpid && trip.was_user_syscall,
                 "syscalls: expected getpid (%d) from user mode, then the handler's gettid "
                 "and sigreturn; got %d, first nr %lu, user %d",
                 SYS_getpid, trip.syscalls, trip.first_nr, trip.was_user_syscall);
    KTEST_EXPECT(trip.push_rc == 0, "arch_signal_push: %d", trip.push_rc);
    KTEST_EXPECT(trip.handler_args[0] == TEST_SIGNAL && trip.info_copy_rc == 0 &&
                 trip.handler_info_signo == TEST_SIGNAL && trip.handler_args[2] &&
                 trip.handler_args[1] % 8 == 0 && trip.handler_args[2] % 8 == 0,
                 "handler arguments: sig %lu (expected %d), info %p (si_signo %u, copy %d), "
                 "ucontext %p", trip.handler_args[0], TEST_SIGNAL,
                 (void *)trip.handler_args[1], trip.handler_info_signo, trip.info_copy_rc,
                 (void *)trip.handler_args[2]);
    KTEST_EXPECT(trip.was_popped && trip.pop_rc == 0 && trip.popped_mask == TEST_SAVED_MASK,
                 "sigreturn through the gate: popped %d, rc %d, mask %#lx (expected %#lx)",
                 trip.was_popped, trip.pop_rc, (unsigned long)trip.popped_mask,
                 TEST_SAVED_MASK);
    KTEST_EXPECT(trip.result_reg == 4242,
                 "syscall result in user mode (restored by sigreturn): expected 4242, got %lu",
                 (unsigned long)trip.result_reg);
    KTEST_EXPECT(trip.was_user_fault && trip.fault_kind == TRAP_PAGE_FAULT &&
                 trip.fault_addr == (uintptr_t)kernel_secret,
                 "fault: expected a user page fault at %p, got kind %d at %p (user %d, pc %p)",
                 (void *)kernel_secret, trip.fault_kind, (void *)trip.fault_addr,
                 trip.was_user_fault, (void *)trip.fault_pc);
    KTEST_EXPECT(trip.fault_pc >= USER_CODE_VA && trip.fault_pc < USER_CODE_VA + blob_size &&
                 trip.fault_sp == USER_STACK_VA + PAGE_SIZE,
                 "fault frame: pc %p sp %p", (void *)trip.fault_pc, (void *)trip.fault_sp);
    return 0;
}

/* Run as ktest=user_page_from_kernel: the kernel dereferences a mapped
 * user page directly, not through the user-copy helpers. SMAP (amd64) or
 * PAN (arm64) must make that a kernel fault, which panics with the
 * address (USER_DATA_VA + 0x5a8). */
KTEST(user_page_from_kernel, KTEST_NAMED_ONLY)
{
    struct arch_aspace *as = arch_mmu_create();
    uint64_t pa = pages_alloc(0, PAGES_ZERO);
    KTEST_EXPECT(as && pa, "no memory");
    int rc = arch_mmu_map(as, USER_DATA_VA, pa, PAGE_SIZE, MMU_USER | MMU_READ | MMU_WRITE);
    KTEST_EXPECT(rc == 0, "arch_mmu_map: %d", rc);
    arch_irq_disable();
    arch_mmu_activate(as);
    volatile uint64_t *p = (volatile uint64_t *)(USER_DATA_VA + 0x5a8);
    uint64_t value = *p;
    arch_mmu_activate(arch_mmu_kernel_space());
    arch_irq_enable();
    ktest_fail("read %#lx from a user page without a fault: SMAP/PAN is off",
               (unsigned long)value);
}
