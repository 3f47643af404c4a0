/* Host stand-ins for the platform and kernel functions the pure code under
 * test calls. panic() longjmps back to the test when one is expecting it. */
#ifndef HOST_STUBS_H
#define HOST_STUBS_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

extern jmp_buf *host_panic_catch;
extern char host_panic_message[256];

#define CHECK(cond, ...)                                                \
    do {                                                                \
        if (!(cond)) {                                                  \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                               \
            fprintf(stderr, "\n");                                      \
            exit(1);                                                    \
        }                                                               \
    } while (0)

#endif
