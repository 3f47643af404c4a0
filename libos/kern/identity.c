/* The kernel's identity (kern/identity.h): uname(2) reports it with or
 * without a file tree, /proc/version too where there is one. */
#include <kern/identity.h>
#include "version.h"

const char kern_release[] = TANDEM_RELEASE;
const char kern_version[] = "#1 " TANDEM_VERSION;
const char kern_machine[] = TANDEM_MACHINE;
