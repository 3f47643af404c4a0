/* The image's mode (ARCHITECTURE.md 2, docs/direct-mode.md). Isolation:
 * processes run at ring 3 / EL0 and the gate traps (syscall / svc).
 * Direct: processes run at ring 0 / EL1 (arm64: EL1t, on SP_EL0) and the
 * gate is a plain call into the kernel's entry, which moves to the
 * thread's kernel stack. Processes keep their own lower-half address
 * spaces either way; direct mode gives up the protection of the kernel
 * from process code.
 *
 * Every image links exactly one definition: platform/common/mode_isolation.c
 * or mode_direct.c (images/meson.build says which). */
#ifndef PLAT_MODE_H
#define PLAT_MODE_H

#include <stdbool.h>

extern const bool plat_direct_mode;

#endif
