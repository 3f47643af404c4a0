/* futex(2) operations (Linux's values). SYS_futex(uint32_t *addr, op, val,
 * const struct timespec *timeout):
 *   FUTEX_WAIT: if *addr == val, sleep until woken, the relative timeout
 *     (NULL: none) expires (-ETIMEDOUT) or a signal arrives (-EINTR);
 *     -EAGAIN at once when *addr != val. 0 when woken.
 *   FUTEX_WAKE: wake up to val waiters on addr; returns how many.
 * The private flag is accepted and ignored (every futex is process-private
 * in its address space; the key is the user address + the address space).
 * addr must be 4-byte aligned (-EINVAL). */
#ifndef ABI_FUTEX_H
#define ABI_FUTEX_H

#define FUTEX_WAIT         0
#define FUTEX_WAKE         1
#define FUTEX_PRIVATE_FLAG 128

#endif
