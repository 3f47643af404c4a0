/* wait4(2) options and the status word, as Linux encodes it (newlib's
 * sys/wait.h macros decode the same encoding; it lacks WCONTINUED):
 *   exited:    (code & 0xff) << 8
 *   killed:    sig (| 0x80 for a core dump)
 *   stopped:   (sig << 8) | 0x7f
 *   continued: 0xffff */
#ifndef ABI_WAIT_H
#define ABI_WAIT_H

#define WNOHANG    1
#define WUNTRACED  2
#define WSTOPPED   WUNTRACED
#define WCONTINUED 8

#define ABI_W_EXITCODE(code, sig) (((code) & 0xff) << 8 | (sig))
#define ABI_W_STOPCODE(sig)       ((sig) << 8 | 0x7f)
#define ABI_W_CONTINUED           0xffff

#endif
