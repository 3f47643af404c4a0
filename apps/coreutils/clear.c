/* clear: homes the cursor and clears the screen (ESC [H ESC [2J). */
#include <unistd.h>

#include "common.h"

int main(void)
{
    static const char seq[] = "\033[H\033[2J";
    cu_prog = "clear";
    if (cu_write_all(STDOUT_FILENO, seq, sizeof seq - 1) < 0)
        return cu_warn("write");
    return 0;
}
