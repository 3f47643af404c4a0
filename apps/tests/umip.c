/* Privileged CPU state stays private from process code. amd64: with UMIP
 * (CPUID.7:ECX[2]; the kernel sets CR4.UMIP where the CPU has it) sgdt,
 * sidt, sldt, smsw and str fault in user mode instead of revealing the
 * kernel's descriptor-table addresses: SIGSEGV. Without UMIP the test is
 * skipped, saying so. arm64 has no such instructions; the equivalent, an
 * EL0 read of an EL1 system register (TTBR1_EL1: the kernel's page tables;
 * VBAR_EL1: its vectors; SCTLR_EL1), is always undefined: SIGILL.
 * In direct mode process code is privileged (ring 0 / EL1), so the same
 * instructions run: that is checked instead, and proves the mode. */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>
#include <tandem/syscall.h>
#include "tap.h"

/* Runs probe(which) in a child; returns the child's wait status. */
static int in_child(void (*probe)(int), int which)
{
    pid_t pid = fork();
    if (pid == 0) {
        probe(which);
        _exit(0);           /* the instruction ran */
    }
    return pid < 0 ? -1 : wait_for(pid);
}

#if defined(__x86_64__)

static bool cpu_has_umip(void)
{
    uint32_t a = 0, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    if (a < 7)
        return false;
    a = 7;
    c = 0;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return (c >> 2) & 1;
}

static const char *const names[] = { "sgdt", "sidt", "sldt", "smsw", "str" };
#define PROBE_COUNT 5
#define EXPECTED_SIGNAL SIGSEGV

static void probe(int which)
{
    uint8_t table[10];
    uint16_t selector;
    switch (which) {
    case 0: __asm__ volatile("sgdt %0" : "=m"(table)); break;
    case 1: __asm__ volatile("sidt %0" : "=m"(table)); break;
    case 2: __asm__ volatile("sldt %0" : "=m"(selector)); break;
    case 3: __asm__ volatile("smsw %0" : "=m"(selector)); break;
    default: __asm__ volatile("str %0" : "=m"(selector)); break;
    }
}

#else

static bool cpu_has_umip(void)
{
    return true;            /* EL1 registers are never readable at EL0 */
}

static const char *const names[] = { "mrs ttbr1_el1", "mrs vbar_el1", "mrs sctlr_el1" };
#define PROBE_COUNT 3
#define EXPECTED_SIGNAL SIGILL

static void probe(int which)
{
    uint64_t value;
    switch (which) {
    case 0: __asm__ volatile("mrs %0, ttbr1_el1" : "=r"(value)); break;
    case 1: __asm__ volatile("mrs %0, vbar_el1" : "=r"(value)); break;
    default: __asm__ volatile("mrs %0, sctlr_el1" : "=r"(value)); break;
    }
    (void)value;
}

#endif

static void privileged_state_read_faults(void)
{
    if (tandem_direct) {
        tap_skip("direct mode: process code is privileged (direct_mode_is_privileged)");
        return;
    }
    if (!cpu_has_umip()) {
        tap_skip("the CPU lacks UMIP (CPUID.7:ECX[2] clear): sgdt and friends work in user mode");
        return;
    }
    for (int i = 0; i < PROBE_COUNT; i++) {
        int status = in_child(probe, i);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == EXPECTED_SIGNAL,
              "%s in user mode: expected signal %d, got %s", names[i], EXPECTED_SIGNAL,
              status_str(status));
    }
}

static void direct_mode_is_privileged(void)
{
    if (!tandem_direct) {
        tap_skip("isolation mode (privileged_state_read_faults)");
        return;
    }
    for (int i = 0; i < PROBE_COUNT; i++) {
        int status = in_child(probe, i);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "%s in direct mode: expected it to run, got %s", names[i], status_str(status));
    }
}

int main(int argc, char **argv)
{
    static const struct tap_test tests[] = {
        TAP_TEST(privileged_state_read_faults),
        TAP_TEST(direct_mode_is_privileged),
    };
    return tap_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
