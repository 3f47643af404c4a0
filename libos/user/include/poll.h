/* poll(2) for Tandem processes (abi/poll.h: Linux's constants). */
#ifndef _POLL_H
#define _POLL_H

#include <abi/poll.h>

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);

#endif
