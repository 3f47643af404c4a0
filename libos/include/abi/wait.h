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

/* Making a status word. */
#define ABI_W_EXITCODE(code, sig) (((code) & 0xff) << 8 | (sig))
#define ABI_W_STOPPED             0x7f      /* low byte of a stop report */
#define ABI_W_STOPCODE(sig)       ((sig) << 8 | ABI_W_STOPPED)
#define ABI_W_CONTINUED           0xffff
#define ABI_W_COREFLAG            0x80      /* killed, with a core dump */

/* Reading one (the process side's WIFEXITED ... are these). */
#define ABI_W_TERMSIG(w)          ((w) & 0x7f)
#define ABI_W_EXITSTATUS(w)       (((w) >> 8) & 0xff)
#define ABI_W_IFEXITED(w)         (((w) & 0xff) == 0)
#define ABI_W_IFSIGNALED(w)       (ABI_W_TERMSIG(w) > 0 && ABI_W_TERMSIG(w) < ABI_W_STOPPED)
#define ABI_W_IFSTOPPED(w)        (((w) & 0xff) == ABI_W_STOPPED)
#define ABI_W_IFCONTINUED(w)      ((w) == ABI_W_CONTINUED)
#define ABI_W_COREDUMP(w)         ((w) & ABI_W_COREFLAG)

#endif
