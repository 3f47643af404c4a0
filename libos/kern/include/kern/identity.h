/* The kernel's identity, for uname(2) and /proc/version: the release
 * ("0.1.0"), the build ("#1 0.1.0+<commit>") and Linux's machine name
 * ("x86_64", "aarch64"), all given by the build. */
#ifndef KERN_IDENTITY_H
#define KERN_IDENTITY_H

extern const char kern_release[];
extern const char kern_version[];
extern const char kern_machine[];

#endif
