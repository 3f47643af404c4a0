/* TCP socket options (abi/socket.h). */
#ifndef _NETINET_TCP_H
#define _NETINET_TCP_H

#include <abi/socket.h>

#endif
