/* Who handles user mode's entries into the kernel. The platform calls
 * syscall_entry and user_return_work (plat/uspace.h), which libos/kern
 * implements by forwarding to the handlers registered here: libos/syscall
 * registers its syscall table's dispatcher, libos/proc its return work
 * (signal delivery, stops), both at boot (SUBSYS_STAGE_LINKS). Without a
 * syscall handler a syscall gets -ENOSYS; without return work, the return
 * to user mode has nothing to do. */
#ifndef KERN_USPACE_H
#define KERN_USPACE_H

#include <plat/uspace.h>

/* Called as plat/uspace.h says of syscall_entry and user_return_work. */
typedef void (*uspace_handler_fn)(struct trap_frame *tf);

/* Each sets one handler (a later call replaces it), once at boot. */
void uspace_register_syscall(uspace_handler_fn fn);
void uspace_register_return_work(uspace_handler_fn fn);
/* The leaf calls (plat/uspace.h): syscalls a direct-mode gate call may
 * answer as a function call, without a frame, a signal check or
 * interrupts: each must not block, fault, take a sleeping lock or touch
 * user memory, and must change nothing a pending signal or a stop would
 * have to see at once (getpid, gettid, the credential getters). A signal
 * that arrives meanwhile is delivered at the next interrupt's or other
 * call's return instead, as for a process running its own code. */
void uspace_register_leaf_calls(const uspace_leaf_fn *table, unsigned long count);

#endif
