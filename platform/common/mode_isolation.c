/* plat/mode.h: this image runs its processes at ring 3 / EL0. */
#include <plat/mode.h>

const bool plat_direct_mode = false;
