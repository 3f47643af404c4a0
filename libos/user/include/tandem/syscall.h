/* The process side's way into the kernel: through the gate (abi/gate.h). */
#ifndef TANDEM_SYSCALL_H
#define TANDEM_SYSCALL_H

#include <abi/syscall.h>

/* Loads the syscall registers and calls the gate; returns the kernel's
 * result (negative errno on failure). libos/user/<arch>/syscall.S. */
long tandem_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

/* The gate's syscall entry, found in the auxiliary vector at start-up. */
extern unsigned long tandem_gate;
/* 1 when the image runs processes in direct mode (ring 0 / EL1, the gate a
 * call into the kernel; AT_TANDEM_DIRECT), 0 in isolation mode. */
extern int tandem_direct;

#define tandem_syscall0(nr) tandem_syscall(nr, 0, 0, 0, 0, 0, 0)
#define tandem_syscall1(nr, a) tandem_syscall(nr, (long)(a), 0, 0, 0, 0, 0)
#define tandem_syscall2(nr, a, b) tandem_syscall(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define tandem_syscall3(nr, a, b, c) \
    tandem_syscall(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define tandem_syscall4(nr, a, b, c, d) \
    tandem_syscall(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define tandem_syscall5(nr, a, b, c, d, e) \
    tandem_syscall(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* Sets errno from a negative result and returns -1, else the result. */
long tandem_result(long rc);

#endif
