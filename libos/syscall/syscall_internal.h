/* Private to libos/syscall: the handler signature and the helpers every
 * handler uses to reach user memory. */
#ifndef SYSCALL_INTERNAL_H
#define SYSCALL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mm/vm.h>
#include <plat/uaccess.h>
#include <plat/uspace.h>

/* A handler gets the frame (fork, execve, sigreturn need it) and the six
 * argument registers. */
typedef long (*syscall_fn)(struct trap_frame *tf, const unsigned long *a);

/* Defines (or declares) the handler of a call. Most handlers need only a
 * few of the arguments, and few the frame: both are marked unused. */
#define SYS_DEFINE(name)                                                    \
    long sys_##name(struct trap_frame *tf __attribute__((unused)),          \
                    const unsigned long *a __attribute__((unused)))

/* True when a user buffer of len bytes at addr is mapped with prot (so an
 * output can be produced before it is copied out). */
bool user_range_ok(uintptr_t addr, size_t len, unsigned prot);
/* Copies a user path into a kmalloc'd PATH_MAX buffer (*out, kfree it). */
long user_path(const char *upath, char **out);

/* Installs the handler of an abi/syscalls.def call marked
 * SYSCALL_OPTIONAL or SYSCALL_FILE; at boot, from the optional library's
 * registration. A number registered twice panics. */
void syscall_register(unsigned nr, syscall_fn fn);

/* Every handler of abi/syscalls.def (each in the sys_*.c of its group). */
#define SYSCALL(nr, name, flags) SYS_DEFINE(name);
#include <abi/syscalls.def>

#endif
