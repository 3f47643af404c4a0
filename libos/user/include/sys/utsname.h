/* uname(2) for Tandem processes (abi/utsname.h). */
#ifndef _SYS_UTSNAME_H
#define _SYS_UTSNAME_H

#include <abi/utsname.h>

int uname(struct utsname *buf);

#endif
