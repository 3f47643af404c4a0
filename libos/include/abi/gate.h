/* The gate: a page the kernel maps, read+execute, at the same address in
 * every process (ARCHITECTURE.md 2). Processes reach the kernel only
 * through it; its address is also in the auxiliary vector (AT_TANDEM_GATE),
 * which the process side prefers over the constant.
 *
 * Layout: GATE_SYSCALL_OFFSET holds the syscall entry, called like a
 * function with the syscall registers already loaded (number and arguments
 * as in abi/syscall.h); it returns the result in rax / x0 and clobbers only
 * what a syscall instruction clobbers (amd64: rcx, r11; arm64: nothing
 * beyond x0). In isolation mode it is `syscall; ret` / `svc #0; ret`; in
 * direct mode a call into the kernel's entry. GATE_SIGRETURN_OFFSET holds
 * the signal-return trampoline that signal frames return to. */
#ifndef ABI_GATE_H
#define ABI_GATE_H

#define GATE_ADDRESS            0x00007ffffffff000UL
#define GATE_SYSCALL_OFFSET     0x000
#define GATE_SIGRETURN_OFFSET   0x080
/* Direct mode on amd64: where a restarted syscall calls in again (the
 * return address in rcx, as `syscall` leaves it). */
#define GATE_RESTART_OFFSET     0x040

/* auxv type carrying the gate's address (outside Linux's range of types) */
#define AT_TANDEM_GATE          0x7467
/* auxv type carrying the image's mode: 0 isolation, 1 direct (plat/mode.h) */
#define AT_TANDEM_DIRECT        0x7468

#endif
