/* h_errno for the guest (gethostbyname's error). One variable for the
 * process: glibc's is per thread, ours is as POSIX first had it. The host
 * build of libos/user/net uses glibc's instead. */
#include <netdb.h>

int h_errno;
