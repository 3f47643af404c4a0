/* wait(2) and friends for Tandem processes: newlib's macros (Linux's status
 * encoding, abi/wait.h) plus WCONTINUED, WIFCONTINUED and wait4. */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <sys/types.h>
#include <abi/wait.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WIFEXITED(w)    (((w) & 0xff) == 0)
#define WIFSIGNALED(w)  (((w) & 0x7f) > 0 && (((w) & 0x7f) < 0x7f))
#define WIFSTOPPED(w)   (((w) & 0xff) == 0x7f)
#define WIFCONTINUED(w) ((w) == 0xffff)
#define WEXITSTATUS(w)  (((w) >> 8) & 0xff)
#define WTERMSIG(w)     ((w) & 0x7f)
#define WSTOPSIG        WEXITSTATUS
#define WCOREDUMP(w)    ((w) & 0x80)

struct rusage;
pid_t wait(int *);
pid_t waitpid(pid_t, int *, int);
pid_t wait3(int *, int, struct rusage *);
pid_t wait4(pid_t, int *, int, struct rusage *);
pid_t _wait(int *);

#ifdef __cplusplus
}
#endif

#endif
