/* The process layer's front door: starting init, and what the platform's
 * trap path and the syscall layer need. Processes, their threads, fork,
 * exec, wait, signals and sessions live behind it (libos/proc). */
#ifndef PROC_PROC_H
#define PROC_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <plat/trap.h>

/* Starts path as pid 1 with argv/envp (NULL-terminated kernel arrays) and
 * stdin/stdout/stderr on console (a device path). Returns 0 or -errno. */
int proc_start_init(const char *path, char *const argv[], char *const envp[],
                    const char *console);
/* Waits until init has exited; returns the status the machine powers off
 * with (its exit code, or 128 + N when killed by signal N). */
int proc_wait_init(void);

/* The user-fault handler (kern/trap.h) that proc_start_init registers:
 * queues the fault's signal for the current thread. False when the current
 * thread has no process. */
bool proc_user_fault(struct trap_frame *tf, enum trap_kind kind, uintptr_t fault_addr);

#endif
