/* sync: writes every filesystem's cached data to its disk. */
#include <unistd.h>

int main(void)
{
    sync();
    return 0;
}
