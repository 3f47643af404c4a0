/* AF_UNIX addresses (abi/socket.h). */
#ifndef _SYS_UN_H
#define _SYS_UN_H

#include <sys/socket.h>

#endif
