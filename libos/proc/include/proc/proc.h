/* The process layer's front door: starting init, and what the platform's
 * trap path and the syscall layer need. Processes, their threads, fork,
 * exec, wait, signals and sessions live behind it (libos/proc). */
#ifndef PROC_PROC_H
#define PROC_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <plat/trap.h>

/* A program linked into the kernel image (apps/embed_program.py lays it
 * out at build time): its loadable segments, ready to copy into an address
 * space, so starting it needs neither a file nor the ELF loader. */
struct embedded_segment {
    uint64_t vaddr, memsz, filesz;
    uint64_t flags;                     /* ELF p_flags: 4 read, 2 write, 1 execute */
    const void *data;                   /* filesz bytes; zeros follow up to memsz */
};

struct embedded_program {
    const char *name;
    uint64_t entry;
    uint64_t phdr_addr, phnum;          /* for AT_PHDR / AT_PHNUM (0 when not loaded) */
    uint64_t segment_count;
    const struct embedded_segment *segments;
};

/* Can processes have files: a library registered them (proc/files.h)
 * and, with the VFS, the file tree is up? kinit checks before init. */
bool proc_files_ready(void);

/* Starts pid 1 with argv/envp (NULL-terminated kernel arrays) and
 * stdin/stdout/stderr on console (a device path): the program at path, or
 * program when it is not NULL (then argv[0] is only its name). Returns 0
 * or -errno. What init execs comes from the file tree either way. */
int proc_start_init(const char *path, const struct embedded_program *program,
                    char *const argv[], char *const envp[], const char *console);
/* Waits until init has exited; returns the status the machine powers off
 * with (its exit code, or 128 + N when killed by signal N). */
int proc_wait_init(void);

/* The user-fault handler (kern/trap.h) that proc_start_init registers:
 * queues the fault's signal for the current thread. False when the current
 * thread has no process. */
bool proc_user_fault(struct trap_frame *tf, enum trap_kind kind, uintptr_t fault_addr);

#endif
