/* plat/mode.h: this image runs its processes at ring 0 / EL1 (direct mode). */
#include <plat/mode.h>

const bool plat_direct_mode = true;
