/* C start-up of every process: find argc/argv/envp/auxv on the initial
 * stack, the gate in the auxiliary vector, set up the main thread's block
 * (thread pointer, newlib state), run constructors, call main. */
#include <stdlib.h>
#include <abi/gate.h>
#include "internal.h"

#define AT_NULL   0
#define AT_PAGESZ 6
#define AT_SECURE 23

extern char **environ;
extern void __libc_init_array(void);
extern void __libc_fini_array(void);
int main(int argc, char **argv, char **envp);

unsigned long tandem_gate = GATE_ADDRESS + GATE_SYSCALL_OFFSET;
unsigned long tandem_auxv_pagesz;
unsigned long tandem_auxv_secure;      /* AT_SECURE: exec changed the ids */
int tandem_direct;

_Noreturn void __tandem_start(long *sp);

_Noreturn void __tandem_start(long *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    char **p = envp;

    while (*p)
        p++;
    for (unsigned long *aux = (unsigned long *)(p + 1); aux[0] != AT_NULL; aux += 2) {
        if (aux[0] == AT_TANDEM_GATE)
            tandem_gate = aux[1] + GATE_SYSCALL_OFFSET;
        else if (aux[0] == AT_PAGESZ)
            tandem_auxv_pagesz = aux[1];
        else if (aux[0] == AT_SECURE)
            tandem_auxv_secure = aux[1];
        else if (aux[0] == AT_TANDEM_DIRECT)
            tandem_direct = aux[1] != 0;
    }
    tandem_threads_init();
    environ = envp;
    atexit(__libc_fini_array);
    __libc_init_array();
    exit(main(argc, argv, envp));
}

/* newlib's __libc_init_array/__libc_fini_array call these (HAVE_INIT_FINI);
 * Tandem programs use .init_array/.fini_array only. */
void _init(void);
void _fini(void);
void _init(void) {}
void _fini(void) {}
