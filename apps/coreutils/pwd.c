/* pwd: prints the current working directory. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

int main(void)
{
    char buf[4096];
    cu_prog = "pwd";
    if (!getcwd(buf, sizeof buf))
        return cu_warn("getcwd");
    puts(buf);
    return fflush(stdout) == 0 ? 0 : cu_warn("write");
}
