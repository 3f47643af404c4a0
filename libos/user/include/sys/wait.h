/* wait(2) and friends for Tandem processes: newlib's macros (Linux's status
 * encoding, abi/wait.h) plus WCONTINUED, WIFCONTINUED and wait4. */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <sys/types.h>
#include <abi/wait.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WIFEXITED(w)    ABI_W_IFEXITED(w)
#define WIFSIGNALED(w)  ABI_W_IFSIGNALED(w)
#define WIFSTOPPED(w)   ABI_W_IFSTOPPED(w)
#define WIFCONTINUED(w) ABI_W_IFCONTINUED(w)
#define WEXITSTATUS(w)  ABI_W_EXITSTATUS(w)
#define WTERMSIG(w)     ABI_W_TERMSIG(w)
#define WSTOPSIG        WEXITSTATUS
#define WCOREDUMP(w)    ABI_W_COREDUMP(w)

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
