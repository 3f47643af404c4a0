/* newlib is built with __DYNAMIC_REENT__: its per-thread state comes from
 * __getreent(). One thread per process until pthreads arrive. */
#include <reent.h>

struct _reent *__getreent(void)
{
    return _impure_ptr;
}
