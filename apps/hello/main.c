/* hello: the first process-side program; the init of the hello image. */
#include <stdio.h>

#ifndef TANDEM_ARCH
#error "TANDEM_ARCH is set by the build"
#endif

int main(void)
{
    printf("Hello from Tandem on %s\n", TANDEM_ARCH);
    return 0;
}
